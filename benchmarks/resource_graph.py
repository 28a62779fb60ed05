"""Listing a 1,000-subscription estate through Azure Resource Graph, against ARM list calls.

    python benchmarks/resource_graph.py [--subscriptions 1000] [--galleries 1] [--images 4]
        [--versions 10] [--networks 2] [--latency-ms 50] [--arm-sample 20] [--concurrency 8]

A probe of the sandbox path, not of the console's refresh: the sandbox serves a generated
estate (default 1,000 subscriptions x 1 gallery x 4 images x 10 versions = 40,000 versions,
plus 2 virtual networks per subscription) in its own process, with the latency added to
every call and ARM's and Resource Graph's throttling on. One principal, ``sp-reader-all``,
reads every subscription.

- Resource Graph: the console's two queries (the combined gallery query and the virtual
  network query of azure_sandbox/README.md) over all subscriptions, in batches of at most
  1,000, every page followed with its skip token, through the real ResourceGraphClient.
  The probe paces itself on ``x-ms-user-quota-remaining`` / ``-resets-after``; a 429 that
  still happens is waited out by the SDK (Retry-After) and counted.
- ARM: the walk a refresh does (resource groups, galleries, images per gallery, versions per
  image, virtual networks) for a sample of subscriptions, ``--concurrency`` subscriptions at a
  time, with the real clients; calls and time are extrapolated to the whole estate.

Printed: calls, wall time, rows, this process's and the sandbox's peak memory, and the
rate-limit bound: the least time the throttling permits for those calls. For Resource
Graph that is (windows - 1) x 5 s for ceil(calls / 15) windows of its per-user quota.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from azure.core.rest import HttpRequest
from azure.identity import ClientSecretCredential
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

ROOT = Path(__file__).resolve().parent.parent
QUOTA_QUERIES, QUOTA_WINDOW_SECONDS = 15, 5  # the sandbox's (and Resource Graph's) default
ARM_READS_BURST, ARM_READS_PER_SECOND = 250, 25
SUBSCRIPTIONS_PER_QUERY = 1000
GRAPH_API_VERSION = "2021-03-01"  # what azure-mgmt-resourcegraph 8.0.1 sends

INVENTORY_QUERY = """resources
| where type in~ ('microsoft.compute/galleries', 'microsoft.compute/galleries/images',
                  'microsoft.compute/galleries/images/versions')
| project id, name, type, subscriptionId, resourceGroup, location, tags, properties
| order by id asc"""
NETWORK_QUERY = """resources
| where type =~ 'microsoft.network/virtualnetworks'
| project id, name, type, subscriptionId, resourceGroup, location, tags, properties
| order by id asc"""


def start_sandbox(args: argparse.Namespace, state_dir: Path) -> tuple[subprocess.Popen[str], dict]:
    command = [
        *(sys.executable, "-m", "azure_sandbox", "serve", "--port", "0"),
        *("--state-dir", str(state_dir), "--generate"),
        *("--subscriptions", str(args.subscriptions), "--galleries", str(args.galleries)),
        *("--images", str(args.images), "--versions", str(args.versions)),
        *("--networks", str(args.networks), "--latency-ms", str(args.latency_ms)),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    ready = process.stdout.readline()
    if "listening on" not in ready:
        raise SystemExit(f"The sandbox did not start: {ready!r}")
    return process, json.loads((state_dir / "connection.json").read_text())


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def control(connection: dict) -> httpx.Client:
    """The sandbox's control API (its request log), not Azure."""
    return httpx.Client(verify=ssl.create_default_context(cafile=connection["ca_file"]))


def sandbox_calls(connection: dict, resource_graph: bool) -> dict[str, int]:
    """Resource Graph (or ARM) calls the sandbox answered, by status, from its request log."""
    with control(connection) as http:
        entries = http.get(f"{connection['control_url']}/requests?limit=100000").json()
    statuses: dict[str, int] = {}
    for entry in entries:
        route = entry["route"]
        if route.startswith("identity.") or (route == "resource_graph.resources") != resource_graph:
            continue
        statuses[str(entry["status"])] = statuses.get(str(entry["status"]), 0) + 1
    return statuses


def clear_log(connection: dict) -> None:
    with control(connection) as http:
        http.delete(f"{connection['control_url']}/requests")


def credential(connection: dict) -> ClientSecretCredential:
    reader = next(p for p in connection["principals"] if p["name"] == "sp-reader-all")
    return ClientSecretCredential(
        reader["tenant_id"],
        reader["client_id"],
        reader["client_secret"],
        authority=connection["authority_host"],
        disable_instance_discovery=True,
        connection_verify=connection["ca_file"],
    )


def client_kwargs(connection: dict) -> dict[str, Any]:
    return {"base_url": connection["arm_base_url"], "connection_verify": connection["ca_file"]}


class QuotaPacer:
    """Waits, before a query, until the user quota the last answer reported has reset."""

    def __init__(self) -> None:
        self.remaining: int | None = None
        self.resets_at = 0.0
        self.waited = 0.0

    def hook(self, response: Any) -> None:
        headers = response.http_response.headers
        if "x-ms-user-quota-remaining" in headers:
            self.remaining = int(headers["x-ms-user-quota-remaining"])
            hours, minutes, seconds = headers["x-ms-user-quota-resets-after"].split(":")
            self.resets_at = time.monotonic() + int(hours) * 3600 + int(minutes) * 60 + int(seconds)

    def before_query(self) -> None:
        if self.remaining == 0:
            pause = max(0.0, self.resets_at - time.monotonic())
            time.sleep(pause)
            self.waited += pause
            self.remaining = None


def list_with_resource_graph(
    client: ResourceGraphClient,
    query: str,
    subscriptions: list[str],
    pacer: QuotaPacer,
    raw: bool,
) -> tuple[list[tuple[str, str]], int]:
    """Every row of ``query``, kept as (id, type) as a refresh writing page by page would.

    ``raw``: through the same client's pipeline (credential, retries, hooks) with
    ``_send_request``, reading the JSON, instead of ``resources()`` and its models.
    """
    rows: list[tuple[str, str]] = []
    answers = 0
    for start in range(0, len(subscriptions), SUBSCRIPTIONS_PER_QUERY):
        batch = subscriptions[start : start + SUBSCRIPTIONS_PER_QUERY]
        token = None
        while True:
            pacer.before_query()
            if raw:
                options: dict[str, Any] = {"$top": 1000, "resultFormat": "objectArray"}
                if token:
                    options["$skipToken"] = token
                # The client's documented raw call in 8.0.1 (later generators name it send_request).
                response = client._send_request(
                    HttpRequest(
                        "POST",
                        "/providers/Microsoft.ResourceGraph/resources",
                        params={"api-version": GRAPH_API_VERSION},
                        json={"subscriptions": batch, "query": query, "options": options},
                    ),
                    raw_response_hook=pacer.hook,
                )
                response.raise_for_status()
                answer = response.json()
                data, token = answer["data"], answer.get("$skipToken")
            else:
                model = client.resources(
                    QueryRequest(
                        subscriptions=batch,
                        query=query,
                        options=QueryRequestOptions(
                            top=1000, skip_token=token, result_format="objectArray"
                        ),
                    ),
                    raw_response_hook=pacer.hook,
                )
                data, token = model.data, model.skip_token
            answers += 1
            rows += [(row["id"], row["type"]) for row in data]
            if not token:
                break
    return rows, answers


@dataclass
class GraphPass:
    label: str
    queries: dict[str, tuple[int, int, float]]  # query -> rows, answers, seconds
    seconds: float
    calls: dict[str, int]  # by status
    waited: float
    peak_rss_mb: float

    @property
    def answered(self) -> int:
        return self.calls.get("200", 0)


def graph_pass(connection: dict, subscriptions: list[str], raw: bool) -> GraphPass:
    client = ResourceGraphClient(credential(connection), **client_kwargs(connection))
    pacer = QuotaPacer()
    queries = {}
    started = time.monotonic()
    for label, query in (
        ("galleries, images, versions", INVENTORY_QUERY),
        ("virtual networks", NETWORK_QUERY),
    ):
        query_started = time.monotonic()
        rows, answers = list_with_resource_graph(client, query, subscriptions, pacer, raw)
        queries[label] = (len(rows), answers, time.monotonic() - query_started)
    seconds = time.monotonic() - started
    calls = sandbox_calls(connection, resource_graph=True)
    clear_log(connection)
    return GraphPass(
        "_send_request() + JSON" if raw else "resources() (SDK models)",
        queries,
        seconds,
        calls,
        pacer.waited,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def walk_with_arm(connection: dict, subscription_id: str) -> int:
    """What a refresh lists through ARM for one subscription; returns the items seen."""
    cred = credential(connection)
    kwargs = client_kwargs(connection)
    resources = ResourceManagementClient(cred, subscription_id, **kwargs)
    compute = ComputeManagementClient(cred, subscription_id, **kwargs)
    network = NetworkManagementClient(cred, subscription_id, **kwargs)
    items = len(list(resources.resource_groups.list()))
    for gallery in compute.galleries.list():
        items += 1
        group = gallery.id.split("/")[4]
        for image in compute.gallery_images.list_by_gallery(group, gallery.name):
            items += 1
            items += len(
                list(
                    compute.gallery_image_versions.list_by_gallery_image(
                        group, gallery.name, image.name
                    )
                )
            )
    items += len(list(network.virtual_networks.list_all()))
    return items


def graph_bound(calls: int) -> float:
    windows = math.ceil(calls / QUOTA_QUERIES)
    return max(0, windows - 1) * QUOTA_WINDOW_SECONDS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--galleries", type=int, default=1, help="per subscription")
    parser.add_argument("--images", type=int, default=4, help="per gallery")
    parser.add_argument("--versions", type=int, default=10, help="per image")
    parser.add_argument("--networks", type=int, default=2, help="per subscription")
    parser.add_argument("--latency-ms", type=float, default=50, help="added to every call")
    parser.add_argument("--arm-sample", type=int, default=20, help="subscriptions walked by ARM")
    parser.add_argument("--concurrency", type=int, default=8, help="ARM subscriptions at a time")
    args = parser.parse_args()
    # Extrapolating the sample's wall time assumes the walk ran as parallel as it would in full.
    args.concurrency = max(1, min(args.concurrency, args.arm_sample))

    with tempfile.TemporaryDirectory(prefix="bench-graph-") as tmp:
        started = time.monotonic()
        process, connection = start_sandbox(args, Path(tmp) / "state")
        startup = time.monotonic() - started
        try:
            subscriptions = [s["id"] for s in connection["subscriptions"]]
            credential(connection).get_token("https://management.azure.com/.default")

            passes = [graph_pass(connection, subscriptions, raw) for raw in (False, True)]
            if passes[0].answered >= QUOTA_QUERIES:
                time.sleep(QUOTA_WINDOW_SECONDS)  # a fresh quota window for the next pass

            sample = subscriptions[: args.arm_sample]
            started = time.monotonic()
            with ThreadPoolExecutor(args.concurrency) as pool:
                arm_items = sum(pool.map(walk_with_arm, [connection] * len(sample), sample))
            arm_seconds = time.monotonic() - started
            arm_calls = sandbox_calls(connection, resource_graph=False)
            sandbox_rss = peak_rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)

    print(
        f"Estate: {args.subscriptions} subscriptions x {args.galleries} gallery x {args.images} "
        f"images x {args.versions} versions + {args.networks} virtual networks each; "
        f"{args.latency_ms:g} ms added per call; sandbox up in {startup:.1f} s"
    )
    print("Resource Graph (one principal, batches of <= 1,000 subscriptions, 1,000 rows a page):")
    for graph in passes:
        print(f"  through {graph.label}:")
        for label, (rows, answers, seconds) in graph.queries.items():
            print(f"    {label:28s} {rows:7d} rows  {answers:4d} queries  {seconds:7.2f} s")
        total_rows = sum(rows for rows, _, _ in graph.queries.values())
        bound = graph_bound(graph.answered)
        ratio = f"{graph.seconds / bound:.2f} x" if bound else "n/a"
        print(
            f"    {'total':28s} {total_rows:7d} rows  {sum(graph.calls.values()):4d} calls "
            f"({graph.answered} answered, {graph.calls.get('429', 0)} throttled)  "
            f"{graph.seconds:7.2f} s"
        )
        print(
            f"    rate-limit bound {bound:7.2f} s = ({math.ceil(graph.answered / QUOTA_QUERIES)} "
            f"windows - 1) x {QUOTA_WINDOW_SECONDS} s at {QUOTA_QUERIES} queries a window; "
            f"wall / bound {ratio}; paced {graph.waited:.2f} s on the quota headers"
        )
        print(f"    peak RSS of this process so far: {graph.peak_rss_mb:.1f} MB")

    scale = args.subscriptions / len(sample)
    arm_total = sum(arm_calls.values())
    per_subscription = arm_total / len(sample)
    arm_bound = max(0.0, (per_subscription - ARM_READS_BURST) / ARM_READS_PER_SECOND)
    latency_bound = arm_total * scale * args.latency_ms / 1000 / args.concurrency
    print(
        f"ARM list calls ({len(sample)} subscriptions walked, {args.concurrency} at a time, "
        "extrapolated):"
    )
    print(
        f"  sample                       {arm_items:7d} items {arm_total:5d} calls  "
        f"{arm_seconds:7.2f} s  (statuses {arm_calls})"
    )
    print(
        f"  {args.subscriptions} subscriptions           {arm_items * scale:9.0f} items "
        f"{arm_total * scale:7.0f} calls  {arm_seconds * scale:7.2f} s"
    )
    print(
        f"  rate-limit bound             {arm_bound:7.2f} s  ({per_subscription:.0f} reads per "
        f"subscription fit its {ARM_READS_BURST}-read burst; each subscription has its own "
        f"bucket); latency bound {latency_bound:.2f} s = calls x latency / {args.concurrency}"
    )
    print(
        f"Resource Graph vs ARM: {arm_total * scale / max(1, passes[0].answered):.0f} x fewer "
        f"calls, {arm_seconds * scale / passes[0].seconds:.1f} x less wall time (SDK models), "
        f"{arm_seconds * scale / passes[1].seconds:.1f} x (_send_request)"
    )
    print(f"Sandbox peak RSS: {sandbox_rss:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

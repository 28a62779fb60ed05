"""Throughput of the Azure sandbox for paged list requests over keep-alive HTTPS.

    python benchmarks/sandbox.py [--seconds 10] [--processes 4] [--threads 16] [--latency-ms 0]

Starts ``python -m azure_sandbox serve`` as its own process (no latency, throttling off)
so client and server don't share a GIL, then fires ``gallery_image_versions`` list
requests from processes x threads, each thread holding one keep-alive connection.
Prints requests/s, p50/p99 latency and the ratio to the 1000 req/s goal.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from azure_sandbox import generate_world  # noqa: E402

GOAL_REQUESTS_PER_SECOND = 1000
GOAL_GENERATOR_SECONDS = 10  # the 40,000-version estate of benchmarks/refresh.py


def _version_list_urls(connection: dict, world_file: Path) -> list[str]:
    world = json.loads(world_file.read_text())
    base = connection["arm_base_url"]
    urls = []
    for sub in world["subscriptions"]:
        for group in sub["resource_groups"]:
            for gallery in group["galleries"]:
                for image in gallery["images"]:
                    urls.append(
                        f"{base}/subscriptions/{sub['id']}/resourceGroups/{group['name']}"
                        f"/providers/Microsoft.Compute/galleries/{gallery['name']}"
                        f"/images/{image['name']}/versions?api-version=2026-03-03"
                    )
    return urls


def _token(connection: dict) -> str:
    principal = connection["principals"][0]
    context = ssl.create_default_context(cafile=connection["ca_file"])
    response = httpx.post(
        f"{connection['authority_host']}/{principal['tenant_id']}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": principal["client_id"],
            "client_secret": principal["client_secret"],
            "scope": "https://management.azure.com/.default",
        },
        verify=context,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to tell server cost from client cost."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _client_process(
    connection: dict, urls: list[str], token: str, threads: int, seconds: float, offset: int
) -> tuple[list[float], int]:
    """Runs in a child process: ``threads`` keep-alive clients for ``seconds``."""
    context = ssl.create_default_context(cafile=connection["ca_file"])
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads

    def worker(index: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        position = offset + index
        with httpx.Client(verify=context, headers=headers) as client:
            while time.monotonic() < deadline:
                url = urls[position % len(urls)]
                position += threads
                started = time.perf_counter()
                response = client.get(url)
                latencies[index].append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors[index] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return [x for per_thread in latencies for x in per_thread], sum(errors)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16, help="per process")
    parser.add_argument("--page-size", type=int, default=20)
    parser.add_argument(
        "--latency-ms", type=float, default=0, help="world latency per ARM call (default: none)"
    )
    args = parser.parse_args()

    started = time.monotonic()
    estate = generate_world(seed=7, page_size=50, latency_ms=50)
    generated = time.monotonic() - started
    print(
        f"world generator: {estate.counts()['versions']:,} versions in {generated:.1f} s "
        f"({generated / GOAL_GENERATOR_SECONDS:.2f}x the {GOAL_GENERATOR_SECONDS} s goal)"
    )
    del estate

    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        state_dir, world_file = Path(tmp) / "state", Path(tmp) / "world.json"
        world = generate_world(
            subscriptions=2,
            galleries_per_subscription=2,
            images_per_gallery=10,
            versions_per_image=20,
            page_size=args.page_size,
            latency_ms=args.latency_ms,
            throttling=False,
        )
        world.save(world_file)
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "azure_sandbox", "serve", "--port", "0"),
                *("--state-dir", str(state_dir), "--world", str(world_file)),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            print(server.stdout.readline().strip())
            connection = json.loads((state_dir / "connection.json").read_text())
            urls = _version_list_urls(connection, world_file)
            token = _token(connection)
            jobs = [
                (connection, urls, token, args.threads, args.seconds, i * args.threads)
                for i in range(args.processes)
            ]
            server_cpu_before = _cpu_seconds(server.pid)
            started = time.monotonic()
            with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
                results = pool.starmap(_client_process, jobs)
            elapsed = time.monotonic() - started
            server_cpu = _cpu_seconds(server.pid) - server_cpu_before
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)

    latencies = sorted(x for result, _ in results for x in result)
    errors = sum(errors for _, errors in results)
    rate = len(latencies) / args.seconds
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"clients: {args.processes} processes x {args.threads} threads (keep-alive), "
        f"page size {args.page_size}, latency {args.latency_ms:.0f} ms, {args.seconds:.0f} s "
        f"(wall {elapsed:.1f} s incl. start-up)"
    )
    print(f"requests: {len(latencies)}  errors: {errors}")
    print(
        f"throughput: {rate:.0f} requests/s "
        f"({rate / GOAL_REQUESTS_PER_SECOND:.2f}x the {GOAL_REQUESTS_PER_SECOND} req/s goal)"
    )
    print(f"latency: p50 {quantiles[49] * 1000:.1f} ms  p99 {quantiles[98] * 1000:.1f} ms")
    per_request_us = server_cpu / len(latencies) * 1e6
    print(
        f"server CPU: {per_request_us:.0f} us/request -> about {1e6 / per_request_us:.0f} "
        f"requests/s per fully used core (this machine has {os.cpu_count()} CPUs, shared with "
        "the clients)"
    )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

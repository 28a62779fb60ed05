"""Wall time of a full inventory refresh against a large sandbox world with ARM-like latency.

    python benchmarks/refresh.py [--subscriptions 20] [--latency-ms 50] [--sequential-sample 2]
                                 [--database sqlite|postgres]

World: 20 subscriptions x 5 galleries x 20 images x 20 versions (40,000 versions), 50 ms added
to every ARM call, served by the Azure sandbox in a subprocess (so its work does not share this
process's interpreter). Django runs on a database of its own, created empty for the run and
dropped after it (`inventory_world.fresh_database_url`): a SQLite file, or with `--database
postgres` (the default when DATABASE_URL names PostgreSQL) a PostgreSQL database named
`<BENCHMARK_DATABASE_PREFIX>_refresh` on BENCHMARK_POSTGRES_SERVER. DATABASE_URL's own database
is never touched, nor REDIS_URL's Redis (BENCHMARK_REDIS_URL's is used if set).

Printed: the project's full refresh wall time; a plain sequential walk with the same SDK
(measured on a sample of subscriptions and extrapolated, as the full walk takes minutes);
their ratio (goal >= 20x); the ratios to two bounds, each calls x latency / concurrency +
depth x latency; the apply phase for the 40,000 versions; rows written by an unchanged
re-refresh (goal 0); this process's peak RSS. Django runs as a deployment does (DEBUG off).

The two bounds. The goal "<= 2x the rate-limit bound" was set (issue 16) against the ARM
walk, whose list calls for this world (a gallery and a network list per subscription, an image
list per gallery, a version list per image: 2,140) at 32 in flight take 3.5 s of latency
alone: that is the bound the goal is read against, since it is what the issue's author
measured (3.5-3.7x) and the time a user waited for the same inventory. The path actually used
(Resource Graph by default, `--arm` for ARM) has its own bound, printed too: for Resource
Graph it counts 60 page requests (0.24 s) and ignores the 40,000 rows that must still be
written, so its ratio stays far above 2x however cheap the apply; it is printed so that
nobody mistakes the ARM-bound ratio for "near the network floor".
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
INVENTORY_TABLES = (
    "galleries_resourcegroup",
    "galleries_gallery",
    "galleries_galleryimage",
    "galleries_imageversion",
    "galleries_versionregion",
)
TREE_DEPTH = 3  # galleries -> images -> versions
DATABASE_LABEL = "refresh"
ARM_CALLS_PER_SUBSCRIPTION = 2  # its gallery list and its virtual network list


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _process_cpu(pid: int) -> float:
    """CPU seconds used so far by another process (Linux /proc), or 0 if unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def setup_django(database_url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    # As a worker runs: DEBUG off (no query log), so throwaway keys.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    os.environ["DATABASE_URL"] = database_url
    # Nor the developer's Redis: BENCHMARK_REDIS_URL's, or none (the local memory cache).
    os.environ.pop("REDIS_URL", None)
    if os.environ.get("BENCHMARK_REDIS_URL"):
        os.environ["REDIS_URL"] = os.environ["BENCHMARK_REDIS_URL"]
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The benchmark's own sandbox listens on 127.0.0.1.
    os.environ.setdefault("AZURE_ALLOWED_CUSTOM_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate_world_file(workdir: Path, args: argparse.Namespace) -> None:
    world_file = workdir / "world.json"
    generate = (
        "import sys; from azure_sandbox.worldgen_large import generate_world; "
        "generate_world(subscriptions=int(sys.argv[1]), galleries_per_subscription=5, "
        "images_per_gallery=20, versions_per_image=20, latency_ms=float(sys.argv[2]))"
        ".save(sys.argv[3])"
    )
    subprocess.run(
        [sys.executable, "-c", generate, str(args.subscriptions), str(args.latency_ms), world_file],
        cwd=ROOT,
        check=True,
    )


def start_sandbox(workdir: Path) -> tuple[subprocess.Popen[str], dict]:
    world_file = workdir / "world.json"
    state = workdir / "sandbox"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "azure_sandbox", "serve", "--port", "0"),
            *("--state-dir", str(state), "--world", str(world_file)),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (state / "connection.json").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(
                f"The sandbox did not start:\n{process.stdout.read() if process.stdout else ''}"
            )
        time.sleep(0.1)
    time.sleep(0.2)
    return process, json.loads((state / "connection.json").read_text())


def connect_all(info: dict[str, Any]) -> list[Any]:
    from console.models import Organization
    from galleries.demo import sandbox_connections
    from galleries.subscriptions.services import connect_subscription

    organization = Organization.objects.create(name="Benchmark")
    subscriptions = []
    for sub, connection in sandbox_connections(info):
        subscriptions.append(
            connect_subscription(
                organization=organization,
                actor=None,
                display_name=sub["display_name"],
                connection=connection,
                refresh=False,
            )
        )
    return subscriptions


def sequential_walk(subscription: Any) -> int:
    """The naive walk: one call after another with the same SDK and client factory."""
    from galleries.azure.clients import clients_for

    clients = clients_for(subscription)
    compute = clients.compute
    calls = 1  # the gallery list (one page)
    try:
        for gallery in compute.galleries.list():
            rg = gallery.id.split("/")[4]
            calls += 1
            for image in compute.gallery_images.list_by_gallery(rg, gallery.name):
                versions = compute.gallery_image_versions.list_by_gallery_image
                list(versions(rg, gallery.name, image.name))
                calls += 1
    finally:
        clients.close()
    return calls


def rows_written_by(refresh: Any) -> tuple[int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = refresh()
    writes = [
        q
        for q in captured.captured_queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and any(table in q["sql"] for table in INVENTORY_TABLES)
    ]
    return len(writes), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--sequential-sample", type=int, default=2)
    parser.add_argument(
        "--processes",
        action="store_true",
        help="list in forked processes, apply in this one (default: threads of one process)",
    )
    parser.add_argument(
        "--arm",
        action="store_true",
        help="list through ARM list calls (default: Resource Graph, as a full refresh does)",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="postgres"
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else "sqlite",
        help="a fresh database of this kind, dropped after the run (default: DATABASE_URL's kind)",
    )
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workdir is None:
        # The world is generated by a child, and the measuring runs in a fresh process, so
        # neither the world's objects nor that child count in the figures (RSS, CPU).
        workdir = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
        try:
            generate_world_file(workdir, args)
            command = [
                *(sys.executable, __file__, *sys.argv[1:]),
                *("--database", args.database, "--workdir", str(workdir)),
            ]
            code = subprocess.run(command, check=False).returncode
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        raise SystemExit(code)
    from inventory_world import drop_database, fresh_database_url

    setup_django(fresh_database_url(args.database, DATABASE_LABEL))
    try:
        measure(args, args.workdir)
    finally:
        drop_database(args.database, DATABASE_LABEL)


def measure(args: argparse.Namespace, workdir: Path) -> None:
    from django.conf import settings

    from galleries.models import Gallery, GalleryImage, ImageVersion
    from galleries.refresh.batch import refresh_subscriptions
    from galleries.refresh.runs import refresh_now

    process, info = start_sandbox(workdir)
    try:
        subscriptions = connect_all(info)
        per_sub = getattr(settings, "INVENTORY_REFRESH_CONCURRENCY", 8)
        parallel = getattr(settings, "INVENTORY_REFRESH_PARALLEL_SUBSCRIPTIONS", 4)
        use_processes = args.processes

        started = time.monotonic()
        cpu_before, sandbox_before = _cpu(), _process_cpu(process.pid)
        runs = refresh_subscriptions(
            subscriptions, processes=use_processes, through_graph=not args.arm
        )
        full_seconds = time.monotonic() - started
        applier_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # Only the listing processes have ended (and been waited for) so far.
        lister_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        refresh_cpu = _cpu() - cpu_before
        sandbox_cpu = _process_cpu(process.pid) - sandbox_before
        statuses = {r.status for r in runs}
        calls = sum(r.api_calls for r in runs)
        versions = ImageVersion.objects.filter(deleted_at=None).count()
        arm_calls = (
            ARM_CALLS_PER_SUBSCRIPTION * len(subscriptions)
            + Gallery.objects.filter(deleted_at=None).count()  # an image list each
            + GalleryImage.objects.filter(deleted_at=None).count()  # a version list each
        )
        apply_total = sum(r.apply_seconds or 0 for r in runs)
        apply_max = max(r.apply_seconds or 0 for r in runs)
        collect_max = max(r.collect_seconds or 0 for r in runs)

        latency = args.latency_ms / 1000
        concurrency = per_sub * min(parallel, len(subscriptions))
        bound = calls * latency / concurrency + TREE_DEPTH * latency
        arm_bound = arm_calls * latency / concurrency + TREE_DEPTH * latency

        sample = subscriptions[: max(1, args.sequential_sample)]
        started = time.monotonic()
        sample_calls = sum(sequential_walk(s) for s in sample)
        sample_seconds = time.monotonic() - started
        sequential_seconds = sample_seconds * len(subscriptions) / len(sample)

        again = (
            (lambda: [refresh_now(s) for s in subscriptions])
            if args.arm
            else (lambda: refresh_subscriptions(subscriptions, through_graph=True))
        )
        written, reruns = rows_written_by(again)
        rerun_statuses = {r.status for r in reruns}
    finally:
        process.terminate()
        process.wait(timeout=10)

    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    print(f"Database: {engine} {database['NAME']} (fresh, dropped after the run)")
    print(f"World: {len(subscriptions)} subscriptions x 5 galleries x 20 images x 20 versions")
    print(f"       = {versions} versions cached; {args.latency_ms:g} ms added per ARM call")
    where = "forked processes" if use_processes else "threads of one process"
    print(
        f"Concurrency: {parallel} subscriptions at a time ({where}) x {per_sub} calls each "
        f"= {concurrency} calls in flight"
    )
    print(
        f"Full refresh (project):     {full_seconds:8.2f} s  "
        f"({calls} HTTP calls, runs {sorted(statuses)})"
    )
    print(
        f"Sequential walk (same SDK): {sequential_seconds:8.2f} s  extrapolated from "
        f"{len(sample)} of {len(subscriptions)} subscriptions "
        f"({sample_calls} calls in {sample_seconds:.2f} s)"
    )
    print(
        f"Speed-up:                   {sequential_seconds / full_seconds:8.1f} x   (goal >= 20 x)"
    )
    path = "ARM" if args.arm else "Resource Graph"
    print(
        f"Bound, ARM walk:            {arm_bound:8.2f} s  = {arm_calls} calls x {latency:g} s "
        f"/ {concurrency} + {TREE_DEPTH} x {latency:g} s  (the goal's bound)"
    )
    print(f"Ratio to the ARM bound:     {full_seconds / arm_bound:8.2f} x   (goal <= 2 x)")
    print(
        f"Bound, path used ({path}): {bound:6.2f} s  = {calls} calls x {latency:g} s "
        f"/ {concurrency} + {TREE_DEPTH} x {latency:g} s  (latency only, no rows written)"
    )
    print(f"Ratio to the path's bound:  {full_seconds / bound:8.2f} x")
    print(
        f"Apply phase:                {apply_total:8.2f} s  for all {versions} versions, summed "
        f"over the runs (slowest {apply_max:.2f} s; slowest listing {collect_max:.2f} s)"
    )
    print(
        f"Unchanged re-refresh wrote: {written:8d} statements to inventory tables "
        f"(goal 0; runs {sorted(rerun_statuses)})"
    )
    print(
        f"CPU during the full refresh: {refresh_cpu:.1f} s in the refresh, {sandbox_cpu:.1f} s "
        f"in the sandbox server; {os.cpu_count()} CPUs, so at least "
        f"{(refresh_cpu + sandbox_cpu) / (os.cpu_count() or 1):.1f} s of wall time"
    )
    print(f"Peak RSS, applying process: {applier_rss_mb:8.1f} MB")
    if use_processes:
        print(f"Peak RSS, listing process:  {lister_rss_mb:8.1f} MB  (largest)")


if __name__ == "__main__":
    main()

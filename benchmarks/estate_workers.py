"""A full refresh of a 1,000-subscription estate, fanned out over Celery worker processes.

    [BENCHMARK_REDIS_URL=redis://127.0.0.1:6379/N] python benchmarks/estate_workers.py
        [--subscriptions 1000] [--workers 1,2,4]
        [--linear-sizes 250] [--galleries 1] [--images 4] [--versions 10] [--latency-ms 50]
        [--chunk 10]

The sandbox (its own process) serves a generated estate (azure_sandbox/worldgen_large.py: default
1,000 subscriptions x 1 gallery x 4 images x 10 versions = 40,000 versions, each subscription
with its own principal) with the latency added to every call. The console's subscriptions
are connected to it; then, for each worker count, the cached inventory is emptied, `celery
worker --concurrency N` is started (prefork: N processes, Redis broker), and the beat's path
runs: `fan_out_full_refresh` requests every run and sends them in chunks to the workers,
which list their chunk through Resource Graph and apply it. The time is from the fan-out to
the last run's end.

Printed per worker count: wall time, runs by status, calls (Resource Graph queries and any
ARM fallbacks), peak memory of the worker processes (sum of their peak RSS), and the ratio to
the bound: (calls + one sign-in per principal) x latency / (workers x
INVENTORY_REFRESH_PARALLEL_SUBSCRIPTIONS calls in flight), the least time those calls take at
that concurrency (each principal's Resource Graph quota, 15 queries per 5 s, is not reached:
one query per subscription). With
`--linear-sizes`, the same refresh of the first K subscriptions (most workers) shows how time
grows with subscriptions.

It runs on a PostgreSQL database of its own (`inventory_world.fresh_database_url`, dropped
after), and its broker is BENCHMARK_REDIS_URL (default Redis database 15, whose queue it
purges between passes): the developer's DATABASE_URL and REDIS_URL are never touched.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from inventory_world import drop_database, fresh_database_url  # noqa: E402
from refresh import connect_all, setup_django  # noqa: E402
from resource_graph import start_sandbox  # noqa: E402

DATABASE_LABEL = "estate"


def _peak_rss_mb(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def _worker_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    try:
        return [parent, *map(int, children.read_text().split())]
    except OSError:
        return [parent]


def start_workers(count: int, workdir: Path) -> subprocess.Popen[str]:
    log = (workdir / f"worker-{count}.log").open("w")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "console", "worker", "--pool", "prefork"),
            *("--concurrency", str(count), "--loglevel", "WARNING", "--without-gossip"),
            *("--without-mingle", "--without-heartbeat", "-n", f"bench-{os.getpid()}@%h"),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while len(_worker_pids(process.pid)) < count + 1:
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The worker did not start; see {log.name}")
        time.sleep(0.2)
    time.sleep(1.0)  # the pool's processes connect to the broker
    return process


def stop_workers(process: subprocess.Popen[str]) -> None:
    """Cold shutdown (the follow-up tasks a refresh queues are not waited for), and an empty
    queue for the next pass."""
    from console.celery import app

    pids = _worker_pids(process.pid)
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    for pid in pids[1:]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    app.control.purge()


def empty_inventory() -> None:
    from galleries.models import Gallery, RefreshRun, ResourceGroup

    RefreshRun.objects.all().delete()
    Gallery.objects.all().delete()  # its images, versions and regions go with it
    ResourceGroup.objects.all().delete()


def one_pass(subscriptions: list[Any], workers: int, workdir: Path) -> dict[str, Any]:
    from django.db.models import Count, Max, Min, Sum

    from galleries.models import RefreshRun
    from galleries.refresh.tasks import fan_out_full_refresh

    empty_inventory()
    process = start_workers(workers, workdir)
    try:
        started = time.time()
        created = fan_out_full_refresh(subscriptions)
        runs = RefreshRun.objects.filter(subscription__in=subscriptions)
        while runs.filter(finished_at=None).exists():
            if process.poll() is not None:
                raise SystemExit("The worker died; see its log in " + str(workdir))
            time.sleep(0.25)
        pids = _worker_pids(process.pid)
        peak = _peak_rss_mb(pids)
    finally:
        stop_workers(process)
    figures = runs.aggregate(
        calls=Sum("api_calls"), first=Min("started_at"), last=Max("finished_at")
    )
    statuses = dict(runs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "seconds": figures["last"].timestamp() - started,
        "created": created,
        "calls": figures["calls"] or 0,
        "statuses": statuses,
        "peak_mb": peak,
        "processes": len(pids) - 1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--linear-sizes", default="250", help="comma-separated; '' for none")
    parser.add_argument("--galleries", type=int, default=1)
    parser.add_argument("--images", type=int, default=4)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--networks", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--chunk", type=int, default=10, help="subscriptions per task")
    args = parser.parse_args()
    os.environ.setdefault("BENCHMARK_REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ["INVENTORY_REFRESH_CHUNK_SUBSCRIPTIONS"] = str(args.chunk)
    workdir = Path(tempfile.mkdtemp(prefix="bench-estate-"))
    setup_django(fresh_database_url("postgres", DATABASE_LABEL))
    try:
        run_passes(args, workdir)
    finally:
        drop_database("postgres", DATABASE_LABEL)


def run_passes(args: argparse.Namespace, workdir: Path) -> None:
    from django.conf import settings

    from galleries.models import ConnectedSubscription

    sandbox, info = start_sandbox(args, workdir / "sandbox")
    try:
        from console.models import Organization

        ConnectedSubscription.objects.all().delete()
        Organization.objects.filter(name="Benchmark").delete()
        subscriptions = connect_all(info)
        parallel = int(settings.INVENTORY_REFRESH_PARALLEL_SUBSCRIPTIONS)
        latency = args.latency_ms / 1000
        counts = [int(w) for w in args.workers.split(",") if w]
        results = [(len(subscriptions), w, one_pass(subscriptions, w, workdir)) for w in counts]
        most = max(counts)
        for size in [int(s) for s in args.linear_sizes.split(",") if s]:
            results.append((size, most, one_pass(subscriptions[:size], most, workdir)))
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    versions = args.galleries * args.images * args.versions
    print(
        f"Estate: {len(subscriptions)} subscriptions x {args.galleries} gallery x {args.images} "
        f"images x {args.versions} versions ({versions * len(subscriptions)} versions), "
        f"{args.latency_ms:g} ms per call; {args.chunk} subscriptions a task; "
        f"{parallel} calls in flight per worker process; Redis broker, PostgreSQL"
    )
    for size, workers, r in results:
        # Each subscription's principal also signs in once (not counted by the call meter).
        bound = (r["calls"] + size) * latency / (workers * parallel)
        print(
            f"{size:5d} subscriptions, {workers} worker process(es): {r['seconds']:7.2f} s "
            f"({r['seconds'] / size * 1000:6.1f} ms a subscription), {r['calls']} calls, "
            f"runs {r['statuses']}, peak RSS of the workers {r['peak_mb']:.0f} MB "
            f"({r['processes']} pool processes + parent); bound {bound:.2f} s, "
            f"ratio {r['seconds'] / bound:.1f} x"
        )


if __name__ == "__main__":
    main()

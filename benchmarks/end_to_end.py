"""The cascade's fragments and the editor page as a signed-in user gets them: through gunicorn.

    python benchmarks/end_to_end.py [--sizes 1000,1000000] [--database sqlite|postgres|both]
                              [--duration 10] [--rounds 1] [--server-env NAME=VALUE ...]

For each (database, size) pair a child process makes a fresh database (inventory_world.py, the
world dropdowns.py times in-process), signs a user in (a real session in the configured
session store) and starts gunicorn as production runs it: console.settings with DEBUG off,
static files collected into a temporary directory and served by WhiteNoise, 2 workers x 4
threads (`--server-env WEB_CONCURRENCY=… --server-env WEB_THREADS=…` set others, as they do
in the Dockerfile), an access log. SQLite runs on the defaults (no Redis); PostgreSQL runs with
Redis (REDIS_URL from BENCHMARK_REDIS_URL, keys under a prefix of the run's own). Debian's `wrk`
(installed with apt-get when missing) then loads each URL with 16 connections, each request on
a new connection, as a reverse proxy in front of gunicorn sends them by default (nginx speaks
HTTP/1.0 upstream). With `--keep-alive` wrk keeps its 16 connections instead, and each stays
with the gunicorn worker that happened to accept it: often most, or all, land on one worker,
which then serves alone. The share of the busiest worker is printed either way. Printed per URL:
requests/s, p50 and p99 latency (wrk's), errors (socket errors, and any answer other than 200
in the access log), SQL statements per request, counted in the server by gunicorn_counting.py,
gunicorn's CPU time per request (which, unlike the rest, other load on the machine barely
moves) and wrk's own (it runs on the same cores). `--server-env` passes settings to the server
only, e.g. `--server-env DATABASE_CONN_MAX_AGE=0` to compare connection strategies.

Goals (the fragments; the editor page is shown for reference): >= 500 requests/s, p99 <= 50 ms,
0 errors, <= 3 queries per request in all, requests/s at 1M >= 1/1.5 of that at 1k, on both
databases. The machine's load average is printed with each figure: other processes on a
shared machine lower them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from gunicorn_wrk import (
    THREADS,
    WORKERS,
    access_log_statuses,
    check_answer,
    collect_static,
    ensure_wrk,
    free_port,
    load,
    production_environment,
    query_tally,
    serving,
)
from inventory_world import ROOT, drop_database, fresh_database_url, hot_path, seed

REDIS_URL = os.environ.get("BENCHMARK_REDIS_URL", "redis://127.0.0.1:6379/0")
GOALS = {"rps": 500.0, "p99": 50.0, "queries": 3.0, "flat": 1.5}
FRAGMENTS: list[tuple[str, str, dict[str, str]]] = [
    # (name, level, parameters over the hot path)
    ("resource_group", "gallery_resource_group_name", {}),
    ("gallery", "gallery_name", {}),
    ("image", "image_name", {}),
    ("version", "version_name", {}),
    ("details", "details", {"version_name": "latest"}),
]
EDITOR = "editor page"


# --- parent: one child per (database, size), then the report ------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--rounds", type=int, default=1, help="runs per URL; the best is kept")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--keep-alive", action="store_true", help="keep wrk's connections open between requests"
    )
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--only", default="", help="comma-separated URL names to load")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--static-root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args)))
        return
    ensure_wrk()
    sizes = [int(size) for size in args.sizes.split(",")]
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-http-static-") as static_root:
        collect_static(static_root)
        for database in databases:
            for size in sizes:
                print(f"… {database}, {size:,} versions: seeding, serving, loading", flush=True)
                command = [sys.executable, __file__, "--child", "--database", database]
                command += ["--size", str(size), "--static-root", static_root]
                command += ["--duration", str(args.duration), "--rounds", str(args.rounds)]
                command += ["--connections", str(args.connections), "--port", str(args.port)]
                command += ["--keep-alive"] if args.keep_alive else []
                command += ["--only", args.only]
                command += [f"--server-env={item}" for item in args.server_env]
                output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
                results[database, size] = json.loads(output.stdout.strip().splitlines()[-1])
    report(results, databases, sizes, args)


def report(results: dict, databases: list[str], sizes: list[int], args: Any) -> None:
    server_env = dict(item.split("=", 1) for item in args.server_env)
    workers = server_env.get("WEB_CONCURRENCY", WORKERS)
    threads = server_env.get("WEB_THREADS", THREADS)
    print()
    print(
        f"gunicorn {workers} workers x {threads} threads, wrk {args.connections} connections"
        f" ({'kept alive' if args.keep_alive else 'a new one per request'}),"
        f" {args.duration} s per URL, best of {args.rounds}"
        + (f", server env {' '.join(args.server_env)}" if args.server_env else "")
    )
    header = (
        f"{'database':9} {'versions':>9} {'URL':15} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'errors':>6} {'queries':>7} {'CPU ms':>6} {'DB ms':>5} {'wrk ms':>6} {'worker':>6}"
        f" {'load':>5}"
        "  ratios: req/s  p99 queries"
    )
    print(header)
    print("-" * len(header))
    failures: list[str] = []
    for database in databases:
        for size in sizes:
            result = results[database, size]
            for name, figures in result["urls"].items():
                rps_ratio = figures["rps"] / GOALS["rps"]
                p99_ratio = figures["p99"] / GOALS["p99"]
                q_ratio = figures["queries"] / GOALS["queries"]
                print(
                    f"{database:9} {result['seeded']:>9,} {name:15} {figures['rps']:7.0f}"
                    f" {figures['p50']:7.1f} {figures['p99']:7.1f} {figures['errors']:6d}"
                    f" {figures['queries']:7.2f} {figures['server_cpu_ms']:6.2f}"
                    f" {database_cpu(database, figures):>5} {figures['wrk_cpu_ms']:6.2f}"
                    f" {figures['busiest_worker']:6.0%}"
                    f" {figures['load']:5.1f}"
                    f"         {rps_ratio:5.2f} {p99_ratio:5.2f}"
                    f" {q_ratio:7.2f}"
                )
                if name == EDITOR:
                    continue
                where = f"{database} {size:,} {name}"
                if rps_ratio < 1:
                    failures.append(f"{where}: {figures['rps']:.0f} req/s")
                if p99_ratio > 1:
                    failures.append(f"{where}: p99 {figures['p99']:.1f} ms")
                if figures["errors"]:
                    failures.append(f"{where}: {figures['errors']} errors")
                if q_ratio > 1:
                    failures.append(f"{where}: {figures['queries']:.2f} queries")
    print(
        "(ratios to the goals: req/s / 500 (>= 1), p99 / 50 ms (<= 1), queries / 3 (<= 1);"
        " CPU ms: gunicorn's CPU time per request, which other load on the machine barely moves;"
        " DB ms: PostgreSQL's, in the connections gunicorn keeps open;"
        " wrk ms: the load generator's own, on the same cores;"
        " worker: the busiest worker's share of the requests (50% is an even split);"
        " load: 1-minute load average before the run, on 2 cores)"
    )
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\nreq/s at {small:,} / req/s at {large:,} versions (flat: <= {GOALS['flat']})")
        for database in databases:
            for name, figures in results[database, small]["urls"].items():
                ratio = figures["rps"] / results[database, large]["urls"][name]["rps"]
                print(f"{database:9} {name:15} {ratio:5.2f}")
                if ratio > GOALS["flat"] and name != EDITOR:
                    failures.append(f"{database} {name}: {ratio:.2f} times slower at {large:,}")
    print("\nAll goals met." if not failures else "\nOver goal:\n  " + "\n  ".join(failures))


def database_cpu(database: str, figures: dict[str, Any]) -> str:
    milliseconds = figures["database_cpu_ms"]
    return f"{milliseconds:.2f}" if database == "postgres" and milliseconds is not None else "-"


# --- child: a fresh database, a signed-in session, gunicorn, wrk --------------------------------


def run_child(args: Any) -> dict[str, Any]:
    label = f"http_{args.size}"
    env = production_environment()
    env.update(STATIC_ROOT=args.static_root, DATABASE_URL=fresh_database_url(args.database, label))
    if args.database == "postgres":
        env.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    world = seed(args.size)
    cookie = signed_in_cookie(world)
    group_id = editor_group(world)
    connections.close_all()

    targets = [
        (name, f"/cascade/level/{level}/?{urlencode({**hot_path(world), **extra})}", True)
        for name, level, extra in FRAGMENTS
    ]
    targets.append((EDITOR, f"/groups/{group_id}/", False))
    if args.only:
        wanted = args.only.split(",")
        targets = [target for target in targets if target[0] in wanted]
    server_env = dict(env, **dict(item.split("=", 1) for item in args.server_env))
    port = args.port or free_port()
    urls: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-http-") as workdir:
        with serving(server_env, port, Path(workdir)) as server_pid:
            for name, path, htmx in targets:
                headers = {"Cookie": cookie, **({"HX-Request": "true"} if htmx else {})}
                if not args.keep_alive:
                    headers["Connection"] = "close"
                check_answer(port, path, headers)
                run = (port, path, headers)
                load(*run, 3, args.connections, Path(workdir), server_pid)  # warm-up
                rounds = [
                    load(*run, args.duration, args.connections, Path(workdir), server_pid)
                    for _ in range(args.rounds)
                ]
                urls[name] = {"path": path, **max(rounds, key=lambda r: r["rps"])}
        statuses = access_log_statuses(Path(workdir) / "access.log")
        tally = query_tally(Path(workdir))
    for figures in urls.values():
        requests, queries = tally.get(figures["path"], [0, 0])
        figures["queries"] = queries / requests if requests else float("nan")
        figures["errors"] += sum(
            count for status, count in statuses.get(figures["path"], {}).items() if status != 200
        )
    if args.database == "postgres":
        forget_cache_keys(env["CACHE_KEY_PREFIX"])
    drop_database(args.database, label)
    return {"seeded": world["versions"], "urls": urls}


def signed_in_cookie(world: dict[str, Any]) -> str:
    """A session of the bench user, made by Django's own login in the configured store."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world["membership"].user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def editor_group(world: dict[str, Any]) -> str:
    """A draft stateless group whose image is the hot one, for the editor page."""
    from groups.edit_context import EditContext
    from groups.services import save_group
    from tests.groups.api.bodies import group_body

    hot = world["hot"]
    spec = group_body(
        resourceGroupName=hot.gallery.resource_group.name,
        galleryName=hot.gallery.name,
        imageName=hot.name,
        version="1.1.0",
    )
    membership = world["membership"]
    group, _ = save_group(
        EditContext(membership.user, membership.organization, world["account"], "stateless"),
        spec,
        status="draft",
        source="console",
    )
    return group.id


def forget_cache_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


if __name__ == "__main__":
    main()

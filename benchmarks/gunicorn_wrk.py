"""gunicorn as production runs it, and Debian's wrk loading it: the machinery of end_to_end.py.

The server: console.settings with DEBUG off (production_environment), static files collected
and served by WhiteNoise, WORKERS x THREADS, an access log naming each request's worker, and
benchmarks/gunicorn_counting.py's hooks counting SQL statements per URL. The load: wrk with a
Lua report of requests, p50/p99 and errors, and the CPU the server (and PostgreSQL's backends
serving it) spent meanwhile, read from /proc.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inventory_world import ROOT

WORKERS, THREADS = 2, 4

ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s'
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %d, "duration_us": %d, "socket_errors": %d, "status_errors": %d,'
    .. ' "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("… installing Debian's wrk", flush=True)
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*apt, "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*apt, "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL, env=env
    )


def collect_static(static_root: str) -> None:
    env = {**production_environment(), "STATIC_ROOT": static_root}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def production_environment() -> dict[str, str]:
    """What a deployment sets: DEBUG off, its own keys. Only settings, no benchmark switches."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "CACHE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="console.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-" + secrets.token_urlsafe(40),
        FIELD_ENCRYPTION_KEY=base64.urlsafe_b64encode(b"benchmark-only-key-0123456789abc").decode(),
        ALLOWED_HOSTS="127.0.0.1",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, workdir: Path) -> Iterator[int]:
    """gunicorn on 127.0.0.1:port until the block ends (yields its pid), then stopped
    gracefully (its workers write their query tallies as they exit)."""
    access_log = workdir / "access.log"
    env = {**env, "BENCHMARK_COUNTS_DIR": str(workdir)}
    command = [
        sys.executable, "-m", "gunicorn", "console.wsgi:application",
        "-c", str(ROOT / "benchmarks" / "gunicorn_counting.py"),
        "--bind", f"127.0.0.1:{port}",
        # As the Dockerfile: workers and threads from WEB_CONCURRENCY and WEB_THREADS, which
        # --server-env may set to compare others.
        "--workers", env.get("WEB_CONCURRENCY", str(WORKERS)),
        "--threads", env.get("WEB_THREADS", str(THREADS)),
        "--access-logfile", str(access_log), "--error-logfile", str(workdir / "error.log"),
        # gunicorn's default format, and the worker's pid (to see how the load was shared).
        "--access-logformat", ACCESS_LOG_FORMAT,
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log = (workdir / "error.log").read_text()
                    raise SystemExit(f"gunicorn did not start:\n{log}") from None
                time.sleep(0.1)
        yield server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def check_answer(port: int, path: str, headers: dict[str, str]) -> None:
    """The URL answers 200 with a page, not a redirect to the login form."""
    # The first answer waits for a worker to load the app and for a cold database: on a busy
    # machine, with a 1M-version SQLite file, that took over 30 s.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")


def _cpu_seconds(pids: set[int] | None, root: int | None = None) -> dict[int, float]:
    """User + system CPU seconds of these processes, or of `root` and its children, by pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        pid = int(stat.parent.name)
        if pids is not None and pid not in pids:
            continue
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if pids is not None or root in (pid, int(fields[1])):
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def _cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings by the processes alive at both."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def database_backends() -> set[int]:
    """PostgreSQL's server processes serving the benchmark's database (none on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def load(
    port: int,
    path: str,
    headers: dict[str, str],
    seconds: int,
    connections: int,
    workdir: Path,
    server_pid: int,
) -> dict[str, Any]:
    script = workdir / "report.lua"
    script.write_text(WRK_REPORT)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
    command += ["-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    load_average = os.getloadavg()[0]
    access_log = workdir / "access.log"
    log_offset = access_log.stat().st_size
    backends = database_backends()  # connections kept by the server (not those made per request)
    server_start, database_start = _cpu_seconds(None, server_pid), _cpu_seconds(backends)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], check=True, capture_output=True, text=True
    ).stdout
    server_cpu = _cpu_spent(server_start, _cpu_seconds(None, server_pid))
    database_cpu = _cpu_spent(database_start, _cpu_seconds(backends))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    figures = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    requests = max(1, figures["requests"])
    with access_log.open("rb") as log:
        log.seek(log_offset)
        by_worker = Counter(re.findall(rb" pid=<(\d+)>$", log.read(), re.MULTILINE))
    return {
        "busiest_worker": max(by_worker.values(), default=0) / max(1, by_worker.total()),
        "server_cpu_ms": server_cpu * 1000 / requests,
        # Unknown when the server opens a connection per request (each gone by the end).
        "database_cpu_ms": database_cpu * 1000 / requests if backends else None,
        "wrk_cpu_ms": wrk_cpu * 1000 / requests,
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50": figures["p50_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "errors": figures["socket_errors"] + figures["status_errors"],
        "load": load_average,
    }


_ACCESS_LINE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d{3}) ')


def access_log_statuses(access_log: Path) -> dict[str, dict[int, int]]:
    statuses: dict[str, dict[int, int]] = {}
    for line in access_log.read_text().splitlines():
        match = _ACCESS_LINE.search(line)
        if match:
            path, status = match.group(1), int(match.group(2))
            by_status = statuses.setdefault(path, {})
            by_status[status] = by_status.get(status, 0) + 1
    return statuses


def query_tally(workdir: Path) -> dict[str, list[int]]:
    """Requests and SQL statements per URL, summed over the workers' tallies."""
    total: dict[str, list[int]] = {}
    for tally in workdir.glob("[0-9]*.json"):
        for url, (requests, queries) in json.loads(tally.read_text()).items():
            path = url.rstrip("?")
            counts = total.setdefault(path, [0, 0])
            counts[0] += requests
            counts[1] += queries
    return total

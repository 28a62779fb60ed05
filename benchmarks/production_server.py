"""gunicorn as production runs it, for the benchmarks that time pages through a real server:
console.settings with DEBUG off and keys of its own, static files collected for WhiteNoise,
WORKERS x THREADS, an access log with each worker's pid, SQL statements counted per URL by
gunicorn_counting.py. Used by end_to_end.py and gallery_refresh_browser.py."""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from inventory_world import ROOT

WORKERS, THREADS = 2, 4
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s'


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
        "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
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
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")

"""The production build, as the Dockerfile makes it and docker-compose runs it.

`collect_static(root)` runs collectstatic with the production storage (hashed names, WhiteNoise's
compressed manifest); `Gunicorn(static_root)` serves the console with DEBUG off from those files,
on the test database, at an address the OS picks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.conf import settings

from tests.worker import database_url_for_subprocess

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60.0
LISTENING = re.compile(r"Listening at: (http://\S+)")


def production_env(static_root: Path) -> dict[str, str]:
    """The compose file's environment, on this test run's database and broker.

    The keys are the test settings' own, so sessions and encrypted secrets written by the test
    process are valid in the server. Cookies are not marked Secure: this server speaks plain
    http on loopback, with no TLS proxy in front.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        # Test-only switches the production server must not inherit.
        if key not in ("API_DOCS_ENABLED", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_TASK_ALWAYS_EAGER")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="console.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEY=",".join(settings.FIELD_ENCRYPTION_KEYS),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url_for_subprocess(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        STATIC_ROOT=str(static_root),
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def collect_static(static_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=REPO,
        env=production_env(static_root),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"collectstatic failed with production settings:\n{result.stderr}")


class Gunicorn:
    """gunicorn serving console.wsgi with production settings; `url` once it accepts requests."""

    def __init__(self, static_root: Path, workers: int = 3) -> None:
        # As the Dockerfile runs it (without its public bind), on an address the OS picks.
        command = [sys.executable, "-m", "gunicorn", "console.wsgi:application"]
        command += ["-c", "python:console.gunicorn_conf"]
        command += ["--bind", "127.0.0.1:0", "--workers", str(workers)]
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=production_env(static_root),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._address = threading.Event()
        self.url = ""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            found = LISTENING.search(line)
            if found and not self.url:
                self.url = found.group(1)
                self._address.set()

    def log(self) -> str:
        return "\n".join(self.lines[-60:])

    def wait_until_serving(self) -> None:
        """Until the address is known and a worker answers (any status): no fixed sleep."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        if not self._address.wait(START_TIMEOUT_SECONDS):
            self.stop()
            raise AssertionError(f"gunicorn did not start listening:\n{self.log()}")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                httpx.get(f"{self.url}/login/", timeout=5)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"gunicorn did not answer within {START_TIMEOUT_SECONDS}s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def production_server(static_root: Path) -> Iterator[Gunicorn]:
    server = Gunicorn(static_root)
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.stop()

"""A real Celery worker in a subprocess, sharing the test database and broker.

Use from a test module (or a conftest) with:

    from tests.worker import celery_worker  # noqa: F401  (the fixture)

    @pytest.mark.worker
    @pytest.mark.django_db(transaction=True)
    def test_something(celery_worker):
        my_task.delay(...)              # routed to this worker's private queue
        celery_worker.wait_for(lambda: Thing.objects.filter(...).exists())

The worker consumes a queue unique to the test (and the test process routes tasks there for
its duration), so a stray worker on the same broker can never take the test's messages.
`transaction=True` is required: the worker only sees committed rows.

`start_worker(queue, pool="prefork", env={...})` starts one more worker (a prefork pool whose
child can be killed alone, or a second worker on the same queue after the first was killed);
`routed_to(queue)` routes the test's tasks to it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from console.celery import app as celery_app

REPO = Path(__file__).resolve().parent.parent
CELERY = REPO / ".venv" / "bin" / "celery"
READY_TIMEOUT_SECONDS = 30.0


def database_url_for_subprocess() -> str:
    """A DATABASE_URL naming the database this test process is using right now."""
    db = connection.settings_dict
    engine = db["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.fail(
                "The SQLite test database is in memory, so no subprocess can open it; "
                'settings_test.py must set DATABASES["default"]["TEST"]["NAME"] to a file.'
            )
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "127.0.0.1"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"
    pytest.fail(f"No worker subprocess support for database engine {engine}")


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a worker that shares this test's database and broker."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="console.settings_test",
        DATABASE_URL=database_url_for_subprocess(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


# Celery's log lines for a task's life: "Task name[id] received", then "... succeeded in",
# "... raised unexpected", "... retry:" or "... failed".
_RECEIVED = re.compile(r"Task [\w.]+\[([0-9a-f-]+)\] received")
_ENDED = re.compile(r"Task [\w.]+\[([0-9a-f-]+)\] (?:succeeded|raised|retry|failed|ignored)")


class CeleryWorker:
    def __init__(self, queue: str, process: subprocess.Popen[str]) -> None:
        self.queue = queue
        self.process = process
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if " ready." in line:
                self.ready.set()

    @property
    def log(self) -> str:
        return "\n".join(self.lines[-80:])

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_until_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        if not self.ready.wait(timeout):
            pytest.fail(f"The Celery worker was not ready after {timeout:.0f} s:\n{self.log}")

    def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        """Poll `condition` (e.g. a database query) until true, failing with the worker's log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited ({self.process.returncode}):\n{self.log}")
            time.sleep(0.2)
        pytest.fail(f"Nothing happened within {timeout:.0f} s; worker log:\n{self.log}")

    def wait_until_idle(self, timeout: float = 30.0) -> bool:
        """Wait until every task this worker received has ended (its follow-ups too: a
        refresh's share check and the reviews' health task), quiet for half a second. A test's
        database flush must not run beside them (PostgreSQL may deadlock the TRUNCATE)."""
        deadline = time.monotonic() + timeout
        quiet_since: float | None = None
        while time.monotonic() < deadline and self.alive:
            lines = list(self.lines)
            received = {m.group(1) for m in map(_RECEIVED.search, lines) if m}
            ended = {m.group(1) for m in map(_ENDED.search, lines) if m}
            if received <= ended:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= 0.5:
                    return True
            else:
                quiet_since = None
            time.sleep(0.1)
        return False

    def kill_everything(self) -> None:
        """SIGKILL the worker and its pool children at once (a host or container dying)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill_everything()
        # Pool children left behind by a killed main process.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        _discard_leftover_messages(self.queue)


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def start_worker(
    queue: str, *, pool: str = "solo", env: dict[str, str] | None = None
) -> CeleryWorker:
    """`celery -A console worker` on `queue`, in a process group of its own (so that the
    whole worker, pool children included, can be killed at once). Ready when it returns."""
    celery = [str(CELERY)] if CELERY.exists() else [sys.executable, "-m", "celery"]
    command = [
        *celery, "-A", "console", "worker",
        "--pool", pool, "--concurrency", "1",
        "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "INFO",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=worker_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    worker = CeleryWorker(queue, process)
    try:
        worker.wait_until_ready()
    except BaseException:
        worker.stop()
        raise
    return worker


@contextlib.contextmanager
def routed_to(queue: str) -> Iterator[None]:
    """Send this process's tasks to `queue` for the duration."""
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield
    finally:
        celery_app.conf.task_default_queue = previous_queue


def _discard_leftover_messages(queue: str) -> None:
    """The embedded broker keeps one file per message; drop any left for our private queue."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    folder = options.get("data_folder_out")
    if settings.CELERY_BROKER_URL.startswith("filesystem://") and folder:
        for leftover in Path(folder).glob(f"*.{queue}.msg"):
            leftover.unlink(missing_ok=True)


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[CeleryWorker]:
    """Start `celery -A console worker --pool solo` on a private queue; stop it afterwards."""
    queue = new_queue()
    worker = start_worker(queue)
    try:
        with routed_to(queue):
            yield worker
    finally:
        worker.stop()

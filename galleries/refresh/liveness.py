"""Whether a refresh run is alive: leases, heartbeats, claims and the sweep of dead runs.

A running run holds a lease (`lease_expires_at`) that a heartbeat thread renews every
INVENTORY_REFRESH_HEARTBEAT_SECONDS; past its lease a run is dead, whatever killed its worker
(SIGKILL, OOM, a lost host). Nobody waits minutes to find out:

- a request that would merge into a dead run marks that one run failed and starts a new one;
- a redelivered task (acks_late) whose run is still `running` takes the run over: the run's
  `claim_token` is the task id, which Celery keeps on redelivery;
- beat sweeps dead runs every few seconds, so pages that only read never show a ghost long.

Every write here waits for a busy database at most DATABASE_LOCK_TIMEOUT_SECONDS, and a
database failure is said in words ("the database was busy"), never as an exception's name.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection, connections, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from galleries.models import RefreshFailure, RefreshRun, RefreshStatus

from .bulk_sql import writer_turn

logger = logging.getLogger(__name__)


# --- settings ------------------------------------------------------------------------------
def heartbeat_every() -> float:
    return float(settings.INVENTORY_REFRESH_HEARTBEAT_SECONDS)


def stale_after() -> timedelta:
    return timedelta(seconds=float(settings.INVENTORY_REFRESH_STALE_SECONDS))


def queued_timeout() -> timedelta:
    """A queued run waits for a free worker; only after this long is it taken for lost."""
    return max(stale_after(), 2 * settings.INVENTORY_REFRESH_INTERVAL)


def _apply_lease() -> timedelta:
    """The lease of a run while it writes its snapshot. SQLite lets no heartbeat through
    then (one writer at a time), so the apply gets a long lease; elsewhere heartbeats go on."""
    if connection.vendor == "sqlite":
        return timedelta(seconds=float(settings.INVENTORY_REFRESH_APPLY_LEASE_SECONDS))
    return stale_after()


def this_worker() -> str:
    return f"{socket.gethostname()} pid {os.getpid()}"


# --- the database, in words ----------------------------------------------------------------
_BUSY_SQLSTATES = {"55P03", "40P01", "40001", "57014"}  # lock timeout, deadlock, serialization
_BUSY_WORDS = ("database is locked", "database table is locked", "lock timeout", "deadlock")
_UNREACHABLE_WORDS = (
    "could not connect",
    "connection refused",
    "server closed the connection",
    "terminating connection",
    "connection already closed",
    "the connection is closed",
    "no connection to the server",
    "unable to open database file",
)


def database_problem(exc: BaseException) -> str:
    """What went wrong with the database, in words a person understands."""
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    text = str(exc).lower()
    if sqlstate in _BUSY_SQLSTATES or any(words in text for words in _BUSY_WORDS):
        return "the database was busy"
    if isinstance(exc, InterfaceError) or any(words in text for words in _UNREACHABLE_WORDS):
        return "the database could not be reached"
    return f"the database failed ({type(exc).__name__})"


@contextlib.contextmanager
def bounded_lock_wait() -> Iterator[None]:
    """A transaction whose statements wait for other writers' locks no longer than
    DATABASE_LOCK_TIMEOUT_SECONDS (SQLite's busy timeout already says so; PostgreSQL would
    otherwise wait forever)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            milliseconds = int(float(settings.DATABASE_LOCK_TIMEOUT_SECONDS) * 1000)
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = {max(1, milliseconds)}")
        yield


# --- claiming a run ------------------------------------------------------------------------
def claim(run_id: int, token: str) -> bool:
    """Take a queued run, or take back a running one this token already owns (a redelivered
    task: the process that ran it is gone). Each claim counts as an attempt."""
    now = timezone.now()
    mine = Q(status=RefreshStatus.QUEUED) | Q(status=RefreshStatus.RUNNING, claim_token=token)
    with bounded_lock_wait():
        taken = RefreshRun.objects.filter(mine, pk=run_id).update(
            status=RefreshStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            lease_expires_at=now + stale_after(),
            claim_token=token,
            worker=this_worker()[:200],
            attempts=F("attempts") + 1,
            progress_done=0,
            progress_total=0,
            collect_seconds=None,
            apply_seconds=None,
        )
    return bool(taken)


def give_up_if_worn_out(run_id: int, token: str) -> bool:
    """A run whose workers keep dying (e.g. killed for memory) is not taken over forever."""
    limit = int(settings.INVENTORY_REFRESH_MAX_ATTEMPTS)
    now = timezone.now()
    with bounded_lock_wait():
        given_up = RefreshRun.objects.filter(
            pk=run_id, claim_token=token, status=RefreshStatus.RUNNING, attempts__gte=limit
        ).update(
            status=RefreshStatus.FAILED,
            finished_at=now,
            lease_expires_at=None,
            failure_code=RefreshFailure.GAVE_UP,
            error=f"The worker running this refresh died {limit} times (killed, or out of "
            "memory); it was not tried again. The cached inventory was kept.",
        )
    return bool(given_up)


def start_apply(run_id: int, token: str, **fields: Any) -> bool:
    """Still ours? Then the lease covers the apply. False: the run was taken for dead."""
    now = timezone.now()
    lease = now + _apply_lease()
    with bounded_lock_wait():
        return bool(
            RefreshRun.objects.filter(
                pk=run_id, claim_token=token, status=RefreshStatus.RUNNING
            ).update(
                heartbeat_at=now,
                lease_expires_at=Greatest(Coalesce(F("lease_expires_at"), Value(lease)), lease),
                **fields,
            )
        )


# --- the sweep -----------------------------------------------------------------------------
def _dead(now: datetime) -> Q:
    cutoff = now - stale_after()
    return Q(status=RefreshStatus.RUNNING) & (
        Q(lease_expires_at__lt=now)
        | Q(lease_expires_at__isnull=True, heartbeat_at__lt=cutoff)
        | Q(lease_expires_at__isnull=True, heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def _lost_in_queue(now: datetime) -> Q:
    return Q(status=RefreshStatus.QUEUED, requested_at__lt=now - queued_timeout())


def worker_lost_message() -> str:
    seconds = stale_after().total_seconds()
    return (
        f"The worker running this refresh stopped responding (no heartbeat for over "
        f"{seconds:g} s); the run was marked failed and the cached inventory kept. "
        "A new refresh can start now."
    )


NEVER_STARTED_MESSAGE = (
    "No worker picked the run up in time; is the Celery worker running? "
    "The cached inventory was kept."
)


def sweep_stale_runs(
    runs: Any = None,
) -> int:
    """Mark failed the runs (of `runs`, default all) that are dead or were never picked up."""
    now = timezone.now()
    runs = RefreshRun.objects.all() if runs is None else runs
    with bounded_lock_wait():
        dead = runs.filter(_dead(now)).update(
            status=RefreshStatus.FAILED,
            finished_at=now,
            lease_expires_at=None,
            failure_code=RefreshFailure.WORKER_LOST,
            error=worker_lost_message(),
        )
        never_started = runs.filter(_lost_in_queue(now)).update(
            status=RefreshStatus.FAILED,
            finished_at=now,
            failure_code=RefreshFailure.NEVER_STARTED,
            error=NEVER_STARTED_MESSAGE,
        )
    if dead or never_started:
        logger.warning("Swept %s dead and %s never-started refresh runs", dead, never_started)
    return dead + never_started


def sweep_if_dead(run: RefreshRun) -> bool:
    """Mark this one run failed if it is dead; True if it was (or is no longer active)."""
    swept = sweep_stale_runs(RefreshRun.objects.filter(pk=run.pk))
    return bool(swept)


# --- the heartbeat -------------------------------------------------------------------------
class Heartbeat:
    """Renews the lease of one run every few seconds from a thread of its own (with its own
    database connection), whatever the run's thread is busy with: a slow Azure call, a long
    Retry-After, applying. `progress()` supplies the counters written along."""

    def __init__(
        self, run_id: int, token: str, progress: Callable[[], dict[str, Any]] | None = None
    ) -> None:
        self.run_id = run_id
        self.token = token
        self.progress = progress
        self.lost = False  # the run was taken for dead and given to another
        self.problem = ""  # the last reason a heartbeat could not be written
        self._progress_written = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"refresh-heartbeat-{run_id}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        # A run claimed inside the caller's open transaction is visible to nobody else (so
        # nobody needs its heartbeat), and another connection could not write it anyway.
        if not connection.in_atomic_block:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            # A beat stuck on a busy database finishes on its own (it writes nothing once
            # the run has ended); the run's end is not held up for it.
            self._thread.join(timeout=2)

    def _loop(self) -> None:
        try:
            while not self._stop.wait(heartbeat_every()):
                self.beat()
        finally:
            connections.close_all()

    def write_progress(self, min_interval: float = 0.5) -> None:
        """Write the counters now (at most every `min_interval` seconds), from the walk's own
        thread: the progress bar moves as the walk advances, not only with each beat, which
        comes too late for a refresh of a few seconds."""
        moment = time.monotonic()
        if self.progress is None or moment - self._progress_written < min_interval:
            return
        if connection.in_atomic_block:
            return  # nobody else sees the run (as for the beats)
        self._progress_written = moment
        with writer_turn(blocking=False) as got_turn:
            if not got_turn:
                return
            try:
                with bounded_lock_wait():
                    RefreshRun.objects.filter(
                        pk=self.run_id, claim_token=self.token, status=RefreshStatus.RUNNING
                    ).update(**self.progress())
            except DatabaseError as exc:
                # The next beat writes them; the walk goes on.
                logger.warning("Refresh run %s: progress not written: %s", self.run_id, exc)

    def beat(self) -> None:
        # SQLite: while this process's apply holds the one writer, skip (the apply lease
        # covers it) rather than queue behind it.
        with writer_turn(blocking=False) as got_turn:
            if not got_turn:
                return
            now = timezone.now()
            lease = now + stale_after()
            fields = dict(self.progress() if self.progress else {})
            try:
                with bounded_lock_wait():
                    renewed = RefreshRun.objects.filter(
                        pk=self.run_id, claim_token=self.token, status=RefreshStatus.RUNNING
                    ).update(
                        heartbeat_at=now,
                        # Never shorten a longer lease (the apply's).
                        lease_expires_at=Greatest(
                            Coalesce(F("lease_expires_at"), Value(lease)), lease
                        ),
                        **fields,
                    )
            except DatabaseError as exc:
                self.problem = database_problem(exc)
                logger.warning("Refresh run %s: heartbeat not written: %s", self.run_id, exc)
                connections.close_all()  # a broken connection is opened anew next time
                return
            if not renewed:
                self.lost = True
                self._stop.set()

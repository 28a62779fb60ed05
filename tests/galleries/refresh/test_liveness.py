"""A run's liveness, piece by piece (the fault matrix drives them all through a real worker)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from console.celery import app as celery_app
from galleries.models import RefreshRun
from galleries.refresh.liveness import (
    Heartbeat,
    claim,
    database_problem,
    give_up_if_worn_out,
    stale_after,
    sweep_stale_runs,
)
from galleries.refresh.runs import Collected, Outcome, finish_run, save_outcome
from galleries.refresh.snapshot import Snapshot
from galleries.refresh.tasks import SWEEP_ENTRY, register_beat_schedule, sweep_dead_runs_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(connect: Any) -> RefreshRun:
    return RefreshRun.objects.create(subscription=connect("Production"))


def _silence(run: RefreshRun, seconds: float = 60) -> None:
    """The run's worker went quiet `seconds` ago."""
    quiet_since = timezone.now() - timedelta(seconds=seconds)
    RefreshRun.objects.filter(pk=run.pk).update(
        heartbeat_at=quiet_since, lease_expires_at=quiet_since + stale_after()
    )


def test_the_default_heartbeat_and_staleness_are_seconds_apart() -> None:
    from django.conf import settings

    assert settings.INVENTORY_REFRESH_HEARTBEAT_SECONDS == 3
    assert stale_after() == timedelta(seconds=15)


def test_a_redelivered_task_takes_its_run_back_and_others_do_not(run: RefreshRun) -> None:
    assert claim(run.pk, "task-1")
    run.refresh_from_db()
    assert (run.status, run.attempts, run.claim_token) == ("running", 1, "task-1")
    assert "pid" in run.worker
    assert not claim(run.pk, "task-2")  # another task never takes a running run
    assert claim(run.pk, "task-1")  # the same task, redelivered after its process died
    run.refresh_from_db()
    assert run.attempts == 2


def test_a_run_whose_workers_keep_dying_is_given_up(run: RefreshRun, settings: Any) -> None:
    settings.INVENTORY_REFRESH_MAX_ATTEMPTS = 3
    for _ in range(3):
        assert not give_up_if_worn_out(run.pk, "task-1")
        assert claim(run.pk, "task-1")
    assert give_up_if_worn_out(run.pk, "task-1")
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.failure_code == "gave_up"
    assert "died 3 times" in run.error


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_renews_the_lease_but_never_shortens_a_longer_one(connect: Any) -> None:
    run = RefreshRun.objects.create(subscription=connect("Production"))
    assert claim(run.pk, "task-1")
    _silence(run)
    beat = Heartbeat(run.pk, "task-1", progress=lambda: {"progress_done": 7})
    beat.beat()
    run.refresh_from_db()
    assert run.lease_expires_at > timezone.now() + stale_after() - timedelta(seconds=5)
    assert run.progress_done == 7
    later = timezone.now() + timedelta(minutes=3)  # an apply's lease
    RefreshRun.objects.filter(pk=run.pk).update(lease_expires_at=later)
    beat.beat()
    run.refresh_from_db()
    assert run.lease_expires_at == later
    assert not beat.lost
    RefreshRun.objects.filter(pk=run.pk).update(status="failed")  # swept meanwhile
    beat.beat()
    assert beat.lost


def test_beat_sweeps_dead_runs_as_often_as_a_run_may_stay_silent(run: RefreshRun) -> None:
    register_beat_schedule(celery_app)
    entry = celery_app.conf.beat_schedule[SWEEP_ENTRY]
    assert entry["schedule"] == stale_after()
    assert claim(run.pk, "task-1")
    assert sweep_dead_runs_task() == 0  # alive
    _silence(run)
    assert sweep_dead_runs_task() == 1
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.failure_code == "worker_lost"
    assert "no heartbeat for over 15 s" in run.error


def test_the_true_outcome_replaces_a_sweep_that_came_first(run: RefreshRun) -> None:
    """A worker that could not write for a while (the database busy) was taken for dead;
    when its outcome finally gets through, the run says what really happened."""
    assert claim(run.pk, "task-1")
    _silence(run)
    sweep_stale_runs()
    save_outcome(run.pk, "task-1", Outcome("succeeded", counts={"versions": {"created": 1}}))
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.counts == {"versions": {"created": 1}}
    assert run.lease_expires_at is None
    # Never another worker's run, though.
    save_outcome(run.pk, "task-2", Outcome("failed", error="not mine"))
    run.refresh_from_db()
    assert run.status == "succeeded"


def test_a_run_taken_for_dead_while_still_listing_says_why_and_applies_nothing(
    run: RefreshRun,
) -> None:
    assert claim(run.pk, "task-1")
    _silence(run)
    sweep_stale_runs()
    run = RefreshRun.objects.select_related("subscription").get(pk=run.pk)
    heartbeat = SimpleNamespace(problem="the database was busy")
    finished = finish_run(run, Collected(Snapshot(), None), "task-1", heartbeat)  # type: ignore[arg-type]
    assert finished.status == "failed"
    assert "its heartbeats could not be written (the database was busy)" in finished.error
    assert "its result was dropped" in finished.error
    assert finished.failure_code == "database"
    assert finished.counts == {}


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OperationalError("database is locked"), "the database was busy"),
        (OperationalError("canceling statement due to lock timeout"), "the database was busy"),
        (OperationalError("deadlock detected"), "the database was busy"),
        (OperationalError("could not connect to server: Connection refused"), "could not be"),
        (InterfaceError("connection already closed"), "the database could not be reached"),
        (OperationalError("disk I/O error"), "the database failed (OperationalError)"),
    ],
)
def test_database_failures_are_said_in_words(error: Exception, words: str) -> None:
    assert words in database_problem(error)

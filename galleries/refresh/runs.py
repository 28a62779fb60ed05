"""Refresh runs: execute (collect, then apply) and finish; `request` queues them.

A run's status is honest: `succeeded` only when every list call answered; `partial` when
some branch failed (nothing below it was deleted); `failed` when nothing could be applied, in
which case the cached rows are exactly as they were. Its message says why in words.

Liveness (leases, heartbeats, takeover of a redelivered run, the sweep of dead runs) lives in
`liveness`; a request (`request`) never merges into a dead run, it replaces it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from galleries.azure.clients import CallMeter
from galleries.azure.errors import AzureFailure, describe_failure
from galleries.azure.gateway import AzureGateway, gateway_for
from galleries.azure_state import AzureState
from galleries.models import (
    ConnectedSubscription,
    CredentialStatus,
    Gallery,
    RefreshFailure,
    RefreshRun,
    RefreshStatus,
)

from .apply import apply_snapshot
from .bulk_sql import writer_turn
from .collect import CollectionFailed, Progress, collect_gallery, collect_subscription
from .liveness import (
    Heartbeat,
    bounded_lock_wait,
    claim,
    database_problem,
    give_up_if_worn_out,
    stale_after,
    start_apply,
)
from .request import request_refresh
from .snapshot import Snapshot

logger = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 20


def _set_credential_health(
    subscription: ConnectedSubscription, failure: AzureFailure | None
) -> None:
    status = CredentialStatus.INVALID if failure else CredentialStatus.VALID
    ConnectedSubscription.objects.filter(pk=subscription.pk).update(
        credential_status=status,
        credential_checked_at=timezone.now(),
        credential_error=failure.message if failure else "",
    )


def _store_azure_state(subscription: ConnectedSubscription, state: str) -> None:
    if not state:
        return  # not read this time (e.g. the principal may not GET the subscription)
    known = {choice.value.lower(): choice.value for choice in AzureState}
    ConnectedSubscription.objects.filter(pk=subscription.pk).update(
        azure_state=known.get(state.lower(), state)[:16], azure_state_checked_at=timezone.now()
    )


def _summarise(errors: list[str]) -> str:
    shown = errors[:MAX_ERRORS_SHOWN]
    more = len(errors) - len(shown)
    return "\n".join(shown) + (f"\n… and {more} more." if more > 0 else "")


@dataclass
class Collected:
    """What the listing phase of a run produced (picklable: it may come from a child)."""

    snapshot: Snapshot | None
    failure: AzureFailure | None
    calls: int = 0
    throttled: int = 0
    done: int = 0
    total: int = 0
    seconds: float = 0.0


ProgressWriter = Callable[[Progress, CallMeter], None]


def collect_run(run: RefreshRun, on_progress: ProgressWriter | None = None) -> Collected:
    """List what the run covers in Azure; writes nothing."""
    meter = CallMeter()
    progress = Progress()
    gateway: AzureGateway | None = None

    def track(p: Progress) -> None:
        progress.done, progress.total = p.done, p.total
        if on_progress is not None:
            on_progress(p, meter)

    started = time.monotonic()
    snapshot: Snapshot | None = None
    failure: AzureFailure | None = None
    try:
        gateway = gateway_for(run.subscription, meter)
        gallery = run.target_gallery if run.scope == RefreshRun.Scope.GALLERY else None
        if gallery is not None:
            snapshot = collect_gallery(
                gateway, gallery.resource_group.name, gallery.name, gallery.arm_id, track
            )
        else:
            snapshot = collect_subscription(gateway, track)
    except CollectionFailed as exc:
        failure = exc.failure
    except DatabaseError as exc:
        failure = AzureFailure(
            RefreshFailure.DATABASE,
            f"Reading the subscription failed: {database_problem(exc)}. Nothing was changed.",
        )
    except Exception as exc:
        failure = describe_failure(exc)
        if failure.code == "unexpected":
            logger.exception("Refresh run %s failed while listing", run.pk)
    finally:
        if gateway is not None:
            gateway.close()
    return Collected(
        snapshot,
        failure,
        meter.calls,
        meter.throttled,
        progress.done,
        progress.total,
        time.monotonic() - started,
    )


@dataclass
class Outcome:
    """How a run ended, ready to be written (JSON-friendly: a retried task may carry it)."""

    status: str
    error: str = ""
    failure_code: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    api_calls: int = 0
    throttled_responses: int = 0
    progress_done: int = 0
    progress_total: int = 0
    collect_seconds: float | None = None
    apply_seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class OutcomeNotSaved(Exception):
    """The run's outcome could not be written (the database kept failing)."""

    def __init__(self, run_id: int, outcome: Outcome, problem: str) -> None:
        super().__init__(f"The outcome of refresh run {run_id} was not saved: {problem}.")
        self.run_id = run_id
        self.outcome = outcome
        self.problem = problem


def _outcome(run: RefreshRun, collected: Collected, token: str) -> Outcome | None:
    """Apply what was collected (one transaction); None if the run is no longer ours."""
    metrics: dict[str, Any] = {
        "api_calls": collected.calls,
        "throttled_responses": collected.throttled,
        "progress_done": collected.done,
        "progress_total": collected.total,
        "collect_seconds": collected.seconds,
    }
    subscription = run.subscription
    if collected.failure is not None or collected.snapshot is None:
        failure = collected.failure or AzureFailure("unexpected", "Nothing was collected.")
        if failure.is_credential_problem:
            try:
                _set_credential_health(subscription, failure)
            except DatabaseError:
                logger.warning("Credential health of %s not saved", subscription.pk)
        return Outcome(RefreshStatus.FAILED, failure.message, failure.code, **metrics)
    snapshot = collected.snapshot
    gallery = run.target_gallery if run.scope == RefreshRun.Scope.GALLERY else None
    try:
        with writer_turn():  # the apply time below excludes waiting for SQLite's writer
            # The listing is over: the page now says "Applying changes…".
            if not start_apply(run.pk, token, **metrics):
                return None
            _set_credential_health(subscription, None)
            _store_azure_state(subscription, snapshot.subscription_state)
            started = time.monotonic()
            counts = apply_snapshot(
                subscription, snapshot, gallery_id=gallery.arm_id if gallery else None
            )
            apply_seconds = time.monotonic() - started
    except DatabaseError as exc:
        # Rolled back as a whole: the cached rows are as they were.
        logger.warning("Refresh run %s not applied: %s", run.pk, exc)
        return Outcome(
            RefreshStatus.FAILED,
            f"Saving the inventory failed: {database_problem(exc)}; nothing was changed and "
            "the previous inventory is kept. The next refresh will try again.",
            RefreshFailure.DATABASE,
            **metrics,
        )
    status = RefreshStatus.PARTIAL if snapshot.errors else RefreshStatus.SUCCEEDED
    return Outcome(
        status, _summarise(snapshot.errors), "", counts, apply_seconds=apply_seconds, **metrics
    )


def save_outcome(run_id: int, token: str, outcome: Outcome) -> None:
    """Write the run's outcome, retrying while the database is busy; raises OutcomeNotSaved
    after INVENTORY_REFRESH_OUTCOME_WRITE_SECONDS. A run the sweep marked dead meanwhile (while
    this worker could not reach the database) gets the true outcome."""
    deadline = time.monotonic() + float(settings.INVENTORY_REFRESH_OUTCOME_WRITE_SECONDS)
    delay = 0.5
    ours = Q(status=RefreshStatus.RUNNING) | Q(
        status=RefreshStatus.FAILED, failure_code=RefreshFailure.WORKER_LOST
    )
    while True:
        try:
            now = timezone.now()
            with bounded_lock_wait():
                written = (
                    RefreshRun.objects.filter(pk=run_id, claim_token=token)
                    .filter(ours)
                    .update(
                        **outcome.to_dict(),
                        finished_at=now,
                        heartbeat_at=now,
                        lease_expires_at=None,
                    )
                )
            if not written:
                logger.warning("Refresh run %s was taken over; its outcome was dropped", run_id)
            return
        except DatabaseError as exc:
            problem = database_problem(exc)
            logger.warning("Refresh run %s: outcome not written yet: %s", run_id, exc)
            connection.close()  # a broken connection is opened anew on the next try
            if time.monotonic() + delay > deadline:
                raise OutcomeNotSaved(run_id, outcome, problem) from exc
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def _taken_over(run_id: int, token: str, problem: str) -> None:
    """The run was marked dead while this worker was still at it: say what really happened."""
    why = (
        f"its heartbeats could not be written ({problem})"
        if problem
        else "its heartbeats did not reach the database"
    )
    seconds = stale_after().total_seconds()
    try:
        with bounded_lock_wait():
            RefreshRun.objects.filter(
                pk=run_id,
                claim_token=token,
                status=RefreshStatus.FAILED,
                failure_code=RefreshFailure.WORKER_LOST,
            ).update(
                failure_code=RefreshFailure.DATABASE if problem else RefreshFailure.WORKER_LOST,
                error=f"This refresh was still running, but {why} for over {seconds:g} s, so "
                "it was taken for dead and replaced; its result was dropped and the cached "
                "inventory kept.",
            )
    except DatabaseError:
        logger.warning("Refresh run %s: could not explain its takeover", run_id)


def finish_run(
    run: RefreshRun, collected: Collected, token: str, heartbeat: Heartbeat | None = None
) -> RefreshRun:
    """Apply what was collected and record the run's outcome (see save_outcome)."""
    outcome = _outcome(run, collected, token)
    if outcome is None:
        _taken_over(run.pk, token, heartbeat.problem if heartbeat else "")
    else:
        save_outcome(run.pk, token, outcome)
    run.refresh_from_db()
    logger.info(
        "Refresh run %s of subscription %s: %s (%s calls)",
        run.pk,
        run.subscription_id,
        run.status,
        run.api_calls,
    )
    return run


def execute_run(run_id: int, token: str | None = None) -> RefreshRun | None:
    """Run a queued refresh to the end. `token` (a Celery task id) makes a redelivered task
    take over the run it already owns; a run owned by another is left alone."""
    token = token or uuid.uuid4().hex
    if give_up_if_worn_out(run_id, token) or not claim(run_id, token):
        return RefreshRun.objects.filter(pk=run_id).first()
    run = RefreshRun.objects.select_related(
        "subscription", "target_gallery", "target_gallery__resource_group"
    ).get(pk=run_id)
    latest: dict[str, Any] = {}

    def track(progress: Progress, meter: CallMeter) -> None:
        latest.update(
            progress_done=progress.done,
            progress_total=progress.total,
            api_calls=meter.calls,
            throttled_responses=meter.throttled,
        )
        heartbeat.write_progress()

    with Heartbeat(run_id, token, progress=lambda: dict(latest)) as heartbeat:
        collected = collect_run(run, track)
        return finish_run(run, collected, token, heartbeat)


def refresh_now(
    subscription: ConnectedSubscription, *, requested_by: Any = None, gallery: Gallery | None = None
) -> RefreshRun:
    """Request and run a refresh inline (management command, demo seeding, tests)."""
    run, _ = request_refresh(subscription, gallery=gallery, actor=requested_by, enqueue=False)
    result = execute_run(run.pk)
    return result or run

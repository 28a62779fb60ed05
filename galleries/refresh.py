"""Refresh runs: request (merging duplicates), execute (collect, then apply), sweep the dead.

A run's status is honest: `succeeded` only when every list call answered; `partial` when
some branch failed (nothing below it was deleted); `failed` when nothing could be applied, in
which case the cached rows are exactly as they were.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .apply import apply_snapshot, writer_turn
from .azure_clients import CallMeter, clients_for
from .collect import CollectionFailed, Progress, collect_gallery, collect_subscription
from .errors import AzureFailure, describe_failure
from .inventory_data import Snapshot
from .models import (
    ACTIVE_REFRESH_STATUSES,
    ConnectedSubscription,
    CredentialStatus,
    Gallery,
    RefreshRun,
    RefreshStatus,
)

logger = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 20
HEARTBEAT_EVERY_SECONDS = 1.0


def stale_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "INVENTORY_REFRESH_STALE_MINUTES", 10))


def queued_timeout() -> timedelta:
    return max(stale_after(), 2 * settings.INVENTORY_REFRESH_INTERVAL)


def sweep_stale_runs(
    subscription: ConnectedSubscription | None = None, *, organization: Any = None
) -> int:
    """Mark failed the runs whose worker died (stale heartbeat) or that never started."""
    now = timezone.now()
    runs = RefreshRun.objects.all()
    if subscription is not None:
        runs = runs.filter(subscription=subscription)
    if organization is not None:
        runs = runs.filter(subscription__organization=organization)
    stale_cutoff = now - stale_after()
    dead = runs.filter(
        Q(status=RefreshStatus.RUNNING)
        & (
            Q(heartbeat_at__lt=stale_cutoff)
            | Q(heartbeat_at__isnull=True, started_at__lt=stale_cutoff)
        )
    ).update(
        status=RefreshStatus.FAILED,
        finished_at=now,
        error=f"The worker stopped responding (no sign of life for {stale_after()}); "
        "the run was marked failed and the cached inventory kept.",
    )
    never_started = runs.filter(
        status=RefreshStatus.QUEUED, requested_at__lt=now - queued_timeout()
    ).update(
        status=RefreshStatus.FAILED,
        finished_at=now,
        error="No worker picked the run up in time; is the Celery worker running?",
    )
    return dead + never_started


def active_run(subscription: ConnectedSubscription) -> RefreshRun | None:
    return RefreshRun.objects.filter(
        subscription=subscription, status__in=ACTIVE_REFRESH_STATUSES
    ).first()


def request_refresh(
    subscription: ConnectedSubscription,
    *,
    requested_by: Any = None,
    gallery: Gallery | None = None,
    enqueue: bool = True,
) -> tuple[RefreshRun, bool]:
    """Queue a run, or merge into the subscription's queued/running one. Returns (run, new)."""
    sweep_stale_runs(subscription)
    scope = RefreshRun.Scope.GALLERY if gallery is not None else RefreshRun.Scope.FULL
    user = requested_by if getattr(requested_by, "is_authenticated", False) else None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                run = RefreshRun.objects.create(
                    subscription=subscription,
                    scope=scope,
                    target_gallery=gallery,
                    requested_by=user,
                )
        except IntegrityError:
            existing = active_run(subscription)
            if existing is None:
                continue  # it finished in between; try again
            RefreshRun.objects.filter(pk=existing.pk).update(
                merged_requests=F("merged_requests") + 1
            )
            if scope == RefreshRun.Scope.FULL and existing.scope == RefreshRun.Scope.GALLERY:
                # A full request widens a targeted run that has not started yet.
                RefreshRun.objects.filter(pk=existing.pk, status=RefreshStatus.QUEUED).update(
                    scope=RefreshRun.Scope.FULL, target_gallery=None
                )
            existing.refresh_from_db()
            return existing, False
        if enqueue:
            from .tasks import refresh_subscription_task

            transaction.on_commit(partial(refresh_subscription_task.delay, run.pk))
        return run, True
    raise RuntimeError("Could not queue or join a refresh run.")


def _claim(run_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=RefreshStatus.QUEUED) | Q(
        status=RefreshStatus.RUNNING, heartbeat_at__lt=now - stale_after()
    )
    return bool(
        RefreshRun.objects.filter(claimable, pk=run_id).update(
            status=RefreshStatus.RUNNING, started_at=now, heartbeat_at=now
        )
    )


def _set_credential_health(
    subscription: ConnectedSubscription, failure: AzureFailure | None
) -> None:
    status = CredentialStatus.INVALID if failure else CredentialStatus.VALID
    ConnectedSubscription.objects.filter(pk=subscription.pk).update(
        credential_status=status,
        credential_checked_at=timezone.now(),
        credential_error=failure.message if failure else "",
    )


def _progress_writer(run_id: int) -> Callable[[Progress, CallMeter], None]:
    last = [0.0]

    def write(progress: Progress, meter: CallMeter) -> None:
        now = time.monotonic()
        if now - last[0] < HEARTBEAT_EVERY_SECONDS:
            return
        # Never wait for SQLite's single writer here: this thread drives the walk, and a
        # heartbeat skipped now is written a second later.
        with writer_turn(blocking=False) as got_turn:
            if not got_turn:
                return
            last[0] = now
            RefreshRun.objects.filter(pk=run_id).update(
                progress_done=progress.done,
                progress_total=progress.total,
                heartbeat_at=timezone.now(),
                api_calls=meter.calls,
                throttled_responses=meter.throttled,
            )

    return write


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


def collect_run(
    run: RefreshRun, on_progress: Callable[[Progress, CallMeter], None] | None = None
) -> Collected:
    """List what the run covers in Azure; writes nothing (except through `on_progress`)."""
    meter = CallMeter()
    progress = Progress()
    clients = None

    def track(p: Progress) -> None:
        progress.done, progress.total = p.done, p.total
        if on_progress is not None:
            on_progress(p, meter)

    started = time.monotonic()
    snapshot: Snapshot | None = None
    failure: AzureFailure | None = None
    try:
        clients = clients_for(run.subscription, meter)
        gallery = run.target_gallery if run.scope == RefreshRun.Scope.GALLERY else None
        if gallery is not None:
            snapshot = collect_gallery(
                clients, gallery.resource_group.name, gallery.name, gallery.arm_id, track
            )
        else:
            snapshot = collect_subscription(clients, track)
    except CollectionFailed as exc:
        failure = exc.failure
    except Exception as exc:
        failure = describe_failure(exc)
        if failure.code == "unexpected":
            logger.exception("Refresh run %s failed while listing", run.pk)
    finally:
        if clients is not None:
            clients.close()
    return Collected(
        snapshot,
        failure,
        meter.calls,
        meter.throttled,
        progress.done,
        progress.total,
        time.monotonic() - started,
    )


def finish_run(run: RefreshRun, collected: Collected) -> RefreshRun:
    """Apply what was collected (one transaction) and record the run's outcome."""
    subscription = run.subscription
    result: dict[str, Any] = {"counts": {}, "error": "", "status": RefreshStatus.FAILED}
    try:
        if collected.failure is not None or collected.snapshot is None:
            failure = collected.failure or AzureFailure("unexpected", "Nothing was collected.")
            result["error"] = failure.message
            if failure.is_credential_problem:
                _set_credential_health(subscription, failure)
        else:
            snapshot = collected.snapshot
            _set_credential_health(subscription, None)
            gallery = run.target_gallery if run.scope == RefreshRun.Scope.GALLERY else None
            with writer_turn():  # the apply time below excludes waiting for SQLite's writer
                # The listing is over: the page now says "Applying changes…".
                RefreshRun.objects.filter(pk=run.pk).update(
                    heartbeat_at=timezone.now(),
                    progress_done=collected.done,
                    progress_total=collected.total,
                    collect_seconds=collected.seconds,
                )
                started = time.monotonic()
                result["counts"] = apply_snapshot(
                    subscription, snapshot, gallery_id=gallery.arm_id if gallery else None
                )
                result["apply_seconds"] = time.monotonic() - started
            result["status"] = RefreshStatus.PARTIAL if snapshot.errors else RefreshStatus.SUCCEEDED
            result["error"] = _summarise(snapshot.errors)
    except Exception as exc:
        # Not Azure: the database while applying (rolled back as a whole).
        result["status"] = RefreshStatus.FAILED
        result["error"] = (
            f"Saving the inventory failed ({type(exc).__name__}); "
            "nothing was changed and the previous inventory is kept."
        )
        logger.exception("Refresh run %s failed while applying", run.pk)
    finally:
        RefreshRun.objects.filter(pk=run.pk).update(
            status=result["status"],
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            counts=result["counts"],
            error=result["error"],
            api_calls=collected.calls,
            throttled_responses=collected.throttled,
            progress_done=collected.done,
            progress_total=collected.total,
            collect_seconds=collected.seconds,
            apply_seconds=result.get("apply_seconds"),
        )
    run.refresh_from_db()
    logger.info(
        "Refresh run %s of subscription %s: %s (%s calls)",
        run.pk,
        subscription.pk,
        run.status,
        run.api_calls,
    )
    return run


def execute_run(run_id: int) -> RefreshRun | None:
    """Run a queued refresh to the end (idempotent: a run already taken is left alone)."""
    if not _claim(run_id):
        return RefreshRun.objects.filter(pk=run_id).first()
    run = RefreshRun.objects.select_related(
        "subscription", "target_gallery", "target_gallery__resource_group"
    ).get(pk=run_id)
    writer = _progress_writer(run_id)
    return finish_run(run, collect_run(run, writer))


def refresh_now(
    subscription: ConnectedSubscription, *, requested_by: Any = None, gallery: Gallery | None = None
) -> RefreshRun:
    """Request and run a refresh inline (management command, demo seeding, tests)."""
    run, _ = request_refresh(
        subscription, requested_by=requested_by, gallery=gallery, enqueue=False
    )
    result = execute_run(run.pk)
    return result or run

"""Celery tasks: each fetches by id and calls a service; all are safe to run twice.

Their names stay `galleries.tasks.*` (the module they were first declared in): the beat
schedule and messages already queued name them so."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from celery import Celery, group, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from console.models import Organization
from galleries.models import ConnectedSubscription, CredentialStatus, Gallery, RefreshRun
from galleries.sharing import check_sharing
from galleries.signals import inventory_changed

from .full import execute_full_runs, request_full_runs
from .liveness import sweep_stale_runs
from .request import request_refresh, set_run_queuer
from .retention import prune_refresh_history
from .runs import Outcome, OutcomeNotSaved, execute_run, save_outcome

# How often beat looks for subscriptions due a refresh; each one's own interval and jitter
# decide whether it is due (see refresh_due_subscriptions).
DUE_CHECK_EVERY = timedelta(minutes=1)
BEAT_ENTRY = "inventory-refresh-due-subscriptions"
SWEEP_ENTRY = "inventory-sweep-dead-runs"
PRUNE_ENTRY = "inventory-prune-refresh-history"
PRUNE_EVERY = timedelta(days=1)
# A worker that could not save a run's outcome hands it to a retry of its task (at most).
OUTCOME_RETRIES = 30


def register_beat_schedule(app: Celery) -> None:
    """Add the periodic inventory refresh, the sweep of dead runs (as often as a run may stay
    silent) and the daily pruning of old runs to beat (called from GalleriesConfig.ready)."""
    app.conf.beat_schedule.setdefault(
        BEAT_ENTRY,
        {
            "task": "galleries.tasks.refresh_due_subscriptions_task",
            "schedule": DUE_CHECK_EVERY,
            "options": {"expires": DUE_CHECK_EVERY.total_seconds()},
        },
    )
    every = max(1.0, float(settings.INVENTORY_REFRESH_STALE_SECONDS))
    app.conf.beat_schedule.setdefault(
        SWEEP_ENTRY,
        {
            "task": "galleries.tasks.sweep_dead_runs_task",
            "schedule": timedelta(seconds=every),
            "options": {"expires": every},
        },
    )
    app.conf.beat_schedule.setdefault(
        PRUNE_ENTRY,
        {
            "task": "galleries.tasks.prune_refresh_history_task",
            "schedule": PRUNE_EVERY,
            "options": {"expires": PRUNE_EVERY.total_seconds()},
        },
    )


def jitter_for(subscription_pk: int, interval: timedelta) -> timedelta:
    """A stable per-subscription offset (0-20% of the interval) so refreshes spread out."""
    digest = hashlib.sha256(str(subscription_pk).encode()).digest()
    fraction = int.from_bytes(digest[:4], "big") / 2**32
    return interval * 0.2 * fraction


def _task_options(name: str, *, soft_time_limit: int, time_limit: int) -> dict[str, Any]:
    """A task acknowledged only once done (a worker lost mid-task hands it on), keeping no
    result, named `galleries.tasks.<name>` (see the module's docstring)."""
    return {
        "acks_late": True,
        "ignore_result": True,
        "soft_time_limit": soft_time_limit,
        "time_limit": time_limit,
        "name": f"galleries.tasks.{name}",
    }


# A refresh may list a large subscription page by page.
REFRESH_LIMITS = {"soft_time_limit": 600, "time_limit": 660}


def _check_sharing_after(task: Any, run: Any) -> None:
    """Queue the share checks of the run's organization, on the queue this task came from."""
    if run is None or run.status == "failed":
        return
    queue = (task.request.delivery_info or {}).get("routing_key")
    check_sharing_task.apply_async(
        (run.subscription.organization_id,), **({"queue": queue} if queue else {})
    )


def _token(task: Any) -> str | None:
    """The task id: the same when the broker redelivers the task, so that the redelivered
    task knows the run it finds `running` is its own (its previous process died)."""
    return task.request.id or None


def _execute(task: Any, run_id: int, outcome: dict[str, Any] | None, retry: dict[str, Any]) -> Any:
    """Execute (or take over) the run; an outcome the database would not take is handed to
    a retry of `task`, called with `retry` plus the outcome."""
    token = _token(task)
    try:
        if outcome is not None and token is not None:
            # An earlier try finished the run but could not write how it ended.
            save_outcome(run_id, token, Outcome(**outcome))
            return None
        return execute_run(run_id, token=token)
    except OutcomeNotSaved as unsaved:
        raise task.retry(
            args=(),
            kwargs={**retry, "outcome": unsaved.outcome.to_dict()},
            countdown=float(settings.INVENTORY_REFRESH_OUTCOME_RETRY_SECONDS),
            max_retries=OUTCOME_RETRIES,
        ) from unsaved


@shared_task(bind=True, **_task_options("refresh_subscription_task", **REFRESH_LIMITS))
def refresh_subscription_task(
    self: Any, run_id: int, outcome: dict[str, Any] | None = None
) -> None:
    """Execute a queued refresh run (full or one gallery), or take over its own run."""
    _check_sharing_after(self, _execute(self, run_id, outcome, {"run_id": run_id}))


# request_refresh queues new runs through this; the task is looked up at each call (tests
# replace its delay).
set_run_queuer(lambda run_id: refresh_subscription_task.delay(run_id))


@shared_task(bind=True, **_task_options("refresh_gallery_task", **REFRESH_LIMITS))
def refresh_gallery_task(
    self: Any, gallery_id: int, run_id: int | None = None, outcome: dict[str, Any] | None = None
) -> None:
    """Request and execute a targeted refresh of one gallery."""
    if run_id is not None:  # a retry that only has an outcome to write
        _execute(self, run_id, outcome, {"gallery_id": gallery_id, "run_id": run_id})
        return
    gallery = Gallery.objects.select_related("subscription").filter(pk=gallery_id).first()
    if gallery is None:
        return
    token = _token(self)
    mine = RefreshRun.objects.filter(
        subscription=gallery.subscription, status="running", claim_token=token or "-"
    ).first()
    if mine is None:
        run, created = request_refresh(gallery.subscription, gallery=gallery, enqueue=False)
        if not created:
            return  # merged into a run that another task executes
    else:  # redelivered: the run this task started is still "running"
        run = mine
    retry = {"gallery_id": gallery_id, "run_id": run.pk}
    _check_sharing_after(self, _execute(self, run.pk, None, retry))


@shared_task(bind=True, **_task_options("refresh_full_chunk_task", **REFRESH_LIMITS))
def refresh_full_chunk_task(self: Any, run_ids: list[int]) -> None:
    """Execute a chunk of full-refresh runs through Resource Graph (see fan_out_full_refresh);
    redelivered, it takes back the runs it owns."""
    runs = execute_full_runs(list(run_ids), _token(self) or "-")
    done: set[int] = set()
    for run in runs:
        run.refresh_from_db()
        if run.subscription.organization_id not in done and run.status != "failed":
            done.add(run.subscription.organization_id)
            _check_sharing_after(self, run)


def fan_out_full_refresh(subscriptions: list[ConnectedSubscription]) -> int:
    """Request a full refresh of each subscription and send the new runs to the workers in
    chunks (INVENTORY_REFRESH_CHUNK_SUBSCRIPTIONS a task, one Celery group): each worker
    process lists its chunk through Resource Graph and applies it, so more processes, here or
    on other machines, refresh more chunks at once. Returns how many runs were created."""
    _, created = request_full_runs(subscriptions)
    size = max(1, int(settings.INVENTORY_REFRESH_CHUNK_SUBSCRIPTIONS))
    chunks = [created[start : start + size] for start in range(0, len(created), size)]
    if chunks:
        fan_out = group(refresh_full_chunk_task.si(chunk) for chunk in chunks)
        transaction.on_commit(fan_out.apply_async)
    return len(created)


@shared_task(**_task_options("sweep_dead_runs_task", soft_time_limit=30, time_limit=40))
def sweep_dead_runs_task() -> int:
    """Mark failed the runs whose lease ran out, so that no page shows a ghost for long."""
    return sweep_stale_runs()


@shared_task(**_task_options("prune_refresh_history_task", soft_time_limit=300, time_limit=330))
def prune_refresh_history_task() -> int:
    """Delete the refresh runs past their retention (see retention.py)."""
    return prune_refresh_history()


@shared_task(**_task_options("check_sharing_task", soft_time_limit=300, time_limit=330))
def check_sharing_task(organization_id: int) -> None:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        check_sharing(organization)
        # The last step after every refresh: the inventory and who may read it are known.
        inventory_changed.send(sender=Organization, organization_id=organization_id)


@shared_task(**_task_options("refresh_due_subscriptions_task", soft_time_limit=50, time_limit=55))
def refresh_due_subscriptions_task() -> int:
    """Sweep dead runs, then refresh every subscription whose last one is old, through
    Resource Graph in chunks over the workers (fan_out_full_refresh).

    A subscription whose credential is known to be invalid is skipped: every attempt would
    fail the same way (and could lock the principal out). The page says refreshes are paused;
    a manual refresh or a successful Test connection marks the credential valid again."""
    sweep_stale_runs()
    interval = settings.INVENTORY_REFRESH_INTERVAL
    now = timezone.now()
    due = []
    for subscription in ConnectedSubscription.objects.exclude(
        credential_status=CredentialStatus.INVALID
    ):
        last = (
            RefreshRun.objects.filter(subscription=subscription)
            .order_by("-requested_at")
            .values_list("requested_at", flat=True)
            .first()
        )
        if last is None or last + interval + jitter_for(subscription.pk, interval) <= now:
            due.append(subscription)
    return fan_out_full_refresh(due)

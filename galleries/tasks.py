"""Celery tasks: each fetches by id and calls a service; all are safe to run twice."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from celery import Celery, shared_task
from django.conf import settings
from django.utils import timezone

# How often beat looks for subscriptions due a refresh; each one's own interval and jitter
# decide whether it is due (see refresh_due_subscriptions).
DUE_CHECK_EVERY = timedelta(minutes=1)
BEAT_ENTRY = "inventory-refresh-due-subscriptions"


def register_beat_schedule(app: Celery) -> None:
    """Add the periodic inventory refresh to beat (called from GalleriesConfig.ready)."""
    app.conf.beat_schedule.setdefault(
        BEAT_ENTRY,
        {
            "task": "galleries.tasks.refresh_due_subscriptions_task",
            "schedule": DUE_CHECK_EVERY,
            "options": {"expires": DUE_CHECK_EVERY.total_seconds()},
        },
    )


def jitter_for(subscription_pk: int, interval: timedelta) -> timedelta:
    """A stable per-subscription offset (0-20% of the interval) so refreshes spread out."""
    digest = hashlib.sha256(str(subscription_pk).encode()).digest()
    fraction = int.from_bytes(digest[:4], "big") / 2**32
    return interval * 0.2 * fraction


_LIMITS: dict[str, Any] = {
    "acks_late": True,
    "ignore_result": True,
    "soft_time_limit": 600,
    "time_limit": 660,
}


def _check_sharing_after(task: Any, run: Any) -> None:
    """Queue the share checks of the run's organization, on the queue this task came from."""
    if run is None or run.status == "failed":
        return
    queue = (task.request.delivery_info or {}).get("routing_key")
    check_sharing_task.apply_async(
        (run.subscription.organization_id,), **({"queue": queue} if queue else {})
    )


@shared_task(bind=True, **_LIMITS)
def refresh_subscription_task(self: Any, run_id: int) -> None:
    """Execute a queued refresh run (full or one gallery)."""
    from .refresh import execute_run

    _check_sharing_after(self, execute_run(run_id))


@shared_task(bind=True, **_LIMITS)
def refresh_gallery_task(self: Any, gallery_id: int) -> None:
    """Request and execute a targeted refresh of one gallery."""
    from .models import Gallery
    from .refresh import execute_run, request_refresh

    gallery = Gallery.objects.select_related("subscription").filter(pk=gallery_id).first()
    if gallery is None:
        return
    run, created = request_refresh(gallery.subscription, gallery=gallery, enqueue=False)
    if created:
        _check_sharing_after(self, execute_run(run.pk))


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=330)
def check_sharing_task(organization_id: int) -> None:
    from console.models import Organization

    from .sharing import check_sharing

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        check_sharing(organization)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=55)
def refresh_due_subscriptions_task() -> int:
    """Sweep dead runs, then queue a refresh of every subscription whose last one is old.

    A subscription whose credential is known to be invalid is skipped: every attempt would
    fail the same way (and could lock the principal out). The page says refreshes are paused;
    a manual refresh or a successful Test connection marks the credential valid again."""
    from .models import ConnectedSubscription, CredentialStatus, RefreshRun
    from .refresh import request_refresh, sweep_stale_runs

    sweep_stale_runs()
    interval = settings.INVENTORY_REFRESH_INTERVAL
    now = timezone.now()
    queued = 0
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
            _, created = request_refresh(subscription)
            queued += int(created)
    return queued

"""How long the refresh history is kept.

A subscription refreshed every 15 minutes adds 35,000 runs a year; nothing else removes them.
Beat prunes, once a day, the runs that finished more than INVENTORY_REFRESH_RUN_RETENTION_DAYS
ago, in batches (so that SQLite's one writer is never held long), and keeps each subscription's
newest applied run whatever its age: the inventory's "refreshed …" is read from it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from galleries.models import ACTIVE_REFRESH_STATUSES, APPLIED_REFRESH_STATUSES, RefreshRun

PRUNE_BATCH = 1000


def prune_refresh_history(*, now: datetime | None = None) -> int:
    """Delete the finished runs past the retention; returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.INVENTORY_REFRESH_RUN_RETENTION_DAYS)
    newest_applied = (
        RefreshRun.objects.filter(
            subscription=OuterRef("subscription"), status__in=APPLIED_REFRESH_STATUSES
        )
        .order_by("-finished_at", "-id")
        .values("pk")[:1]
    )
    expired = (
        RefreshRun.objects.filter(finished_at__lt=cutoff)
        .exclude(status__in=ACTIVE_REFRESH_STATUSES)
        .annotate(kept=Subquery(newest_applied))
        # "no applied run" is NULL, which an exclude(pk=F("kept")) would take for a match.
        .filter(Q(kept__isnull=True) | ~Q(pk=F("kept")))
    )
    deleted = 0
    while batch := list(expired.values_list("pk", flat=True)[:PRUNE_BATCH]):
        deleted += RefreshRun.objects.filter(pk__in=batch).delete()[0]
    return deleted

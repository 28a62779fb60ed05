"""The refresh history is pruned daily; what dates the inventory is never pruned."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from console.celery import app as celery_app
from galleries.models import RefreshRun
from galleries.refresh.tasks import PRUNE_ENTRY, prune_refresh_history_task, register_beat_schedule
from galleries.selectors import last_completed_run

pytestmark = pytest.mark.django_db


def _run(subscription: Any, status: str, days_ago: float | None) -> RefreshRun:
    finished = None if days_ago is None else timezone.now() - timedelta(days=days_ago)
    return RefreshRun.objects.create(subscription=subscription, status=status, finished_at=finished)


def test_old_runs_go_but_recent_ones_active_ones_and_the_newest_applied_one_stay(
    connect: Any, settings: Any
) -> None:
    settings.INVENTORY_REFRESH_RUN_RETENTION_DAYS = 30
    quiet = connect("Staging")  # refreshed long ago, failing since
    busy = connect("Production")
    kept_for_its_age = _run(quiet, "succeeded", days_ago=90)
    old = [
        _run(quiet, "succeeded", days_ago=120),
        _run(quiet, "failed", days_ago=60),
        _run(busy, "partial", days_ago=45),
        _run(busy, "failed", days_ago=31),
    ]
    recent = [_run(quiet, "failed", days_ago=29), _run(busy, "succeeded", days_ago=1)]
    queued = _run(busy, "queued", days_ago=None)

    assert prune_refresh_history_task() == len(old)

    left = set(RefreshRun.objects.values_list("pk", flat=True))
    assert left == {kept_for_its_age.pk, queued.pk, *(run.pk for run in recent)}
    assert last_completed_run(quiet) == kept_for_its_age  # "refreshed 3 months ago", not "never"
    assert prune_refresh_history_task() == 0


def test_more_old_runs_than_a_batch_are_all_pruned(connect: Any, settings: Any) -> None:
    from galleries.refresh import retention

    settings.INVENTORY_REFRESH_RUN_RETENTION_DAYS = 7
    subscription = connect("Production")
    finished = timezone.now() - timedelta(days=8)
    RefreshRun.objects.bulk_create(
        RefreshRun(subscription=subscription, status="failed", finished_at=finished)
        for _ in range(retention.PRUNE_BATCH + 5)
    )
    assert prune_refresh_history_task() == retention.PRUNE_BATCH + 5
    assert not RefreshRun.objects.exists()


def test_beat_prunes_the_history_daily() -> None:
    register_beat_schedule(celery_app)
    assert celery_app.conf.beat_schedule[PRUNE_ENTRY]["schedule"] == timedelta(days=1)

"""Celery tasks of publishing: each fetches its row by id and calls `sync` or `imports`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Celery, shared_task
from django.conf import settings

from . import drift, imports, sync

DRIFT_ENTRY = "spot-drift-check"
_LIMITS: dict[str, Any] = {"acks_late": True, "ignore_result": True, "max_retries": None}
# A busy lease is waited for at most this many times (the holder's lease is 10 minutes).
BUSY_RETRIES = 120


def register_beat_schedule(app: Celery) -> None:
    every = timedelta(minutes=settings.SPOT_DRIFT_CHECK_MINUTES)
    app.conf.beat_schedule.setdefault(
        DRIFT_ENTRY,
        {
            "task": "groups.publish.tasks.check_all_drift_task",
            "schedule": every,
            "options": {"expires": every.total_seconds()},
        },
    )


def _follow(task: Any, result: sync.Result) -> None:
    if result.outcome == sync.Outcome.DONE:
        return
    if result.outcome == sync.Outcome.BUSY and task.request.retries >= BUSY_RETRIES:
        return
    raise task.retry(countdown=result.countdown)


@shared_task(bind=True, name="groups.publish.tasks.publish_group_task", **_LIMITS)
def publish_group_task(self: Any, publication_id: int) -> None:
    _follow(self, sync.publish(publication_id, holder=self.request.id or "inline"))


@shared_task(bind=True, name="groups.publish.tasks.delete_remote_group_task", **_LIMITS)
def delete_remote_group_task(self: Any, publication_id: int) -> None:
    _follow(self, sync.delete_remote(publication_id, holder=self.request.id or "inline"))


@shared_task(bind=True, name="groups.publish.tasks.check_drift_task", **_LIMITS)
def check_drift_task(self: Any, publication_id: int) -> None:
    _follow(self, drift.check_drift(publication_id, holder=self.request.id or "inline"))


@shared_task(name="groups.publish.tasks.check_all_drift_task", ignore_result=True)
def check_all_drift_task() -> None:
    for publication_id in drift.published_ids_due_for_drift():
        check_drift_task.delay(publication_id)


@shared_task(name="groups.publish.tasks.import_account_task", acks_late=True, ignore_result=True)
def import_account_task(connection_id: int) -> None:
    imports.import_account(connection_id)

"""Asking for a refresh: queue a run, or merge into the subscription's active one.

At most one run per subscription is queued or running (a unique constraint); a request that
meets it merges into it, unless that run is dead (its lease ran out), which is then marked
failed and replaced. Only that run is checked here: the beat sweeps the others.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from galleries.audit import audit_subscription
from galleries.models import (
    ACTIVE_REFRESH_STATUSES,
    ConnectedSubscription,
    Gallery,
    RefreshRun,
    RefreshStatus,
)

from .liveness import sweep_if_dead

# How a new run is queued: set by the refresh's task module when it loads (at app start,
# galleries.apps), which imports this module and so can't be imported by it.
_queue_run: Callable[[int], object] | None = None


def set_run_queuer(queue_run: Callable[[int], object]) -> None:
    global _queue_run
    _queue_run = queue_run


def active_run(subscription: ConnectedSubscription) -> RefreshRun | None:
    return RefreshRun.objects.filter(
        subscription=subscription, status__in=ACTIVE_REFRESH_STATUSES
    ).first()


def request_refresh(
    subscription: ConnectedSubscription,
    *,
    gallery: Gallery | None = None,
    actor: Any = None,
    enqueue: bool = True,
) -> tuple[RefreshRun, bool]:
    """Ask for a refresh of the subscription, or of one of its galleries: queue a run, or
    merge into the subscription's queued/running one. Returns (run, new).

    Atomic; audited when someone asked (`actor`: a person, or the owner of an API token; the
    beat and the command are not); the task is enqueued once the transaction commits. Only
    the run it would merge into is checked for life: a dead one (its lease ran out) is marked
    failed and a new run queued instead. The beat sweeps the others."""
    with transaction.atomic():
        run, new = _queue_or_merge(subscription, gallery, actor)
        if actor is not None:
            audit_subscription(
                subscription,
                actor=actor,
                action="subscription.refresh_requested",
                after={"run": run.pk, "scope": run.scope, "merged": not new},
            )
        if new and enqueue:
            if _queue_run is None:
                raise RuntimeError("galleries.refresh.tasks is not loaded: nothing queues runs")
            transaction.on_commit(partial(_queue_run, run.pk))
    return run, new


def _queue_or_merge(
    subscription: ConnectedSubscription, gallery: Gallery | None, actor: Any
) -> tuple[RefreshRun, bool]:
    scope = RefreshRun.Scope.GALLERY if gallery is not None else RefreshRun.Scope.FULL
    user = actor if getattr(actor, "is_authenticated", False) else None
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
            if sweep_if_dead(existing):
                continue  # its worker is gone: it is failed now, so a new run can start
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
        return run, True
    raise RuntimeError("Could not queue or join a refresh run.")

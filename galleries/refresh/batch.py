"""Refresh many subscriptions at once, inline (management command, demo, benchmark).

Celery does this in production with one task per subscription over its worker processes;
here the same bounds hold: `parallel` subscriptions at a time, each listing
INVENTORY_REFRESH_CONCURRENCY calls at once. With `processes`, the listing (CPU-heavy at
scale: TLS, JSON) runs in forked processes while this one applies each snapshot as it
arrives, so a single writer feeds the database.
"""

from __future__ import annotations

import multiprocessing
import uuid
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait as wait_for_any,
)
from contextlib import ExitStack

from django.conf import settings
from django.db import connections

from galleries.models import ConnectedSubscription, RefreshRun

from .full import refresh_through_graph
from .liveness import Heartbeat, claim, heartbeat_every
from .request import request_refresh
from .runs import Collected, collect_run, finish_run, refresh_now


def refresh_subscriptions(
    subscriptions: list[ConnectedSubscription],
    *,
    parallel: int | None = None,
    processes: bool = False,
    through_graph: bool = False,
) -> list[RefreshRun]:
    """Refresh `subscriptions` to completion; returns their runs (merged ones as they are).

    `parallel` subscriptions at a time, listed in threads of this process or, with
    `processes`, each in a forked process of its own; or, `through_graph`, listed through
    Azure Resource Graph (`full`)."""
    if through_graph:
        return refresh_through_graph(subscriptions)
    default: int = getattr(settings, "INVENTORY_REFRESH_PARALLEL_SUBSCRIPTIONS", 4)
    workers = max(1, parallel or default)
    if processes and len(subscriptions) > 1:
        return _in_processes(subscriptions, workers)
    if workers <= 1 or len(subscriptions) <= 1:
        return [refresh_now(subscription) for subscription in subscriptions]

    def one(subscription: ConnectedSubscription) -> RefreshRun:
        try:
            return refresh_now(subscription)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="refresh") as pool:
        return list(pool.map(one, subscriptions))


def _collect_in_child(run_id: int) -> Collected:
    try:
        run = RefreshRun.objects.select_related(
            "subscription", "target_gallery", "target_gallery__resource_group"
        ).get(pk=run_id)
        return collect_run(run)
    finally:
        connections.close_all()


def _in_processes(subscriptions: list[ConnectedSubscription], workers: int) -> list[RefreshRun]:
    runs: list[RefreshRun] = []
    claimed: list[tuple[RefreshRun, str]] = []
    for subscription in subscriptions:
        run, created = request_refresh(subscription, enqueue=False)
        runs.append(run)
        token = uuid.uuid4().hex
        if created and claim(run.pk, token):
            claimed.append((run, token))
    connections.close_all()  # children open their own connections
    context = multiprocessing.get_context("fork")
    with ExitStack() as heartbeats:
        # The children do not write: this process keeps their runs' leases.
        beating = {
            run.pk: heartbeats.enter_context(Heartbeat(run.pk, token)) for run, token in claimed
        }
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending: dict[Future[Collected], tuple[RefreshRun, str]] = {
                pool.submit(_collect_in_child, run.pk): (run, token) for run, token in claimed
            }
            while pending:
                done, _ = wait_for_any(
                    pending, timeout=heartbeat_every(), return_when=FIRST_COMPLETED
                )
                for future in done:
                    run, token = pending.pop(future)
                    run = RefreshRun.objects.select_related("subscription", "target_gallery").get(
                        pk=run.pk
                    )
                    finish_run(run, future.result(), token, beating[run.pk])
    for run in runs:
        run.refresh_from_db()
    return runs

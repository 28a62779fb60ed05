"""Full refreshes of many subscriptions at once: listed through Resource Graph (`graph`), each
run applied by this process, one after another (a single writer).

`execute_full_runs(run_ids, token)` is what one Celery task of a fan-out does
(`tasks.fan_out_full_refresh` sends a chunk of runs to each task, so that more worker
processes, on this machine or others, list and apply more chunks at once);
`refresh_through_graph` requests and executes the runs inline (management command, demo,
benchmark).
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack

from django.conf import settings
from django.db import connections

from galleries.models import ConnectedSubscription, RefreshRun

from .graph import Listed, credential_groups, list_group
from .liveness import Heartbeat, claim, give_up_if_worn_out, heartbeat_every
from .request import request_refresh
from .runs import Collected, collect_run, finish_run

logger = logging.getLogger(__name__)


def _list_in_thread(group: list[ConnectedSubscription]) -> Listed:
    try:
        return list_group(group)
    finally:
        connections.close_all()


def execute_full_runs(run_ids: list[int], token: str) -> list[RefreshRun]:
    """Claim the full-refresh runs `run_ids` (or take back those `token` owns), list them
    through Resource Graph (ARM for those it cannot answer), apply each; returns the runs
    this call executed."""
    mine = [
        run_id
        for run_id in run_ids
        if not give_up_if_worn_out(run_id, token) and claim(run_id, token)
    ]
    runs = {
        run.pk: run
        for run in RefreshRun.objects.select_related("subscription").filter(
            pk__in=mine, scope=RefreshRun.Scope.FULL
        )
    }
    by_subscription = {run.subscription_id: run for run in runs.values()}
    groups, unreadable = credential_groups([run.subscription for run in runs.values()])
    parallel = max(1, int(getattr(settings, "INVENTORY_REFRESH_PARALLEL_SUBSCRIPTIONS", 4)))
    with ExitStack() as stack:
        beating = {
            pk: stack.enter_context(Heartbeat(pk, token)) for pk in runs
        }  # the lease of every run is kept while its group waits for its turn
        pool = stack.enter_context(ThreadPoolExecutor(parallel, thread_name_prefix="graph"))
        pending: set[Future[Listed]] = {pool.submit(_list_in_thread, g) for g in groups}
        by_arm = [by_subscription[s.pk] for s in unreadable]
        while pending:
            done, pending = wait(pending, timeout=heartbeat_every(), return_when=FIRST_COMPLETED)
            for listing in done:
                for subscription_pk, collected in listing.result().items():
                    run = by_subscription[subscription_pk]
                    if collected is None:
                        by_arm.append(run)
                    else:
                        finish_run(run, collected, token, beating[run.pk])
        arm = {pool.submit(_arm_listing, run): run for run in by_arm}
        for walked, run in arm.items():
            finish_run(run, walked.result(), token, beating[run.pk])
    return list(runs.values())


def _arm_listing(run: RefreshRun) -> Collected:
    try:
        return collect_run(run)
    finally:
        connections.close_all()


def request_full_runs(
    subscriptions: list[ConnectedSubscription],
) -> tuple[list[RefreshRun], list[int]]:
    """A full-refresh run for each subscription (merged into one already queued or running);
    returns every run and the ids of those created now, which the caller must execute."""
    runs, created = [], []
    for subscription in subscriptions:
        run, new = request_refresh(subscription, enqueue=False)
        runs.append(run)
        if new:
            created.append(run.pk)
    return runs, created


def refresh_through_graph(subscriptions: list[ConnectedSubscription]) -> list[RefreshRun]:
    """Request and execute, inline, a full refresh of `subscriptions`."""
    runs, created = request_full_runs(subscriptions)
    execute_full_runs(created, uuid.uuid4().hex)
    for run in runs:
        run.refresh_from_db()
    return runs

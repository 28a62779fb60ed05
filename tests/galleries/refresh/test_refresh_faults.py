"""The refresh under faults: one matrix, one row per fault, through the real worker.

Every row refreshes the "Shared Images" subscription once (so its cache is full), arms its
faults in the Azure sandbox (or changes the world, or disrupts the worker or the database
while the run is under way), has a real Celery worker run the refresh, and then checks what
a user would see: the cached rows (untouched unless Azure proved a deletion), the run's status
and its message in words, the credential's state, and how soon a new refresh can start. The
next refresh, faults gone, must heal the cache back to the world.

A new fault is one more `Row`. Rows run on both databases (SQLite and PostgreSQL + Redis, as
the suite is run); the measured figures are printed at the end of the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection

from galleries.models import ConnectedSubscription, Gallery, GalleryImage, RefreshRun
from galleries.refresh.request import request_refresh
from galleries.refresh.runs import refresh_now
from tests.worker import CeleryWorker, new_queue, routed_to, start_worker

from ..conftest import FIGURE_PROPERTY
from .fault_kit import (
    FAST_AZURE,
    GOAL_FIGURES,
    GOAL_SECONDS,
    IMAGE,
    KEPT,
    MAIN,
    RG,
    SUBSCRIPTION,
    Context,
    Row,
)
from .fault_rows import ROWS
from .inventory_helpers import all_rows, cached_tree, world_tree


# --- running a row -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def matrix_worker(django_db_setup: None) -> Iterator[CeleryWorker]:
    """One prefork worker for the rows that need none of their own."""
    worker = start_worker(new_queue(), pool="prefork", env=FAST_AZURE)
    yield worker
    worker.stop()


@pytest.fixture
def fast_azure(settings: Any) -> None:
    settings.AZURE_RETRY_BACKOFF_FACTOR = float(FAST_AZURE["AZURE_RETRY_BACKOFF_FACTOR"])
    settings.AZURE_READ_TIMEOUT_SECONDS = int(FAST_AZURE["AZURE_READ_TIMEOUT_SECONDS"])


def _wait_until_done(worker: CeleryWorker, run: RefreshRun, seconds: float) -> RefreshRun:
    worker.wait_for(lambda: not RefreshRun.objects.get(pk=run.pk).is_active, timeout=seconds)
    run.refresh_from_db()
    return run


def _live(ctx: Context) -> CeleryWorker:
    """The worker to wait with: the replacement, once the row killed the first."""
    return ctx.spare_workers[-1] if ctx.spare_workers else ctx.worker


def _assert_rows(row: Row, subscription: ConnectedSubscription, before: Any, run: Any) -> None:
    if row.rows == KEPT:
        assert all_rows(subscription) == before, "a cached row changed"
        return
    gone = row.rows.removeprefix("gone:")
    gallery_name, _, image_name = gone.partition("/")
    gallery = Gallery.objects.get(subscription=subscription, name=gallery_name)
    if image_name:
        image = GalleryImage.objects.get(gallery=gallery, name=image_name)
        assert image.deleted_at is not None
        assert not image.versions.filter(deleted_at=None).exists()
        assert gallery.deleted_at is None
        expected = {"images": 1, "versions": image.versions.count()}
    else:
        assert gallery.deleted_at is not None
        assert not gallery.images.filter(deleted_at=None).exists()
        versions = sum(i.versions.count() for i in gallery.images.all())
        expected = {"galleries": 1, "images": gallery.images.count(), "versions": versions}
    deleted = {kind: c.get("deleted", 0) for kind, c in run.counts.items() if c.get("deleted")}
    assert deleted == expected, "only the proven deletion may be written"
    written = sum(c.get("created", 0) + c.get("updated", 0) for c in run.counts.values())
    assert written == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_fault(
    row: Row,
    matrix_worker: CeleryWorker,
    connect: Any,
    fresh_azure_sandbox: Any,
    fast_azure: None,
    record_property: Callable[[str, object], None],
) -> None:
    sandbox = fresh_azure_sandbox
    subscription = connect(SUBSCRIPTION)
    baseline = refresh_now(subscription)
    assert baseline.status == "succeeded", baseline.error
    before = all_rows(subscription)
    env = {**FAST_AZURE, **(row.own_worker or {})}
    worker = (
        start_worker(new_queue(), pool="prefork", env=env)
        if row.own_worker is not None
        else matrix_worker
    )
    undo = row.change(sandbox) if row.change else None
    for fault in row.faults:
        sandbox.faults.add(**fault)
    sandbox.request_log.clear()
    ctx: Context | None = None
    try:
        with routed_to(worker.queue):
            gallery = (
                Gallery.objects.get(subscription=subscription, name=row.gallery)
                if row.gallery
                else None
            )
            started = time.monotonic()
            run, created = request_refresh(subscription, gallery=gallery)
            assert created
            ctx = Context(sandbox, subscription, run, worker, worker_env=env)
            if row.disrupt is not None:
                row.disrupt(ctx)
            run = _wait_until_done(_live(ctx), run, row.within_seconds + 30)
            seconds = time.monotonic() - started
            token_requests = sandbox.request_log.count("identity.token")

            # What a user sees.
            assert run.status == row.status, run.error
            for words in row.says:
                assert words in run.error, f"{words!r} not in {run.error!r}"
            for words in row.never_says:
                assert words not in run.error
            if row.status != "succeeded":
                assert run.error, "a run that did not succeed says why"
            assert seconds < row.within_seconds
            assert run.attempts == row.attempts
            _assert_rows(row, subscription, before, run)
            subscription.refresh_from_db()
            assert subscription.credential_status == row.credential, subscription.credential_error
            if row.token_requests is not None:
                assert token_requests == row.token_requests
            if row.azure_state:
                assert subscription.azure_state == row.azure_state

            # Nothing blocks the next refresh, and it heals the cache.
            sandbox.faults.clear()
            if undo is not None:
                undo()
            healer = _live(ctx)
            ended = time.monotonic()
            with routed_to(healer.queue):
                heal, created = request_refresh(subscription)
            assert created, "a finished run must not block the next one"
            ctx.figures["new refresh accepted after the run (s)"] = time.monotonic() - ended
            heal = _wait_until_done(healer, heal, 60)
            assert heal.status == "succeeded", heal.error
            assert cached_tree(subscription) == world_tree(sandbox, SUBSCRIPTION)
    finally:
        worker.wait_until_idle()  # the run's follow-up tasks end before the test's flush
        if ctx is not None:
            for spare in ctx.spare_workers:
                spare.stop()
            for name, value in ctx.figures.items():
                record_property(FIGURE_PROPERTY, (connection.vendor, row.id, name, value))
        if worker is not matrix_worker:
            worker.stop()
    for name in GOAL_FIGURES:
        if name in ctx.figures:
            assert ctx.figures[name] < GOAL_SECONDS, f"{name}: {ctx.figures[name]:.1f} s"


# --- not a row: the fault is inside this process ------------------------------------------
@pytest.mark.django_db
def test_a_database_error_while_applying_changes_nothing(
    connect: Any, fresh_azure_sandbox: Any, monkeypatch: Any
) -> None:
    from galleries.models import ImageVersion
    from galleries.refresh import row_sync

    subscription = connect(SUBSCRIPTION)
    assert refresh_now(subscription).status == "succeeded"
    sub = fresh_azure_sandbox.world.subscription_named(SUBSCRIPTION)
    image = sub.resource_groups[RG].galleries[MAIN].images[IMAGE.lower()]
    version = next(iter(image.versions.values()))
    version.exclude_from_latest = not version.exclude_from_latest  # an update to write
    before = all_rows(subscription)
    original: Callable[..., Any] = row_sync.update_rows

    def failing_update_rows(model: Any, names: Any, rows: Any) -> Any:
        if model is ImageVersion and rows:
            raise DatabaseError("disk I/O error")
        return original(model, names, rows)

    monkeypatch.setattr(row_sync, "update_rows", failing_update_rows)
    run = refresh_now(subscription)
    assert run.status == "failed"
    assert "Saving the inventory failed: the database failed (DatabaseError)" in run.error
    assert all_rows(subscription) == before

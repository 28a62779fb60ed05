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

import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from azure_sandbox.worldgen import default_world
from galleries.models import ConnectedSubscription, Gallery, GalleryImage, RefreshRun
from galleries.refresh.request import request_refresh
from galleries.refresh.runs import refresh_now
from tests.worker import CeleryWorker, new_queue, routed_to, start_worker

from ..conftest import FIGURE_PROPERTY
from .inventory_helpers import all_rows, cached_tree, world_tree

SUBSCRIPTION = "Shared Images"
RG, MAIN, ARCHIVE = "rg-shared-images", "gal_shared_main", "gal_shared_archive"


def _image_with_pages() -> str:
    """An image of the main gallery whose versions span more than one page."""
    world = default_world()
    sub = world.subscription_named(SUBSCRIPTION)
    assert sub is not None
    gallery = sub.resource_groups[RG].galleries[MAIN]
    size = world.settings.page_size
    return next(i.name for _, i in sorted(gallery.images.items()) if len(i.versions) > size + 1)


IMAGE = _image_with_pages()
GALLERY_LIST = r"/providers/microsoft\.compute/galleries$"
IMAGE_LISTS = r"/images$"
MAIN_IMAGES = rf"/galleries/{MAIN}/images$"
ARCHIVE_IMAGES = rf"/galleries/{ARCHIVE}/images$"
VERSIONS = rf"/galleries/{MAIN}/images/{IMAGE.lower()}/versions$"
ALL_VERSIONS = r"/versions$"
TOKEN = r"/oauth2/v2\.0/token$"
DISCOVERY = r"/v2\.0/\.well-known/openid-configuration$"

# Fast Azure retries for every worker of this module (the same in this process).
FAST_AZURE = {"AZURE_RETRY_BACKOFF_FACTOR": "0.1", "AZURE_READ_TIMEOUT_SECONDS": "2"}
# The database gives up quickly and the worker keeps trying to save the outcome briefly.
IMPATIENT_DATABASE = {
    "DATABASE_LOCK_TIMEOUT_SECONDS": "1",
    "INVENTORY_REFRESH_OUTCOME_WRITE_SECONDS": "3",
    "INVENTORY_REFRESH_OUTCOME_RETRY_SECONDS": "1",
}
# Long enough to kill or block the worker in the middle of listing.
SLOW_VERSIONS = {"kind": "latency", "latency_ms": 600, "path_pattern": ALL_VERSIONS}
GOAL_SECONDS = 30.0
# The figures the goal is about: how soon a refresh runs again once its worker died.
GOAL_FIGURES = (
    "refresh running again after the kill (s)",
    "new refresh accepted after the kill (s)",
    "refresh_inventory --wait done after the kill (s)",
    "new refresh accepted after the run (s)",
)

KEPT = "kept"  # every cached row exactly as before the run


def _404(code: str, path_pattern: str, **more: Any) -> dict[str, Any]:
    """A fault rule: ARM answers 404 with `code`."""
    return {"kind": "error", "status": 404, "code": code, "path_pattern": path_pattern, **more}


def _gone_from(path_pattern: str, item: str, **more: Any) -> dict[str, Any]:
    """A fault rule: lists at `path_pattern` stop naming the item whose id ends in `item`."""
    return {"kind": "omit", "path_pattern": path_pattern, "item_pattern": f"{item}$", **more}


@dataclass
class Context:
    """What a row's disruption works with while its run is under way."""

    sandbox: Any
    subscription: ConnectedSubscription
    run: RefreshRun
    worker: CeleryWorker
    figures: dict[str, float] = field(default_factory=dict)
    spare_workers: list[CeleryWorker] = field(default_factory=list)
    worker_env: dict[str, str] = field(default_factory=dict)
    outcome_run: RefreshRun | None = None  # the run whose outcome the row asserts


@dataclass(frozen=True)
class Row:
    id: str
    faults: tuple[dict[str, Any], ...] = ()
    change: Callable[[Any], Callable[[], None]] | None = None  # Azure changes; returns undo
    disrupt: Callable[[Context], None] | None = None
    gallery: str | None = None  # a targeted refresh of this gallery, not the subscription
    # What a user must see afterwards:
    status: str = "succeeded"
    says: tuple[str, ...] = ()
    never_says: tuple[str, ...] = ("Unexpected error", "OperationalError")
    rows: str = KEPT  # KEPT, or "gone:<gallery>" / "gone:<gallery>/<image>"
    credential: str = "valid"
    azure_state: str = "Enabled"
    token_requests: int | None = None
    attempts: int = 1
    within_seconds: float = 20.0
    own_worker: dict[str, str] | None = None  # a worker of its own, with this environment


# --- world changes -------------------------------------------------------------------------
def _rotate_secret(sandbox: Any) -> Callable[[], None]:
    principal = sandbox.principal(SUBSCRIPTION)
    old = principal.client_secret
    principal.client_secret = "rotated-in-azure"

    def undo() -> None:
        principal.client_secret = old

    return undo


def _remove_role_assignments(sandbox: Any) -> Callable[[], None]:
    world = sandbox.world
    client_id = sandbox.principal(SUBSCRIPTION).client_id
    kept = list(world.role_assignments)
    world.role_assignments = [a for a in kept if a.principal_client_id != client_id]

    def undo() -> None:
        world.role_assignments = kept

    return undo


def _subscription_state(state: str) -> Callable[[Any], Callable[[], None]]:
    def change(sandbox: Any) -> Callable[[], None]:
        sub = sandbox.world.subscription_named(SUBSCRIPTION)
        sub.state = state

        def undo() -> None:
            sub.state = "Enabled"

        return undo

    return change


# --- disruptions ---------------------------------------------------------------------------
def _mid_listing(ctx: Context) -> None:
    """Wait until the worker has the run and is listing versions."""
    ctx.worker.wait_for(
        lambda: (
            ctx.sandbox.request_log.count("gallery_image_versions.list_by_gallery_image") >= 2
            and RefreshRun.objects.filter(pk=ctx.run.pk, status="running").exists()
        ),
        timeout=30,
    )


def _kill_pool_child(ctx: Context) -> None:
    """SIGKILL the pool process running the refresh; the worker's main process lives on."""
    _mid_listing(ctx)
    ctx.run.refresh_from_db()
    pid = int(ctx.run.worker.rsplit(" ", 1)[-1])
    assert pid != ctx.worker.process.pid, "the run must be in a pool child"
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    ctx.worker.wait_for(
        lambda: RefreshRun.objects.filter(pk=ctx.run.pk, status="running", attempts=2).exists(),
        timeout=GOAL_SECONDS,
    )
    ctx.figures["refresh running again after the kill (s)"] = time.monotonic() - killed
    ctx.worker.wait_for(
        lambda: not RefreshRun.objects.get(pk=ctx.run.pk).is_active, timeout=GOAL_SECONDS
    )
    ctx.figures["refresh done after the kill (s)"] = time.monotonic() - killed


def _kill_worker(ctx: Context) -> float:
    """SIGKILL the whole worker (main process and pool) mid-listing; start a new one."""
    _mid_listing(ctx)
    ctx.worker.kill_everything()
    killed = time.monotonic()
    ctx.spare_workers.append(start_worker(ctx.worker.queue, pool="prefork", env=ctx.worker_env))
    return killed


def _kill_worker_then_refresh_now(ctx: Context) -> None:
    """A user keeps pressing Refresh now: merged while the run may live, new once it is dead."""
    killed = _kill_worker(ctx)
    ctx.sandbox.faults.clear()
    while True:
        run, created = request_refresh(ctx.subscription)
        if created:
            break
        assert time.monotonic() - killed < GOAL_SECONDS, "no new refresh could start"
        time.sleep(0.25)
    ctx.figures["new refresh accepted after the kill (s)"] = time.monotonic() - killed
    worker = ctx.spare_workers[-1]
    worker.wait_for(lambda: RefreshRun.objects.get(pk=run.pk).status == "succeeded", timeout=60)
    ctx.figures["new refresh done after the kill (s)"] = time.monotonic() - killed


def _kill_worker_then_wait_command(ctx: Context) -> None:
    """`manage.py refresh_inventory --wait` right after the kill: never waits forever."""
    killed = _kill_worker(ctx)
    ctx.sandbox.faults.clear()
    from io import StringIO

    out = StringIO()
    call_command(
        "refresh_inventory", "--subscription", str(ctx.subscription.pk), "--wait", stdout=out
    )
    ctx.figures["refresh_inventory --wait done after the kill (s)"] = time.monotonic() - killed
    assert "stopped responding" in out.getvalue()
    assert f"{SUBSCRIPTION}: succeeded" in out.getvalue()


class _DatabaseLock:
    """Another writer holding the database (the inventory and run tables) for a while."""

    TABLES = (
        "galleries_refreshrun",
        "galleries_connectedsubscription",
        "galleries_resourcegroup",
        "galleries_gallery",
        "galleries_galleryimage",
        "galleries_imageversion",
        "galleries_versionregion",
    )

    def __enter__(self) -> _DatabaseLock:
        settings_dict = connection.settings_dict
        if connection.vendor == "sqlite":
            self.holder: Any = sqlite3.connect(settings_dict["NAME"], timeout=0)
            self.holder.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.holder = psycopg.connect(
                dbname=settings_dict["NAME"],
                user=settings_dict["USER"] or None,
                password=settings_dict["PASSWORD"] or None,
                host=settings_dict["HOST"] or "127.0.0.1",
                port=settings_dict["PORT"] or None,
            )
            self.holder.execute(f"LOCK TABLE {', '.join(self.TABLES)} IN EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc: object) -> None:
        self.holder.rollback()
        self.holder.close()


def _database_busy_while_saving(ctx: Context) -> None:
    """The database is locked by another writer from the middle of the listing until after
    the worker's own retries of its final write are over."""
    _mid_listing(ctx)
    with _DatabaseLock():
        locked = time.monotonic()
        ctx.worker.wait_for(
            lambda: "outcome not written yet" in ctx.worker.log and "Retry in" in ctx.worker.log,
            timeout=GOAL_SECONDS,
        )
    ctx.figures["database locked (s)"] = time.monotonic() - locked


# --- the matrix ----------------------------------------------------------------------------
ROWS = [
    Row("nothing wrong (nothing to write)"),
    # ARM throttling and server errors
    Row(
        "429 beyond the retry budget on one version list",
        faults=({"kind": "throttle", "path_pattern": VERSIONS, "retry_after": 1},),
        status="partial",
        says=("throttled", "HTTP 429", IMAGE),
    ),
    Row(
        "one transient 429, waited out",
        faults=({"kind": "throttle", "path_pattern": VERSIONS, "retry_after": 1, "count": 1},),
    ),
    Row(
        "429 with a Retry-After of two minutes does not block the worker",
        faults=({"kind": "throttle", "path_pattern": VERSIONS, "retry_after": 120},),
        status="partial",
        says=("throttled",),
        within_seconds=10,
    ),
    Row(
        "500 on every image list",
        faults=({"kind": "error", "status": 500, "path_pattern": IMAGE_LISTS},),
        status="partial",
        says=("server error (HTTP 500", MAIN, ARCHIVE),
    ),
    Row(
        "503 on page 2 of a version list",
        faults=({"kind": "fail_page", "page": 2, "status": 503, "path_pattern": VERSIONS},),
        status="partial",
        says=(IMAGE, "HTTP 503", "page 2"),
    ),
    Row(
        "the gallery list hangs",
        faults=({"kind": "hang", "hang_seconds": 3, "path_pattern": GALLERY_LIST},),
        status="failed",
        says=("timed out",),
        within_seconds=15,
    ),
    Row(
        "the gallery list's connection is reset",
        faults=({"kind": "reset", "path_pattern": GALLERY_LIST},),
        status="failed",
        says=("connection to Azure was dropped",),
    ),
    Row(
        "403 on one gallery's images",
        faults=({"kind": "error", "status": 403, "path_pattern": ARCHIVE_IMAGES},),
        status="partial",
        says=(ARCHIVE, "403"),
    ),
    Row(
        "the principal lost its role assignments",
        change=_remove_role_assignments,
        status="failed",
        says=("no access", "403"),
    ),
    # 404s: a deletion needs the parent's listing
    Row(
        "the subscription vanishes mid-walk (404 SubscriptionNotFound on page 2 of image lists)",
        faults=(_404("SubscriptionNotFound", IMAGE_LISTS, kind="fail_page", page=2),),
        status="failed",
        says=("subscription was not found in the middle of the refresh", "every cached"),
    ),
    Row(
        "404 SubscriptionNotFound on the gallery list",
        faults=(_404("SubscriptionNotFound", GALLERY_LIST),),
        status="failed",
        says=("subscription was not found",),
    ),
    Row(
        "a spurious 404 ResourceNotFound on one gallery's image list",
        faults=(_404("ResourceNotFound", MAIN_IMAGES),),
        status="partial",
        says=(MAIN, "ResourceNotFound", "still lists the gallery"),
    ),
    Row(
        "404 ResourceGroupNotFound on an image list, the group still listed",
        faults=(_404("ResourceGroupNotFound", ARCHIVE_IMAGES),),
        status="partial",
        says=(ARCHIVE, "resource group was not found", "still lists the gallery"),
    ),
    Row(
        "404 ParentResourceNotFound on a version list, the image still listed",
        faults=(_404("ParentResourceNotFound", VERSIONS),),
        status="partial",
        says=(IMAGE, "ParentResourceNotFound", "still lists the image"),
    ),
    Row(
        "a 404 with a generic code on a version list",
        faults=({"kind": "error", "status": 404, "code": "NotFound", "path_pattern": VERSIONS},),
        status="partial",
        says=(IMAGE, "HTTP 404 NotFound"),
    ),
    Row(
        "404 ResourceNotFound on page 2 of a version list",
        faults=(_404("ResourceNotFound", VERSIONS, kind="fail_page", page=2),),
        status="partial",
        says=(IMAGE, "page 2"),
    ),
    Row(
        "a gallery deleted between the lists (404, and the subscription no longer lists it)",
        faults=(
            {
                "kind": "omit",
                "path_pattern": GALLERY_LIST,
                "item_pattern": f"/{ARCHIVE}$",
                "after": 1,
            },
            _404("ResourceNotFound", ARCHIVE_IMAGES),
        ),
        rows=f"gone:{ARCHIVE}",
    ),
    Row(
        "an image deleted between the lists (404, and its gallery no longer lists it)",
        faults=(
            _gone_from(MAIN_IMAGES, f"/images/{IMAGE.lower()}", after=3),  # 3 pages pass
            {"kind": "error", "status": 404, "code": "ResourceNotFound", "path_pattern": VERSIONS},
        ),
        rows=f"gone:{MAIN}/{IMAGE}",
    ),
    Row(
        "targeted refresh: a spurious 404 on the gallery's own GET",
        gallery=MAIN,
        faults=(_404("ResourceNotFound", rf"/galleries/{MAIN}$"),),
        status="failed",
        says=(f"Reading the gallery {MAIN} failed", "still lists the gallery"),
    ),
    Row(
        "targeted refresh: the gallery is gone (404, and the subscription no longer lists it)",
        gallery=ARCHIVE,
        faults=(
            _gone_from(GALLERY_LIST, f"/{ARCHIVE}"),
            _404("ResourceNotFound", rf"/galleries/{ARCHIVE}$"),
        ),
        rows=f"gone:{ARCHIVE}",
    ),
    # Entra ID: an outage is not a bad secret
    *(
        Row(
            f"identity outage: {name}",
            faults=(fault,),
            status="failed",
            says=("Identity service unavailable", detail, "not marked invalid"),
            never_says=("secret", "Unexpected error"),
            within_seconds=15,
        )
        for name, fault, detail in [
            ("token endpoint 503", {"kind": "error", "status": 503, "path_pattern": TOKEN}, "503"),
            ("token endpoint 500", {"kind": "error", "status": 500, "path_pattern": TOKEN}, "500"),
            (
                "token endpoint 429",
                {"kind": "throttle", "retry_after": 0, "path_pattern": TOKEN},
                "429",
            ),
            (
                "token endpoint hangs",
                {"kind": "hang", "hang_seconds": 3, "path_pattern": TOKEN},
                "timed out",
            ),
            (
                "token endpoint resets the connection",
                {"kind": "reset", "path_pattern": TOKEN},
                "dropped the connection",
            ),
            (
                "authority discovery 503",
                {"kind": "error", "status": 503, "path_pattern": DISCOVERY},
                "503",
            ),
        ]
    ),
    Row(
        "the secret was rotated in Azure (AADSTS7000215)",
        change=_rotate_secret,
        status="failed",
        says=("client secret is wrong",),
        never_says=("rotated-in-azure",),
        credential="invalid",
    ),
    Row(
        "the secret expired (AADSTS7000222)",
        faults=(
            {
                "kind": "error",
                "status": 401,
                "code": "invalid_client",
                "aadsts": 7000222,
                "path_pattern": TOKEN,
            },
        ),
        status="failed",
        says=("client secret has expired",),
        credential="invalid",
    ),
    Row(
        "Entra ID refuses the client (unauthorized_client)",
        faults=(
            {"kind": "error", "status": 400, "code": "unauthorized_client", "path_pattern": TOKEN},
        ),
        status="failed",
        says=("unauthorized_client",),
        credential="invalid",
    ),
    Row(
        "ARM 401 to a token once: signed in afresh, then it works",
        faults=(
            {
                "kind": "error",
                "status": 401,
                "code": "ExpiredAuthenticationToken",
                "path_pattern": GALLERY_LIST,
                "count": 1,
            },
        ),
        token_requests=2,
    ),
    Row(
        "ARM 401 to every token, fresh ones too",
        faults=(
            {
                "kind": "error",
                "status": 401,
                "code": "InvalidAuthenticationToken",
                "path_pattern": GALLERY_LIST,
            },
        ),
        status="failed",
        says=("rejected the access token", "not marked invalid"),
        token_requests=2,
    ),
    # The subscription's own state
    Row(
        "the subscription is Disabled in Azure",
        change=_subscription_state("Disabled"),
        azure_state="Disabled",
    ),
    Row(
        "the subscription is Warned in Azure",
        change=_subscription_state("Warned"),
        azure_state="Warned",
    ),
    # The worker and the database
    Row(
        "SIGKILL of the pool process mid-listing: the redelivered task takes the run over",
        faults=(SLOW_VERSIONS,),
        disrupt=_kill_pool_child,
        attempts=2,
        within_seconds=60,
    ),
    Row(
        "SIGKILL of the whole worker mid-listing, then Refresh now",
        faults=(SLOW_VERSIONS,),
        disrupt=_kill_worker_then_refresh_now,
        status="failed",
        says=("stopped responding", "A new refresh can start now"),
        within_seconds=60,
        own_worker={},
    ),
    Row(
        "SIGKILL of the whole worker mid-listing, then refresh_inventory --wait",
        faults=(SLOW_VERSIONS,),
        disrupt=_kill_worker_then_wait_command,
        status="failed",
        says=("stopped responding",),
        within_seconds=60,
        own_worker={},
    ),
    Row(
        "the database is busy while the run saves, past the worker's retries",
        faults=(SLOW_VERSIONS,),
        disrupt=_database_busy_while_saving,
        status="failed",
        says=("the database was busy", "nothing was changed"),
        within_seconds=60,
        own_worker=IMPATIENT_DATABASE,
    ),
]


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
    from galleries.refresh import apply

    subscription = connect(SUBSCRIPTION)
    assert refresh_now(subscription).status == "succeeded"
    sub = fresh_azure_sandbox.world.subscription_named(SUBSCRIPTION)
    image = sub.resource_groups[RG].galleries[MAIN].images[IMAGE.lower()]
    version = next(iter(image.versions.values()))
    version.exclude_from_latest = not version.exclude_from_latest  # an update to write
    before = all_rows(subscription)
    original: Callable[..., Any] = apply.update_rows

    def failing_update_rows(model: Any, names: Any, rows: Any) -> Any:
        if model is ImageVersion and rows:
            raise DatabaseError("disk I/O error")
        return original(model, names, rows)

    monkeypatch.setattr(apply, "update_rows", failing_update_rows)
    run = refresh_now(subscription)
    assert run.status == "failed"
    assert "Saving the inventory failed: the database failed (DatabaseError)" in run.error
    assert all_rows(subscription) == before

"""What the refresh's fault matrix (test_refresh_faults.py) is made of: the world's names and
paths, a row (`Row`), the context a row's disruption gets, and the world changes and
disruptions rows name (the rows themselves: fault_rows.py)."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.db import connection

from azure_sandbox.worldgen import default_world
from galleries.models import ConnectedSubscription, RefreshRun
from galleries.refresh.request import request_refresh
from tests.worker import CeleryWorker, start_worker

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


def arm_404(code: str, path_pattern: str, **more: Any) -> dict[str, Any]:
    """A fault rule: ARM answers 404 with `code`."""
    return {"kind": "error", "status": 404, "code": code, "path_pattern": path_pattern, **more}


def gone_from(path_pattern: str, item: str, **more: Any) -> dict[str, Any]:
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
def rotate_secret(sandbox: Any) -> Callable[[], None]:
    principal = sandbox.principal(SUBSCRIPTION)
    old = principal.client_secret
    principal.client_secret = "rotated-in-azure"

    def undo() -> None:
        principal.client_secret = old

    return undo


def remove_role_assignments(sandbox: Any) -> Callable[[], None]:
    world = sandbox.world
    client_id = sandbox.principal(SUBSCRIPTION).client_id
    kept = list(world.role_assignments)
    world.role_assignments = [a for a in kept if a.principal_client_id != client_id]

    def undo() -> None:
        world.role_assignments = kept

    return undo


def subscription_state(state: str) -> Callable[[Any], Callable[[], None]]:
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


def kill_pool_child(ctx: Context) -> None:
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


def kill_worker_then_refresh_now(ctx: Context) -> None:
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


def kill_worker_then_wait_command(ctx: Context) -> None:
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


def database_busy_while_saving(ctx: Context) -> None:
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

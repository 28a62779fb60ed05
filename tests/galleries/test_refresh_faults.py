"""Azure misbehaving: the cache stays intact, the status is honest, the next refresh heals."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError

from galleries.models import ConnectedSubscription, Gallery, ImageVersion
from galleries.refresh import refresh_now

from .inventory_helpers import all_rows, cached_tree, world_tree

pytestmark = pytest.mark.django_db

SUBSCRIPTION = "Shared Images"


@pytest.fixture
def refreshed(connect: Any, settings: Any) -> ConnectedSubscription:
    settings.AZURE_RETRY_BACKOFF_FACTOR = 0.1
    settings.AZURE_READ_TIMEOUT_SECONDS = 2
    subscription = connect(SUBSCRIPTION)
    assert refresh_now(subscription).status == "succeeded"
    return subscription


def _first_image(sandbox: Any) -> tuple[Any, Any, Any]:
    sub = sandbox.world.subscription_named(SUBSCRIPTION)
    group = sub.resource_groups["rg-shared-images"]
    gallery = group.galleries["gal_shared_main"]
    # The first image (by name) with enough versions to span two pages even after one goes.
    image = next(i for _, i in sorted(gallery.images.items()) if len(i.versions) >= 6)
    return group, gallery, image


def _versions_path(sandbox: Any) -> str:
    _, gallery, image = _first_image(sandbox)
    return f"/galleries/{gallery.name.lower()}/images/{image.name.lower()}/versions$"


def _change_world(sandbox: Any) -> None:
    """Something a refresh would normally write: one version gone, one region changed."""
    _, _, image = _first_image(sandbox)
    name = sorted(image.versions)[0]
    del image.versions[name]


def _assert_heals(subscription: ConnectedSubscription, sandbox: Any) -> None:
    sandbox.faults.clear()
    run = refresh_now(subscription)
    assert run.status == "succeeded", run.error
    assert cached_tree(subscription) == world_tree(sandbox, SUBSCRIPTION)


def _run_with_fault(
    subscription: ConnectedSubscription, sandbox: Any, **fault: Any
) -> tuple[Any, dict[str, Any]]:
    before = all_rows(subscription)
    sandbox.faults.add(**fault)
    run = refresh_now(subscription)
    return run, before


def test_throttling_beyond_the_retry_budget_is_partial_and_deletes_nothing_below(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    _change_world(fresh_azure_sandbox)
    before = all_rows(refreshed)
    fresh_azure_sandbox.faults.add(
        kind="throttle", path_pattern=_versions_path(fresh_azure_sandbox), retry_after=1
    )
    run = refresh_now(refreshed)
    assert run.status == "partial"
    assert "throttled" in run.error
    assert "HTTP 429" in run.error
    assert run.throttled_responses == 4  # one request and three retries, each told to wait
    # The version that vanished lives under the throttled branch: it must not be deleted.
    assert all_rows(refreshed)["ImageVersion"] == before["ImageVersion"]
    _assert_heals(refreshed, fresh_azure_sandbox)


def test_a_transient_429_is_waited_out_and_the_run_succeeds(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    fresh_azure_sandbox.faults.add(
        kind="throttle", path_pattern=_versions_path(fresh_azure_sandbox), retry_after=1, count=1
    )
    run = refresh_now(refreshed)
    assert run.status == "succeeded"
    assert run.throttled_responses == 1


def test_a_long_retry_after_does_not_block_the_worker(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    fresh_azure_sandbox.faults.add(
        kind="throttle", path_pattern=_versions_path(fresh_azure_sandbox), retry_after=120
    )
    started = time.monotonic()
    run = refresh_now(refreshed)
    assert time.monotonic() - started < 10
    assert run.status == "partial"
    assert "throttled" in run.error


def test_server_errors_beyond_the_retry_budget_leave_the_cache_as_it_was(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    _change_world(fresh_azure_sandbox)
    run, before = _run_with_fault(
        refreshed, fresh_azure_sandbox, kind="error", status=500, path_pattern="/images$"
    )
    assert run.status == "partial"
    assert "server error (HTTP 500" in run.error
    assert all_rows(refreshed) == before
    _assert_heals(refreshed, fresh_azure_sandbox)


def test_failure_on_page_two_of_a_version_list(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    _, _, image = _first_image(fresh_azure_sandbox)
    assert len(image.versions) > 4, "the default world pages versions by four"
    _change_world(fresh_azure_sandbox)
    run, before = _run_with_fault(
        refreshed,
        fresh_azure_sandbox,
        kind="fail_page",
        page=2,
        status=503,
        path_pattern=_versions_path(fresh_azure_sandbox),
    )
    assert run.status == "partial"
    assert image.name in run.error
    assert all_rows(refreshed)["ImageVersion"] == before["ImageVersion"]
    _assert_heals(refreshed, fresh_azure_sandbox)


def test_a_hanging_gallery_list_times_out_and_fails_the_run(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any, settings: Any
) -> None:
    settings.AZURE_RETRY_TOTAL = 1
    started = time.monotonic()
    run, before = _run_with_fault(
        refreshed,
        fresh_azure_sandbox,
        kind="hang",
        hang_seconds=4,
        path_pattern=r"/providers/microsoft\.compute/galleries$",
    )
    assert time.monotonic() - started < 15
    assert run.status == "failed"
    assert "timed out" in run.error
    assert all_rows(refreshed) == before
    _assert_heals(refreshed, fresh_azure_sandbox)


def test_a_rotated_secret_fails_the_run_and_marks_the_credential_invalid(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    before = all_rows(refreshed)
    principal = fresh_azure_sandbox.principal(SUBSCRIPTION)
    old_secret = principal.client_secret
    principal.client_secret = "rotated-in-azure"
    run = refresh_now(refreshed)
    assert run.status == "failed"
    assert "client secret" in run.error
    assert old_secret not in run.error
    assert all_rows(refreshed) == before
    refreshed.refresh_from_db()
    assert refreshed.credential_status == "invalid"
    principal.client_secret = old_secret
    _assert_heals(refreshed, fresh_azure_sandbox)
    refreshed.refresh_from_db()
    assert refreshed.credential_status == "valid"


def test_lost_access_fails_the_run_with_a_403_verdict(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    world = fresh_azure_sandbox.world
    client_id = fresh_azure_sandbox.principal(SUBSCRIPTION).client_id
    kept = list(world.role_assignments)
    world.role_assignments = [a for a in kept if a.principal_client_id != client_id]
    run, before = _run_with_fault(refreshed, fresh_azure_sandbox, kind="latency", latency_ms=0)
    assert run.status == "failed"
    assert "no access" in run.error
    assert "403" in run.error
    assert all_rows(refreshed) == before
    world.role_assignments = kept
    _assert_heals(refreshed, fresh_azure_sandbox)


def test_a_403_on_one_gallery_makes_the_run_partial(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    run, before = _run_with_fault(
        refreshed,
        fresh_azure_sandbox,
        kind="error",
        status=403,
        path_pattern="/galleries/gal_shared_archive/images$",
    )
    assert run.status == "partial"
    assert "gal_shared_archive" in run.error
    assert "403" in run.error
    assert all_rows(refreshed) == before


def test_a_gallery_deleted_between_the_lists_is_soft_deleted_not_a_failure(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any
) -> None:
    fresh_azure_sandbox.faults.add(
        kind="error", status=404, path_pattern="/galleries/gal_shared_archive/images$"
    )
    run = refresh_now(refreshed)
    assert run.status == "succeeded", run.error
    gallery = Gallery.objects.get(subscription=refreshed, name="gal_shared_archive")
    assert gallery.deleted_at is not None
    assert not gallery.images.filter(deleted_at=None).exists()
    assert not ImageVersion.objects.filter(image__gallery=gallery, deleted_at=None).exists()
    # It was there all along: the next refresh brings it back (un-deleted, same rows).
    _assert_heals(refreshed, fresh_azure_sandbox)
    gallery.refresh_from_db()
    assert gallery.deleted_at is None


def test_a_database_error_while_applying_changes_nothing(
    refreshed: ConnectedSubscription, fresh_azure_sandbox: Any, monkeypatch: Any
) -> None:
    _change_world(fresh_azure_sandbox)
    _, _, image = _first_image(fresh_azure_sandbox)
    version = next(iter(image.versions.values()))
    version.exclude_from_latest = not version.exclude_from_latest  # an update to write
    before = all_rows(refreshed)
    from galleries import apply

    original: Callable[..., Any] = apply.update_rows

    def failing_update_rows(model: Any, names: Any, rows: Any) -> Any:
        if model is ImageVersion and rows:
            raise DatabaseError("disk I/O error")
        return original(model, names, rows)

    monkeypatch.setattr(apply, "update_rows", failing_update_rows)
    run = refresh_now(refreshed)
    assert run.status == "failed"
    assert "Saving the inventory failed" in run.error
    assert all_rows(refreshed) == before
    monkeypatch.undo()
    _assert_heals(refreshed, fresh_azure_sandbox)

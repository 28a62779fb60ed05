"""A full refresh of several subscriptions listed through Azure Resource Graph."""

from __future__ import annotations

from typing import Any

import pytest

from galleries.models import ImageVersion
from galleries.refresh.batch import refresh_subscriptions

from .inventory_helpers import cached_tree, world_tree

pytestmark = pytest.mark.django_db

NAMES = ("Production", "Staging", "Shared Images")
GRAPH_ROUTE = "resource_graph.resources"


def _arm_lists(sandbox: Any) -> int:
    return sum(
        1
        for entry in sandbox.request_log.entries()
        if entry.route.startswith(("galleries.", "gallery_images.", "gallery_image_versions."))
    )


def _drop_one_version(sandbox: Any, name: str) -> str:
    """Delete a version of `name` in the world (Resource Graph shows it at once); its name."""
    sub = sandbox.world.subscription_named(name)
    for group in sub.resource_groups.values():
        for gallery in group.galleries.values():
            for image in gallery.images.values():
                for version_name in list(image.versions):
                    del image.versions[version_name]
                    return version_name
    raise AssertionError("no version to drop")


def test_graph_refresh_caches_what_arm_shows_with_queries_instead_of_list_calls(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscriptions = [connect(name) for name in NAMES]
    fresh_azure_sandbox.request_log.clear()

    runs = refresh_subscriptions(subscriptions, through_graph=True)

    assert [run.status for run in runs] == ["succeeded"] * 3, [run.error for run in runs]
    for name, subscription in zip(NAMES, subscriptions, strict=True):
        assert cached_tree(subscription) == world_tree(fresh_azure_sandbox, name)
    # One query per subscription (each has its own principal), no ARM list call.
    assert fresh_azure_sandbox.request_log.count(GRAPH_ROUTE) == 3
    assert _arm_lists(fresh_azure_sandbox) == 0


def test_graph_refresh_deletes_what_resource_graph_no_longer_shows(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Staging")
    refresh_subscriptions([subscription], through_graph=True)
    gone = _drop_one_version(fresh_azure_sandbox, "Staging")

    (run,) = refresh_subscriptions([subscription], through_graph=True)

    assert run.status == "succeeded", run.error
    assert run.counts["versions"]["deleted"] == 1
    assert cached_tree(subscription) == world_tree(fresh_azure_sandbox, "Staging")
    assert ImageVersion.objects.get(subscription=subscription, name=gone).deleted_at is not None


@pytest.mark.parametrize("returning", [True, False], ids=["insert-returning", "ids-read-back"])
def test_rows_spread_over_many_insert_statements_land_under_their_parents(
    connect: Any, fresh_azure_sandbox: Any, monkeypatch: Any, returning: bool
) -> None:
    from django.db import connection

    from galleries.refresh import bulk_sql

    monkeypatch.setattr(bulk_sql, "PARAMETERS_PER_INSERT", 40)  # two or three rows a statement
    if not returning:
        features = type(connection.features)
        monkeypatch.setattr(features, "can_return_rows_from_bulk_insert", False)
    subscription = connect("Production")

    (run,) = refresh_subscriptions([subscription], through_graph=True)
    (again,) = refresh_subscriptions([subscription], through_graph=True)

    assert run.status == "succeeded", run.error
    assert cached_tree(subscription) == world_tree(fresh_azure_sandbox, "Production")
    # Every value (dates too) was stored as it compares: the same world writes nothing.
    assert again.status == "succeeded", again.error
    assert all(c["created"] == c["updated"] == 0 for c in again.counts.values()), again.counts


def test_a_failed_page_makes_the_run_partial_and_deletes_nothing(
    connect: Any, fresh_azure_sandbox: Any, settings: Any
) -> None:
    settings.INVENTORY_GRAPH_PAGE_ROWS = 20  # several pages for the small default world
    subscription = connect("Shared Images")
    refresh_subscriptions([subscription], through_graph=True)
    before = cached_tree(subscription)
    _drop_one_version(fresh_azure_sandbox, "Shared Images")
    fresh_azure_sandbox.faults.add(
        kind="fail_page", path_pattern="resourcegraph", page=3, status=500
    )

    (run,) = refresh_subscriptions([subscription], through_graph=True)

    assert run.status == "partial"
    assert "Resource Graph" in run.error
    assert "page 3" in run.error
    assert "Nothing was deleted" in run.error
    assert cached_tree(subscription) == before


def test_subscriptions_resource_graph_cannot_answer_are_listed_through_arm(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Production")
    fresh_azure_sandbox.faults.add(
        kind="error", path_pattern="resourcegraph", status=403, code="AccessDenied"
    )

    (run,) = refresh_subscriptions([subscription], through_graph=True)

    assert run.status == "succeeded", run.error
    assert cached_tree(subscription) == world_tree(fresh_azure_sandbox, "Production")
    assert _arm_lists(fresh_azure_sandbox) > 0


def test_the_quota_headers_are_honoured_before_resource_graph_throttles(
    connect: Any, fresh_azure_sandbox: Any, settings: Any
) -> None:
    settings.INVENTORY_GRAPH_PAGE_ROWS = 20
    quota = fresh_azure_sandbox.world.settings.throttle.resource_graph
    quota.queries, quota.window_seconds = 2, 1
    subscription = connect("Shared Images")
    fresh_azure_sandbox.request_log.clear()

    (run,) = refresh_subscriptions([subscription], through_graph=True)

    assert run.status == "succeeded", run.error
    statuses = [e.status for e in fresh_azure_sandbox.request_log.entries(GRAPH_ROUTE)]
    assert len(statuses) > 2, "the listing needed more queries than one window allows"
    assert 429 not in statuses
    assert cached_tree(subscription) == world_tree(fresh_azure_sandbox, "Shared Images")


def test_beat_sends_due_subscriptions_to_the_workers_in_chunks(
    connect: Any,
    fresh_azure_sandbox: Any,
    settings: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from console.celery import app as celery_app
    from galleries.refresh import tasks

    settings.INVENTORY_REFRESH_CHUNK_SUBSCRIPTIONS = 2
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    chunks: list[list[int]] = []
    execute = tasks.execute_full_runs
    monkeypatch.setattr(
        tasks,
        "execute_full_runs",
        lambda run_ids, token: chunks.append(list(run_ids)) or execute(run_ids, token),
    )
    monkeypatch.setattr(tasks.check_sharing_task, "apply_async", lambda *a, **k: None)
    subscriptions = [connect(name) for name in NAMES]

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_due_subscriptions_task() == 3

    assert sorted(len(chunk) for chunk in chunks) == [1, 2]
    for name, subscription in zip(NAMES, subscriptions, strict=True):
        run = subscription.refresh_runs.get()
        assert run.status == "succeeded", run.error
        assert cached_tree(subscription) == world_tree(fresh_azure_sandbox, name)
    assert _arm_lists(fresh_azure_sandbox) == 0

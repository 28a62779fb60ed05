"""Full and targeted refreshes of the sandbox through the real SDK."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from azure.mgmt.compute import ComputeManagementClient
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from galleries import selectors
from galleries.inventory.latest import latest_version
from galleries.models import Gallery, GalleryImage, ImageVersion, RefreshRun, VersionRegion
from galleries.refresh.request import request_refresh
from galleries.refresh.runs import refresh_now

from .inventory_helpers import cached_tree, world_tree

pytestmark = pytest.mark.django_db

INVENTORY_TABLES = (
    "galleries_resourcegroup",
    "galleries_gallery",
    "galleries_galleryimage",
    "galleries_imageversion",
    "galleries_versionregion",
)


def test_full_refresh_stores_every_gallery_image_version_and_region(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    for name in ("Production", "Staging", "Shared Images"):
        subscription = connect(name)
        run = refresh_now(subscription)
        assert run.status == "succeeded", run.error
        expected = world_tree(fresh_azure_sandbox, name)
        assert expected, "the default world has versions in every subscription"
        assert cached_tree(subscription) == expected
        assert run.counts["versions"]["created"] == len(expected)
        assert run.api_calls > 0
        assert run.progress_done == run.progress_total > 0
        assert run.finished_at is not None
        assert run.started_at is not None
    assert Gallery.objects.filter(deleted_at=None).count() == 5
    assert GalleryImage.objects.filter(deleted_at=None).count() == 30


def test_refresh_keeps_image_and_version_details(connect: Any, fresh_azure_sandbox: Any) -> None:
    subscription = connect("Shared Images")
    refresh_now(subscription)
    world_sub = fresh_azure_sandbox.world.subscription_named("Shared Images")
    group = next(g for g in world_sub.resource_groups.values() if g.galleries)
    gallery = next(iter(group.galleries.values()))
    image = next(iter(gallery.images.values()))
    cached = selectors.find_image(
        subscription.organization,
        account_id=subscription.account_id,
        resource_group_name=group.name.upper(),
        gallery_name=gallery.name.upper(),
        image_name=image.name.upper(),
    )
    assert cached is not None
    assert (cached.os_type, cached.os_state) == (image.os_type, image.os_state)
    assert (cached.publisher, cached.offer, cached.sku) == (image.publisher, image.offer, image.sku)
    assert cached.hyper_v_generation == image.hyper_v_generation
    version = next(iter(image.versions.values()))
    row = selectors.find_version(cached, version.name)
    assert row is not None
    assert row.exclude_from_latest == version.exclude_from_latest
    assert row.provisioning_state == version.provisioning_state
    replicas = {r.region: r.replica_count for r in row.regions.all()}
    assert replicas == {r.name: r.regional_replica_count for r in version.target_regions}


def test_failed_version_is_stored_but_never_latest(connect: Any, fresh_azure_sandbox: Any) -> None:
    for name in ("Production", "Staging", "Shared Images"):
        refresh_now(connect(name))
    failed = ImageVersion.objects.get(provisioning_state="Failed")
    for region in failed.regions.values_list("region", flat=True):
        latest = latest_version(failed.image, region)
        assert latest is None or latest.pk != failed.pk


def test_unchanged_world_second_refresh_writes_no_inventory_rows(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Shared Images")
    assert refresh_now(subscription).status == "succeeded"
    with CaptureQueriesContext(connection) as captured:
        run = refresh_now(subscription)
    assert run.status == "succeeded"
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and any(table in q["sql"] for table in INVENTORY_TABLES)
    ]
    assert writes == []
    assert all(c["created"] == c["updated"] == c["deleted"] == 0 for c in run.counts.values())
    assert (
        run.counts["versions"]["unchanged"]
        == ImageVersion.objects.filter(subscription=subscription).count()
    )


def _shared_gallery(sandbox: Any) -> tuple[Any, Any, Any, Any]:
    sub = sandbox.world.subscription_named("Shared Images")
    group = sub.resource_groups["rg-shared-images"]
    gallery = group.galleries["gal_shared_main"]
    image = next(iter(gallery.images.values()))
    return sub, group, gallery, image


def test_targeted_refresh_picks_up_a_published_version_and_a_deleted_one(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Shared Images")
    refresh_now(subscription)
    sub, group, gallery, image = _shared_gallery(fresh_azure_sandbox)
    pipeline = fresh_azure_sandbox.credential("sp-image-pipeline")
    compute = ComputeManagementClient(pipeline, sub.id, **fresh_azure_sandbox.client_kwargs())
    body = {
        "location": gallery.location,
        "properties": {
            "publishingProfile": {
                "targetRegions": [
                    {"name": "East US", "regionalReplicaCount": 2},
                    {"name": "West Europe", "regionalReplicaCount": 1},
                ]
            },
            "storageProfile": {"source": {"id": "/subscriptions/x/snapshots/s"}},
        },
    }
    compute.gallery_image_versions.begin_create_or_update(
        group.name, gallery.name, image.name, "99.0.0", body
    ).result()
    doomed = sorted(image.versions.values(), key=lambda v: v.name)[0].name
    compute.gallery_image_versions.begin_delete(
        group.name, gallery.name, image.name, doomed
    ).result()

    cached_gallery = Gallery.objects.get(subscription=subscription, name=gallery.name)
    run = refresh_now(subscription, gallery=cached_gallery)
    assert run.status == "succeeded", run.error
    assert run.scope == RefreshRun.Scope.GALLERY
    cached_image = GalleryImage.objects.get(gallery=cached_gallery, name=image.name)
    published = selectors.find_version(cached_image, "99.0.0")
    assert published is not None
    assert {r.region: r.replica_count for r in published.regions.all()} == {
        "eastus": 2,
        "westeurope": 1,
    }
    assert latest_version(cached_image, "westeurope") == published
    gone = ImageVersion.objects.get(image=cached_image, name=doomed)
    assert gone.deleted_at is not None
    assert selectors.find_version(cached_image, doomed) is None
    # Only the gallery was listed: other galleries were neither read nor touched.
    assert fresh_azure_sandbox.request_log.count("galleries.list") == 1


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_requests_make_one_run(connect: Any) -> None:
    subscription = connect("Production")
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def request() -> None:
        try:
            barrier.wait()
            run, created = request_refresh(subscription, enqueue=False)
            results.append((run.pk, created))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    run = RefreshRun.objects.get(subscription=subscription)
    assert run.merged_requests == 9
    assert run.status == "queued"


def test_request_after_a_finished_run_starts_a_new_one(connect: Any) -> None:
    subscription = connect("Production")
    first = refresh_now(subscription)
    second, created = request_refresh(subscription, enqueue=False)
    assert created
    assert second.pk != first.pk


def test_regions_follow_the_world(connect: Any, fresh_azure_sandbox: Any) -> None:
    subscription = connect("Shared Images")
    refresh_now(subscription)
    _, _, _gallery, image = _shared_gallery(fresh_azure_sandbox)
    version = next(iter(image.versions.values()))
    from dataclasses import replace

    version.target_regions = [replace(version.target_regions[0], regional_replica_count=7)]
    run = refresh_now(subscription)
    assert run.status == "succeeded"
    row = ImageVersion.objects.get(
        subscription=subscription, name=version.name, image__name=image.name
    )
    assert list(row.regions.values_list("region", "replica_count")) == [
        (version.target_regions[0].name, 7)
    ]
    assert run.counts["versions"]["updated"] == 0
    assert VersionRegion.objects.filter(version=row).count() == 1
    assert cached_tree(subscription) == world_tree(fresh_azure_sandbox, "Shared Images")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("processes", [False, True])
def test_refreshing_many_subscriptions_at_once(
    connect: Any, fresh_azure_sandbox: Any, processes: bool
) -> None:
    from galleries.refresh.batch import refresh_subscriptions

    names = ["Production", "Staging", "Shared Images"]
    subscriptions = [connect(name) for name in names]
    runs = refresh_subscriptions(subscriptions, parallel=2, processes=processes)
    assert [r.status for r in runs] == ["succeeded"] * 3
    assert all(r.apply_seconds is not None and r.collect_seconds for r in runs)
    for name, subscription in zip(names, subscriptions, strict=True):
        assert cached_tree(subscription) == world_tree(fresh_azure_sandbox, name)

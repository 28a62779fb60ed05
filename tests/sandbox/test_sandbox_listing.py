"""The real SDK lists the default world through the sandbox, across pages, and parses fields."""

from __future__ import annotations

from datetime import datetime

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute.models import GalleryImageVersion
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient

from azure_sandbox import Sandbox
from tests.sandbox.conftest import ComputeFactory, resource_group_of

SUBSCRIPTIONS = ["Production", "Staging", "Shared Images"]


def _walk(compute: ComputeFactory, name: str) -> tuple[list, list, list[GalleryImageVersion]]:
    client = compute(name)
    galleries = list(client.galleries.list())
    images, versions = [], []
    for gallery in galleries:
        rg = resource_group_of(gallery.id)
        for image in client.gallery_images.list_by_gallery(rg, gallery.name):
            images.append(image)
            versions += client.gallery_image_versions.list_by_gallery_image(
                rg, gallery.name, image.name
            )
    return galleries, images, versions


def test_sdk_lists_every_gallery_image_and_version_across_pages(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    totals = {"galleries": 0, "images": 0, "versions": 0}
    all_versions: list[GalleryImageVersion] = []
    all_images = []
    for name in SUBSCRIPTIONS:
        galleries, images, versions = _walk(compute, name)
        totals["galleries"] += len(galleries)
        totals["images"] += len(images)
        totals["versions"] += len(versions)
        all_versions += versions
        all_images += images
    expected = sandbox.world.counts()
    assert totals == {k: expected[k] for k in totals}
    assert expected["images"] == 30
    assert 180 <= expected["versions"] <= 220
    # Page size 4 in the default world: more list calls than images means nextLink was followed.
    version_lists = sandbox.request_log.count("gallery_image_versions.list_by_gallery_image")
    assert version_lists > expected["images"]
    assert len({v.id for v in all_versions}) == len(all_versions)

    version = all_versions[0]
    assert version.type == "Microsoft.Compute/galleries/images/versions"
    assert version.id.startswith("/subscriptions/")
    assert "/resourceGroups/" in version.id
    assert "/providers/Microsoft.Compute/galleries/" in version.id
    assert "/versions/" in version.id
    profile = version.publishing_profile
    assert isinstance(profile.published_date, datetime)
    assert profile.published_date.tzinfo
    region_names = {r.name for v in all_versions for r in v.publishing_profile.target_regions}
    assert {"East US", "East US 2", "West Europe"} <= region_names
    assert all(isinstance(r.regional_replica_count, int) for r in profile.target_regions)
    assert version.storage_profile.os_disk_image.size_in_gb > 0
    assert any(v.publishing_profile.exclude_from_latest for v in all_versions)
    assert any(
        r.exclude_from_latest for v in all_versions for r in v.publishing_profile.target_regions
    )
    end_of_life = [v.publishing_profile.end_of_life_date for v in all_versions]
    assert any(d is None for d in end_of_life)
    assert any(d is not None and d < datetime.now(d.tzinfo) for d in end_of_life)
    assert [v.provisioning_state for v in all_versions].count("Failed") == 1
    assert all(v.replication_status is None for v in all_versions)  # only with $expand

    features = {(f.name, f.value) for i in all_images for f in i.features or []}
    assert ("SecurityType", "TrustedLaunch") in features
    assert {i.os_type for i in all_images} == {"Linux", "Windows"}
    assert {i.os_state for i in all_images} == {"Generalized", "Specialized"}
    assert {i.hyper_v_generation for i in all_images} == {"V1", "V2"}
    assert {i.architecture for i in all_images} == {"x64", "Arm64"}
    assert all(
        i.identifier.publisher and i.identifier.offer and i.identifier.sku for i in all_images
    )
    assert all(isinstance(i.end_of_life_date, datetime) for i in all_images)


def test_version_get_includes_replication_status_only_when_expanded(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    client = compute("Shared Images")
    args = ("rg-shared-images", "gal_shared_main", "ubuntu-22.04-lts")
    name = next(iter(client.gallery_image_versions.list_by_gallery_image(*args))).name
    plain = client.gallery_image_versions.get(*args, name)
    expanded = client.gallery_image_versions.get(*args, name, expand="ReplicationStatus")
    assert plain.replication_status is None
    assert expanded.replication_status.aggregated_state in {"Completed", "InProgress", "Failed"}
    regions = {s.region for s in expanded.replication_status.summary}
    assert regions == {r.name for r in expanded.publishing_profile.target_regions}


def test_resource_groups_and_subscriptions_through_their_clients(sandbox: Sandbox) -> None:
    credential = sandbox.credential("Shared Images")
    shared = sandbox.world.subscription_named("Shared Images")
    assert shared is not None
    groups = ResourceManagementClient(credential, shared.id, **sandbox.client_kwargs())
    names = [g.name for g in groups.resource_groups.list()]
    assert names == ["rg-shared-images", "rg-image-build", "rg-shared-logs"]  # one is empty
    subscriptions = SubscriptionClient(credential, **sandbox.client_kwargs())
    [only] = list(subscriptions.subscriptions.list())
    assert (only.subscription_id, only.display_name, only.state) == (
        shared.id,
        "Shared Images",
        "Enabled",
    )
    assert only.tenant_id == shared.tenant_id


def test_not_found_errors_use_arm_codes(sandbox: Sandbox, compute: ComputeFactory) -> None:
    client = compute("Shared Images")
    with pytest.raises(ResourceNotFoundError) as missing_gallery:
        client.galleries.get("rg-shared-images", "no_such_gallery")
    assert missing_gallery.value.error.code == "ResourceNotFound"
    with pytest.raises(ResourceNotFoundError) as missing_group:
        client.galleries.get("rg-nope", "gal_shared_main")
    assert missing_group.value.error.code == "ResourceGroupNotFound"
    with pytest.raises(ResourceNotFoundError) as missing_version:
        client.gallery_image_versions.get("rg-shared-images", "gal_shared_main", "rhel-9", "0.0.1")
    assert missing_version.value.error.code == "ResourceNotFound"
    stranger = ComputeManagementClient(
        sandbox.credential("Shared Images"),
        "00000000-0000-0000-0000-000000000000",
        **sandbox.client_kwargs(),
    )
    with pytest.raises(ResourceNotFoundError) as missing_subscription:
        list(stranger.galleries.list())
    assert missing_subscription.value.error.code == "SubscriptionNotFound"


def test_paths_match_case_insensitively(sandbox: Sandbox, compute: ComputeFactory) -> None:
    client = compute("Shared Images")
    gallery = client.galleries.get("RG-SHARED-IMAGES", "GAL_SHARED_MAIN")
    assert gallery.name == "gal_shared_main"
    assert gallery.id.endswith(
        "/resourceGroups/rg-shared-images/providers/Microsoft.Compute/galleries/gal_shared_main"
    )


def test_in_place_world_changes_show_on_the_next_call(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    client = compute("Shared Images")
    args = ("rg-shared-images", "gal_shared_main", "rhel-9")
    before = client.gallery_image_versions.get(*args, "1.0.0")  # renders and caches
    version = (
        sandbox.world.subscription_named("Shared Images")
        .resource_groups["rg-shared-images"]
        .galleries["gal_shared_main"]
        .images["rhel-9"]
        .versions["1.0.0"]
    )
    version.exclude_from_latest = not before.publishing_profile.exclude_from_latest
    version.tags["stage"] = "retired"  # nested container: needs World.touch()
    sandbox.world.touch()
    after = client.gallery_image_versions.get(*args, "1.0.0")
    assert after.publishing_profile.exclude_from_latest is version.exclude_from_latest
    assert after.tags["stage"] == "retired"

"""A publishing pipeline writes through the SDK's long-running operations."""

from __future__ import annotations

import time

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute.models import (
    GalleryArtifactVersionFullSource,
    GalleryImage,
    GalleryImageIdentifier,
    GalleryImageVersion,
    GalleryImageVersionPublishingProfile,
    GalleryImageVersionStorageProfile,
    TargetRegion,
)

from azure_sandbox import Sandbox
from tests.sandbox.conftest import ComputeFactory, http_client

GALLERY = ("rg-image-build", "gal_shared_build")
IMAGE = (*GALLERY, "build-agent-ubuntu")
PIPELINE = "sp-image-pipeline"


def _names(client, *image: str) -> list[str]:
    return [v.name for v in client.gallery_image_versions.list_by_gallery_image(*image)]


def test_put_version_appears_in_the_next_list_and_delete_removes_it(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    client = compute(PIPELINE, "Shared Images")
    source = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
    version = GalleryImageVersion(
        location="westeurope",
        publishing_profile=GalleryImageVersionPublishingProfile(
            target_regions=[
                TargetRegion(name="westeurope", regional_replica_count=1),
                TargetRegion(name="East US 2", regional_replica_count=2, exclude_from_latest=True),
            ],
            replica_count=1,
        ),
        storage_profile=GalleryImageVersionStorageProfile(
            source=GalleryArtifactVersionFullSource(id=source)
        ),
    )
    started = time.monotonic()
    created = client.gallery_image_versions.begin_create_or_update(
        *IMAGE, "42.0.1", version
    ).result()
    assert time.monotonic() - started < 2  # finished without polling sleeps
    assert created.provisioning_state == "Succeeded"
    assert [r.name for r in created.publishing_profile.target_regions] == [
        "West Europe",
        "East US 2",
    ]
    assert created.publishing_profile.published_date is not None
    assert "42.0.1" in _names(client, *IMAGE)

    client.gallery_image_versions.begin_delete(*IMAGE, "42.0.1").result()
    assert "42.0.1" not in _names(client, *IMAGE)
    writes = [e.route for e in sandbox.request_log.entries() if e.method in ("PUT", "DELETE")]
    assert writes == [
        "gallery_image_versions.create_or_update",
        "gallery_image_versions.delete",
    ]


def test_image_definition_lifecycle_and_delete_conflict(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    client = compute(PIPELINE, "Shared Images", retry_total=0)
    definition = GalleryImage(
        location="westeurope",
        os_type="Linux",
        os_state="Generalized",
        hyper_v_generation="V2",
        architecture="Arm64",
        identifier=GalleryImageIdentifier(publisher="Contoso", offer="agents", sku="new-arm64"),
    )
    created = client.gallery_images.begin_create_or_update(
        *GALLERY, "agent-new", definition
    ).result()
    assert (created.provisioning_state, created.architecture) == ("Succeeded", "Arm64")
    assert "agent-new" in [i.name for i in client.gallery_images.list_by_gallery(*GALLERY)]

    with pytest.raises(HttpResponseError) as conflict:
        client.gallery_images.begin_delete(*IMAGE).result()
    assert conflict.value.status_code == 409
    assert conflict.value.error.code == "CannotDeleteResource"

    client.gallery_images.begin_delete(*GALLERY, "agent-new").result()
    assert "agent-new" not in [i.name for i in client.gallery_images.list_by_gallery(*GALLERY)]


def test_writes_use_the_writes_bucket(sandbox: Sandbox) -> None:
    principal = sandbox.principal(PIPELINE)
    token = sandbox.credential(principal.name).get_token("https://management.azure.com/.default")
    shared = sandbox.world.subscription_named("Shared Images")
    assert shared is not None
    url = (
        f"{sandbox.base_url}/subscriptions/{shared.id}/resourceGroups/rg-image-build/providers/"
        "Microsoft.Compute/galleries/gal_shared_build/images/build-agent-ubuntu/versions/"
        "7.7.7?api-version=2026-03-03"
    )
    with http_client(sandbox) as http:
        put = http.put(
            url, json={"location": "westeurope"}, headers={"Authorization": f"Bearer {token.token}"}
        )
        assert put.status_code == 201
        assert put.headers["x-ms-ratelimit-remaining-subscription-writes"] == "199"
        deleted = http.delete(url, headers={"Authorization": f"Bearer {token.token}"})
        assert deleted.status_code == 200
        assert deleted.headers["x-ms-ratelimit-remaining-subscription-deletes"] == "199"
        again = http.delete(url, headers={"Authorization": f"Bearer {token.token}"})
        assert again.status_code == 204


def test_a_disabled_subscription_reads_but_refuses_writes(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    sub = sandbox.world.subscription_named("Shared Images")
    assert sub is not None
    sub.state = "Disabled"
    client = compute(PIPELINE, "Shared Images")
    assert _names(client, *IMAGE)  # reads still work
    with pytest.raises(HttpResponseError) as failed:
        client.gallery_image_versions.begin_delete(*IMAGE, _names(client, *IMAGE)[0]).result()
    assert failed.value.status_code == 409
    assert failed.value.error is not None
    assert failed.value.error.code == "ReadOnlyDisabledSubscription"

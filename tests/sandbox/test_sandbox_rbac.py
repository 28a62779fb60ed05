"""Cross-subscription sharing is a Reader assignment on the shared gallery, as in ARM."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.resource.subscriptions import SubscriptionClient

from azure_sandbox import Sandbox
from tests.sandbox.conftest import ComputeFactory

SHARED_RG, SHARED_GALLERY = "rg-shared-images", "gal_shared_main"


def _subscription_names(sandbox: Sandbox, who: str) -> list[str]:
    client = SubscriptionClient(sandbox.credential(who), **sandbox.client_kwargs())
    return [s.display_name for s in client.subscriptions.list()]


def test_production_reads_the_shared_gallery_and_only_it(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    assert _subscription_names(sandbox, "Production") == ["Production", "Shared Images"]
    client = compute("Production", "Shared Images")
    assert [g.name for g in client.galleries.list()] == [SHARED_GALLERY]
    assert [g.name for g in client.galleries.list_by_resource_group(SHARED_RG)] == [SHARED_GALLERY]
    assert client.galleries.get(SHARED_RG, SHARED_GALLERY).name == SHARED_GALLERY
    images = list(client.gallery_images.list_by_gallery(SHARED_RG, SHARED_GALLERY))
    assert len(images) == 10
    versions = list(
        client.gallery_image_versions.list_by_gallery_image(
            SHARED_RG, SHARED_GALLERY, images[0].name
        )
    )
    assert versions

    with pytest.raises(HttpResponseError) as denied:
        client.galleries.get(SHARED_RG, "gal_shared_archive")
    assert denied.value.status_code == 403
    assert denied.value.error.code == "AuthorizationFailed"


def test_staging_is_denied_the_shared_gallery_and_does_not_see_it(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    assert _subscription_names(sandbox, "Staging") == ["Staging"]
    staging_galleries = [g.name for g in compute("Staging").galleries.list()]
    assert SHARED_GALLERY not in staging_galleries
    assert staging_galleries == ["gal_staging"]

    client = compute("Staging", "Shared Images")
    with pytest.raises(HttpResponseError) as denied:
        client.galleries.get(SHARED_RG, SHARED_GALLERY)
    error = denied.value
    assert error.status_code == 403
    assert error.error.code == "AuthorizationFailed"
    staging = sandbox.principal("Staging")
    assert f"The client '{staging.client_id}' with object id '{staging.object_id}'" in error.message
    assert "'Microsoft.Compute/galleries/read' over scope '/subscriptions/" in error.message
    with pytest.raises(HttpResponseError) as list_denied:
        list(client.galleries.list())
    assert list_denied.value.error.code == "AuthorizationFailed"


def test_reader_cannot_write(sandbox: Sandbox, compute: ComputeFactory) -> None:
    client = compute("Shared Images", retry_total=0)
    with pytest.raises(HttpResponseError) as denied:
        client.gallery_image_versions.begin_delete(
            SHARED_RG, SHARED_GALLERY, "rhel-9", "1.0.0"
        ).result()
    assert denied.value.status_code == 403
    assert "Microsoft.Compute/galleries/images/versions/delete" in denied.value.message


def test_a_new_role_assignment_takes_effect_on_the_next_call(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    staging = sandbox.principal("Staging")
    shared = sandbox.world.subscription_named("Shared Images")
    assert shared is not None
    sandbox.world.grant(
        staging.client_id,
        f"/subscriptions/{shared.id}/resourceGroups/rg-image-build",
    )
    names = [g.name for g in compute("Staging", "Shared Images").galleries.list()]
    assert names == ["gal_shared_build"]

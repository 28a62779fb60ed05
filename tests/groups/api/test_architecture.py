"""An Arm64 image needs Arm64 VM sizes, an x64 image x64 ones: Azure can't boot it otherwise."""

from __future__ import annotations

import pytest

from groups.vm_sizes import ARM64, X64, size_architecture
from tests.inventory_factories import gallery_image

from .bodies import group_body, node_body
from .http import call, error_codes, error_fields

GROUPS = "/azure/compute/group"
NODES = "/azure/compute/statefulNode"


@pytest.fixture
def arm_image(world):
    return gallery_image(
        world.subscription,
        resource_group="rg-images",
        gallery="contosogallery",
        image="worker-arm64",
        architecture="Arm64",
        versions={"1.0.0": ["eastus"]},
    )


def _with_sizes(body, od, spot):
    body["compute"]["vmSizes"] = {"odSizes": od, "spotSizes": spot}
    return body


def test_arm64_image_with_x64_sizes_is_refused_with_the_field_named(client, world, arm_image):
    body = _with_sizes(
        group_body(imageName="worker-arm64"), ["standard_d2s_v5"], ["standard_d2s_v5"]
    )
    status, answer = call(client, "POST", GROUPS, {"group": body}, token=world.tokens["editor"])
    assert status == 400
    assert error_codes(answer) == ["VM_SIZE_ARCHITECTURE_MISMATCH"] * 2
    assert error_fields(answer) == {"compute.vmSizes.odSizes", "compute.vmSizes.spotSizes"}
    assert "worker-arm64 is Arm64" in str(answer)


def test_arm64_image_with_arm64_sizes_is_accepted(client, world, arm_image):
    body = _with_sizes(
        group_body(imageName="worker-arm64"),
        ["standard_d2ps_v5"],
        ["standard_e4ps_v5", "Standard_D2pls_v5"],
    )
    status, answer = call(client, "POST", GROUPS, {"group": body}, token=world.tokens["editor"])
    assert status == 200, answer


def test_x64_image_with_an_arm64_size_is_refused(client, world):
    body = node_body()
    body["compute"]["vmSizes"] = {"odSizes": ["standard_d2s_v5", "standard_d4ps_v5"]}
    status, answer = call(
        client, "POST", NODES, {"statefulNode": body}, token=world.tokens["editor"]
    )
    assert status == 400
    assert error_codes(answer) == ["VM_SIZE_ARCHITECTURE_MISMATCH"]
    assert error_fields(answer) == {"compute.vmSizes.odSizes"}
    assert "standard_d4ps_v5" in str(answer)


@pytest.mark.parametrize(
    ("size", "architecture"),
    [
        ("standard_d2s_v5", X64),
        ("Standard_D2ps_v5", ARM64),
        ("Standard_E4ps_v5", ARM64),
        ("Standard_D2pls_v5", ARM64),
        ("standard_d96pds_v6", ARM64),  # not in the shipped list: decided by its name
        ("standard_e20pds_v5", ARM64),
        ("standard_dc4s_v3", X64),
        ("standard_nc4as_t4_v3", X64),
    ],
)
def test_a_sizes_architecture_from_the_list_or_its_name(size, architecture):
    assert size_architecture(size) == architecture

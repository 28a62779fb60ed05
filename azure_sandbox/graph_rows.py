"""The rows Resource Graph stores for the world's resources, and the entries a query pages
through (an entry is rendered only when its page is sent)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from azure_sandbox import arm_json, network
from azure_sandbox.world import (
    Gallery,
    ImageDefinition,
    ImageVersion,
    ResourceGroup,
    Subscription,
    VirtualNetwork,
)

GALLERIES = "microsoft.compute/galleries"
IMAGES = "microsoft.compute/galleries/images"
VERSIONS = "microsoft.compute/galleries/images/versions"
VIRTUAL_NETWORKS = "microsoft.network/virtualnetworks"
SERVED_TYPES = frozenset({GALLERIES, IMAGES, VERSIONS, VIRTUAL_NETWORKS})

Row = dict[str, Any]


# --- rows ----------------------------------------------------------------------------------


def _row(arm: dict[str, Any], sub: Subscription, group: ResourceGroup) -> Row:
    return {
        "id": arm["id"],
        "name": arm["name"],
        "type": arm["type"].lower(),
        "tenantId": sub.tenant_id,
        "kind": "",
        "location": str(arm.get("location", "")).lower(),
        "resourceGroup": group.name.lower(),
        "subscriptionId": sub.id,
        "managedBy": "",
        "sku": None,
        "plan": None,
        "properties": arm["properties"],
        "tags": arm.get("tags") or {},
        "identity": None,
        "zones": None,
        "extendedLocation": None,
    }


def gallery_row(sub: Subscription, group: ResourceGroup, gallery: Gallery) -> Row:
    arm_id = arm_json.gallery_id(sub, group, gallery)
    return _row(arm_json.render_gallery(arm_id, sub, gallery), sub, group)


def image_row(
    sub: Subscription, group: ResourceGroup, gallery: Gallery, image: ImageDefinition
) -> Row:
    arm_id = f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}"
    return _row(arm_json.render_image(arm_id, image), sub, group)


def version_row(
    sub: Subscription,
    group: ResourceGroup,
    gallery: Gallery,
    image: ImageDefinition,
    version: ImageVersion,
) -> Row:
    arm_id = (
        f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}/versions/{version.name}"
    )
    return _row(arm_json.render_version(arm_id, version), sub, group)


def network_row(sub: Subscription, group: ResourceGroup, vnet: VirtualNetwork) -> Row:
    arm_id = network.virtual_network_id(sub, group, vnet)
    arm = network.render_virtual_network(arm_id, vnet, arm_json.resource_group_id(sub, group))
    return _row(arm, sub, group)


# An entry is (id, render, arguments): rows are rendered only for the page being sent.
Entry = tuple[str, Callable[..., Row], tuple[Any, ...]]


def stored_row(row: Row) -> Row:
    return row


def entries_of(sub: Subscription, types: frozenset[str]) -> list[Entry]:
    entries: list[Entry] = []
    compute = types & {GALLERIES, IMAGES, VERSIONS}
    for group in list(sub.resource_groups.values()):
        group_id = arm_json.resource_group_id(sub, group)
        if VIRTUAL_NETWORKS in types:
            for vnet in list(group.virtual_networks.values()):
                arm_id = f"{group_id}/providers/Microsoft.Network/virtualNetworks/{vnet.name}"
                entries.append((arm_id, network_row, (sub, group, vnet)))
        if not compute:
            continue
        for gallery in list(group.galleries.values()):
            gallery_id = f"{group_id}/providers/Microsoft.Compute/galleries/{gallery.name}"
            if GALLERIES in types:
                entries.append((gallery_id, gallery_row, (sub, group, gallery)))
            if not types & {IMAGES, VERSIONS}:
                continue
            for image in list(gallery.images.values()):
                image_id = f"{gallery_id}/images/{image.name}"
                if IMAGES in types:
                    entries.append((image_id, image_row, (sub, group, gallery, image)))
                if VERSIONS in types:
                    for version in list(image.versions.values()):
                        entries.append(
                            (
                                f"{image_id}/versions/{version.name}",
                                version_row,
                                (sub, group, gallery, image, version),
                            )
                        )
    return entries


def count_rows(sub: Subscription, types: frozenset[str]) -> int:
    """How many rows of ``types`` ``sub`` holds, without building them."""
    total = 0
    for group in list(sub.resource_groups.values()):
        if VIRTUAL_NETWORKS in types:
            total += len(group.virtual_networks)
        for gallery in list(group.galleries.values()):
            total += GALLERIES in types
            if IMAGES in types:
                total += len(gallery.images)
            if VERSIONS in types:
                total += sum(len(image.versions) for image in list(gallery.images.values()))
    return total

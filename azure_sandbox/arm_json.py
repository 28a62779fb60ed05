"""Render world objects as the JSON bodies ARM returns (camelCase, real id and type formats)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from azure_sandbox.world import (
    Gallery,
    ImageDefinition,
    ImageVersion,
    RenderCached,
    ResourceGroup,
    Subscription,
    region_display_name,
    render_epoch,
)

GALLERY_TYPE = "Microsoft.Compute/galleries"
IMAGE_TYPE = "Microsoft.Compute/galleries/images"
VERSION_TYPE = "Microsoft.Compute/galleries/images/versions"


def encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def cached(obj: RenderCached, key: str, render: Callable[[], dict[str, Any]]) -> bytes:
    """``render()`` encoded as JSON, cached on ``obj`` per key (the ARM id plus options).

    Keying by the full id keeps renames of parents correct; assigning an attribute of
    ``obj`` or ``World.touch()`` invalidates.
    """
    epoch = render_epoch()
    entry: tuple[int, dict[str, bytes]] | None = obj.__dict__.get("_rendered")
    if entry is None or entry[0] != epoch:
        entry = (epoch, {})
        obj._rendered = entry
    body = entry[1].get(key)
    if body is None:
        body = entry[1][key] = encode(render())
    return body


def encoded_image(image_arm_id: str, image: ImageDefinition) -> bytes:
    return cached(image, image_arm_id, lambda: render_image(image_arm_id, image))


def encoded_version(version_arm_id: str, version: ImageVersion, expand: bool = False) -> bytes:
    return cached(
        version,
        f"{version_arm_id}|{expand}",
        lambda: render_version(version_arm_id, version, with_replication_status=expand),
    )


def subscription_id(sub: Subscription) -> str:
    return f"/subscriptions/{sub.id}"


def resource_group_id(sub: Subscription, group: ResourceGroup) -> str:
    return f"/subscriptions/{sub.id}/resourceGroups/{group.name}"


def gallery_id(sub: Subscription, group: ResourceGroup, gallery: Gallery) -> str:
    return f"{resource_group_id(sub, group)}/providers/Microsoft.Compute/galleries/{gallery.name}"


def render_subscription(sub: Subscription) -> dict[str, Any]:
    return {
        "id": subscription_id(sub),
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": sub.id,
        "tenantId": sub.tenant_id,
        "displayName": sub.display_name,
        "state": sub.state,
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    }


def render_resource_group(sub: Subscription, group: ResourceGroup) -> dict[str, Any]:
    return {
        "id": resource_group_id(sub, group),
        "name": group.name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": group.location,
        "tags": group.tags,
        "properties": {"provisioningState": "Succeeded"},
    }


def render_gallery(gallery_arm_id: str, sub: Subscription, gallery: Gallery) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "identifier": {"uniqueName": f"{sub.id}-{gallery.name.upper()}"},
        "sharingProfile": {"permissions": "Private"},
        "provisioningState": "Succeeded",
    }
    if gallery.description:
        properties["description"] = gallery.description
    return {
        "id": gallery_arm_id,
        "name": gallery.name,
        "type": GALLERY_TYPE,
        "location": gallery.location,
        "tags": gallery.tags,
        "properties": properties,
    }


def render_image(image_arm_id: str, image: ImageDefinition) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "osType": image.os_type,
        "osState": image.os_state,
        "hyperVGeneration": image.hyper_v_generation,
        "architecture": image.architecture,
        "identifier": {"publisher": image.publisher, "offer": image.offer, "sku": image.sku},
        "features": image.features,
        "provisioningState": image.provisioning_state,
    }
    if image.description:
        properties["description"] = image.description
    if image.end_of_life_date:
        properties["endOfLifeDate"] = image.end_of_life_date
    recommended: dict[str, Any] = {}
    if image.recommended_vcpus:
        recommended["vCPUs"] = {
            "min": image.recommended_vcpus[0],
            "max": image.recommended_vcpus[1],
        }
    if image.recommended_memory_gb:
        low, high = image.recommended_memory_gb
        recommended["memory"] = {"min": low, "max": high}
    if recommended:
        properties["recommended"] = recommended
    return {
        "id": image_arm_id,
        "name": image.name,
        "type": IMAGE_TYPE,
        "location": image.location,
        "tags": image.tags,
        "properties": properties,
    }


def render_version(
    version_arm_id: str, version: ImageVersion, *, with_replication_status: bool = False
) -> dict[str, Any]:
    publishing: dict[str, Any] = {
        "targetRegions": [
            {
                "name": region_display_name(region.name),
                "regionalReplicaCount": region.regional_replica_count,
                "storageAccountType": region.storage_account_type,
                "excludeFromLatest": region.exclude_from_latest,
            }
            for region in version.target_regions
        ],
        "replicaCount": version.replica_count,
        "excludeFromLatest": version.exclude_from_latest,
        "publishedDate": version.published_date,
        "storageAccountType": version.storage_account_type,
    }
    if version.end_of_life_date:
        publishing["endOfLifeDate"] = version.end_of_life_date
    storage: dict[str, Any] = {
        "osDiskImage": {"sizeInGB": version.os_disk_size_gb, "hostCaching": "ReadWrite"},
        "dataDiskImages": [
            {"lun": lun, "sizeInGB": size, "hostCaching": "None"}
            for lun, size in enumerate(version.data_disk_sizes_gb)
        ],
    }
    if version.source_id:
        storage["source"] = {"id": version.source_id}
    properties: dict[str, Any] = {
        "publishingProfile": publishing,
        "storageProfile": storage,
        "safetyProfile": {"allowDeletionOfReplicatedLocations": False},
        "provisioningState": version.provisioning_state,
    }
    if with_replication_status:
        properties["replicationStatus"] = render_replication_status(version)
    return {
        "id": version_arm_id,
        "name": version.name,
        "type": VERSION_TYPE,
        "location": version.location,
        "tags": version.tags,
        "properties": properties,
    }


def render_replication_status(version: ImageVersion) -> dict[str, Any]:
    states = [region.replication_state for region in version.target_regions]
    if "Failed" in states:
        aggregated = "Failed"
    elif "Replicating" in states:
        aggregated = "InProgress"
    elif all(state == "Completed" for state in states):
        aggregated = "Completed"
    else:
        aggregated = "Unknown"
    return {
        "aggregatedState": aggregated,
        "summary": [
            {
                "region": region_display_name(region.name),
                "state": region.replication_state,
                "details": "" if region.replication_state != "Failed" else "Replication failed.",
                "progress": region.replication_progress,
            }
            for region in version.target_regions
        ],
    }

"""Writes that simulate a publishing pipeline: PUT/DELETE of image definitions and versions.

The SDK's ``begin_create_or_update``/``begin_delete`` are long-running operations;
answering PUT with the final body (``provisioningState: Succeeded``) and DELETE
with 200/204 lets the poller finish after its first response. Deleting an image
definition that still has versions is refused with 409 ``CannotDeleteResource``,
as ARM does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from azure_sandbox import arm_json, graph_rows
from azure_sandbox.arm_lookup import ArmContext, find_gallery, find_group, find_subscription
from azure_sandbox.graph_journal import Row
from azure_sandbox.messages import ArmError, Response
from azure_sandbox.world import (
    ImageDefinition,
    ImageVersion,
    Subscription,
    TargetRegion,
    region_code,
)

_VERSION_NAME = re.compile(r"^\d{1,9}\.\d{1,9}\.\d{1,9}$")


def arm_timestamp(moment: datetime) -> str:
    """ARM's timestamp format: 7 fractional digits and an explicit +00:00 offset."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond:06d}0+00:00"


def _body(ctx: ArmContext) -> dict[str, Any]:
    try:
        body = ctx.request.json()
    except ValueError as exc:
        raise ArmError(
            400, "InvalidRequestContent", f"The request content was invalid: {exc}"
        ) from exc
    if not isinstance(body, dict):
        raise ArmError(400, "InvalidRequestContent", "The request content was invalid.")
    if not body.get("location"):
        raise ArmError(
            400, "LocationRequired", "The location property is required for this definition."
        )
    return body


# Azure keeps a subscription in these states readable but refuses every write to it.
READ_ONLY_STATES = frozenset({"disabled", "deleted"})


def _writable_subscription(ctx: ArmContext, sub_id: str) -> Subscription:
    sub = find_subscription(ctx, sub_id)
    if sub.state.lower() in READ_ONLY_STATES:
        raise ArmError(
            409,
            "ReadOnlyDisabledSubscription",
            f"The subscription '{sub.id}' is disabled and therefore marked as read only. You "
            "cannot perform any write actions on this subscription until it is re-enabled.",
        )
    return sub


def _journal(ctx: ArmContext, resource_id: str, previous: Callable[[], Row] | None) -> None:
    """Tell Resource Graph's lag what ``resource_id`` looked like before this write."""
    lag = ctx.world.settings.resource_graph_lag_seconds
    if lag > 0:
        ctx.journal.record(resource_id, previous() if previous else None, lag)


def _missing_parent(name: str) -> ArmError:
    return ArmError(
        404,
        "ParentResourceNotFound",
        "Can not perform requested operation on nested resource. "
        f"Parent resource '{name}' not found.",
    )


def _gallery_id(ctx: ArmContext, params: dict[str, str]) -> str:
    return (
        f"/subscriptions/{params['sub']}/resourceGroups/{params['rg']}"
        f"/providers/Microsoft.Compute/galleries/{params['gallery']}"
    )


def put_image(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = _writable_subscription(ctx, params["sub"])
    image_id = f"{_gallery_id(ctx, params)}/images/{params['image']}"
    ctx.access.require("Microsoft.Compute/galleries/images/write", image_id, write=True)
    body = _body(ctx)
    props = body.get("properties") or {}
    identifier = props.get("identifier") or {}
    for required in ("osType", "osState"):
        if not props.get(required):
            raise ArmError(
                400, "InvalidParameter", f"Required parameter '{required}' is missing (null)."
            )
    if not all(identifier.get(k) for k in ("publisher", "offer", "sku")):
        raise ArmError(
            400, "InvalidParameter", "Required parameter 'identifier' is missing (null)."
        )
    recommended = props.get("recommended") or {}
    vcpus, memory = recommended.get("vCPUs"), recommended.get("memory")
    image = ImageDefinition(
        name=params["image"],
        location=region_code(body["location"]),
        os_type=props["osType"],
        os_state=props["osState"],
        publisher=identifier["publisher"],
        offer=identifier["offer"],
        sku=identifier["sku"],
        hyper_v_generation=props.get("hyperVGeneration") or "V1",
        architecture=props.get("architecture") or "x64",
        features=[{"name": f["name"], "value": f["value"]} for f in props.get("features") or []],
        description=props.get("description"),
        end_of_life_date=props.get("endOfLifeDate"),
        recommended_vcpus=(vcpus["min"], vcpus["max"]) if vcpus else None,
        recommended_memory_gb=(memory["min"], memory["max"]) if memory else None,
        tags=body.get("tags") or {},
    )
    with ctx.write_lock:
        group = sub.resource_groups.get(params["rg"].lower())
        gallery = group.galleries.get(params["gallery"].lower()) if group else None
        if group is None or gallery is None:
            raise _missing_parent(params["gallery"])
        existing = gallery.images.get(image.name.lower())
        if existing is not None:
            image.name = existing.name
            image.versions = existing.versions
        rendered_id = f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}"
        _journal(
            ctx,
            rendered_id,
            partial(graph_rows.image_row, sub, group, gallery, existing) if existing else None,
        )
        gallery.add_image(image)
    return Response.json(200 if existing else 201, arm_json.render_image(rendered_id, image))


def delete_image(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = _writable_subscription(ctx, params["sub"])
    image_id = f"{_gallery_id(ctx, params)}/images/{params['image']}"
    ctx.access.require("Microsoft.Compute/galleries/images/delete", image_id, write=True)
    with ctx.write_lock:
        group = find_group(sub, params["rg"])
        gallery = find_gallery(group, params["gallery"])
        image = gallery.images.get(params["image"].lower())
        if image is None:
            return Response(204)
        if image.versions:
            nested = ", ".join(
                f"Microsoft.Compute/galleries/{gallery.name}/images/{image.name}/versions/{v.name}"
                for v in list(image.versions.values())[:5]
            )
            raise ArmError(
                409,
                "CannotDeleteResource",
                "Cannot delete resource while nested resources exist. Some existing nested "
                f"resource IDs include: '{nested}'. Please delete all nested resources before "
                "deleting this resource.",
            )
        image_id = f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}"
        _journal(ctx, image_id, partial(graph_rows.image_row, sub, group, gallery, image))
        del gallery.images[params["image"].lower()]
    return Response(200)


def _target_regions(profile: dict[str, Any], location: str, storage: str) -> list[TargetRegion]:
    regions = profile.get("targetRegions") or [{"name": location}]
    return [
        TargetRegion(
            name=region_code(r["name"]),
            regional_replica_count=int(
                r.get("regionalReplicaCount") or profile.get("replicaCount") or 1
            ),
            storage_account_type=r.get("storageAccountType") or storage,
            exclude_from_latest=bool(r.get("excludeFromLatest", False)),
        )
        for r in regions
    ]


def put_version(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = _writable_subscription(ctx, params["sub"])
    version_id = f"{_gallery_id(ctx, params)}/images/{params['image']}/versions/{params['version']}"
    ctx.access.require("Microsoft.Compute/galleries/images/versions/write", version_id, write=True)
    if not _VERSION_NAME.match(params["version"]):
        raise ArmError(
            400,
            "InvalidParameter",
            "The gallery image version name is invalid. The name should be of format "
            "Major(int32).Minor(int32).Patch(int32). Example: 1.0.0.",
        )
    body = _body(ctx)
    props = body.get("properties") or {}
    profile = props.get("publishingProfile") or {}
    storage_profile = props.get("storageProfile") or {}
    location = region_code(body["location"])
    storage_type = profile.get("storageAccountType") or "Standard_LRS"
    version = ImageVersion(
        name=params["version"],
        location=location,
        published_date=arm_timestamp(datetime.now(UTC)),
        target_regions=_target_regions(profile, location, storage_type),
        replica_count=int(profile.get("replicaCount") or 1),
        storage_account_type=storage_type,
        exclude_from_latest=bool(profile.get("excludeFromLatest", False)),
        end_of_life_date=profile.get("endOfLifeDate"),
        data_disk_sizes_gb=[
            int(d.get("sizeInGB") or 32) for d in storage_profile.get("dataDiskImages") or []
        ],
        source_id=(storage_profile.get("source") or {}).get("id"),
        tags=body.get("tags") or {},
    )
    with ctx.write_lock:
        group = sub.resource_groups.get(params["rg"].lower())
        gallery = group.galleries.get(params["gallery"].lower()) if group else None
        image = gallery.images.get(params["image"].lower()) if gallery else None
        if group is None or gallery is None or image is None:
            raise _missing_parent(f"{params['gallery']}/{params['image']}")
        existing = image.versions.get(version.name.lower())
        image_id = f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}"
        rendered_id = f"{image_id}/versions/{version.name}"
        previous = None
        if existing is not None:
            version.published_date = existing.published_date  # set once, at first publish
            previous = partial(graph_rows.version_row, sub, group, gallery, image, existing)
        _journal(ctx, rendered_id, previous)
        image.add_version(version)
    return Response.json(200 if existing else 201, arm_json.render_version(rendered_id, version))


def delete_version(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = _writable_subscription(ctx, params["sub"])
    version_id = f"{_gallery_id(ctx, params)}/images/{params['image']}/versions/{params['version']}"
    ctx.access.require("Microsoft.Compute/galleries/images/versions/delete", version_id, write=True)
    with ctx.write_lock:
        group = find_group(sub, params["rg"])
        gallery = find_gallery(group, params["gallery"])
        image = gallery.images.get(params["image"].lower())
        version = image.versions.pop(params["version"].lower(), None) if image else None
        if image is None or version is None:
            return Response(204)  # ARM answers 204 for deleting what is not there
        image_id = f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}"
        _journal(
            ctx,
            f"{image_id}/versions/{version.name}",
            partial(graph_rows.version_row, sub, group, gallery, image, version),
        )
    return Response(200)

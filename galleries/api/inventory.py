"""Our own read API over the cached gallery inventory (Spot has none), in Spot's envelope.

GET  /api/inventory/accounts
GET  /api/inventory/accounts/{accountId}/resourceGroups
GET  …/resourceGroups/{rg}/galleries
GET  …/galleries/{gallery}/images?os=Linux
GET  …/images/{image}/versions?region=eastus      (with `isLatestInRegion`)
GET  …/images/{image}/usage, …/images/{image}/versions/{version}/usage   (who deploys it)
POST /api/inventory/accounts/{accountId}/refresh  (admins; returns the run)
GET  /api/inventory/runs/{runId}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, JsonResponse
from ninja import Router

from console.api_auth import Caller, bearer, caller, require_role
from console.api_envelope import (
    GALLERY_IMAGE_NOT_FOUND,
    NOT_FOUND,
    UNKNOWN_ACCOUNT,
    ApiError,
    ErrorItem,
    ok,
    spot_timestamp,
)
from console.api_schemas import DOCUMENTED
from console.models import Role
from galleries import selectors as inventory
from galleries.inventory.latest import latest_version
from galleries.models import ConnectedSubscription, GalleryImage, ImageVersion, RefreshRun
from galleries.refresh.request import request_refresh
from galleries.regions import normalize_region
from galleries.usage import ImageUser, usage_of

router = Router(auth=bearer, tags=["Inventory"])
PREFIX = "/api/inventory"
ACCOUNT_PATH = f"{PREFIX}/accounts/{{accountId}}"
GALLERY_PATH = f"{ACCOUNT_PATH}/resourceGroups/{{resourceGroup}}/galleries/{{gallery}}"
KIND = "gallery-console:inventory:"
View = TypeVar("View", bound=Callable[..., JsonResponse])


def _route(
    method: str, path: str, *, summary: str, description: str | None = None
) -> Callable[[View], View]:
    """A route of the router, answering in the envelope; its operationId stays as first
    published, when this router lived in groups.api (generated clients name methods by it)."""

    def register(view: View) -> View:
        return router.api_operation(
            [method],
            path,
            response=DOCUMENTED,
            operation_id=f"groups_api_inventory_{view.__name__}",
            summary=summary,
            description=description,
        )(view)

    return register


def _time(value: Any) -> str | None:
    return spot_timestamp(value) if value is not None else None


def _subscription(
    request: HttpRequest, account_id: str, role: str = Role.VIEWER
) -> tuple[Caller, ConnectedSubscription]:
    who = caller(request, account_id, role)
    subscription = inventory.subscription_for_account(who.organization, who.account.id)
    if subscription is None:
        raise ApiError(
            404,
            ErrorItem(UNKNOWN_ACCOUNT, f"Account {account_id} has no connected subscription."),
        )
    return who, subscription


def run_item(run: RefreshRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "accountId": run.subscription.account_id,
        "scope": run.scope,
        "status": run.status,
        "requestedAt": _time(run.requested_at),
        "startedAt": _time(run.started_at),
        "finishedAt": _time(run.finished_at),
        "heartbeatAt": _time(run.heartbeat_at),
        # False once a running run's lease ran out: its worker is gone, and the next refresh
        # request replaces it (beat marks it failed within seconds).
        "responding": not run.is_unresponsive,
        "progress": {"done": run.progress_done, "total": run.progress_total},
        "counts": run.counts,
        "error": run.error,
        "failureCode": run.failure_code,
    }


def _account_item(subscription: ConnectedSubscription) -> dict[str, Any]:
    last = subscription.refresh_runs.order_by("-requested_at", "-id").first()
    return {
        "accountId": subscription.account_id,
        "name": subscription.account.name,
        "subscriptionId": subscription.subscription_id,
        "displayName": subscription.display_name,
        "cloud": subscription.cloud,
        "credentialStatus": subscription.credential_status,
        "azureState": subscription.azure_state,
        "lastRefresh": run_item(last) if last is not None else None,
    }


@_route("GET", f"{PREFIX}/accounts", summary="Connected accounts")
def list_accounts(request: HttpRequest) -> JsonResponse:
    membership = require_role(request, Role.VIEWER)
    items = [_account_item(s) for s in inventory.subscriptions_for(membership.organization)]
    return ok(request, kind=KIND + "account", items=items)


@_route("GET", f"{ACCOUNT_PATH}/resourceGroups", summary="Resource groups")
def list_resource_groups(request: HttpRequest, accountId: str) -> JsonResponse:
    _, subscription = _subscription(request, accountId)
    rows = inventory.resource_groups_for(subscription)
    return ok(request, kind=KIND + "resourceGroup", items=[{"name": rg.name} for rg in rows])


@_route(
    "GET",
    f"{ACCOUNT_PATH}/resourceGroups/{{resourceGroup}}/galleries",
    summary="Galleries of a resource group",
)
def list_galleries(request: HttpRequest, accountId: str, resourceGroup: str) -> JsonResponse:
    _, subscription = _subscription(request, accountId)
    items = [
        {"name": g.name, "location": g.location, "description": g.description}
        for g in inventory.galleries_for(subscription, resourceGroup)
    ]
    return ok(request, kind=KIND + "gallery", items=items)


def image_item(image: GalleryImage) -> dict[str, Any]:
    return {
        "name": image.name,
        "osType": image.os_type,
        "osState": image.os_state,
        "hyperVGeneration": image.hyper_v_generation,
        "architecture": image.architecture,
        "publisher": image.publisher,
        "offer": image.offer,
        "sku": image.sku,
        "securityType": image.security_type,
        "endOfLifeDate": _time(image.end_of_life_date),
    }


@_route("GET", f"{GALLERY_PATH}/images", summary="Images of a gallery")
def list_images(
    request: HttpRequest,
    accountId: str,
    resourceGroup: str,
    gallery: str,
    os: str | None = None,
) -> JsonResponse:
    _, subscription = _subscription(request, accountId)
    images = inventory.images_for(subscription, resourceGroup, gallery, os_type=os)
    return ok(request, kind=KIND + "image", items=[image_item(i) for i in images])


def version_item(version: ImageVersion, latest_id: int | None, region: str) -> dict[str, Any]:
    item = {
        "name": version.name,
        "provisioningState": version.provisioning_state,
        "publishedDate": _time(version.published_date),
        "endOfLifeDate": _time(version.end_of_life_date),
        "excludeFromLatest": version.exclude_from_latest,
        "regions": [r.region for r in version.regions.all()],
        "osDiskSizeGB": version.os_disk_size_gb,
        "dataDiskCount": version.data_disk_count,
    }
    if region:
        item["isLatestInRegion"] = version.pk == latest_id
    return item


@_route(
    "GET",
    f"{GALLERY_PATH}/images/{{image}}/versions",
    summary="Versions of an image",
    description="With `region`, only versions replicated there; `isLatestInRegion` marks the "
    'version "latest" deploys in that region.',
)
def list_versions(
    request: HttpRequest,
    accountId: str,
    resourceGroup: str,
    gallery: str,
    image: str,
    region: str | None = None,
) -> JsonResponse:
    who, _ = _subscription(request, accountId)
    found = _image(who, resourceGroup, gallery, image)
    region = normalize_region(region or "")
    latest = latest_version(found, region) if region else None
    versions = inventory.versions_for(found, region or None).prefetch_related("regions")
    items = [version_item(v, latest.pk if latest else None, region) for v in versions]
    return ok(request, kind=KIND + "version", items=items)


def _image(who: Caller, resource_group: str, gallery: str, image: str) -> GalleryImage:
    found = inventory.find_image(
        who.organization,
        account_id=who.account.id,
        resource_group_name=resource_group,
        gallery_name=gallery,
        image_name=image,
    )
    if found is None:
        raise ApiError(404, ErrorItem(GALLERY_IMAGE_NOT_FOUND, f"Image {image} was not found."))
    return found


def usage_item(user: ImageUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "kind": user.kind,
        "account": user.account,
        "status": user.status,
        "versionName": user.version,
        "resolvesTo": user.resolves_to,
        "region": user.region,
    }


USAGE_TEXT = (
    "Live groups, stateful nodes, drafts and proposed changes that deploy it; those on "
    '"latest" with `resolvesTo`, the version "latest" deploys in their region today.'
)


@_route(
    "GET",
    f"{GALLERY_PATH}/images/{{image}}/usage",
    summary="Who uses an image",
    description=USAGE_TEXT,
)
def image_usage(
    request: HttpRequest, accountId: str, resourceGroup: str, gallery: str, image: str
) -> JsonResponse:
    who, _ = _subscription(request, accountId)
    found = _image(who, resourceGroup, gallery, image)
    items = [usage_item(user) for user in usage_of(found)]
    return ok(request, kind=KIND + "usage", items=items)


@_route(
    "GET",
    f"{GALLERY_PATH}/images/{{image}}/versions/{{version}}/usage",
    summary="Who uses a version",
    description=USAGE_TEXT,
)
def version_usage(
    request: HttpRequest,
    accountId: str,
    resourceGroup: str,
    gallery: str,
    image: str,
    version: str,
) -> JsonResponse:
    who, _ = _subscription(request, accountId)
    found = _image(who, resourceGroup, gallery, image)
    named = inventory.find_version(found, version)
    if named is None:
        raise ApiError(
            404, ErrorItem(GALLERY_IMAGE_NOT_FOUND, f"Version {version} of {image} was not found.")
        )
    items = [usage_item(user) for user in usage_of(found, named)]
    return ok(request, kind=KIND + "usage", items=items)


@_route("POST", f"{ACCOUNT_PATH}/refresh", summary="Refresh the inventory")
def refresh(request: HttpRequest, accountId: str) -> JsonResponse:
    who, subscription = _subscription(request, accountId, Role.ADMIN)
    run, _new = request_refresh(subscription, actor=who.user)
    return ok(request, kind=KIND + "refreshRun", items=[run_item(run)])


@_route("GET", f"{PREFIX}/runs/{{runId}}", summary="A refresh run")
def get_run(request: HttpRequest, runId: int) -> JsonResponse:
    membership = require_role(request, Role.VIEWER)
    run = (
        RefreshRun.objects.filter(subscription__organization=membership.organization, pk=runId)
        .select_related("subscription")
        .first()
    )
    if run is None:
        raise ApiError(404, ErrorItem(NOT_FOUND, f"Refresh run {runId} does not exist."))
    return ok(request, kind=KIND + "refreshRun", items=[run_item(run)])

"""Spot's Azure group and stateful-node routes: one typed function each (the OpenAPI document's
operations), each calling its handler in groups.api.spot_resources."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router

from .auth import bearer
from .schemas import (
    DOCUMENTED,
    WRITE_ONLY_NOTE,
    CreateGroupBody,
    CreateStatefulNodeBody,
    DeleteStatefulNodeBody,
    UpdateCapacityBody,
    UpdateGroupBody,
    UpdateStatefulNodeBody,
)
from .spot_resources import (
    STATEFUL,
    STATELESS,
    create,
    delete,
    detail,
    listing,
    update,
    update_capacity,
)

router = Router(auth=bearer, tags=["Spot: Azure"])

ACCOUNT = Query(
    None,
    description="Account (act-…); without it the organization's oldest account is used.",
)
SECRETS = f"`compute.launchSpecification.login.password`: {WRITE_ONLY_NOTE}"


@router.post(
    "/azure/compute/group",
    response=DOCUMENTED,
    operation_id="elastigroupAzureSpotVmsCreate",
    summary="Create a stateless group",
    description=f"Validated against the gallery inventory; errors name the field. {SECRETS}",
)
def create_group(
    request: HttpRequest, payload: CreateGroupBody, accountId: str | None = ACCOUNT
) -> JsonResponse:
    return create(STATELESS, request, payload, accountId)


@router.get(
    "/azure/compute/group",
    response=DOCUMENTED,
    operation_id="elastigroupAzureSpotVmsListAll",
    summary="List stateless groups",
)
def list_groups(
    request: HttpRequest,
    accountId: str | None = ACCOUNT,
    name: str | None = None,
    region: str | None = None,
) -> JsonResponse:
    return listing(STATELESS, request, accountId, name, region)


@router.get(
    "/azure/compute/group/{groupId}",
    response=DOCUMENTED,
    operation_id="elastigroupAzureSpotVmsGetGroup",
    summary="Get a stateless group",
)
def get_group(request: HttpRequest, groupId: str, accountId: str | None = ACCOUNT) -> JsonResponse:
    return detail(STATELESS, request, groupId, accountId)


@router.put(
    "/azure/compute/group/{groupId}",
    response=DOCUMENTED,
    operation_id="elastigroupAzureSpotVmsUpdate",
    summary="Update a stateless group (partial)",
    description=(
        "Objects are merged into the group; lists and values replace; null clears a field; "
        f"`compute.launchSpecification.image` is replaced whole. {SECRETS}"
    ),
)
def update_group(
    request: HttpRequest, groupId: str, payload: UpdateGroupBody, accountId: str | None = ACCOUNT
) -> JsonResponse:
    return update(STATELESS, request, groupId, payload, accountId)


@router.put(
    "/azure/compute/group/{groupId}/capacity",
    response=DOCUMENTED,
    operation_id="elastigroupAzureSpotVmsUpdateCapacity",
    summary="Update a stateless group's capacity",
    description="Minimum, maximum and target; the ones left out are kept. Answers the group.",
)
def update_group_capacity(
    request: HttpRequest,
    groupId: str,
    payload: UpdateCapacityBody,
    accountId: str | None = ACCOUNT,
) -> JsonResponse:
    return update_capacity(request, groupId, payload, accountId)


@router.delete(
    "/azure/compute/group/{groupId}",
    response=DOCUMENTED,
    operation_id="elastigroupAzureSpotVmsDelete",
    summary="Delete a stateless group",
)
def delete_group(
    request: HttpRequest, groupId: str, accountId: str | None = ACCOUNT
) -> JsonResponse:
    return delete(STATELESS, request, groupId, accountId)


@router.post(
    "/azure/compute/statefulNode",
    response=DOCUMENTED,
    operation_id="azureStatefulNodeCreate",
    summary="Create a stateful node",
    description=f"The gallery version is `versionName`. {SECRETS}",
)
def create_node(
    request: HttpRequest, payload: CreateStatefulNodeBody, accountId: str | None = ACCOUNT
) -> JsonResponse:
    return create(STATEFUL, request, payload, accountId)


@router.get(
    "/azure/compute/statefulNode",
    response=DOCUMENTED,
    operation_id="azureStatefulNodeGetAll",
    summary="List stateful nodes",
)
def list_nodes(
    request: HttpRequest,
    accountId: str | None = ACCOUNT,
    name: str | None = None,
    region: str | None = None,
) -> JsonResponse:
    return listing(STATEFUL, request, accountId, name, region)


@router.get(
    "/azure/compute/statefulNode/{nodeId}",
    response=DOCUMENTED,
    operation_id="azureStatefulNodeGet",
    summary="Get a stateful node",
)
def get_node(request: HttpRequest, nodeId: str, accountId: str | None = ACCOUNT) -> JsonResponse:
    return detail(STATEFUL, request, nodeId, accountId)


@router.put(
    "/azure/compute/statefulNode/{nodeId}",
    response=DOCUMENTED,
    operation_id="azureStatefulNodeUpdate",
    summary="Update a stateful node (partial)",
    description=(
        "Merged like a group update. The image can't change while the node persists its OS "
        f"disk. {SECRETS}"
    ),
)
def update_node(
    request: HttpRequest,
    nodeId: str,
    payload: UpdateStatefulNodeBody,
    accountId: str | None = ACCOUNT,
) -> JsonResponse:
    return update(STATEFUL, request, nodeId, payload, accountId)


@router.delete(
    "/azure/compute/statefulNode/{nodeId}",
    response=DOCUMENTED,
    operation_id="azureStatefulNodeDelete",
    summary="Delete a stateful node",
    description="The body (`deallocationConfig`) is optional and recorded in the audit log.",
)
def delete_node(
    request: HttpRequest,
    nodeId: str,
    payload: DeleteStatefulNodeBody | None = None,
    accountId: str | None = ACCOUNT,
) -> JsonResponse:
    config = None
    if payload is not None and payload.deallocationConfig is not None:
        config = payload.deallocationConfig.model_dump(exclude_unset=True)
    return delete(STATEFUL, request, nodeId, accountId, config)

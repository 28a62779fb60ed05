"""Spot's Azure group and stateful-node routes (the OpenAPI document's operations): one factory
adds a kind's create, list, get, update and delete under Spot's operation ids, each calling its
handler in groups.api.spot_resources; a group's capacity call is the one route of its own."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router

from console.api_auth import bearer
from console.api_schemas import DOCUMENTED

from .schemas import WRITE_ONLY_NOTE, DeleteStatefulNodeBody, UpdateCapacityBody
from .spot_resources import (
    STATEFUL,
    STATELESS,
    Resource,
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


@dataclass(frozen=True)
class Operations:
    """A kind's operation ids (Spot's), its name in summaries and the descriptions that differ."""

    create: str
    list: str
    get: str
    update: str
    delete: str
    short: str  # the views' names: create_group, list_groups, ...
    noun: str  # "List {noun}s" names the plural
    create_description: str
    update_description: str
    delete_description: str | None = None


GROUP_OPERATIONS = Operations(
    create="elastigroupAzureSpotVmsCreate",
    list="elastigroupAzureSpotVmsListAll",
    get="elastigroupAzureSpotVmsGetGroup",
    update="elastigroupAzureSpotVmsUpdate",
    delete="elastigroupAzureSpotVmsDelete",
    short="group",
    noun="stateless group",
    create_description=f"Validated against the gallery inventory; errors name the field. {SECRETS}",
    update_description=(
        "Objects are merged into the group; lists and values replace; null clears a field; "
        f"`compute.launchSpecification.image` is replaced whole. {SECRETS}"
    ),
)
NODE_OPERATIONS = Operations(
    create="azureStatefulNodeCreate",
    list="azureStatefulNodeGetAll",
    get="azureStatefulNodeGet",
    update="azureStatefulNodeUpdate",
    delete="azureStatefulNodeDelete",
    short="node",
    noun="stateful node",
    create_description=f"The gallery version is `versionName`. {SECRETS}",
    update_description=(
        "Merged like a group update. The image can't change while the node persists its OS "
        f"disk. {SECRETS}"
    ),
    delete_description="The body (`deallocationConfig`) is optional and recorded in the audit log.",
)


def _param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> Any:
    return inspect.Parameter(
        name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation
    )


def _route(
    method: str,
    path: str,
    params: list[inspect.Parameter],
    handler: Callable[..., JsonResponse],
    *,
    name: str,
    operation_id: str,
    summary: str,
    description: str | None = None,
) -> None:
    """Route `method path` to `handler(request, **params)`; ninja reads the parameters (path,
    query, body and their types) from the signature given here, as from a written function."""

    def view(request: HttpRequest, **values: Any) -> JsonResponse:
        return handler(request, **values)

    view.__name__ = name  # ninja names the URL after the view
    view.__signature__ = inspect.Signature([_param("request", HttpRequest), *params])  # type: ignore[attr-defined]
    router.api_operation(
        [method],
        path,
        response=DOCUMENTED,
        operation_id=operation_id,
        summary=summary,
        description=description,
    )(view)


def add_kind_routes(
    resource: Resource, ops: Operations, capacity: bool = False, delete_body: bool = False
) -> None:
    """The kind's five routes in Spot's order: create, list, get, update (capacity), delete."""
    one = f"{resource.path}/{{{resource.id_param}}}"
    object_id = _param(resource.id_param, str)
    account = _param("accountId", str | None, ACCOUNT)
    _route(
        "POST",
        resource.path,
        [_param("payload", resource.create_body), account],
        lambda request, payload, accountId: create(resource, request, payload, accountId),
        name=f"create_{ops.short}",
        operation_id=ops.create,
        summary=f"Create a {ops.noun}",
        description=ops.create_description,
    )
    _route(
        "GET",
        resource.path,
        [account, _param("name", str | None, None), _param("region", str | None, None)],
        lambda request, accountId, name, region: listing(
            resource, request, accountId, name, region
        ),
        name=f"list_{ops.short}s",
        operation_id=ops.list,
        summary=f"List {ops.noun}s",
    )
    _route(
        "GET",
        one,
        [object_id, account],
        lambda request, accountId, **ids: detail(
            resource, request, ids[resource.id_param], accountId
        ),
        name=f"get_{ops.short}",
        operation_id=ops.get,
        summary=f"Get a {ops.noun}",
    )
    _route(
        "PUT",
        one,
        [object_id, _param("payload", resource.update_body), account],
        lambda request, payload, accountId, **ids: update(
            resource, request, ids[resource.id_param], payload, accountId
        ),
        name=f"update_{ops.short}",
        operation_id=ops.update,
        summary=f"Update a {ops.noun} (partial)",
        description=ops.update_description,
    )
    if capacity:
        _route(
            "PUT",
            f"{one}/capacity",
            [object_id, _param("payload", UpdateCapacityBody), account],
            lambda request, payload, accountId, **ids: update_capacity(
                request, ids[resource.id_param], payload, accountId
            ),
            name=f"update_{ops.short}_capacity",
            operation_id="elastigroupAzureSpotVmsUpdateCapacity",
            summary="Update a stateless group's capacity",
            description=(
                "Minimum, maximum and target; the ones left out are kept. Answers the group."
            ),
        )
    body = [_param("payload", DeleteStatefulNodeBody | None, None)] if delete_body else []
    _route(
        "DELETE",
        one,
        [object_id, *body, account],
        lambda request, accountId, payload=None, **ids: delete(
            resource, request, ids[resource.id_param], accountId, _deallocation(payload)
        ),
        name=f"delete_{ops.short}",
        operation_id=ops.delete,
        summary=f"Delete a {ops.noun}",
        description=ops.delete_description,
    )


def _deallocation(payload: DeleteStatefulNodeBody | None) -> dict[str, Any] | None:
    if payload is None or payload.deallocationConfig is None:
        return None
    return payload.deallocationConfig.model_dump(exclude_unset=True)


add_kind_routes(STATELESS, GROUP_OPERATIONS, capacity=True)
add_kind_routes(STATEFUL, NODE_OPERATIONS, delete_body=True)

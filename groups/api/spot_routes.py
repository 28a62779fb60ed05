"""Spot's Azure group and stateful-node routes (the OpenAPI document's operations): one factory
adds a kind's create, list, get, update and delete under Spot's operation ids (one table names
both kinds' routes side by side), each calling its handler in groups.api.spot_resources; a
group's capacity call is the one route of its own."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router

from console.api_auth import bearer
from console.api_schemas import DOCUMENTED
from groups.models import Kind

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


GROUP, NODE = Kind.STATELESS, Kind.STATEFUL
# How each kind is named in its views' names (create_group, list_groups, ...) and summaries.
SHORT_NAMES = {GROUP: "group", NODE: "node"}
NOUNS = {GROUP: "stateless group", NODE: "stateful node"}
# A kind's five routes, in Spot's order, as Spot's OpenAPI document has them: the views' names
# (ninja names the URLs after them) and the summaries, the same for both kinds ...
VIEW_NAMES = {
    "create": "create_{short}",
    "list": "list_{short}s",
    "get": "get_{short}",
    "update": "update_{short}",
    "delete": "delete_{short}",
}
SUMMARIES = {
    "create": "Create a {noun}",
    "list": "List {noun}s",
    "get": "Get a {noun}",
    "update": "Update a {noun} (partial)",
    "delete": "Delete a {noun}",
}
# ... the operation ids, Spot's own for each kind (generated clients name their methods by them) ...
OPERATION_IDS: dict[str, dict[Kind, str]] = {
    "create": {GROUP: "elastigroupAzureSpotVmsCreate", NODE: "azureStatefulNodeCreate"},
    "list": {GROUP: "elastigroupAzureSpotVmsListAll", NODE: "azureStatefulNodeGetAll"},
    "get": {GROUP: "elastigroupAzureSpotVmsGetGroup", NODE: "azureStatefulNodeGet"},
    "update": {GROUP: "elastigroupAzureSpotVmsUpdate", NODE: "azureStatefulNodeUpdate"},
    "delete": {GROUP: "elastigroupAzureSpotVmsDelete", NODE: "azureStatefulNodeDelete"},
}
# ... and the descriptions, where a kind has one.
DESCRIPTIONS: dict[str, dict[Kind, str]] = {
    "create": {
        GROUP: f"Validated against the gallery inventory; errors name the field. {SECRETS}",
        NODE: f"The gallery version is `versionName`. {SECRETS}",
    },
    "update": {
        GROUP: (
            "Objects are merged into the group; lists and values replace; null clears a field; "
            f"`compute.launchSpecification.image` is replaced whole. {SECRETS}"
        ),
        NODE: (
            "Merged like a group update. The image can't change while the node persists its OS "
            f"disk. {SECRETS}"
        ),
    },
    "delete": {
        NODE: "The body (`deallocationConfig`) is optional and recorded in the audit log.",
    },
}


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


def _kind_route(
    route: str,
    resource: Resource,
    method: str,
    path: str,
    params: list[inspect.Parameter],
    handler: Callable[..., JsonResponse],
) -> None:
    """One of the kind's five routes (`route`: "create", "list", ...), named and documented from
    the tables above."""
    kind = resource.kind
    _route(
        method,
        path,
        params,
        handler,
        name=VIEW_NAMES[route].format(short=SHORT_NAMES[kind]),
        operation_id=OPERATION_IDS[route][kind],
        summary=SUMMARIES[route].format(noun=NOUNS[kind]),
        description=DESCRIPTIONS.get(route, {}).get(kind),
    )


def add_kind_routes(resource: Resource, capacity: bool = False, delete_body: bool = False) -> None:
    """The kind's five routes in Spot's order: create, list, get, update (capacity), delete."""
    one = f"{resource.path}/{{{resource.id_param}}}"
    object_id = _param(resource.id_param, str)
    account = _param("accountId", str | None, ACCOUNT)
    _kind_route(
        "create",
        resource,
        "POST",
        resource.path,
        [_param("payload", resource.create_body), account],
        lambda request, payload, accountId: create(resource, request, payload, accountId),
    )
    _kind_route(
        "list",
        resource,
        "GET",
        resource.path,
        [account, _param("name", str | None, None), _param("region", str | None, None)],
        lambda request, accountId, name, region: listing(
            resource, request, accountId, name, region
        ),
    )
    _kind_route(
        "get",
        resource,
        "GET",
        one,
        [object_id, account],
        lambda request, accountId, **ids: detail(
            resource, request, ids[resource.id_param], accountId
        ),
    )
    _kind_route(
        "update",
        resource,
        "PUT",
        one,
        [object_id, _param("payload", resource.update_body), account],
        lambda request, payload, accountId, **ids: update(
            resource, request, ids[resource.id_param], payload, accountId
        ),
    )
    if capacity:
        _route(
            "PUT",
            f"{one}/capacity",
            [object_id, _param("payload", UpdateCapacityBody), account],
            lambda request, payload, accountId, **ids: update_capacity(
                request, ids[resource.id_param], payload, accountId
            ),
            name=f"update_{SHORT_NAMES[resource.kind]}_capacity",
            operation_id="elastigroupAzureSpotVmsUpdateCapacity",
            summary="Update a stateless group's capacity",
            description=(
                "Minimum, maximum and target; the ones left out are kept. Answers the group."
            ),
        )
    body = [_param("payload", DeleteStatefulNodeBody | None, None)] if delete_body else []
    _kind_route(
        "delete",
        resource,
        "DELETE",
        one,
        [object_id, *body, account],
        lambda request, accountId, payload=None, **ids: delete(
            resource, request, ids[resource.id_param], accountId, _deallocation(payload)
        ),
    )


def _deallocation(payload: DeleteStatefulNodeBody | None) -> dict[str, Any] | None:
    if payload is None or payload.deallocationConfig is None:
        return None
    return payload.deallocationConfig.model_dump(exclude_unset=True)


add_kind_routes(STATELESS, capacity=True)
add_kind_routes(STATEFUL, delete_body=True)

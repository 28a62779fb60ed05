"""Spot's Azure stateless group and stateful node endpoints (spot-api.md §1-2).

    POST/GET            /azure/compute/group             {"group": {...}}
    GET/PUT/DELETE      /azure/compute/group/{groupId}
    POST/GET            /azure/compute/statefulNode      {"statefulNode": {...}}
    GET/PUT/DELETE      /azure/compute/statefulNode/{nodeId}   (DELETE takes deallocationConfig)

Only active groups are visible here; console drafts stay in the console until activated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, JsonResponse
from pydantic import BaseModel

from console.api_auth import Caller, caller
from console.api_envelope import CONFLICT, ApiError, ErrorItem, ok
from console.models import Role
from groups.edit_context import EditContext
from groups.models import Group, Kind, Status
from groups.reviews.saves import save_from_api, update_from_api
from groups.selectors import groups_for
from groups.services import RevisionConflict, ValidationFailed, delete_group
from groups.spot.json import parse_body, to_item
from groups.validation.problems import VALIDATION_ERROR, Problem

from . import schemas
from .kinds import GROUP_DOESNT_EXIST, KIND_GROUP, KIND_STATEFUL_NODE


@dataclass(frozen=True)
class Resource:
    kind: Kind
    path: str
    id_param: str
    wrapper: str
    response_kind: str
    label: str
    create_body: type[BaseModel]
    update_body: type[BaseModel]


STATELESS = Resource(
    Kind.STATELESS,
    "/azure/compute/group",
    "groupId",
    "group",
    KIND_GROUP,
    "Group",
    schemas.CreateGroupBody,
    schemas.UpdateGroupBody,
)
STATEFUL = Resource(
    Kind.STATEFUL,
    "/azure/compute/statefulNode",
    "nodeId",
    "statefulNode",
    KIND_STATEFUL_NODE,
    "Stateful node",
    schemas.CreateStatefulNodeBody,
    schemas.UpdateStatefulNodeBody,
)


def problems_error(problems: list[Problem]) -> ApiError:
    return ApiError(400, [ErrorItem(p.code, p.message, p.field) for p in problems])


def find(resource: Resource, who: Caller, object_id: str) -> Group:
    group = (
        groups_for(who.organization, account=who.account, kind=resource.kind, status=Status.ACTIVE)
        .filter(pk=object_id)
        .first()
    )
    if group is None:
        raise _not_found(resource, who, object_id)
    return group


def _not_found(resource: Resource, who: Caller, object_id: str) -> ApiError:
    return ApiError(
        404,
        ErrorItem(
            GROUP_DOESNT_EXIST,
            f"{resource.label} {object_id} does not exist in account {who.account.id}.",
        ),
    )


def _context(who: Caller, resource: Resource) -> EditContext:
    return EditContext(who.user, who.organization, who.account, resource.kind)


def _body(payload: BaseModel, resource: Resource) -> dict[str, Any]:
    wrapped = getattr(payload, resource.wrapper)
    oversized = schemas.oversized_unknown_field_messages(wrapped) if wrapped is not None else []
    if oversized:
        raise ApiError(
            400, [ErrorItem(VALIDATION_ERROR, message, path) for path, message in oversized]
        )
    dumped = payload.model_dump(exclude_unset=True)
    return parse_body(resource.kind, dumped.get(resource.wrapper) or {})


def create(
    resource: Resource, request: HttpRequest, payload: BaseModel, account_id: str | None
) -> JsonResponse:
    who = caller(request, account_id, Role.EDITOR)
    try:
        group = save_from_api(_context(who, resource), _body(payload, resource))
    except ValidationFailed as failure:
        raise problems_error(failure.problems) from failure
    return ok(request, kind=resource.response_kind, items=[to_item(group)])


def update(
    resource: Resource,
    request: HttpRequest,
    object_id: str,
    payload: BaseModel,
    account_id: str | None,
) -> JsonResponse:
    return _update(resource, request, object_id, _body(payload, resource), account_id)


def update_capacity(
    request: HttpRequest, object_id: str, payload: BaseModel, account_id: str | None
) -> JsonResponse:
    """A stateless group's capacity alone (spotinst-sdk2's update_elastigroup_capacity):
    validated as a whole-group update; the answer is the updated group."""
    capacity = payload.model_dump(exclude_unset=True).get("capacity") or {}
    return _update(STATELESS, request, object_id, {"capacity": capacity}, account_id)


def _update(
    resource: Resource,
    request: HttpRequest,
    object_id: str,
    patch: dict[str, Any],
    account_id: str | None,
) -> JsonResponse:
    who = caller(request, account_id, Role.EDITOR)
    try:
        group = update_from_api(_context(who, resource), object_id, patch)
    except Group.DoesNotExist:
        raise _not_found(resource, who, object_id) from None
    except ValidationFailed as failure:
        raise problems_error(failure.problems) from failure
    except RevisionConflict:
        raise ApiError(
            409, ErrorItem(CONFLICT, f"{resource.label} {object_id} is being changed; retry.")
        ) from None
    return ok(request, kind=resource.response_kind, items=[to_item(group)])


def delete(
    resource: Resource,
    request: HttpRequest,
    object_id: str,
    account_id: str | None,
    deallocation: dict[str, Any] | None = None,
) -> JsonResponse:
    who = caller(request, account_id, Role.EDITOR)
    group = find(resource, who, object_id)
    delete_group(actor=who.user, group=group, source="api", deallocation_config=deallocation)
    return ok(request, kind=resource.response_kind)


def listing(
    resource: Resource,
    request: HttpRequest,
    account_id: str | None,
    name: str | None,
    region: str | None,
) -> JsonResponse:
    who = caller(request, account_id)
    groups = groups_for(
        who.organization,
        account=who.account,
        kind=resource.kind,
        status=Status.ACTIVE,
        name=name,
        region=region,
    )
    return ok(request, kind=resource.response_kind, items=[to_item(g) for g in groups])


def detail(
    resource: Resource, request: HttpRequest, object_id: str, account_id: str | None
) -> JsonResponse:
    who = caller(request, account_id)
    return ok(request, kind=resource.response_kind, items=[to_item(find(resource, who, object_id))])

"""Request and response bodies of the Spot-compatible API, as pydantic models.

The group and stateful-node models are built from the field table (groups.api.spec_models):
every field of Spot's Azure schema, typed, with its enum, required flag and documented limits.
Unknown fields are kept where Spot's schema leaves objects open (each within
MAX_UNKNOWN_FIELD_BYTES). The update models are the create models with every field optional
(PUT is a partial update; null clears).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, Field, create_model

from groups.models import Kind
from groups.validation.limits import MAX_UNKNOWN_FIELD_BYTES

from .spec_models import WRITE_ONLY_NOTE, SpotModel, spec_model  # noqa: F401 (re-exported)

GroupSpec = spec_model(Kind.STATELESS)
StatefulNodeSpec = spec_model(Kind.STATEFUL)
Capacity = GroupSpec.model_fields["capacity"].annotation


def _optional(annotation: Any, cache: dict[type, type]) -> Any:
    """The annotation with every nested model made partial (all fields optional)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return partial_model(annotation, cache)
    args = get_args(annotation)
    if not args:
        return annotation
    origin = get_origin(annotation)
    converted = tuple(_optional(arg, cache) for arg in args)
    if origin is list:
        return list[converted[0]]  # type: ignore[valid-type]
    if origin in (Union, type(int | None)):
        return Union[converted]  # noqa: UP007
    return annotation


def partial_model(model: type[BaseModel], cache: dict[type, type] | None = None) -> type:
    """`model` as used by PUT: every field optional (nullable), nested models too."""
    cache = {} if cache is None else cache
    if model in cache:
        return cache[model]
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        field = Field(
            default=None, description=info.description, json_schema_extra=info.json_schema_extra
        )
        fields[name] = (_optional(info.annotation, cache) | None, field)
    partial: type = create_model(
        f"{model.__name__}Update",
        __base__=model.__base__ if issubclass(model, SpotModel) else SpotModel,
        __doc__=model.__doc__,
        **fields,
    )
    cache[model] = partial
    return partial


def oversized_unknown_fields(model: BaseModel, path: str = "") -> Iterator[tuple[str, int]]:
    """(path, size in bytes) of each field the schema does not know that is over the cap."""
    prefix = f"{path}." if path else ""
    for name, value in (model.model_extra or {}).items():
        size = len(json.dumps(value, ensure_ascii=False).encode())
        if size > MAX_UNKNOWN_FIELD_BYTES:
            yield f"{prefix}{name}", size
    for name in model.model_fields_set:
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        for index, child in enumerate(children):
            if isinstance(child, BaseModel):
                where = f"{prefix}{name}.{index}" if isinstance(value, list) else f"{prefix}{name}"
                yield from oversized_unknown_fields(child, where)


def oversized_unknown_field_messages(model: BaseModel) -> list[tuple[str, str]]:
    """(path, message) for each unknown field over the cap: refused by the API and the import."""
    return [
        (
            path,
            f"{path} is {size:,} bytes; a field this API does not know is kept only up to "
            f"{MAX_UNKNOWN_FIELD_BYTES:,} bytes.",
        )
        for path, size in oversized_unknown_fields(model)
    ]


GroupUpdate = partial_model(GroupSpec)
StatefulNodeUpdate = partial_model(StatefulNodeSpec)


class CreateGroupBody(SpotModel):
    group: GroupSpec  # type: ignore[valid-type]


class UpdateGroupBody(SpotModel):
    group: GroupUpdate  # type: ignore[valid-type]


class UpdateCapacityBody(SpotModel):
    """PUT /azure/compute/group/{groupId}/capacity: the bounds to change, others kept."""

    capacity: partial_model(Capacity)  # type: ignore[valid-type]


class CreateStatefulNodeBody(SpotModel):
    statefulNode: StatefulNodeSpec  # type: ignore[valid-type]


class UpdateStatefulNodeBody(SpotModel):
    statefulNode: StatefulNodeUpdate  # type: ignore[valid-type]


class DeallocationConfig(SpotModel):
    shouldTerminateVm: bool | None = None
    shouldDeregisterFromLb: bool | None = None


class DeleteStatefulNodeBody(SpotModel):
    deallocationConfig: DeallocationConfig | None = None

"""The request models of a stateless group and a stateful node, built from the field table.

Every row of groups.spot.fields for the kind becomes a typed field at its path (objects and
lists implied by the paths under them): its JSON type, enum, required flag, the limits of its
rule (documented; groups.validation.rules enforces them with the console's messages) and, for
each other spelling it accepts, the same field under that key. Objects keep keys they do not
know (`extra="allow"`, as Spot's schema leaves `additionalProperties` open) except the ones the
table marks closed, which refuse them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, create_model
from pydantic_core import PydanticCustomError

from groups.models import Kind
from groups.spot.fields import (
    ARRAY,
    BOOLEAN,
    INTEGER,
    NUMBER,
    OBJECT,
    STRING,
    Field as Row,
    of_kind,
)

WRITE_ONLY_NOTE = (
    "Write-only: stored encrypted, never returned (the field is absent from every response). "
    "Leave it out of an update to keep the stored password; send null to remove it."
)
ITEM = "*"


class SpotModel(BaseModel):
    # Strict: "2" is not a number and 1 is not text, as in Spot's JSON schema.
    model_config = ConfigDict(extra="allow", strict=True)


class ClosedSpotModel(SpotModel):
    model_config = ConfigDict(extra="forbid", strict=True)


@dataclass
class _Node:
    row: Row | None = None
    # The row this key is another spelling of (documented as such).
    spelling_of: str = ""
    children: dict[str, _Node] = field(default_factory=dict)

    def at(self, steps: list[str]) -> _Node:
        node = self
        for step in steps:
            node = node.children.setdefault(step, _Node())
        return node


def _tree(kind: Kind) -> _Node:
    root = _Node()
    for row in of_kind(kind):
        *parents, key = row.path(kind).split(".")
        node = root.at([*parents, key])
        node.row = row
        for spelling in row.accepts.get(kind, ()):
            other = root.at([*parents, spelling])
            # The same object under the other key (its fields are filled in as rows come).
            other.row, other.spelling_of, other.children = row, key, node.children
    return root


def _json_number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


# A number keeps its JSON spelling: 20 stays 20 (a float field would answer 20.0, which
# Terraform's plan shows as a change), 20.5 stays 20.5.
JSON_NUMBER = Annotated[Any, PlainValidator(_json_number), WithJsonSchema({"type": "number"})]

_SCALARS: Mapping[str, Any] = {STRING: str, INTEGER: int, NUMBER: JSON_NUMBER, BOOLEAN: bool}


def _scalar(row: Row | None) -> Any:
    if row is None:
        return Any
    if row.enum:
        values = tuple(int(v) for v in row.enum) if row.type == INTEGER else row.enum
        return Literal[values]
    if row.coerce:  # sent as either JSON type; stored as the row's (groups.spot.json.coerce)
        return int | str
    if row.type == ARRAY:
        return list[str]
    if row.type == OBJECT:
        return dict[str, Any]
    return _SCALARS.get(row.type, Any)


def _class_name(prefix: str, steps: list[str]) -> str:
    words = [step for step in steps if step != ITEM]
    return prefix + "".join(re.sub(r"\W", "", w[:1].upper() + w[1:]) for w in words)


def _annotation(node: _Node, prefix: str, steps: list[str]) -> Any:
    if ITEM in node.children:
        return list[_annotation(node.children[ITEM], prefix, steps)]  # type: ignore[misc]
    if node.children:
        return _model(node, prefix, steps)
    return _scalar(node.row)


def _documentation(node: _Node, kind: Kind) -> dict[str, Any]:
    row = node.row
    extra: dict[str, Any] = {}
    description = ""
    if row is not None and not node.children:
        extra["title"] = row.label
    if row is not None:
        rule = row.rule_for(kind)
        if rule is not None and not node.children:
            extra.update(rule.json_schema())
        if row.write_only:
            extra["writeOnly"] = True
            description = WRITE_ONLY_NOTE
    if node.spelling_of:
        description = f"Also accepted for `{node.spelling_of}`, which answers carry."
    return {"json_schema_extra": extra or None, "description": description or None}


def _model(node: _Node, prefix: str, steps: list[str]) -> type[BaseModel]:
    kind = Kind.STATELESS if prefix == "Group" else Kind.STATEFUL
    fields: dict[str, Any] = {}
    for key, child in sorted(node.children.items()):
        annotation = _annotation(child, prefix, [*steps, key])
        docs = _documentation(child, kind)
        required = child.row is not None and child.row.required and not child.spelling_of
        if required:
            fields[key] = (annotation, Field(**docs))
        else:
            fields[key] = (Union[annotation, None], Field(default=None, **docs))  # noqa: UP007
    closed = node.row is not None and node.row.closed
    name = _class_name(prefix, steps) if steps else f"{prefix}Spec"
    return create_model(name, __base__=ClosedSpotModel if closed else SpotModel, **fields)


def spec_model(kind: Kind) -> type[BaseModel]:
    """The create body's object (`group` / `statefulNode`) for `kind`."""
    return _model(_tree(kind), "Group" if kind == Kind.STATELESS else "StatefulNode", [])

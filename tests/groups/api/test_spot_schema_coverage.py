"""Our OpenAPI document types every request path of Spot's Azure v3 group and stateful node
schemas (the lists in spot_schema/, extracted from spotinst/openapi at a pinned commit), and no
field of Spot's is left untyped: a client's body is checked as Spot checks it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from groups.api import api
from groups.models import Kind
from groups.spot.fields import of_kind

LISTS = Path(__file__).parent / "spot_schema"
OPERATIONS = {
    "group": ("elastigroupAzureSpotVmsCreate", "elastigroupAzureSpotVmsUpdate", "group"),
    "stateful_node": ("azureStatefulNodeCreate", "azureStatefulNodeUpdate", "statefulNode"),
}
# Where Spot's create schema disagrees with its own update schema, the Go SDK and its answers,
# ours follows the latter: a group's scaling policies are lists (create documents one object).
SPOT_CREATE_SCHEMA_SLIPS = ((re.compile(r"^scaling\.(up|down)\.(?!\[)"), r"scaling.\1[]."),)


def spot_paths(name: str) -> list[str]:
    lines = (LISTS / f"{name}_paths.txt").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    variants = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return _resolve(document, variants[0]) if len(variants) == 1 else schema


def typed_paths(document: dict[str, Any], schema: dict[str, Any], path: str = "") -> set[str]:
    """Every path of `schema` that has a type (or is an object with typed properties)."""
    schema = _resolve(document, schema)
    variants = schema.get("anyOf", [schema])  # a field sent as either of two JSON types
    typed = all("type" in variant or "enum" in variant for variant in variants)
    found = {path} if path and typed else set()
    for key, child in schema.get("properties", {}).items():
        found |= typed_paths(document, child, f"{path}.{key}" if path else key)
    if "items" in schema:
        found |= typed_paths(document, schema["items"], f"{path}[]")
    return found


def document_paths(name: str) -> set[str]:
    document = api.get_openapi_schema()
    create, update, wrapper = OPERATIONS[name]
    found: set[str] = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            if operation.get("operationId") in (create, update):
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                wrapped = _resolve(document, body)["properties"][wrapper]
                found |= typed_paths(document, wrapped)
    return found


@pytest.mark.parametrize("name", OPERATIONS)
def test_our_document_types_every_request_path_of_spots_schema(name):
    ours = document_paths(name)
    theirs = spot_paths(name)
    missing = []
    distinct = set()
    for path in theirs:
        ours_for_it = path
        for slip, answer in SPOT_CREATE_SCHEMA_SLIPS:
            ours_for_it = slip.sub(answer, ours_for_it)
        distinct.add(ours_for_it)
        if ours_for_it not in ours:
            missing.append(path)
    # The figures for the note (`pytest -s`): ours counts the other spellings we accept too.
    print(
        f"{name}: Spot's schema lists {len(theirs)} request paths ({len(distinct)} once its "
        f"create/update slips are folded); our document types {len(ours)}, covering all."
    )
    assert not missing, missing
    assert len(theirs) > 150  # the lists are Spot's whole schema, not a sample


# An extension's settings are the extension's own JSON, free-form in Spot's schema too.
FREE_FORM = ("protectedSettings", "publicSettings")


def test_every_spot_field_is_typed_not_free_form():
    """Only the fields Spot itself leaves free-form (extension settings) are untyped objects."""
    document = api.get_openapi_schema()
    free = {
        name
        for name, schema in document["components"]["schemas"].items()
        for key, prop in schema.get("properties", {}).items()
        if _resolve(document, prop).get("type") == "object"
        and "properties" not in _resolve(document, prop)
        and key not in FREE_FORM
    }
    assert not free


@pytest.mark.parametrize("kind", list(Kind))
def test_each_field_is_described_once(kind):
    paths = [row.path(kind) for row in of_kind(kind)]
    assert len(paths) == len(set(paths)), sorted(p for p in paths if paths.count(p) > 1)

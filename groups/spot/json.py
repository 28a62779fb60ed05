"""Spot JSON for stateless groups and stateful nodes: the only place it is parsed and produced.

`spec` is the body inside `{"group": …}` / `{"statefulNode": …}` without `id`, `createdAt` and
`updatedAt`. Where Spot's own sources spell a field two ways (the field table's `accepts`),
requests may use either; the spec stores the spelling Spot's responses use, so a round trip is
stable. Fields the table does not know are kept as they came.

The editor's values are a dict keyed by the table's names; `spec_from_editor_values` writes
only what the editor shows onto a copy of the base spec, so fields the editor does not know
(scaling, tags, extra NICs, …) survive an edit. Empty text removes its key rather than storing "".
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.api_envelope import spot_timestamp

from ..models import Kind
from .fields import ARRAY, BOOLEAN, BY_NAME, INTEGER, STRING, Field, editor_fields, of_kind

if TYPE_CHECKING:
    from ..models import Group

IMAGE_PATH = ("compute", "launchSpecification", "image")
LOGIN_PATH = ("compute", "launchSpecification", "login")
# Keys of the item that are not part of the spec.
ITEM_ONLY_KEYS = ("id", "createdAt", "updatedAt")
# Objects the editor removes when it leaves them empty.
DROPPED_WHEN_EMPTY = (LOGIN_PATH,)

EditorValues = dict[str, Any]


def gallery_version_key(kind: str) -> str:
    """`version` for a stateless group, `versionName` for a stateful node."""
    return BY_NAME["version_name"].key(kind)


# --- small dict helpers ---------------------------------------------------------------------


def dig(data: Any, path: tuple[str, ...] | str) -> Any:
    """The value at `path` ("a.b.c" or a tuple), or None when any step is missing."""
    keys = path.split(".") if isinstance(path, str) else path
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _dict_at(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """The dict at `path`, created (or replaced if not a dict) along the way."""
    for key in path:
        child = data.get(key)
        if not isinstance(child, dict):
            child = {}
            data[key] = child
        data = child
    return data


def _rename(obj: Any, accepted: str, canonical: str) -> None:
    if isinstance(obj, dict) and accepted in obj:
        value = obj.pop(accepted)
        obj.setdefault(canonical, value)


def _parents(data: Any, steps: list[str]) -> list[Any]:
    """Every object at `steps` ("*" walks each item of a list)."""
    found = [data]
    for step in steps:
        following: list[Any] = []
        for value in found:
            if step == "*" and isinstance(value, list):
                following.extend(value)
            elif step != "*" and isinstance(value, dict) and step in value:
                following.append(value[step])
        found = following
    return found


# --- parsing ---------------------------------------------------------------------------------


def parse_body(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """A request's group / statefulNode object as a spec: answered spellings, extras kept."""
    kind = Kind(kind)
    spec = copy.deepcopy(body) if isinstance(body, dict) else {}
    for key in ITEM_ONLY_KEYS:
        spec.pop(key, None)
    compute = spec.get("compute")
    if isinstance(compute, dict):
        # Spot's kinds differ in shape here (a list against one zone), not only in spelling.
        if kind == Kind.STATELESS and isinstance(compute.get("preferredZone"), str):
            compute.setdefault("preferredZones", [compute.pop("preferredZone")])
        if kind == Kind.STATEFUL and isinstance(compute.get("preferredZones"), list):
            zones = compute.pop("preferredZones")
            if zones:
                compute.setdefault("preferredZone", zones[0])
    for row in of_kind(kind):
        answered, *accepted = row.spellings(kind)
        for parent in _parents(spec, row.path(kind).split(".")[:-1]):
            for spelling in accepted:
                _rename(parent, spelling, answered)
            if row.coerce and isinstance(parent, dict) and answered in parent:
                parent[answered] = coerce(row, parent[answered])
    return spec


def coerce(row: Field, value: Any) -> Any:
    """`value` as the row's JSON type where it is the other one ("180" -> 180, 3 -> "3");
    anything else is left for validation to name."""
    if row.type == INTEGER and isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    if row.type == STRING and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


# --- producing -------------------------------------------------------------------------------


def to_item(group: Group) -> dict[str, Any]:
    """The API item (and the console's Review tab): the spec plus id and times, no secrets.

    A group not saved yet (a Review of a new draft) shows the current time.
    """
    spec = without_password(group.spec)
    now = datetime.now(UTC)
    return {
        "id": group.id,
        **spec,
        "createdAt": spot_timestamp(group.created_at or now),
        "updatedAt": spot_timestamp(group.updated_at or now),
    }


# --- secrets ---------------------------------------------------------------------------------


def login_password(spec: dict[str, Any]) -> str | None:
    password = dig(spec, (*LOGIN_PATH, "password"))
    return password if isinstance(password, str) and password else None


def without_password(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` with `login.password` removed (it is stored encrypted, apart)."""
    clean = copy.deepcopy(spec)
    login = dig(clean, LOGIN_PATH)
    if isinstance(login, dict):
        login.pop("password", None)
    return clean


# --- updates ---------------------------------------------------------------------------------


def merge_update(spec: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Apply a PUT body: objects deep-merge, lists and scalars replace, an explicit null clears.

    `compute.launchSpecification.image` is replaced whole, so switching variants (marketplace to
    gallery) never leaves two of them behind.
    """
    return _merge(copy.deepcopy(spec), patch, ())


def _merge(base: dict[str, Any], patch: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key, value in patch.items():
        here = (*path, key)
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict) and here != IMAGE_PATH:
            base[key] = _merge(base[key], value, here)
        else:
            base[key] = copy.deepcopy(value)
    return base


# --- gallery references ----------------------------------------------------------------------


@dataclass(frozen=True)
class GalleryRef:
    """A gallery image reference, in the shared vocabulary (Spot's names, snake_cased)."""

    resource_group_name: str
    gallery_name: str
    image_name: str
    version_name: str
    spot_account_id: str = ""


# GalleryRef's attributes -> the field table's rows.
_GALLERY_ROWS = {
    "resource_group_name": "gallery_resource_group_name",
    "gallery_name": "gallery_name",
    "image_name": "image_name",
    "version_name": "version_name",
    "spot_account_id": "spot_account_id",
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def gallery_reference(kind: str, spec: dict[str, Any]) -> GalleryRef | None:
    """The gallery image a spec points at, or None for marketplace/custom/no image."""
    if not isinstance(dig(spec, (*IMAGE_PATH, "gallery")), dict):
        return None
    values = {
        attribute: _text(_read(spec, BY_NAME[row], kind)).strip()
        for attribute, row in _GALLERY_ROWS.items()
    }
    return GalleryRef(**values)


def gallery_reference_of(kind: str, gallery: Any) -> GalleryRef | None:
    """The reference in a spec's gallery image object alone (read from the database without
    decoding the whole spec), or None when there is none."""
    spec: dict[str, Any] = {"gallery": gallery}
    for key in reversed(IMAGE_PATH):
        spec = {key: spec}
    return gallery_reference(kind, spec)


def gallery_json(kind: str, ref: GalleryRef) -> dict[str, Any]:
    values = {row: getattr(ref, attribute) for attribute, row in _GALLERY_ROWS.items()}
    return _variant_json("gallery", kind, values)["gallery"]


def with_gallery_reference(kind: str, spec: dict[str, Any], ref: GalleryRef) -> dict[str, Any]:
    """A copy of `spec` whose image is exactly the gallery image `ref` (other variants gone)."""
    updated = copy.deepcopy(spec)
    launch = _dict_at(updated, IMAGE_PATH[:-1])
    launch["image"] = {"gallery": gallery_json(kind, ref)}
    return updated


# --- the editor's values ---------------------------------------------------------------------


def _primary(items: Any, create: bool) -> dict[str, Any] | None:
    """The primary item of a list (the one with isPrimary, else the first)."""
    if not isinstance(items, list):
        return None
    dicts = [item for item in items if isinstance(item, dict)]
    primary = next((item for item in dicts if item.get("isPrimary")), None)
    if primary is None and create:
        primary = {"isPrimary": True}
        items.insert(0, primary)
    return primary if create else (primary or (dicts[0] if dicts else None))


def _read(spec: dict[str, Any], row: Field, kind: str) -> Any:
    """The raw value of `row` (its answered spelling, else an accepted one), or None."""
    data: Any = spec
    *parents, _ = row.path(kind).split(".")
    for step in parents:
        data = _primary(data, create=False) if step == "*" else dig(data, (step,))
    if not isinstance(data, dict):
        return None
    return next((data[key] for key in row.spellings(kind) if key in data), None)


def _editor_value(row: Field, raw: Any) -> Any:
    if row.type == BOOLEAN:
        if raw is None:
            return bool(row.default)
        return raw is not False if row.default else raw is True
    if row.type == INTEGER:
        return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if row.type == ARRAY:
        return [item for item in raw if isinstance(item, str)] if isinstance(raw, list) else []
    text = _text(raw)
    if row.variant == "gallery":
        text = text.strip()
    return text or (row.default or "")


def _image_type(spec: dict[str, Any]) -> str:
    image = dig(spec, IMAGE_PATH)
    for variant in ("marketplace", "custom"):
        if isinstance(image, dict) and isinstance(image.get(variant), dict):
            return variant
    return "gallery"


def editor_values_from_spec(kind: str, spec: dict[str, Any] | None) -> EditorValues:
    """The editor's value of every field of `kind` (its default where the spec has none)."""
    kind = Kind(kind)
    spec = spec or {}
    values: EditorValues = {}
    for row in editor_fields(kind):
        if row.name == "image_type":
            values[row.name] = _image_type(spec)
        elif row.write_only:
            values[row.name] = ""
        else:
            values[row.name] = _editor_value(row, _read(spec, row, kind))
    return values


def _put(obj: dict[str, Any], key: str, value: Any) -> None:
    """Set `key`, or remove it when the editor left the field empty."""
    if value in ("", None, []):
        obj.pop(key, None)
    else:
        obj[key] = value


def _cleaned(row: Field, value: Any) -> Any:
    if row.type == BOOLEAN:
        return bool(value)
    if row.type == ARRAY:
        return [item.strip() for item in value or [] if item.strip()]
    if isinstance(value, str):
        value = value.strip()
    return value if value not in ("", None) or row.fill is None else row.fill


def _variant_json(variant: str, kind: str, values: EditorValues) -> dict[str, Any]:
    """`{variant: {...}}` from the editor's values: Spot's required keys always, others if set."""
    body: dict[str, Any] = {}
    for row in editor_fields(kind):
        if row.variant != variant:
            continue
        value = _cleaned(row, values.get(row.name, ""))
        if row.required:
            body[row.key(kind)] = value
        else:
            _put(body, row.key(kind), value)
    return {variant: body}


def _write(spec: dict[str, Any], row: Field, kind: str, value: Any) -> None:
    *parents, key = row.path(kind).split(".")
    data: Any = spec
    for index, step in enumerate(parents):
        if step == "*":
            data = _primary(data, create=True)
        else:
            following = parents[index + 1] if index + 1 < len(parents) else None
            child = data.get(step)
            wanted = list if following == "*" else dict
            if not isinstance(child, wanted):
                child = wanted()
                data[step] = child
            data = child
    assert isinstance(data, dict)
    if row.write_only:
        data.pop(key, None)
        if value:
            data[key] = value
    elif row.type == BOOLEAN:
        data[key] = bool(value)
    else:
        _put(data, key, _cleaned(row, value))


def spec_from_editor_values(
    kind: str, values: EditorValues, base_spec: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`base_spec` with the editor's values written in; a password only when one was typed."""
    kind = Kind(kind)
    values = {**editor_values_from_spec(kind, None), **values}
    spec = copy.deepcopy(base_spec or {})
    for row in of_kind(kind):
        if not row.in_editor:
            if row.fill is not None:
                *parents, key = row.path(kind).split(".")
                _dict_at(spec, tuple(parents)).setdefault(key, row.fill)
        elif row.name == "image_type":
            launch = _dict_at(spec, IMAGE_PATH[:-1])
            launch["image"] = _variant_json(values.get("image_type") or "gallery", kind, values)
        elif not row.variant:
            _write(spec, row, kind, values.get(row.name))
    for path in DROPPED_WHEN_EMPTY:
        parent = dig(spec, path[:-1])
        if isinstance(parent, dict) and parent.get(path[-1]) == {}:
            parent.pop(path[-1])
    return spec

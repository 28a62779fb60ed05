"""Spot JSON for stateless groups and stateful nodes: the only place it is parsed and produced.

`spec` is the body inside `{"group": …}` / `{"statefulNode": …}` without `id`, `createdAt` and
`updatedAt`. Where Spot's own sources spell a field two ways (spot-api.md 2c), requests may use
either; the spec stores the spelling Spot's responses use, so a round trip is stable. Fields this
module does not know are kept as they came.

The console editor's flat fields map onto the spec in `groups.spot_editor` (re-exported here).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .models import Kind

if TYPE_CHECKING:
    from .models import Group

IMAGE_PATH = ("compute", "launchSpecification", "image")
LOGIN_PATH = ("compute", "launchSpecification", "login")
# Keys of the item that are not part of the spec.
ITEM_ONLY_KEYS = ("id", "createdAt", "updatedAt")

# (accepted spelling, canonical spelling), per kind, inside the objects named by the keys.
_NIC_ALIASES = {
    Kind.STATELESS: [
        ("enableIpForwarding", "enableIPForwarding"),
        ("networkSecurityGroup", "securityGroup"),
    ],
    Kind.STATEFUL: [
        ("enableIPForwarding", "enableIpForwarding"),
        ("securityGroup", "networkSecurityGroup"),
    ],
}
_LB_ALIASES = {
    Kind.STATELESS: [("loadBalancerSku", "sku")],
    Kind.STATEFUL: [("sku", "loadBalancerSku")],
}
_GALLERY_VERSION_KEY = {Kind.STATELESS: "version", Kind.STATEFUL: "versionName"}


def gallery_version_key(kind: str) -> str:
    """`version` for a stateless group, `versionName` for a stateful node."""
    return _GALLERY_VERSION_KEY[Kind(kind)]


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


def _each_dict(items: Any) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


# --- parsing ---------------------------------------------------------------------------------


def parse_body(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """A request's group / statefulNode object as a spec: canonical spellings, extras kept."""
    kind = Kind(kind)
    spec = copy.deepcopy(body) if isinstance(body, dict) else {}
    for key in ITEM_ONLY_KEYS:
        spec.pop(key, None)
    compute = spec.get("compute")
    if not isinstance(compute, dict):
        return spec
    if kind == Kind.STATELESS and isinstance(compute.get("preferredZone"), str):
        compute.setdefault("preferredZones", [compute.pop("preferredZone")])
    if kind == Kind.STATEFUL and isinstance(compute.get("preferredZones"), list):
        zones = compute.pop("preferredZones")
        if zones:
            compute.setdefault("preferredZone", zones[0])
    launch = compute.get("launchSpecification")
    if not isinstance(launch, dict):
        return spec
    _rename(launch.get("osDisk"), "size", "sizeGB")
    _rename(launch.get("bootDiagnostics"), "storageUrl", "storageUri")
    for nic in _each_dict(dig(launch, ("network", "networkInterfaces"))):
        for accepted, canonical in _NIC_ALIASES[kind]:
            _rename(nic, accepted, canonical)
    for balancer in _each_dict(dig(launch, ("loadBalancersConfig", "loadBalancers"))):
        for accepted, canonical in _LB_ALIASES[kind]:
            _rename(balancer, accepted, canonical)
    gallery = dig(launch, ("image", "gallery"))
    if isinstance(gallery, dict):
        other = "versionName" if kind == Kind.STATELESS else "version"
        _rename(gallery, other, gallery_version_key(kind))
    return spec


# --- producing -------------------------------------------------------------------------------


def spot_timestamp(moment: datetime) -> str:
    """Spot's item time format: "2018-10-10T10:50:29.000+0000"."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


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
    resource_group_name: str
    gallery_name: str
    image_name: str
    version: str
    spot_account_id: str = ""


def gallery_reference(kind: str, spec: dict[str, Any]) -> GalleryRef | None:
    """The gallery image a spec points at, or None for marketplace/custom/no image."""
    gallery = dig(spec, (*IMAGE_PATH, "gallery"))
    if not isinstance(gallery, dict):
        return None
    version = gallery.get(gallery_version_key(kind))
    if version is None:  # tolerate the other kind's spelling in a spec not yet parsed
        version = gallery.get("versionName" if Kind(kind) == Kind.STATELESS else "version")

    def text(value: Any) -> str:
        return value.strip() if isinstance(value, str) else ""

    return GalleryRef(
        resource_group_name=text(gallery.get("resourceGroupName")),
        gallery_name=text(gallery.get("galleryName")),
        image_name=text(gallery.get("imageName")),
        version=text(version),
        spot_account_id=text(gallery.get("spotAccountId")),
    )


def gallery_json(kind: str, ref: GalleryRef) -> dict[str, Any]:
    gallery = {
        "resourceGroupName": ref.resource_group_name,
        "galleryName": ref.gallery_name,
        "imageName": ref.image_name,
        gallery_version_key(kind): ref.version,
    }
    if ref.spot_account_id:
        gallery["spotAccountId"] = ref.spot_account_id
    return gallery


def with_gallery_reference(kind: str, spec: dict[str, Any], ref: GalleryRef) -> dict[str, Any]:
    """A copy of `spec` whose image is exactly the gallery image `ref` (other variants gone)."""
    updated = copy.deepcopy(spec)
    launch = _dict_at(updated, IMAGE_PATH[:-1])
    launch["image"] = {"gallery": gallery_json(kind, ref)}
    return updated


from .spot_editor import (  # noqa: E402  (re-exported: the editor's half of Spot JSON)
    EditorFields,
    editor_fields_from_spec,
    spec_from_editor_fields,
)

__all__ = [
    "EditorFields",
    "GalleryRef",
    "dig",
    "editor_fields_from_spec",
    "gallery_json",
    "gallery_reference",
    "merge_update",
    "parse_body",
    "spec_from_editor_fields",
    "to_item",
    "with_gallery_reference",
    "without_password",
]

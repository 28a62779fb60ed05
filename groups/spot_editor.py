"""The console editor's flat fields <-> Spot JSON (import these from `groups.spot_json`).

`spec_from_editor_fields` writes only what the editor shows onto a copy of the base spec, so
fields the editor does not know (scaling, tags, extra NICs, …) survive an edit. Empty text
fields remove their key rather than storing "".
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .models import Kind
from .spot_json import (
    IMAGE_PATH,
    LOGIN_PATH,
    GalleryRef,
    _dict_at,
    dig,
    gallery_json,
    gallery_reference,
)

LAUNCH_PATH = ("compute", "launchSpecification")
STATELESS_STRATEGY_DEFAULTS = {"spotPercentage": 100, "fallbackToOd": True}


@dataclass
class EditorFields:
    name: str = ""
    description: str = ""
    region: str = ""
    resource_group_name: str = ""
    # Stateless only.
    capacity_minimum: int | None = None
    capacity_target: int | None = None
    capacity_maximum: int | None = None
    os: str = "Linux"  # "Linux" / "Windows"
    od_sizes: list[str] = field(default_factory=list)
    spot_sizes: list[str] = field(default_factory=list)
    image_type: str = "gallery"  # "marketplace" / "custom" / "gallery"
    marketplace_publisher: str = ""
    marketplace_offer: str = ""
    marketplace_sku: str = ""
    marketplace_version: str = ""
    custom_resource_group_name: str = ""
    custom_image_name: str = ""
    gallery_account_id: str = ""  # spotAccountId; empty = the group's own account
    gallery_resource_group_name: str = ""
    gallery_name: str = ""
    gallery_image_name: str = ""
    gallery_version: str = ""  # "latest" or x.y.z
    network_resource_group_name: str = ""
    virtual_network_name: str = ""
    subnet_name: str = ""
    assign_public_ip: bool = False
    login_user_name: str = ""
    login_ssh_public_key: str = ""
    # Write-only: never filled from a spec; empty on save keeps the stored password.
    login_password: str = ""
    custom_data: str = ""
    # Stateful only.
    preferred_zone: str = ""
    should_persist_os_disk: bool = False
    should_persist_data_disks: bool = False
    should_persist_network: bool = False
    fallback_to_od: bool = True
    preferred_lifecycle: str = "spot"  # "spot" / "od"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _primary_nic(spec: dict[str, Any]) -> dict[str, Any]:
    nics = dig(spec, (*LAUNCH_PATH, "network", "networkInterfaces"))
    if not isinstance(nics, list):
        return {}
    dicts = [nic for nic in nics if isinstance(nic, dict)]
    primary = [nic for nic in dicts if nic.get("isPrimary")]
    return (primary or dicts or [{}])[0]


def editor_fields_from_spec(kind: str, spec: dict[str, Any]) -> EditorFields:
    kind = Kind(kind)
    image = dig(spec, IMAGE_PATH) or {}
    marketplace = image.get("marketplace") if isinstance(image, dict) else None
    custom = image.get("custom") if isinstance(image, dict) else None
    gallery = gallery_reference(kind, spec)
    image_type = "gallery"
    if isinstance(marketplace, dict):
        image_type = "marketplace"
    elif isinstance(custom, dict):
        image_type = "custom"
    marketplace = marketplace if isinstance(marketplace, dict) else {}
    custom = custom if isinstance(custom, dict) else {}
    network = dig(spec, (*LAUNCH_PATH, "network")) or {}
    nic = _primary_nic(spec)
    login = dig(spec, LOGIN_PATH) or {}
    persistence = spec.get("persistence") or {}
    strategy = spec.get("strategy") or {}
    capacity = spec.get("capacity") or {}
    fields = EditorFields(
        name=_text(spec.get("name")),
        description=_text(spec.get("description")),
        region=_text(spec.get("region")),
        resource_group_name=_text(spec.get("resourceGroupName")),
        os=_text(dig(spec, "compute.os")) or "Linux",
        od_sizes=_strings(dig(spec, "compute.vmSizes.odSizes")),
        spot_sizes=_strings(dig(spec, "compute.vmSizes.spotSizes")),
        image_type=image_type,
        marketplace_publisher=_text(marketplace.get("publisher")),
        marketplace_offer=_text(marketplace.get("offer")),
        marketplace_sku=_text(marketplace.get("sku")),
        marketplace_version=_text(marketplace.get("version")),
        custom_resource_group_name=_text(custom.get("resourceGroupName")),
        custom_image_name=_text(custom.get("name")),
        network_resource_group_name=_text(network.get("resourceGroupName")),
        virtual_network_name=_text(network.get("virtualNetworkName")),
        subnet_name=_text(nic.get("subnetName")),
        assign_public_ip=bool(nic.get("assignPublicIp")),
        login_user_name=_text(login.get("userName")),
        login_ssh_public_key=_text(login.get("sshPublicKey")),
        custom_data=_text(dig(spec, (*LAUNCH_PATH, "customData"))),
    )
    if gallery is not None:
        fields.gallery_account_id = gallery.spot_account_id
        fields.gallery_resource_group_name = gallery.resource_group_name
        fields.gallery_name = gallery.gallery_name
        fields.gallery_image_name = gallery.image_name
        fields.gallery_version = gallery.version
    if kind == Kind.STATELESS:
        fields.capacity_minimum = _int(capacity.get("minimum"))
        fields.capacity_target = _int(capacity.get("target"))
        fields.capacity_maximum = _int(capacity.get("maximum"))
        fields.fallback_to_od = strategy.get("fallbackToOd", True) is not False
    else:
        fields.preferred_zone = _text(dig(spec, "compute.preferredZone"))
        fields.should_persist_os_disk = persistence.get("shouldPersistOsDisk") is True
        fields.should_persist_data_disks = persistence.get("shouldPersistDataDisks") is True
        fields.should_persist_network = persistence.get("shouldPersistNetwork") is True
        fields.fallback_to_od = strategy.get("fallbackToOd", True) is not False
        fields.preferred_lifecycle = _text(strategy.get("preferredLifecycle")) or "spot"
    return fields


def _put(obj: dict[str, Any], key: str, value: Any) -> None:
    """Set `key`, or remove it when the editor left the field empty."""
    if value in ("", None, []):
        obj.pop(key, None)
    else:
        obj[key] = value


def _image_json(kind: str, fields: EditorFields) -> dict[str, Any]:
    if fields.image_type == "marketplace":
        return {
            "marketplace": {
                "publisher": fields.marketplace_publisher.strip(),
                "offer": fields.marketplace_offer.strip(),
                "sku": fields.marketplace_sku.strip(),
                "version": fields.marketplace_version.strip() or "latest",
            }
        }
    if fields.image_type == "custom":
        return {
            "custom": {
                "resourceGroupName": fields.custom_resource_group_name.strip(),
                "name": fields.custom_image_name.strip(),
            }
        }
    ref = GalleryRef(
        resource_group_name=fields.gallery_resource_group_name.strip(),
        gallery_name=fields.gallery_name.strip(),
        image_name=fields.gallery_image_name.strip(),
        version=fields.gallery_version.strip(),
        spot_account_id=fields.gallery_account_id.strip(),
    )
    return {"gallery": gallery_json(kind, ref)}


def _apply_network(launch: dict[str, Any], fields: EditorFields) -> None:
    network = _dict_at(launch, ("network",))
    _put(network, "resourceGroupName", fields.network_resource_group_name.strip())
    _put(network, "virtualNetworkName", fields.virtual_network_name.strip())
    nics = network.get("networkInterfaces")
    if not isinstance(nics, list):
        nics = []
    primary = next((n for n in nics if isinstance(n, dict) and n.get("isPrimary")), None)
    if primary is None:
        primary = {"isPrimary": True}
        nics.insert(0, primary)
    _put(primary, "subnetName", fields.subnet_name.strip())
    primary["assignPublicIp"] = bool(fields.assign_public_ip)
    network["networkInterfaces"] = nics


def _apply_login(launch: dict[str, Any], fields: EditorFields) -> None:
    existing = launch.get("login")
    login: dict[str, Any] = dict(existing) if isinstance(existing, dict) else {}
    login.pop("password", None)  # the stored password lives apart from the spec
    _put(login, "userName", fields.login_user_name.strip())
    _put(login, "sshPublicKey", fields.login_ssh_public_key.strip())
    if fields.login_password:
        login["password"] = fields.login_password
    _put(launch, "login", login or None)


def spec_from_editor_fields(
    kind: str, fields: EditorFields, base_spec: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`base_spec` with the editor's fields written in; a password only when one was typed."""
    kind = Kind(kind)
    spec = copy.deepcopy(base_spec or {})
    _put(spec, "name", fields.name.strip())
    _put(spec, "description", fields.description.strip())
    _put(spec, "region", fields.region.strip())
    _put(spec, "resourceGroupName", fields.resource_group_name.strip())
    strategy = _dict_at(spec, ("strategy",))
    if kind == Kind.STATELESS:
        capacity = _dict_at(spec, ("capacity",))
        _put(capacity, "minimum", fields.capacity_minimum)
        _put(capacity, "target", fields.capacity_target)
        _put(capacity, "maximum", fields.capacity_maximum)
        for key, value in STATELESS_STRATEGY_DEFAULTS.items():
            strategy.setdefault(key, value)
        strategy["fallbackToOd"] = bool(fields.fallback_to_od)
    else:
        strategy["fallbackToOd"] = bool(fields.fallback_to_od)
        _put(strategy, "preferredLifecycle", fields.preferred_lifecycle.strip())
        persistence = _dict_at(spec, ("persistence",))
        persistence["shouldPersistOsDisk"] = bool(fields.should_persist_os_disk)
        persistence["shouldPersistDataDisks"] = bool(fields.should_persist_data_disks)
        persistence["shouldPersistNetwork"] = bool(fields.should_persist_network)
    compute = _dict_at(spec, ("compute",))
    _put(compute, "os", fields.os.strip())
    if kind == Kind.STATEFUL:
        _put(compute, "preferredZone", fields.preferred_zone.strip())
    vm_sizes = _dict_at(compute, ("vmSizes",))
    _put(vm_sizes, "odSizes", [s.strip() for s in fields.od_sizes if s.strip()])
    _put(vm_sizes, "spotSizes", [s.strip() for s in fields.spot_sizes if s.strip()])
    launch = _dict_at(compute, ("launchSpecification",))
    launch["image"] = _image_json(kind, fields)
    _apply_network(launch, fields)
    _apply_login(launch, fields)
    _put(launch, "customData", fields.custom_data.strip())
    return spec

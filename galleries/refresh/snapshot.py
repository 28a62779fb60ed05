"""What one refresh saw in Azure, as plain values ready to compare with the cached rows.

Parsers take the REST (camelCase) JSON of an ARM resource, as `model.as_dict()` returns it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from galleries.arm_ids import resource_group_name_of, resource_group_of, version_sort_key
from galleries.regions import normalize_region

# A refresh parses tens of thousands of versions whose region names and version names repeat.
_region_code = functools.lru_cache(maxsize=1024)(normalize_region)
_sort_key = functools.lru_cache(maxsize=8192)(version_sort_key)


def _datetime(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    try:
        return parse_datetime(str(value))
    except ValueError:
        return None


def _text(value: Any, limit: int) -> str:
    return str(value or "")[:limit]


def _properties(data: dict[str, Any]) -> dict[str, Any]:
    return data.get("properties") or {}


@dataclass
class RegionData:
    region: str
    replica_count: int
    storage_account_type: str
    exclude_from_latest: bool


@dataclass
class ResourceGroupData:
    arm_id: str
    name: str


@dataclass
class GalleryData:
    arm_id: str
    name: str
    resource_group_id: str
    location: str
    description: str
    unique_name: str
    resource_group_name: str


@dataclass
class ImageData:
    arm_id: str
    name: str
    gallery_id: str
    os_type: str
    os_state: str
    hyper_v_generation: str
    architecture: str
    publisher: str
    offer: str
    sku: str
    security_type: str
    features: list[dict[str, Any]]
    end_of_life_date: datetime | None
    description: str
    provisioning_state: str
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class VersionData:
    arm_id: str
    name: str
    image_id: str
    sort_key: str
    published_date: datetime | None
    end_of_life_date: datetime | None
    exclude_from_latest: bool
    provisioning_state: str
    os_disk_size_gb: int | None
    data_disk_count: int
    regions: list[RegionData] = field(default_factory=list)


def parse_gallery(data: dict[str, Any]) -> GalleryData:
    props = _properties(data)
    arm_id = str(data["id"])
    return GalleryData(
        arm_id=arm_id.lower(),
        resource_group_name=resource_group_name_of(arm_id),
        name=_text(data.get("name"), 200),
        resource_group_id=resource_group_of(arm_id),
        location=normalize_region(str(data.get("location") or ""))[:64],
        description=str(props.get("description") or ""),
        unique_name=_text((props.get("identifier") or {}).get("uniqueName"), 300),
    )


def parse_image(data: dict[str, Any], gallery_id: str) -> ImageData:
    props = _properties(data)
    identifier = props.get("identifier") or {}
    features = [
        {"name": str(f.get("name", "")), "value": str(f.get("value", ""))}
        for f in (props.get("features") or [])
        if isinstance(f, dict)
    ]
    security_type = next((f["value"] for f in features if f["name"] == "SecurityType"), "")
    return ImageData(
        arm_id=str(data["id"]).lower(),
        name=_text(data.get("name"), 200),
        gallery_id=gallery_id,
        os_type=_text(props.get("osType"), 16),
        os_state=_text(props.get("osState"), 16),
        hyper_v_generation=_text(props.get("hyperVGeneration"), 4),
        architecture=_text(props.get("architecture"), 8),
        publisher=_text(identifier.get("publisher"), 200),
        offer=_text(identifier.get("offer"), 200),
        sku=_text(identifier.get("sku"), 200),
        security_type=_text(security_type, 64),
        features=features,
        end_of_life_date=_datetime(props.get("endOfLifeDate")),
        description=str(props.get("description") or ""),
        provisioning_state=_text(props.get("provisioningState"), 16),
        tags=parse_tags(data.get("tags")),
    )


def parse_tags(value: Any) -> dict[str, str]:
    """ARM's tags (a name is at most 512 characters, a value 256), as text."""
    if not isinstance(value, dict):
        return {}
    return {str(name)[:512]: str(text or "")[:256] for name, text in value.items()}


def _replica_count(value: Any, default: int) -> int:
    try:
        return max(0, min(int(value), 32767))
    except (TypeError, ValueError):
        return default


def parse_version(data: dict[str, Any], image_id: str) -> VersionData:
    props = _properties(data)
    publishing = props.get("publishingProfile") or {}
    storage = props.get("storageProfile") or {}
    os_disk = storage.get("osDiskImage") or {}
    default_replicas = _replica_count(publishing.get("replicaCount"), 1)
    regions: dict[str, RegionData] = {}
    for target in publishing.get("targetRegions") or []:
        code = _region_code(str(target.get("name") or ""))[:64]
        if code:
            regions[code] = RegionData(
                region=code,
                replica_count=_replica_count(target.get("regionalReplicaCount"), default_replicas),
                storage_account_type=_text(
                    target.get("storageAccountType") or publishing.get("storageAccountType"), 32
                ),
                exclude_from_latest=bool(target.get("excludeFromLatest")),
            )
    size = os_disk.get("sizeInGB")
    name = _text(data.get("name"), 200)
    return VersionData(
        arm_id=str(data["id"]).lower(),
        name=name,
        image_id=image_id,
        sort_key=_sort_key(name),
        published_date=_datetime(publishing.get("publishedDate")),
        end_of_life_date=_datetime(publishing.get("endOfLifeDate")),
        exclude_from_latest=bool(publishing.get("excludeFromLatest")),
        provisioning_state=_text(props.get("provisioningState"), 16),
        os_disk_size_gb=int(size) if isinstance(size, int | float) and size >= 0 else None,
        data_disk_count=min(len(storage.get("dataDiskImages") or []), 32767),
        regions=sorted(regions.values(), key=lambda r: r.region),
    )


@dataclass
class SubnetData:
    arm_id: str
    name: str
    network_id: str
    address_prefixes: str


@dataclass
class NetworkData:
    arm_id: str
    name: str
    resource_group_name: str
    location: str
    address_prefixes: str
    subnets: list[SubnetData] = field(default_factory=list)


def _prefixes(values: Any) -> str:
    return ", ".join(str(v) for v in (values or []) if v)[:400]


def parse_virtual_network(data: dict[str, Any]) -> NetworkData:
    """A virtual network with the subnets ARM embeds in it."""
    props = _properties(data)
    arm_id = str(data["id"])
    network_id = arm_id.lower()
    subnets = []
    for subnet in props.get("subnets") or []:
        if not isinstance(subnet, dict) or not subnet.get("id"):
            continue
        subnet_props = _properties(subnet)
        prefixes = subnet_props.get("addressPrefixes") or [subnet_props.get("addressPrefix")]
        subnets.append(
            SubnetData(
                arm_id=str(subnet["id"]).lower(),
                name=_text(subnet.get("name"), 200),
                network_id=network_id,
                address_prefixes=_prefixes(prefixes),
            )
        )
    return NetworkData(
        arm_id=network_id,
        name=_text(data.get("name"), 200),
        resource_group_name=resource_group_name_of(arm_id)[:90],
        location=normalize_region(str(data.get("location") or ""))[:64],
        address_prefixes=_prefixes((props.get("addressSpace") or {}).get("addressPrefixes")),
        subnets=subnets,
    )


@dataclass
class Snapshot:
    """Everything one refresh collected, plus which branches were listed completely.

    Deletion is allowed only below a complete branch: `galleries_complete` (the
    subscription's gallery list), `complete_galleries` (their image lists),
    `complete_images` (their version lists). `gone_galleries`/`gone_images` answered 404
    and their parent's listing, made again, no longer names them.
    """

    resource_groups: dict[str, ResourceGroupData] = field(default_factory=dict)
    galleries: dict[str, GalleryData] = field(default_factory=dict)
    images: dict[str, ImageData] = field(default_factory=dict)
    versions: dict[str, VersionData] = field(default_factory=dict)
    galleries_complete: bool = False
    complete_galleries: set[str] = field(default_factory=set)
    complete_images: set[str] = field(default_factory=set)
    gone_galleries: set[str] = field(default_factory=set)
    gone_images: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    subscription_state: str = ""  # as Azure reports it: Enabled, Warned, PastDue, Disabled...
    # Virtual networks (with their subnets), listed by a full refresh; deleted only when
    # `networks_complete` (the subscription's network list answered whole).
    virtual_networks: dict[str, NetworkData] = field(default_factory=dict)
    networks_complete: bool = False
    # Listed through Resource Graph (which lags ARM), not through ARM's list calls.
    through_graph: bool = False

    def add_gallery(self, gallery: GalleryData) -> None:
        self.galleries[gallery.arm_id] = gallery
        rg_id = gallery.resource_group_id
        if rg_id not in self.resource_groups:
            self.resource_groups[rg_id] = ResourceGroupData(
                arm_id=rg_id, name=gallery.resource_group_name[:200]
            )

    @property
    def is_partial(self) -> bool:
        return bool(self.errors)

"""The sandbox's data model: tenants, principals, role assignments and the ARM resource tree.

The world is plain data, serialisable to/from the JSON accepted by ``--world FILE``.
Children are kept in dicts keyed by lower-cased name because ARM names are
case-insensitive; the original spelling is kept on the object for rendering.

Images and versions cache their rendered JSON (lists of 100 versions are otherwise
dominated by JSON encoding). Assigning any attribute drops that cache; ``TargetRegion``
is frozen. If you mutate a nested container in place (``version.tags[...] = ...``,
``image.features.append(...)``), call ``World.touch()`` afterwards.
"""

from __future__ import annotations

import gc
import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

WORLD_FORMAT = "azure-sandbox-world/1"

# Region code -> display name, as ARM reports targetRegions[].name.
REGION_DISPLAY_NAMES: dict[str, str] = {
    "eastus": "East US",
    "eastus2": "East US 2",
    "westus": "West US",
    "westus2": "West US 2",
    "westus3": "West US 3",
    "centralus": "Central US",
    "westeurope": "West Europe",
    "northeurope": "North Europe",
    "uksouth": "UK South",
    "germanywestcentral": "Germany West Central",
    "swedencentral": "Sweden Central",
    "southeastasia": "Southeast Asia",
    "australiaeast": "Australia East",
    "japaneast": "Japan East",
}


def region_code(name: str) -> str:
    """Normalise "East US 2" or "eastus2" to the region code "eastus2"."""
    return name.replace(" ", "").lower()


def region_display_name(name: str) -> str:
    return REGION_DISPLAY_NAMES.get(name) or REGION_DISPLAY_NAMES.get(region_code(name), name)


# Bumped by World.touch(): every cached rendering from an older epoch is stale.
_render_epoch = [0]


def render_epoch() -> int:
    return _render_epoch[0]


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic GC while building or copying a world: plain data makes no cycles,
    and with hundreds of thousands of objects the collector would rescan them over and over.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class RenderCached:
    """Mixin: rendered JSON is cached in ``_rendered``; assigning any attribute forgets it."""

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name != "_rendered":
            self.__dict__.pop("_rendered", None)


@dataclass
class BucketSettings:
    capacity: float
    refill_per_second: float


@dataclass
class QuotaSettings:
    """Resource Graph's user quota: ``queries`` per fixed window of ``window_seconds``."""

    queries: int = 15
    window_seconds: float = 5


@dataclass
class ThrottleSettings:
    enabled: bool = True
    reads: BucketSettings = field(default_factory=lambda: BucketSettings(250, 25))
    writes: BucketSettings = field(default_factory=lambda: BucketSettings(200, 10))
    deletes: BucketSettings = field(default_factory=lambda: BucketSettings(200, 10))
    resource_graph: QuotaSettings = field(default_factory=QuotaSettings)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ThrottleSettings:
        defaults = cls()
        return cls(
            enabled=bool(data.get("enabled", True)),
            reads=BucketSettings(**data["reads"]) if "reads" in data else defaults.reads,
            writes=BucketSettings(**data["writes"]) if "writes" in data else defaults.writes,
            deletes=BucketSettings(**data["deletes"]) if "deletes" in data else defaults.deletes,
            resource_graph=QuotaSettings(**data["resource_graph"])
            if "resource_graph" in data
            else defaults.resource_graph,
        )


@dataclass
class Settings:
    page_size: int = 100
    token_lifetime_seconds: float = 3600
    latency_ms: float = 0  # added to every ARM call (not token or control calls)
    throttle: ThrottleSettings = field(default_factory=ThrottleSettings)
    # Resource Graph sees an ARM write (PUT/DELETE through the sandbox) this long after it.
    resource_graph_lag_seconds: float = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        return cls(
            page_size=int(data.get("page_size", 100)),
            token_lifetime_seconds=float(data.get("token_lifetime_seconds", 3600)),
            latency_ms=float(data.get("latency_ms", 0)),
            throttle=ThrottleSettings.from_dict(data.get("throttle", {})),
            resource_graph_lag_seconds=float(data.get("resource_graph_lag_seconds", 0)),
        )


@dataclass
class Tenant:
    id: str
    name: str


@dataclass
class Principal:
    name: str
    tenant_id: str
    client_id: str
    object_id: str
    client_secret: str


@dataclass
class RoleAssignment:
    principal_client_id: str
    scope: str  # an ARM id: subscription, resource group or resource
    role: str = "Reader"  # Reader, Contributor or Owner


@dataclass(frozen=True)
class TargetRegion:
    name: str  # region code, e.g. "eastus2"
    regional_replica_count: int = 1
    storage_account_type: str = "Standard_LRS"
    exclude_from_latest: bool = False
    replication_state: str = "Completed"  # Completed | Replicating | Failed | Unknown
    replication_progress: int = 100

    @classmethod
    def shared(
        cls,
        name: str,
        regional_replica_count: int = 1,
        storage_account_type: str = "Standard_LRS",
        exclude_from_latest: bool = False,
        replication_state: str = "Completed",
        replication_progress: int = 100,
    ) -> TargetRegion:
        """An equal, immutable instance shared by every version that has it (saves memory)."""
        key = (
            name,
            regional_replica_count,
            storage_account_type,
            exclude_from_latest,
            replication_state,
            replication_progress,
        )
        region = _SHARED_REGIONS.get(key)
        if region is None:
            region = _SHARED_REGIONS[key] = cls(*key)
        return region

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "regional_replica_count": self.regional_replica_count,
            "storage_account_type": self.storage_account_type,
            "exclude_from_latest": self.exclude_from_latest,
            "replication_state": self.replication_state,
            "replication_progress": self.replication_progress,
        }


_SHARED_REGIONS: dict[tuple[Any, ...], TargetRegion] = {}


@dataclass
class ImageVersion(RenderCached):
    name: str
    location: str
    published_date: str
    target_regions: list[TargetRegion] = field(default_factory=list)
    replica_count: int = 1
    storage_account_type: str = "Standard_LRS"
    exclude_from_latest: bool = False
    end_of_life_date: str | None = None
    os_disk_size_gb: int = 30
    data_disk_sizes_gb: list[int] = field(default_factory=list)
    source_id: str | None = None
    provisioning_state: str = "Succeeded"
    tags: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, **values: Any) -> ImageVersion:
        """Like ``ImageVersion(...)``, without the per-field cache invalidation of ``__init__``.

        Worlds with hundreds of thousands of versions are built and loaded through this.
        """
        version = object.__new__(cls)
        unknown = set(values) - _VERSION_DEFAULTS.keys() - _VERSION_REQUIRED
        missing = _VERSION_REQUIRED - set(values)
        if unknown or missing:
            raise TypeError(f"ImageVersion: unknown fields {unknown}, missing fields {missing}")
        state = version.__dict__
        for name, default in _VERSION_DEFAULTS.items():
            state[name] = values[name] if name in values else default()
        for name in _VERSION_REQUIRED:
            state[name] = values[name]
        return version

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "location": self.location,
            "published_date": self.published_date,
            "target_regions": [region.to_dict() for region in self.target_regions],
            "replica_count": self.replica_count,
            "storage_account_type": self.storage_account_type,
            "exclude_from_latest": self.exclude_from_latest,
            "end_of_life_date": self.end_of_life_date,
            "os_disk_size_gb": self.os_disk_size_gb,
            "data_disk_sizes_gb": list(self.data_disk_sizes_gb),
            "source_id": self.source_id,
            "provisioning_state": self.provisioning_state,
            "tags": dict(self.tags),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageVersion:
        values = dict(data)
        values["target_regions"] = [
            TargetRegion.shared(**r) for r in data.get("target_regions", [])
        ]
        return cls.build(**values)


def _field_defaults(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    defaults: dict[str, Any] = {}
    required = set()
    for f in fields(cls):
        if f.default_factory is not MISSING:
            defaults[f.name] = f.default_factory
        elif f.default is not MISSING:
            defaults[f.name] = lambda value=f.default: value
        else:
            required.add(f.name)
    return defaults, frozenset(required)


_VERSION_DEFAULTS, _VERSION_REQUIRED = _field_defaults(ImageVersion)


@dataclass
class ImageDefinition(RenderCached):
    name: str
    location: str
    os_type: str  # Linux | Windows
    os_state: str  # Generalized | Specialized
    publisher: str
    offer: str
    sku: str
    hyper_v_generation: str = "V1"
    architecture: str = "x64"
    features: list[dict[str, str]] = field(default_factory=list)
    description: str | None = None
    end_of_life_date: str | None = None
    recommended_vcpus: tuple[int, int] | None = None
    recommended_memory_gb: tuple[int, int] | None = None
    provisioning_state: str = "Succeeded"
    tags: dict[str, str] = field(default_factory=dict)
    versions: dict[str, ImageVersion] = field(default_factory=dict)

    def add_version(self, version: ImageVersion) -> ImageVersion:
        self.versions[version.name.lower()] = version
        return version

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "versions"}
        data["versions"] = [v.to_dict() for v in self.versions.values()]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageDefinition:
        values = {k: v for k, v in data.items() if k != "versions"}
        for pair in ("recommended_vcpus", "recommended_memory_gb"):
            if values.get(pair) is not None:
                values[pair] = tuple(values[pair])
        image = cls(**values)
        for version in data.get("versions", []):
            image.add_version(ImageVersion.from_dict(version))
        return image


@dataclass
class Gallery:
    name: str
    location: str
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    images: dict[str, ImageDefinition] = field(default_factory=dict)

    def add_image(self, image: ImageDefinition) -> ImageDefinition:
        self.images[image.name.lower()] = image
        return image

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "location": self.location,
            "description": self.description,
            "tags": self.tags,
            "images": [i.to_dict() for i in self.images.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gallery:
        gallery = cls(data["name"], data["location"], data.get("description"), data.get("tags", {}))
        for image in data.get("images", []):
            gallery.add_image(ImageDefinition.from_dict(image))
        return gallery


@dataclass
class Subnet:
    name: str
    address_prefix: str  # e.g. "10.10.1.0/24"
    network_security_group: str | None = None  # an NSG name in the virtual network's group
    service_endpoints: list[str] = field(default_factory=list)  # e.g. ["Microsoft.Storage"]
    delegations: list[str] = field(default_factory=list)  # e.g. ["Microsoft.Web/serverFarms"]


@dataclass
class VirtualNetwork:
    name: str
    location: str
    address_prefixes: list[str]
    resource_guid: str
    subnets: dict[str, Subnet] = field(default_factory=dict)
    dns_servers: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def add_subnet(self, subnet: Subnet) -> Subnet:
        self.subnets[subnet.name.lower()] = subnet
        return subnet

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "location": self.location,
            "address_prefixes": list(self.address_prefixes),
            "resource_guid": self.resource_guid,
            "dns_servers": list(self.dns_servers),
            "tags": self.tags,
            "subnets": [asdict(s) for s in self.subnets.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VirtualNetwork:
        network = cls(
            data["name"],
            data["location"],
            list(data.get("address_prefixes", [])),
            data["resource_guid"],
            dns_servers=list(data.get("dns_servers", [])),
            tags=data.get("tags", {}),
        )
        for subnet in data.get("subnets", []):
            network.add_subnet(Subnet(**subnet))
        return network


@dataclass
class ResourceGroup:
    name: str
    location: str
    tags: dict[str, str] = field(default_factory=dict)
    galleries: dict[str, Gallery] = field(default_factory=dict)
    virtual_networks: dict[str, VirtualNetwork] = field(default_factory=dict)

    def add_gallery(self, gallery: Gallery) -> Gallery:
        self.galleries[gallery.name.lower()] = gallery
        return gallery

    def add_virtual_network(self, network: VirtualNetwork) -> VirtualNetwork:
        self.virtual_networks[network.name.lower()] = network
        return network

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "location": self.location,
            "tags": self.tags,
            "galleries": [g.to_dict() for g in self.galleries.values()],
            "virtual_networks": [n.to_dict() for n in self.virtual_networks.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ResourceGroup:
        group = cls(data["name"], data["location"], data.get("tags", {}))
        for gallery in data.get("galleries", []):
            group.add_gallery(Gallery.from_dict(gallery))
        for network in data.get("virtual_networks", []):
            group.add_virtual_network(VirtualNetwork.from_dict(network))
        return group


@dataclass
class Subscription:
    id: str
    display_name: str
    tenant_id: str
    principal_client_id: str | None = None  # the principal that naturally belongs here
    state: str = "Enabled"
    resource_groups: dict[str, ResourceGroup] = field(default_factory=dict)

    def add_resource_group(self, group: ResourceGroup) -> ResourceGroup:
        self.resource_groups[group.name.lower()] = group
        return group

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "display_name": self.display_name,
            "tenant_id": self.tenant_id,
            "principal_client_id": self.principal_client_id,
            "state": self.state,
            "resource_groups": [g.to_dict() for g in self.resource_groups.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Subscription:
        sub = cls(
            data["id"],
            data["display_name"],
            data["tenant_id"],
            data.get("principal_client_id"),
            data.get("state", "Enabled"),
        )
        for group in data.get("resource_groups", []):
            sub.add_resource_group(ResourceGroup.from_dict(group))
        return sub


@dataclass
class World:
    settings: Settings = field(default_factory=Settings)
    tenants: list[Tenant] = field(default_factory=list)
    principals: list[Principal] = field(default_factory=list)
    role_assignments: list[RoleAssignment] = field(default_factory=list)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)  # FaultRule dicts armed at start

    # --- construction -------------------------------------------------
    def add_subscription(self, sub: Subscription) -> Subscription:
        self.subscriptions[sub.id.lower()] = sub
        return sub

    @staticmethod
    def touch() -> None:
        """Forget cached renderings after mutating nested containers of images/versions."""
        _render_epoch[0] += 1

    def grant(self, principal_client_id: str, scope: str, role: str = "Reader") -> None:
        self.role_assignments.append(RoleAssignment(principal_client_id, scope, role))

    # --- lookups --------------------------------------------------------
    def tenant(self, id_or_name: str) -> Tenant | None:
        key = id_or_name.lower()
        return next((t for t in self.tenants if key in (t.id.lower(), t.name.lower())), None)

    def principal(self, client_id: str) -> Principal | None:
        key = client_id.lower()
        return next((p for p in self.principals if p.client_id.lower() == key), None)

    def principal_named(self, name: str) -> Principal | None:
        return next((p for p in self.principals if p.name == name), None)

    def subscription_named(self, display_name: str) -> Subscription | None:
        return next(
            (s for s in self.subscriptions.values() if s.display_name == display_name), None
        )

    def counts(self) -> dict[str, int]:
        """How many resources of each kind the world holds."""
        totals = {"subscriptions": len(self.subscriptions), "resource_groups": 0}
        totals.update(galleries=0, images=0, versions=0, virtual_networks=0, subnets=0)
        for sub in self.subscriptions.values():
            totals["resource_groups"] += len(sub.resource_groups)
            for group in sub.resource_groups.values():
                totals["virtual_networks"] += len(group.virtual_networks)
                totals["subnets"] += sum(len(n.subnets) for n in group.virtual_networks.values())
                totals["galleries"] += len(group.galleries)
                for gallery in group.galleries.values():
                    totals["images"] += len(gallery.images)
                    totals["versions"] += sum(len(i.versions) for i in gallery.images.values())
        return totals

    # --- serialisation ----------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        with no_cycle_collection():
            return self._to_dict()

    def _to_dict(self) -> dict[str, Any]:
        return {
            "format": WORLD_FORMAT,
            "settings": asdict(self.settings),
            "tenants": [asdict(t) for t in self.tenants],
            "principals": [asdict(p) for p in self.principals],
            "role_assignments": [asdict(r) for r in self.role_assignments],
            "subscriptions": [s.to_dict() for s in self.subscriptions.values()],
            "faults": list(self.faults),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> World:
        with no_cycle_collection():
            return cls._from_dict(data)

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> World:
        world = cls(
            settings=Settings.from_dict(data.get("settings", {})),
            tenants=[Tenant(**t) for t in data.get("tenants", [])],
            principals=[Principal(**p) for p in data.get("principals", [])],
            role_assignments=[RoleAssignment(**r) for r in data.get("role_assignments", [])],
            faults=list(data.get("faults", [])),
        )
        for sub in data.get("subscriptions", []):
            world.add_subscription(Subscription.from_dict(sub))
        return world

    def copy(self) -> World:
        return World.from_dict(self.to_dict())

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1))

    def to_bytes(self) -> bytes:
        """A compact, compressed copy (a large world's pristine state costs little to keep)."""
        return zlib.compress(json.dumps(self.to_dict(), separators=(",", ":")).encode(), 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> World:
        with no_cycle_collection():
            return cls.from_dict(json.loads(zlib.decompress(data)))

    @classmethod
    def load(cls, path: str | Path) -> World:
        with no_cycle_collection():
            return cls.from_dict(json.loads(Path(path).read_text()))

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

import json
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from azure_sandbox.world_common import (
    REGION_DISPLAY_NAMES,
    BucketSettings,
    QuotaSettings,
    RenderCached,
    Settings,
    ThrottleSettings,
    _render_epoch,
    no_cycle_collection,
    region_code,
    region_display_name,
    render_epoch,
)
from azure_sandbox.world_images import Gallery, ImageDefinition, ImageVersion, TargetRegion

# What other modules import from here (the world's parts live in world_common, world_images).
__all__ = [
    "REGION_DISPLAY_NAMES",
    "WORLD_FORMAT",
    "BucketSettings",
    "Gallery",
    "ImageDefinition",
    "ImageVersion",
    "Principal",
    "QuotaSettings",
    "RenderCached",
    "ResourceGroup",
    "RoleAssignment",
    "Settings",
    "Subnet",
    "Subscription",
    "TargetRegion",
    "Tenant",
    "ThrottleSettings",
    "VirtualNetwork",
    "World",
    "no_cycle_collection",
    "region_code",
    "region_display_name",
    "render_epoch",
]

WORLD_FORMAT = "azure-sandbox-world/1"


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

"""The gallery part of the world: galleries, image definitions, versions and their regions.

Images and versions cache their rendered JSON (see ``world_common.RenderCached``)."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from azure_sandbox.world_common import RenderCached


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

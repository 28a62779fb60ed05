"""The world's shared parts: region names, the rendering cache's epoch, and its settings
(paging, latency, throttling, Resource Graph's lag)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

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

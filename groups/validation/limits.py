"""The rules (limits, naming rules) of a group's and a node's fields: each defined once.

The field table (groups.spot.fields) gives each field its rule; groups.validation.rules applies
them to every spec, from the editor and the API alike, so a value gets the same message at the same
field either way; the editor's inputs take their limits (maxlength, min, max) from the table
and the API's OpenAPI document shows them too.

Sources: Spot's API (spotinst/openapi, services/elastigroup/azure/spotVms and
azure/stateful/node schemas) and Azure's rules (galleries.azure_rules). Where neither sets a
bound, the bound is ours and says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from console.rules import NumberRule, TextRule
from galleries import azure_rules as azure

from ..models import Kind

SPOT = "Spot API"
OURS = "Gallery Console"

# Spot documents no bound for these; the console's list column holds 200 characters.
GROUP_NAME = TextRule("Name", max_length=200, source=OURS)
DESCRIPTION = TextRule(
    "Description", max_length=1_024, multiline=True, allow_blank=True, source=OURS
)
CAPACITY = {
    key: NumberRule(f"Capacity {key}", 0, azure.MAX_VMS_PER_REGION, source=f"{SPOT} (minimum 0)")
    for key in ("minimum", "target", "maximum")
}
SPOT_PERCENTAGE = NumberRule("Spot percentage", 0, 100, source=SPOT)
ON_DEMAND_COUNT = NumberRule("On-demand count", 0, azure.MAX_VMS_PER_REGION, source=SPOT)
# Spot documents a minimum (1 for stateful nodes) and no maximum; an hour is ours.
DRAINING_TIMEOUT = {
    Kind.STATELESS: NumberRule("Draining timeout", 0, 3_600, unit="seconds", source=OURS),
    Kind.STATEFUL: NumberRule("Draining timeout", 1, 3_600, unit="seconds", source=SPOT),
}
SIGNAL_TIMEOUT = NumberRule("Signal timeout", 60, 1_800, unit="seconds", source=SPOT)
ZONE = TextRule(
    "Zone",
    max_length=16,
    pattern="[123]",
    pattern_message='An availability zone is "1", "2" or "3".',
    source="Azure availability zones",
)
VM_SIZE = TextRule(
    "VM size",
    max_length=64,
    pattern="[A-Za-z0-9_-]+",
    pattern_message="A VM size is a name like Standard_D2s_v5.",
    source=OURS,
)
_MARKETPLACE_ID = "[A-Za-z0-9._-]+"
MARKETPLACE = {
    key: TextRule(
        label,
        max_length=100,
        pattern=_MARKETPLACE_ID,
        pattern_message=f"A marketplace {label.lower()} uses letters, digits, periods, "
        "underscores and hyphens.",
        source=OURS,
    )
    for key, label in (("publisher", "Publisher"), ("offer", "Offer"), ("sku", "SKU"))
}
MARKETPLACE_VERSION = TextRule(
    "Version",
    max_length=64,
    pattern=r"latest|[0-9]+(\.[0-9]+)*",
    pattern_message='A marketplace version is "latest" or numbers like 1.2.3.',
    source="Azure image references",
)
SPOT_ACCOUNT_ID = TextRule(
    "Account of the gallery",
    max_length=16,
    pattern="act-[0-9a-z]+",
    pattern_message="An account id looks like act-1a2b3c4d.",
    source=SPOT,
)


# The whole stored spec, and any one field the API's schema does not know (stored as sent):
# enough for a 64 KiB base64 payload such as userData or shutdownScript, far from a flood.
MAX_SPEC_BYTES = 512 * 1024
MAX_UNKNOWN_FIELD_BYTES = 96 * 1024


def values_at(spec: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) of every value at `path`; "*" walks each item of a list."""
    found: list[tuple[str, Any]] = [("", spec)]
    for key in path.split("."):
        step: list[tuple[str, Any]] = []
        for where, value in found:
            prefix = f"{where}." if where else ""
            if key == "*" and isinstance(value, list):
                step.extend((f"{prefix}{index}", item) for index, item in enumerate(value))
            elif key != "*" and isinstance(value, dict) and key in value:
                step.append((f"{prefix}{key}", value[key]))
        found = step
    yield from found

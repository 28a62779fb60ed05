"""The rules of a group's and a node's fields, by Spot JSON path: each defined once.

`groups.validation` applies them to every spec, from the editor and the API alike, so a value
gets the same message at the same field either way; the editor's inputs take their limits
(maxlength, min, max) from here and the API's OpenAPI document shows them too.

Sources: Spot's API (spotinst/openapi, services/elastigroup/azure/spotVms and
azure/stateful/node schemas) and Azure's rules (galleries.azure_rules). Where neither sets a
bound, the bound is ours and says why.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from console.rules import NumberRule, Rule, TextRule
from galleries import azure_rules as azure

from .models import Kind

SPOT = "Spot API"
OURS = "Gallery Console"
BOTH = (Kind.STATELESS, Kind.STATEFUL)
STATELESS_ONLY = (Kind.STATELESS,)
STATEFUL_ONLY = (Kind.STATEFUL,)

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


@dataclass(frozen=True)
class FieldRule:
    """`rule` applies to the value at `path` ("*" stands for each item of a list), for `kinds`;
    a mapping rule is chosen by the spec's operating system (compute.os)."""

    path: str
    rule: Rule | Mapping[str, Rule]
    kinds: tuple[Kind, ...] = BOTH


LAUNCH = "compute.launchSpecification"
IMAGE = f"{LAUNCH}.image"
FIELD_RULES: tuple[FieldRule, ...] = (
    FieldRule("name", GROUP_NAME),
    FieldRule("region", azure.REGION),
    FieldRule("description", DESCRIPTION),
    FieldRule("resourceGroupName", azure.RESOURCE_GROUP_NAME),
    FieldRule("capacity.minimum", CAPACITY["minimum"], STATELESS_ONLY),
    FieldRule("capacity.target", CAPACITY["target"], STATELESS_ONLY),
    FieldRule("capacity.maximum", CAPACITY["maximum"], STATELESS_ONLY),
    FieldRule("strategy.spotPercentage", SPOT_PERCENTAGE, STATELESS_ONLY),
    FieldRule("strategy.onDemandCount", ON_DEMAND_COUNT, STATELESS_ONLY),
    FieldRule("strategy.drainingTimeout", DRAINING_TIMEOUT[Kind.STATELESS], STATELESS_ONLY),
    FieldRule("strategy.drainingTimeout", DRAINING_TIMEOUT[Kind.STATEFUL], STATEFUL_ONLY),
    FieldRule("strategy.signals.*.timeout", SIGNAL_TIMEOUT),
    FieldRule("compute.zones.*", ZONE),
    FieldRule("compute.preferredZones.*", ZONE),
    FieldRule("compute.preferredZone", ZONE, STATEFUL_ONLY),
    FieldRule("compute.vmSizes.odSizes.*", VM_SIZE),
    FieldRule("compute.vmSizes.spotSizes.*", VM_SIZE),
    FieldRule("compute.vmSizes.preferredSpotSizes.*", VM_SIZE),
    FieldRule(f"{IMAGE}.marketplace.publisher", MARKETPLACE["publisher"]),
    FieldRule(f"{IMAGE}.marketplace.offer", MARKETPLACE["offer"]),
    FieldRule(f"{IMAGE}.marketplace.sku", MARKETPLACE["sku"]),
    FieldRule(f"{IMAGE}.marketplace.version", MARKETPLACE_VERSION),
    FieldRule(f"{IMAGE}.custom.resourceGroupName", azure.RESOURCE_GROUP_NAME),
    FieldRule(f"{IMAGE}.custom.name", azure.MANAGED_IMAGE_NAME),
    FieldRule(f"{IMAGE}.gallery.resourceGroupName", azure.RESOURCE_GROUP_NAME),
    FieldRule(f"{IMAGE}.gallery.galleryName", azure.GALLERY_NAME),
    FieldRule(f"{IMAGE}.gallery.imageName", azure.GALLERY_IMAGE_NAME),
    FieldRule(f"{IMAGE}.gallery.version", azure.GALLERY_VERSION, STATELESS_ONLY),
    FieldRule(f"{IMAGE}.gallery.versionName", azure.GALLERY_VERSION, STATEFUL_ONLY),
    FieldRule(f"{IMAGE}.gallery.spotAccountId", SPOT_ACCOUNT_ID),
    FieldRule(f"{LAUNCH}.network.resourceGroupName", azure.RESOURCE_GROUP_NAME),
    FieldRule(f"{LAUNCH}.network.virtualNetworkName", azure.VIRTUAL_NETWORK_NAME),
    FieldRule(f"{LAUNCH}.network.networkInterfaces.*.subnetName", azure.SUBNET_NAME),
    FieldRule(f"{LAUNCH}.login.userName", azure.USER_NAME),
    FieldRule(f"{LAUNCH}.login.password", azure.PASSWORD),
    FieldRule(f"{LAUNCH}.login.sshPublicKey", azure.SSH_PUBLIC_KEY),
    FieldRule(f"{LAUNCH}.customData", azure.CUSTOM_DATA),
    FieldRule(f"{LAUNCH}.vmNamePrefix", azure.VM_NAME_PREFIX),
    FieldRule(f"{LAUNCH}.vmName", azure.VM_NAME, STATEFUL_ONLY),
    FieldRule(f"{LAUNCH}.osDisk.sizeGB", azure.DISK_SIZE_GB),
    FieldRule(f"{LAUNCH}.dataDisks.*.sizeGB", azure.DISK_SIZE_GB),
    FieldRule(f"{LAUNCH}.dataDisks.*.lun", azure.DATA_DISK_LUN),
    FieldRule(f"{LAUNCH}.tags.*.tagKey", azure.TAG_KEY),
    FieldRule(f"{LAUNCH}.tags.*.tagValue", azure.TAG_VALUE),
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


def rule_for(field_rule: FieldRule, os_name: Any) -> Rule:
    if isinstance(field_rule.rule, Mapping):
        return field_rule.rule.get(os_name) or field_rule.rule["Linux"]
    return field_rule.rule


def rule_at(path: str, kind: str, os_name: str = "Linux") -> Rule:
    """The rule of one concrete field (for the editor's inputs and the OpenAPI document)."""
    for field_rule in FIELD_RULES:
        if field_rule.path == path and Kind(kind) in field_rule.kinds:
            return rule_for(field_rule, os_name)
    raise KeyError(path)

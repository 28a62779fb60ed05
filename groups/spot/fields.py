"""THE field table: every group and stateful-node field this console knows, described once.

A row says where the field sits in Spot's JSON (per kind when the kinds spell it differently),
what it is called in Python (the editor's values, the form, validation's messages), its label,
editor tab, kinds, JSON type and enum, whether Spot requires it, its limits (a rule of
groups.validation.limits) and the other spellings clients send. The form, the JSON mapping
both ways (groups.spot.json), the problem-to-field links, the tab badges, the limits shown on
inputs and the API's documented limits are all read from here: adding a field to the editor is
adding a row (and, at most, a line in a template).

The rows written out here are the editor's fields and those with rules of their own; every
other request field of Spot's Azure schema is one line of groups.spot.schema_table, made a row
below (each path is described once, in one of the two).

Paths are dotted; "*" stands for each item of a list. In the editor a "*" addresses the primary
item (a NIC with `isPrimary`), the only list item the editor shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from console.rules import NumberRule, Rule, TextRule
from galleries import azure_rules as azure

from ..models import Kind
from ..validation.limits import (
    CAPACITY,
    DESCRIPTION,
    DRAINING_TIMEOUT,
    GROUP_NAME,
    MARKETPLACE,
    MARKETPLACE_VERSION,
    ON_DEMAND_COUNT,
    SIGNAL_TIMEOUT,
    SPOT_ACCOUNT_ID,
    SPOT_PERCENTAGE,
    VM_SIZE,
    ZONE,
)
from .schema_table import Line, lines as schema_lines

BOTH = (Kind.STATELESS, Kind.STATEFUL)
STATELESS_ONLY = (Kind.STATELESS,)
STATEFUL_ONLY = (Kind.STATEFUL,)

LAUNCH = "compute.launchSpecification"
IMAGE = f"{LAUNCH}.image"
GALLERY = f"{IMAGE}.gallery"
LOGIN = f"{LAUNCH}.login"
NIC = f"{LAUNCH}.network.networkInterfaces.*"
BALANCER = f"{LAUNCH}.loadBalancersConfig.loadBalancers.*"

# JSON types (the OpenAPI document's words).
STRING, INTEGER, BOOLEAN, ARRAY = "string", "integer", "boolean", "array"
NUMBER, OBJECT = "number", "object"

# Editor tabs, in order (the Review tab shows the JSON, not fields).
TABS = (
    ("general", "General"),
    ("compute", "Compute"),
    ("network", "Network"),
    ("login", "Login"),
    ("review", "Review"),
)
IMAGE_VARIANTS = ("marketplace", "custom", "gallery")


@dataclass(frozen=True)
class Field:
    """One field. `spot` is its path, or a path per kind; `accepts` the other spellings of its
    last key that requests may use, per kind (answers always use `spot`'s)."""

    name: str
    spot: str | Mapping[Kind, str]
    label: str
    type: str = STRING
    kinds: tuple[Kind, ...] = BOTH
    required: bool = False
    enum: tuple[str, ...] = ()
    # Its limits; a mapping is chosen by kind, else by the spec's operating system.
    rule: Rule | Mapping[Any, Rule] | None = None
    accepts: Mapping[Kind, tuple[str, ...]] = field(default_factory=dict)
    # --- the editor (fields without a tab are the API's only) ---
    tab: str | None = None
    widget: str = ""  # "" (from the type), textarea, password, radio, checkboxes, select, cascade
    choices: tuple[tuple[str, str], ...] = ()
    help_text: str = ""
    rows: int = 3  # a textarea's height
    form_required: bool = False
    # What the editor shows when the spec has none, and writes when the form has none.
    default: Any = None
    fill: Any = None
    # The image variant (image.marketplace / custom / gallery) the field belongs to.
    variant: str = ""
    # Never read back (a password): the editor writes it only when one was typed.
    write_only: bool = False
    # Problems at these object paths are shown at this field (the object's first input).
    owns: tuple[str, ...] = ()
    # Spot refuses it with a specialized image (which keeps the users it was captured with).
    not_with_specialized_image: bool = False
    # Requests may send it as the other JSON type; it is stored (and answered) as `type`:
    # decimal text becomes an integer, a whole number becomes text (groups.spot.json.coerce).
    coerce: bool = False
    # Spot's schema closes the object at this path: keys it does not know are refused.
    closed: bool = False

    def path(self, kind: str) -> str:
        if isinstance(self.spot, str):
            return self.spot
        return self.spot[Kind(kind)]

    def key(self, kind: str) -> str:
        """The last step of the path: the key that holds the value."""
        return self.path(kind).rsplit(".", 1)[-1]

    def spellings(self, kind: str) -> tuple[str, ...]:
        """Keys accepted for this field in requests, the answered one first."""
        return (self.key(kind), *self.accepts.get(Kind(kind), ()))

    @property
    def in_editor(self) -> bool:
        return self.tab is not None

    def rule_for(self, kind: str, os_name: Any = "Linux") -> Rule | None:
        rule = self.rule
        if rule is None or not isinstance(rule, Mapping):
            return rule
        if Kind(kind) in rule:
            return rule[Kind(kind)]
        return rule.get(os_name) or rule["Linux"]


_GALLERY_HELP = "Chosen in the Shared Image cascade."
_ZONES = (("", "No preference"), ("1", "1"), ("2", "2"), ("3", "3"))

FIELDS: tuple[Field, ...] = (
    # General
    Field("name", "name", "Name", required=True, rule=GROUP_NAME, tab="general"),
    Field("description", "description", "Description", rule=DESCRIPTION, tab="general",
          widget="textarea", rows=2),
    Field("region", "region", "Region", required=True, rule=azure.REGION, tab="general",
          widget="region"),
    Field("resource_group_name", "resourceGroupName", "Resource group", required=True,
          rule=azure.RESOURCE_GROUP_NAME, tab="general"),
    Field("capacity_minimum", "capacity.minimum", "Minimum", INTEGER, STATELESS_ONLY,
          required=True, rule=CAPACITY["minimum"], tab="general"),
    Field("capacity_target", "capacity.target", "Target", INTEGER, STATELESS_ONLY,
          required=True, rule=CAPACITY["target"], tab="general", owns=("capacity",)),
    Field("capacity_maximum", "capacity.maximum", "Maximum", INTEGER, STATELESS_ONLY,
          required=True, rule=CAPACITY["maximum"], tab="general"),
    # Compute
    Field("os", "compute.os", "Operating system", required=True, enum=("Linux", "Windows"),
          tab="compute", widget="os", form_required=True, default="Linux", owns=("compute",)),
    Field("od_sizes", "compute.vmSizes.odSizes", "On-demand VM sizes", ARRAY, required=True,
          tab="compute", widget="checkboxes", owns=("compute.vmSizes",)),
    Field("spot_sizes", "compute.vmSizes.spotSizes", "Spot VM sizes", ARRAY, STATELESS_ONLY,
          required=True, tab="compute", widget="checkboxes"),
    Field("preferred_zone", "compute.preferredZone", "Preferred zone", kinds=STATEFUL_ONLY,
          rule=ZONE, tab="compute", widget="select", choices=_ZONES,
          help_text="The availability zone to start the VM in, when the region has zones."),
    Field("preferred_lifecycle", "strategy.preferredLifecycle", "Preferred lifecycle",
          kinds=STATEFUL_ONLY, enum=("spot", "od"), tab="compute", widget="select",
          choices=(("spot", "Spot"), ("od", "On-demand")), default="spot"),
    Field("fallback_to_od", "strategy.fallbackToOd", "Fall back to on-demand", BOOLEAN,
          tab="compute", default=True, owns=("strategy",)),
    Field("draining_timeout", "strategy.drainingTimeout", "Draining timeout (seconds)",
          INTEGER, rule=DRAINING_TIMEOUT, tab="compute",
          help_text="How long a VM's connections may drain before Spot stops it."),
    Field("should_persist_os_disk", "persistence.shouldPersistOsDisk", "Persist the OS disk",
          BOOLEAN, STATEFUL_ONLY, required=True, tab="compute", default=False,
          owns=("persistence",)),
    Field("should_persist_data_disks", "persistence.shouldPersistDataDisks",
          "Persist data disks", BOOLEAN, STATEFUL_ONLY, required=True, tab="compute",
          default=False),
    Field("should_persist_network", "persistence.shouldPersistNetwork", "Persist the network",
          BOOLEAN, STATEFUL_ONLY, required=True, tab="compute", default=False),
    # The image: which variant, then each variant's fields.
    Field("image_type", IMAGE, "Image type", "object", required=True, tab="compute",
          widget="radio", form_required=True, default="gallery",
          choices=(("gallery", "Shared Image"), ("marketplace", "Marketplace"),
                   ("custom", "Custom")),
          owns=(LAUNCH,)),
    Field("marketplace_publisher", f"{IMAGE}.marketplace.publisher", "Publisher",
          required=True, rule=MARKETPLACE["publisher"], tab="compute", variant="marketplace",
          owns=(f"{IMAGE}.marketplace",)),
    Field("marketplace_offer", f"{IMAGE}.marketplace.offer", "Offer", required=True,
          rule=MARKETPLACE["offer"], tab="compute", variant="marketplace"),
    Field("marketplace_sku", f"{IMAGE}.marketplace.sku", "SKU", required=True,
          rule=MARKETPLACE["sku"], tab="compute", variant="marketplace"),
    Field("marketplace_version", f"{IMAGE}.marketplace.version", "Version", required=True,
          rule=MARKETPLACE_VERSION, tab="compute", variant="marketplace", fill="latest"),
    Field("custom_resource_group_name", f"{IMAGE}.custom.resourceGroupName",
          "Image resource group", required=True, rule=azure.RESOURCE_GROUP_NAME,
          tab="compute", variant="custom"),
    Field("custom_image_name", f"{IMAGE}.custom.name", "Image name", required=True,
          rule=azure.MANAGED_IMAGE_NAME, tab="compute", variant="custom",
          owns=(f"{IMAGE}.custom",)),
    # The gallery reference, in the shared vocabulary (Spot's names, snake_cased), which is
    # also the Shared Image cascade's (galleries.cascade.selection.FIELDS).
    Field("spot_account_id", f"{GALLERY}.spotAccountId", "Account of the gallery",
          rule=SPOT_ACCOUNT_ID, tab="compute", variant="gallery",
          widget="cascade"),
    Field("gallery_resource_group_name", f"{GALLERY}.resourceGroupName",
          "Image resource group", required=True, rule=azure.RESOURCE_GROUP_NAME, tab="compute",
          variant="gallery", widget="cascade"),
    Field("gallery_name", f"{GALLERY}.galleryName", "Gallery", required=True,
          rule=azure.GALLERY_NAME, tab="compute", variant="gallery",
          widget="cascade"),
    Field("image_name", f"{GALLERY}.imageName", "Image name", required=True,
          rule=azure.GALLERY_IMAGE_NAME, tab="compute", variant="gallery",
          widget="cascade", owns=(GALLERY,)),
    Field("version_name",
          {Kind.STATELESS: f"{GALLERY}.version", Kind.STATEFUL: f"{GALLERY}.versionName"},
          "Version", required=True, rule=azure.GALLERY_VERSION, tab="compute",
          variant="gallery", widget="cascade",
          accepts={Kind.STATELESS: ("versionName",), Kind.STATEFUL: ("version",)}),
    # Network
    Field("network_resource_group_name", f"{LAUNCH}.network.resourceGroupName",
          "Network resource group", required=True, rule=azure.RESOURCE_GROUP_NAME,
          tab="network"),
    Field("virtual_network_name", f"{LAUNCH}.network.virtualNetworkName", "Virtual network",
          required=True, rule=azure.VIRTUAL_NETWORK_NAME, tab="network",
          owns=(f"{LAUNCH}.network",)),
    Field("subnet_name", f"{NIC}.subnetName", "Subnet", required=True, rule=azure.SUBNET_NAME,
          tab="network", owns=(f"{LAUNCH}.network.networkInterfaces",)),
    Field("assign_public_ip", f"{NIC}.assignPublicIp", "Assign a public IP", BOOLEAN,
          tab="network", default=False),
    # Login
    Field("login_user_name", f"{LOGIN}.userName", "User name", required=True,
          rule=azure.USER_NAME, tab="login", owns=(LOGIN,), not_with_specialized_image=True),
    Field("login_ssh_public_key", f"{LOGIN}.sshPublicKey", "SSH public key",
          rule=azure.SSH_PUBLIC_KEY, tab="login", widget="textarea",
          not_with_specialized_image=True),
    Field("login_password", f"{LOGIN}.password", "Password", rule=azure.PASSWORD, tab="login",
          widget="password", write_only=True, not_with_specialized_image=True,
          help_text="Write-only: leave empty to keep the stored password."),
    Field("custom_data", f"{LAUNCH}.customData", "Custom data (base64)",
          rule=azure.CUSTOM_DATA, tab="login", widget="textarea",
          not_with_specialized_image=True),
    # The API's only (not in the editor yet).
    Field("spot_percentage", "strategy.spotPercentage", "Spot percentage", INTEGER,
          STATELESS_ONLY, rule=SPOT_PERCENTAGE, fill=100),
    Field("on_demand_count", "strategy.onDemandCount", "On-demand count", INTEGER,
          STATELESS_ONLY, rule=ON_DEMAND_COUNT),
    # spotinst-sdk2 documents the timeout as text; Spot's schema and the Go SDK say integer.
    Field("signal_timeout", "strategy.signals.*.timeout", "Signal timeout", INTEGER,
          rule=SIGNAL_TIMEOUT, coerce=True),
    Field("zones", "compute.zones.*", "Zone", rule=ZONE),
    Field("preferred_zones", "compute.preferredZones.*", "Preferred zone", rule=ZONE),
    Field("od_size", "compute.vmSizes.odSizes.*", "On-demand VM size", rule=VM_SIZE),
    Field("spot_size", "compute.vmSizes.spotSizes.*", "Spot VM size", rule=VM_SIZE),
    Field("preferred_spot_size", "compute.vmSizes.preferredSpotSizes.*",
          "Preferred spot VM size", rule=VM_SIZE),
    Field("vm_name_prefix", f"{LAUNCH}.vmNamePrefix", "VM name prefix",
          rule=azure.VM_NAME_PREFIX),
    Field("vm_name", f"{LAUNCH}.vmName", "VM name", kinds=STATEFUL_ONLY, rule=azure.VM_NAME),
    Field("os_disk_size_gb", f"{LAUNCH}.osDisk.sizeGB", "OS disk size", INTEGER,
          rule=azure.DISK_SIZE_GB, accepts={Kind.STATELESS: ("size",), Kind.STATEFUL: ("size",)}),
    Field("data_disk_size_gb", f"{LAUNCH}.dataDisks.*.sizeGB", "Data disk size", INTEGER,
          rule=azure.DISK_SIZE_GB),
    Field("data_disk_lun", f"{LAUNCH}.dataDisks.*.lun", "Data disk LUN", INTEGER,
          rule=azure.DATA_DISK_LUN),
    Field("tag_key", f"{LAUNCH}.tags.*.tagKey", "Tag key", rule=azure.TAG_KEY),
    Field("tag_value", f"{LAUNCH}.tags.*.tagValue", "Tag value", rule=azure.TAG_VALUE),
    # Spot answers `storageUri` for groups and `storageUrl` for nodes (the Go SDK's json tags).
    Field("boot_diagnostics_storage_uri",
          {Kind.STATELESS: f"{LAUNCH}.bootDiagnostics.storageUri",
           Kind.STATEFUL: f"{LAUNCH}.bootDiagnostics.storageUrl"},
          "Boot diagnostics storage URI",
          accepts={Kind.STATELESS: ("storageUrl",), Kind.STATEFUL: ("storageUri",)}),
    Field("enable_ip_forwarding",
          {Kind.STATELESS: f"{NIC}.enableIPForwarding", Kind.STATEFUL: f"{NIC}.enableIpForwarding"},
          "IP forwarding", BOOLEAN,
          accepts={Kind.STATELESS: ("enableIpForwarding",),
                   Kind.STATEFUL: ("enableIPForwarding",)}),
    Field("network_security_group",
          {Kind.STATELESS: f"{NIC}.securityGroup", Kind.STATEFUL: f"{NIC}.networkSecurityGroup"},
          "Network security group", "object",
          accepts={Kind.STATELESS: ("networkSecurityGroup",), Kind.STATEFUL: ("securityGroup",)}),
    Field("load_balancer_sku",
          {Kind.STATELESS: f"{BALANCER}.sku", Kind.STATEFUL: f"{BALANCER}.loadBalancerSku"},
          "Load balancer SKU",
          accepts={Kind.STATELESS: ("loadBalancerSku",), Kind.STATEFUL: ("sku",)}),
)  # fmt: skip

# A scaling policy's action bounds are text in Spot's answers (the Go SDK reads *string),
# though clients often send numbers.
FIELDS += tuple(
    Field(f"scaling_{direction}_action_{bound}", f"scaling.{direction}.*.action.{bound}",
          f"Scaling {direction} action {bound}", STRING, STATELESS_ONLY, coerce=True)
    for direction in ("up", "down")
    for bound in ("adjustment", "minimum", "maximum", "target")
)  # fmt: skip


def _words(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", key).lower()


def _label(path: str) -> str:
    """A schema row's label from its path: its object's key and its own, in words."""
    keys = [key for key in path.split(".") if key != "*"]
    count = 3 if len(keys) > 2 and len(keys[-2]) <= 4 else 2  # "Scaling up cooldown"
    words = " ".join(_words(key) for key in keys[-count:])
    return words[:1].upper() + words[1:]


# Integers Spot's schema leaves unbounded: kept within 32 bits, which every Spot client reads.
INT32 = (-(2**31), 2**31 - 1)


def _schema_row(line: Line) -> Field:
    label = _label(line.path)
    rule: Rule | None = None
    if line.type == INTEGER and not line.enum:
        low = INT32[0] if line.minimum is None else line.minimum
        high = INT32[1] if line.maximum is None else line.maximum
        rule = NumberRule(label, low, high, source="Spot API" if line.minimum else "")
    elif line.max_length is not None:
        rule = TextRule(label, max_length=line.max_length, multiline=True, source="Azure")
    kinds = tuple(Kind(kind) for kind in line.kinds)
    return Field(
        f"{'+'.join(line.kinds)}:{line.path}", line.path, label, line.type, kinds,
        required=line.required, enum=line.enum, rule=rule,
        accepts={kind: line.accepts for kind in kinds}, closed=line.closed,
    )  # fmt: skip


# Spot's other request fields, each described once in groups.spot.schema_table.
FIELDS += tuple(_schema_row(line) for line in schema_lines())

BY_NAME: dict[str, Field] = {row.name: row for row in FIELDS}


def of_kind(kind: str) -> list[Field]:
    return [row for row in FIELDS if Kind(kind) in row.kinds]


def editor_fields(kind: str | None = None) -> list[Field]:
    """The rows the editor shows, in the form's order (for one kind, or for both)."""
    return [row for row in FIELDS if row.in_editor and (kind is None or Kind(kind) in row.kinds)]


def path_of(name: str, kind: str) -> str:
    return BY_NAME[name].path(kind)


def rule_at(path: str, kind: str, os_name: str = "Linux") -> Rule:
    """The rule of the field at `path` (for the editor's inputs and the OpenAPI document)."""
    for row in of_kind(kind):
        if row.path(kind) == path:
            rule = row.rule_for(kind, os_name)
            if rule is not None:
                return rule
    raise KeyError(path)

"""What makes a spec acceptable: Spot's schema rules, then the gallery image against the inventory.

Each problem names the Spot JSON field it is about (a dotted path) and says what is wrong in the
words a user knows from the console. A `warning` never blocks a save; an `error` blocks saving a
group as active (a draft keeps it, listed as a warning of the draft); a `hard` error (a value
that breaks a rule of groups.validation.limits: a length, a range, a naming rule) blocks drafts too.
"""

from __future__ import annotations

import json
from typing import Any

from console.models import Organization
from console.rules import TextRule
from galleries.azure_rules import REGION
from galleries.models import OS_TYPES
from galleries.selectors import is_inventory_region

from ..edit_context import EditContext
from ..models import Kind
from ..spot.fields import GALLERY, IMAGE, INTEGER, LAUNCH, LOGIN, of_kind
from ..spot.json import IMAGE_PATH, LOGIN_PATH, dig, gallery_version_key
from .inventory import check_gallery_image
from .limits import MAX_SPEC_BYTES, values_at
from .problems import (
    MISSING_REQUIRED_FIELD,
    SPECIALIZED_IMAGE_LOGIN,
    VALIDATION_ERROR,
    Checker,
    Problem,
)

PERSISTENCE_MODES = ("reattach", "onLaunch")
LIFECYCLES = ("spot", "od")


def is_specialized(image: Any) -> bool:
    """A specialized gallery image (or a cascade row of one) keeps the users of the VM it was
    captured from: Spot refuses a Login or custom data with it."""
    return image is not None and str(image.os_state).lower() == "specialized"


def validate_spec(
    context: EditContext,
    spec: dict[str, Any],
    *,
    has_stored_password: bool = False,
    previous_spec: dict[str, Any] | None = None,
) -> list[Problem]:
    """Every problem of `spec` for a group of the context's account; empty when it can be saved
    as active (who saves plays no part).

    `has_stored_password`: the group already has a (write-only) login password, so a login
    without one in `spec` is complete. `previous_spec`: the active group being updated, for the
    rules that only apply to updates (a stateful node's persisted OS disk keeps its image).
    """
    organization, account, kind = context.organization, context.account, Kind(context.kind)
    check = Checker(kind, spec if isinstance(spec, dict) else {}, previous_spec)
    _check_size(check)
    _check_field_rules(check, organization)
    _check_common(check)
    if kind == Kind.STATELESS:
        _check_stateless(check)
    else:
        _check_stateful(check)
    image_state = _check_image(check)
    image = None
    if image_state == "gallery" and not any(p.field.startswith(GALLERY) for p in check.problems):
        image = check_gallery_image(check, organization=organization, account=account)
    _check_login(check, image_state, image, has_stored_password)
    return check.problems


def _check_common(check: Checker) -> None:
    check.required("name", "Name", str)
    check.required("region", "Region", str)
    check.required("resourceGroupName", "Resource group", str)
    check.optional("description", "Description", str)
    if check.required("compute", "Compute", dict) is None:
        return
    os_name = check.required("compute.os", "Operating system", str)
    if os_name is not None and os_name not in OS_TYPES:
        check.add(VALIDATION_ERROR, "Operating system must be Linux or Windows.", "compute.os")
    if check.required("compute.vmSizes", "VM sizes", dict) is not None:
        od_sizes = check.required("compute.vmSizes.odSizes", "On-demand VM sizes", list)
        _strings_only(check, "compute.vmSizes.odSizes", "On-demand VM sizes", od_sizes)
    if check.required(LAUNCH, "Launch specification", dict) is None:
        return
    check.required(IMAGE, "Image", dict)
    _check_network(check)
    check.optional(f"{LAUNCH}.customData", "Custom data", str)


def _strings_only(check: Checker, path: str, label: str, values: Any) -> None:
    if isinstance(values, list) and not all(isinstance(v, str) and v for v in values):
        check.add(VALIDATION_ERROR, f"{label} must be a list of VM size names.", path)


def _check_network(check: Checker) -> None:
    network = f"{LAUNCH}.network"
    if check.required(network, "Network", dict) is None:
        return
    check.required(f"{network}.resourceGroupName", "Network resource group", str)
    check.required(f"{network}.virtualNetworkName", "Virtual network", str)
    nics = check.required(f"{network}.networkInterfaces", "Network interfaces", list)
    if nics is None:
        return
    primaries = 0
    for index, nic in enumerate(nics):
        path = f"{network}.networkInterfaces.{index}"
        if not isinstance(nic, dict):
            check.add(VALIDATION_ERROR, "Each network interface must be an object.", path)
            continue
        if not isinstance(nic.get("subnetName"), str) or not nic["subnetName"]:
            check.add(MISSING_REQUIRED_FIELD, "Subnet is required.", f"{path}.subnetName")
        if not isinstance(nic.get("isPrimary"), bool):
            check.add(
                MISSING_REQUIRED_FIELD,
                "Say whether the network interface is the primary one (isPrimary).",
                f"{path}.isPrimary",
            )
        primaries += nic.get("isPrimary") is True
    if nics and primaries != 1:
        check.add(
            VALIDATION_ERROR,
            "Exactly one network interface must be the primary one.",
            f"{network}.networkInterfaces",
        )


def _check_stateless(check: Checker) -> None:
    high = None
    if check.required("capacity", "Capacity", dict) is not None:
        values = {}
        for key in ("minimum", "target", "maximum"):
            values[key] = check.required(f"capacity.{key}", f"Capacity {key}", int)
        low, target, high = values["minimum"], values["target"], values["maximum"]
        if None not in (low, target, high) and not (low <= target <= high):
            check.add(
                VALIDATION_ERROR,
                f"Capacity must satisfy minimum ≤ target ≤ maximum (got {low}, {target}, {high}).",
                "capacity.target",
            )
    if check.required("strategy", "Strategy", dict) is not None:
        check.optional("strategy.spotPercentage", "Spot percentage", int)
        on_demand = check.optional("strategy.onDemandCount", "On-demand count", int)
        if on_demand is not None and high is not None and on_demand > high:
            check.add(
                VALIDATION_ERROR,
                f"On-demand count ({on_demand}) can't be more than capacity maximum ({high}).",
                "strategy.onDemandCount",
            )
        check.optional("strategy.fallbackToOd", "Fallback to on-demand", bool)
    if isinstance(dig(check.spec, "compute.vmSizes"), dict):
        spot_sizes = dig(check.spec, "compute.vmSizes.spotSizes")
        if not spot_sizes and not dig(check.spec, "compute.vmSizes.spotSizeAttributes"):
            check.add(
                MISSING_REQUIRED_FIELD, "Spot VM sizes are required.", "compute.vmSizes.spotSizes"
            )
        elif spot_sizes is not None:
            check.typed("compute.vmSizes.spotSizes", "Spot VM sizes", spot_sizes, list)
            _strings_only(check, "compute.vmSizes.spotSizes", "Spot VM sizes", spot_sizes)
    check.optional("compute.preferredZones", "Preferred zones", list)


def _check_stateful(check: Checker) -> None:
    if check.required("strategy", "Strategy", dict) is not None:
        check.required("strategy.fallbackToOd", "Fallback to on-demand", bool)
        lifecycle = check.optional("strategy.preferredLifecycle", "Preferred lifecycle", str)
        if lifecycle is not None and lifecycle not in LIFECYCLES:
            check.add(
                VALIDATION_ERROR,
                "Preferred lifecycle must be spot or od.",
                "strategy.preferredLifecycle",
            )
    if check.required("persistence", "Persistence", dict) is not None:
        for key, label in (
            ("shouldPersistOsDisk", "Persist OS disk"),
            ("shouldPersistDataDisks", "Persist data disks"),
            ("shouldPersistNetwork", "Persist network"),
        ):
            check.required(f"persistence.{key}", label, bool)
        for key in ("osDiskPersistenceMode", "dataDisksPersistenceMode"):
            mode = check.optional(f"persistence.{key}", key, str)
            if mode is not None and mode not in PERSISTENCE_MODES:
                check.add(
                    VALIDATION_ERROR, f"{key} must be reattach or onLaunch.", f"persistence.{key}"
                )
    check.optional("compute.preferredZone", "Preferred zone", str)
    spot_sizes = check.optional("compute.vmSizes.spotSizes", "Spot VM sizes", list)
    _strings_only(check, "compute.vmSizes.spotSizes", "Spot VM sizes", spot_sizes)
    persists_os_disk = dig(check.previous_spec, "persistence.shouldPersistOsDisk") is True
    if persists_os_disk and check.image_changed:
        check.add(
            VALIDATION_ERROR,
            "The image can't be changed while the node persists its OS disk.",
            IMAGE,
        )


def _check_image(check: Checker) -> str | None:
    """Exactly one image variant with its required fields; returns which one."""
    image = dig(check.spec, IMAGE_PATH)
    if not isinstance(image, dict):
        return None
    variants = [key for key in ("marketplace", "custom", "gallery") if image.get(key) is not None]
    if len(variants) != 1:
        found = ", ".join(variants) or "none"
        check.add(
            VALIDATION_ERROR,
            f"Choose exactly one image source: marketplace, custom or gallery (found {found}).",
            IMAGE,
        )
        return None
    variant = variants[0]
    if check.typed(f"{IMAGE}.{variant}", "The image", image[variant], dict) is None:
        return None
    required = {
        "marketplace": [
            ("publisher", "Publisher"),
            ("offer", "Offer"),
            ("sku", "SKU"),
            ("version", "Version"),
        ],
        "custom": [("resourceGroupName", "Image resource group"), ("name", "Image name")],
        "gallery": [
            ("resourceGroupName", "Image resource group"),
            ("galleryName", "Gallery"),
            ("imageName", "Image name"),
            (gallery_version_key(check.kind), "Version"),
        ],
    }[variant]
    for key, label in required:
        check.required(f"{IMAGE}.{variant}.{key}", label, str)
    if variant == "gallery":
        check.optional(f"{GALLERY}.spotAccountId", "Account of the gallery", str)
    return variant


def _check_login(
    check: Checker, image_state: str | None, image: Any, has_stored_password: bool
) -> None:
    login = dig(check.spec, LOGIN_PATH)
    custom_data = dig(check.spec, (*IMAGE_PATH[:-1], "customData"))
    if is_specialized(image):
        if login is not None:
            check.add(
                SPECIALIZED_IMAGE_LOGIN,
                f"Image {image.name} is specialized: it keeps its own users, so leave Login out.",
                LOGIN,
            )
        if custom_data:
            check.add(
                SPECIALIZED_IMAGE_LOGIN,
                f"Image {image.name} is specialized: custom data can't be used with it.",
                f"{LAUNCH}.customData",
            )
        return
    image_unknown = image_state is None or (image_state == "gallery" and image is None)
    if login is None and image_unknown:
        return  # the image problem is already reported; a login can't be judged without it
    if login is None:
        check.add(MISSING_REQUIRED_FIELD, "Login is required for this image.", LOGIN)
        return
    if check.typed(LOGIN, "Login", login, dict) is None:
        return
    check.required(f"{LOGIN}.userName", "User name", str)
    has_password = bool(login.get("password")) or has_stored_password
    if dig(check.spec, "compute.os") == "Windows" and not has_password:
        check.add(
            MISSING_REQUIRED_FIELD, "A password is required for Windows VMs.", f"{LOGIN}.password"
        )
    elif not has_password and not login.get("sshPublicKey"):
        check.add(
            MISSING_REQUIRED_FIELD,
            "An SSH public key (or a password) is required for Linux VMs.",
            f"{LOGIN}.sshPublicKey",
        )


def _check_size(check: Checker) -> None:
    size = len(json.dumps(check.spec, ensure_ascii=False).encode())
    if size > MAX_SPEC_BYTES:
        check.add(
            VALIDATION_ERROR,
            f"The group's JSON is {size:,} bytes; at most {MAX_SPEC_BYTES:,} are kept.",
            "",
            hard=True,
        )


def _check_field_rules(check: Checker, organization: Organization) -> None:
    """The field table's rules, at every path: a broken rule is a hard error at the field."""
    os_name = dig(check.spec, "compute.os")
    for row in of_kind(check.kind):
        rule = row.rule_for(check.kind, os_name)
        if rule is None:
            continue
        for path, value in values_at(check.spec, row.path(check.kind)):
            if value is None or value == "":
                continue  # absent: the required-field checks speak for it
            if isinstance(rule, TextRule):
                if not isinstance(value, str):
                    check.add(VALIDATION_ERROR, f"{rule.label} must be text.", path)
                    continue
                message = rule.problem(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                message = rule.problem(value)
            elif row.type == INTEGER:
                # Untyped by the request models: a Go client could not read it back.
                check.add(VALIDATION_ERROR, f"{rule.label} must be a whole number.", path)
                continue
            else:
                continue  # not a number: the type checks speak for it
            if message is not None and rule is REGION and is_inventory_region(organization, value):
                continue  # a custom cloud's region (Azure Stack Hub's "local")
            if message is not None:
                check.add(VALIDATION_ERROR, message, path, hard=True)

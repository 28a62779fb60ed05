"""ARM resource ids as the inventory stores them (lower-cased), and version sort keys.

ARM ids and names are case-insensitive, so rows are keyed by the lower-cased id; building the
id of a parent from its names turns every case-insensitive lookup into an exact, indexed one.
"""

from __future__ import annotations

_PART_WIDTH = 6


def version_sort_key(name: str) -> str:
    """Text key whose order is version order: "1.2.10" -> "000001.000002.000010".

    Numeric parts are zero-padded; a non-numeric part is kept lower-cased (it then sorts
    after any number, since letters follow digits), so odd names never raise.
    """
    parts = []
    for part in (name or "").strip().split("."):
        parts.append(part.zfill(_PART_WIDTH) if part.isdigit() else part.lower())
    return ".".join(parts)[:40]


def subscription_arm_id(subscription_id: str) -> str:
    return f"/subscriptions/{subscription_id}".lower()


def resource_group_arm_id(subscription_id: str, resource_group_name: str) -> str:
    return f"/subscriptions/{subscription_id}/resourcegroups/{resource_group_name}".lower()


def gallery_arm_id(subscription_id: str, resource_group_name: str, gallery_name: str) -> str:
    return (
        f"{resource_group_arm_id(subscription_id, resource_group_name)}"
        f"/providers/microsoft.compute/galleries/{gallery_name}".lower()
    )


def image_arm_id(
    subscription_id: str, resource_group_name: str, gallery_name: str, image_name: str
) -> str:
    gallery = gallery_arm_id(subscription_id, resource_group_name, gallery_name)
    return f"{gallery}/images/{image_name}".lower()


def version_arm_id(image_id: str, version_name: str) -> str:
    return f"{image_id}/versions/{version_name}".lower()


def resource_group_of(arm_id: str) -> str:
    """The resource group id that contains `arm_id` (lower-cased)."""
    parts = arm_id.lower().split("/")
    # "", "subscriptions", SUB, "resourcegroups", RG, ...
    return "/".join(parts[:5])


def resource_group_name_of(arm_id: str) -> str:
    """The resource group name as written in `arm_id` (case preserved)."""
    parts = arm_id.split("/")
    return parts[4] if len(parts) > 4 else ""

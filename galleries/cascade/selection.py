"""What the user has chosen in the Shared Image cascade, read from a request's data."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from galleries.image_filter import ImageFilter, param_text
from galleries.models import GalleryImage

# Longer lists are cut here, with "type to narrow" (NetBox caps its dropdowns the same way).
OPTION_CAP = 100
LATEST = "latest"

# The cascade's levels, parent first, named as everywhere in Python (Spot's gallery reference,
# snake_cased; the gallery's resource group is prefixed, as a group has a resource group of its
# own in the same editor form). Each is a level's key, its query parameter and the editor
# form's field; "<name>_q" narrows the level's list.
FIELDS = (
    "spot_account_id",
    "gallery_resource_group_name",
    "gallery_name",
    "image_name",
    "version_name",
)


@dataclass(frozen=True)
class Selection(ImageFilter):
    """What the user has chosen so far, filtered by the group's OS and region."""

    group_account: str = ""
    spot_account_id: str = ""
    gallery_resource_group_name: str = ""
    gallery_name: str = ""
    image_name: str = ""
    version_name: str = ""
    all_versions: bool = False
    queries: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def account(self) -> str:
        return self.spot_account_id or self.group_account

    def cleared_below(self, field_name: str) -> Selection:
        """The selection with every level under `field_name` emptied (a parent changed)."""
        if field_name not in FIELDS:
            return self
        below: dict[str, Any] = {name: "" for name in FIELDS[FIELDS.index(field_name) + 1 :]}
        return dataclasses.replace(self, **below)

    def with_value(self, field_name: str, value: str) -> Selection:
        changes: dict[str, Any] = {field_name: value}
        return dataclasses.replace(self, **changes)


def selection_from(params: Mapping[str, Any], changed: str | None = None) -> Selection:
    """Read a selection from GET/POST data; `changed` names the field the user just changed."""

    def value(name: str) -> str:
        return param_text(params, name)

    selection = Selection(
        **Selection.read_filter(params),
        group_account=value("group_account"),
        spot_account_id=value("spot_account_id"),
        gallery_resource_group_name=value("gallery_resource_group_name"),
        gallery_name=value("gallery_name"),
        image_name=value("image_name"),
        version_name=value("version_name"),
        all_versions=value("all_versions") in ("1", "on", "true"),
        queries={name: value(f"{name}_q") for name in FIELDS if value(f"{name}_q")},
    )
    return selection.cleared_below(changed) if changed else selection


def choosing(image: GalleryImage) -> dict[str, str]:
    """The cascade's values that pick `image` (its account, resource group, gallery, itself) and
    its latest version, as "Use this image" fills them."""
    return {
        "spot_account_id": image.subscription.account_id,
        "gallery_resource_group_name": image.gallery.resource_group.name,
        "gallery_name": image.gallery.name,
        "image_name": image.name,
        "version_name": LATEST,
    }

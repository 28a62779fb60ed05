"""The Shared Image cascade's levels, built from a Selection with queries.py's reads.

A fragment builds one level (at most three queries); the editor page builds them all. Each
builder but the account's takes the subscription's row when the caller has read it already.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from console.models import Organization
from galleries.models import ConnectedSubscription
from galleries.regions import region_display_name
from galleries.selectors import FAILED_PROVISIONING, subscriptions_for

from . import queries
from .queries import ImageRow, SubscriptionAge, VersionRow
from .selection import FIELDS, LATEST, Selection

ALL_LEVELS = (*FIELDS, "details")
NEXT_LEVEL = dict(itertools.pairwise(ALL_LEVELS))
LABELS = {
    "spot_account_id": "Account",
    "gallery_resource_group_name": "Image resource group",
    "gallery_name": "Gallery name",
    "image_name": "Image name",
    "version_name": "Version",
    "details": "Details",
}


# Lists the names a level offers: (subscription, selection, filter text) -> (names, cut short).
NameLister = Callable[[SubscriptionAge, Selection, str], tuple[list[str], bool]]

# A level with this many options (or more than one page of them) gets a type-to-filter box.
FILTER_FROM = 8


@dataclass
class Option:
    value: str
    label: str
    disabled: bool = False


@dataclass
class Level:
    """One dropdown of the cascade, ready to render."""

    key: str
    options: list[Option]
    selected: str
    query: str = ""
    truncated: bool = False
    subscription: SubscriptionAge | None = None
    notice: str = ""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def field(self) -> str:
        return self.key if self.key != "details" else ""

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def next_key(self) -> str | None:
        return NEXT_LEVEL.get(self.key)

    @property
    def searchable(self) -> bool:
        """A filter box only where the list is long: a few options are quicker to read."""
        if self.key in ("spot_account_id", "details"):
            return False
        return bool(self.query) or self.truncated or len(self.options) >= FILTER_FROM

    @property
    def shows_inventory_age(self) -> bool:
        """Said once, under the first level of the subscription's inventory."""
        return self.subscription is not None and self.key == "gallery_resource_group_name"

    @property
    def refreshed_at(self) -> Any:
        return self.subscription.refreshed_at if self.subscription else None

    @property
    def options_html(self) -> SafeString:
        """The <option>s, built in Python: a template loop is the slowest part of a fragment."""
        return mark_safe(  # noqa: S308 - every value and label is escaped right here
            "\n".join(
                f'<option value="{escape(option.value)}"'
                f"{' selected' if option.value == self.selected else ''}"
                f"{' disabled' if option.disabled else ''}>{escape(option.label)}</option>"
                for option in self.options
            )
        )

    @property
    def announcement(self) -> str:
        if self.key == "details":
            version = self.extra.get("version")
            return f"Details of version {version.name} loaded" if version else ""
        more = " (more: type to narrow)" if self.truncated else ""
        count = len([option for option in self.options if option.value != LATEST])
        return f"{count} {self.label.lower()} options loaded{more}"


def _named_level(
    key: str,
    list_names: NameLister,
    organization: Organization,
    selection: Selection,
    sub: SubscriptionAge | None,
    keep_vanished: bool = True,
) -> Level:
    """A level whose options are the names `list_names` finds for the selection's `key`."""
    sub = sub or queries.subscription_with_age(organization, selection.account)
    query = selection.queries.get(key, "")
    names, truncated = list_names(sub, selection, query)
    wanted = getattr(selection, key)
    selected = next((name for name in names if name.lower() == wanted.lower()), "")
    options = [Option(name, name) for name in names]
    if wanted and not selected and not query and keep_vanished:
        # Keep a vanished choice (a draft made before the inventory changed), flagged, rather
        # than dropping it silently on the next save.
        options.insert(0, Option(wanted, f"{wanted} (no longer in the inventory)"))
        selected = wanted
    level = Level(key, options, selected, query=query, truncated=truncated, subscription=sub)
    if options and options[0].label.endswith("(no longer in the inventory)"):
        level.notice = f"{wanted} is no longer in the inventory; choose another."
    return level


def account_level(
    organization: Organization,
    selection: Selection,
    subscriptions: Iterable[ConnectedSubscription] | None = None,
) -> Level:
    """`subscriptions`: the organization's (subscriptions_for), when the caller has read them."""
    options = [
        Option(sub.account_id, f"{sub.display_name} ({sub.account_id})")
        for sub in (subscriptions if subscriptions is not None else subscriptions_for(organization))
    ]
    return Level("spot_account_id", options, selection.account)


def resource_group_level(
    organization: Organization, selection: Selection, sub: SubscriptionAge | None = None
) -> Level:
    return _named_level(
        "gallery_resource_group_name", queries.resource_group_names, organization, selection, sub
    )


def gallery_level(
    organization: Organization, selection: Selection, sub: SubscriptionAge | None = None
) -> Level:
    return _named_level("gallery_name", queries.gallery_names, organization, selection, sub)


def image_level(
    organization: Organization, selection: Selection, sub: SubscriptionAge | None = None
) -> Level:
    """Images for the chosen OS, and the share check's verdict for another subscription's."""
    sub = sub or queries.subscription_with_age(organization, selection.account)
    # An image that no longer fits (the OS changed, or it is gone) is dropped, not kept.
    level = _named_level(
        "image_name", queries.image_names, organization, selection, sub, keep_vanished=False
    )
    if selection.image_name and not level.selected and not level.query:
        kind = f"{selection.os} " if selection.os else ""
        level.notice = (
            f"{selection.image_name} is not one of this gallery's {kind}images; choose another."
        )
    if shows_share_check(selection, sub):
        level.extra["cross_subscription"] = True
        level.extra["gallery_name"] = selection.gallery_name
        level.extra["share_check"] = queries.share_verdict(
            organization, selection.group_account, sub, selection
        )
    return level


def shows_share_check(selection: Selection, sub: SubscriptionAge) -> bool:
    """Whether the image level says if the group's subscription may read the chosen gallery:
    when the gallery is another subscription's."""
    return bool(selection.group_account) and selection.group_account != sub.account_id


def version_level(
    organization: Organization, selection: Selection, sub: SubscriptionAge | None = None
) -> Level:
    """ "Latest (currently x)" first, then versions newest first, failed ones disabled."""
    sub = sub or queries.subscription_with_age(organization, selection.account)
    image = queries.chosen_image(sub, selection)
    if image is None:
        kept = selection.version_name
        options = [Option(kept, f"{kept} (image not in the inventory)")] if kept else []
        level = Level("version_name", options, kept, subscription=sub)
        level.notice = "The chosen image is not in the inventory; its versions can't be listed."
        return level
    query = selection.queries.get("version_name", "")
    versions, truncated = queries.versions_of(image, selection, query)
    region = selection.region
    latest_name = image.latest_name
    if latest_name:
        latest_label = f"Latest (currently {latest_name})"
    else:
        latest_label = "Latest (nothing eligible in this region yet)" if region else "Latest"
    today = timezone.now().date().isoformat()
    not_in_region = f"not in {region_display_name(region)}" if region else ""
    options = [Option(LATEST, latest_label)]
    options += [_version_option(version, today, not_in_region) for version in versions]
    wanted = selection.version_name.lower()
    selected = next((o.value for o in options if o.value.lower() == wanted and not o.disabled), "")
    level = Level(
        "version_name", options, selected, query=query, truncated=truncated, subscription=sub
    )
    level.extra.update(
        image=image,
        region=region,
        region_name=region_display_name(region),
        image_end_of_life_passed=_passed(image.end_of_life_date),
    )
    if selection.version_name and not selected and not query:
        _explain_unlisted_version(level, image, selection.version_name, region)
    return level


def _explain_unlisted_version(level: Level, image: ImageRow, kept: str, region: str) -> None:
    """The stored version is not among the options: past the cap, deleted, or unusable here."""
    listed = any(option.value.lower() == kept.lower() for option in level.options)
    if image.selected_version is None:
        # Keep it selected and flagged (as for a vanished gallery), so an unrelated edit does
        # not fail on a silently emptied Version.
        level.options.insert(1, Option(kept, f"{kept} — no longer in the gallery"))
        level.selected = kept
        level.extra["vanished"] = True
        level.notice = (
            f"Image {image.name} has no version {kept} any more: it was deleted from the "
            "gallery; choose another."
        )
    elif not listed and (image.selected_usable or not region):
        # Usable, only past the list's cap: keep it, as a longer list would.
        level.options.insert(1, Option(image.selected_version, image.selected_version))
        level.selected = image.selected_version
    else:
        level.notice = (
            f"Version {kept} is not available in "
            f"{region_display_name(region) or 'this region'}; choose another."
        )


def _version_option(version: VersionRow, today: str, not_in_region: str) -> Option:
    """`not_in_region`: what a version missing from the chosen region is marked with, if any."""
    parts = [version.name]
    if version.published_on:
        parts.append(f"published {version.published_on}")
    failed = version.provisioning_state.lower() == FAILED_PROVISIONING
    if failed:
        parts.append("failed, cannot be used")
    if version.end_of_life_on:
        passed = version.end_of_life_on < today
        parts.append(f"end of life {'passed ' if passed else ''}{version.end_of_life_on}")
    if version.exclude_from_latest:
        parts.append("excluded from latest")
    if not_in_region and not version.in_region:
        parts.append(not_in_region)
    return Option(version.name, " · ".join(parts), disabled=failed)


def version_details(
    organization: Organization,
    selection: Selection,
    sub: SubscriptionAge | None = None,
    image: ImageRow | None = None,
) -> Level:
    """The chosen version (or what "latest" resolves to) with its regions and replica counts.
    `image`: the chosen image's row, when the version level has read it."""
    sub = sub or queries.subscription_with_age(organization, selection.account)
    image = image or queries.chosen_image(sub, selection)
    details: dict[str, Any] = {"image": image, "version": None, "region": selection.region}
    level = Level("details", [], selection.version_name, subscription=sub, extra=details)
    if image is None or not selection.version_name:
        return level
    version, regions = queries.version_with_regions(image, selection.version_name)
    for region in regions:
        region["name"] = region_display_name(region["key"])
    details.update(
        version=version,
        regions=regions,
        in_region=any(region["key"] == selection.region for region in regions),
        is_latest=selection.version_name.lower() == LATEST,
        end_of_life_passed=_passed(version.end_of_life_date if version else None),
        region_name=region_display_name(selection.region),
    )
    return level


def _passed(moment: Any) -> bool:
    return moment is not None and moment < timezone.now()


BUILDERS: dict[str, Callable[[Organization, Selection, SubscriptionAge | None], Level]] = {
    "gallery_resource_group_name": resource_group_level,
    "gallery_name": gallery_level,
    "image_name": image_level,
    "version_name": version_level,
    "details": version_details,
}


def full_cascade(
    organization: Organization,
    selection: Selection,
    subscriptions: Iterable[ConnectedSubscription] | None = None,
) -> list[Level]:
    """Every level the selection reaches, for a full-page render: the subscription's row is
    read once for all of them, and the chosen image's once for the version and its details.
    `subscriptions`: the organization's, when the caller has read them."""
    levels = [account_level(organization, selection, subscriptions)]
    if not selection.account:
        return levels
    try:
        sub = queries.subscription_with_age(organization, selection.account)
    except Http404:
        return levels  # an account without a connected subscription: nothing to list
    levels.append(resource_group_level(organization, selection, sub))
    steps = (
        ("gallery_resource_group_name", gallery_level),
        ("gallery_name", image_level),
        ("image_name", version_level),
    )
    for parent_field, build in steps:
        if not levels[-1].selected:
            return levels
        selection = selection.with_value(parent_field, levels[-1].selected)
        levels.append(build(organization, selection, sub))
    if levels[-1].selected:
        selection = selection.with_value("version_name", levels[-1].selected)
        image = levels[-1].extra.get("image")
        levels.append(version_details(organization, selection, sub, image))
    return levels

"""The Shared Image cascade: Account -> Image Resource Group -> Gallery -> Image -> Version.

Each level is built by one function from the current `Selection`, with at most three SQL
queries (the subscription with its inventory age, the level's rows, and one lookup), so that
every htmx fragment stays fast however large the inventory grows. The editor page composes
all levels for a full render (direct loads, history restore, the no-JavaScript path).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from console.models import Organization

from .arm_ids import gallery_arm_id, image_arm_id, resource_group_arm_id, version_arm_id
from .models import (
    ConnectedSubscription,
    Gallery,
    GalleryImage,
    ImageVersion,
    RefreshRun,
    RefreshStatus,
    ResourceGroup,
    ShareCheck,
    VersionRegion,
)
from .regions import normalize_region, region_display_name
from .selectors import FAILED_PROVISIONING, normalize_os_type

# Longer lists are cut here, with "type to narrow" (NetBox caps its dropdowns the same way).
OPTION_CAP = 100
LATEST = "latest"

# The cascade's fields, parent first; the editor form uses the same names.
FIELDS = ("image_account", "image_resource_group", "image_gallery", "image_name", "image_version")
LEVEL_KEYS = ("account", "resource_group", "gallery", "image", "version")
CONTEXT_FIELDS = ("group_account", "os", "region")


@dataclass(frozen=True)
class Selection:
    """What the user has chosen so far, plus the group's OS and region that filter it."""

    group_account: str = ""
    os: str = ""
    region: str = ""
    image_account: str = ""
    image_resource_group: str = ""
    image_gallery: str = ""
    image_name: str = ""
    image_version: str = ""
    all_versions: bool = False
    queries: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def account(self) -> str:
        return self.image_account or self.group_account

    def cleared_below(self, field_name: str) -> Selection:
        """The selection with every level under `field_name` emptied (a parent changed)."""
        if field_name not in FIELDS:
            return self
        below: dict[str, Any] = {name: "" for name in FIELDS[FIELDS.index(field_name) + 1 :]}
        return replace(self, **below)


def selection_from(params: Mapping[str, Any], changed: str | None = None) -> Selection:
    """Read a selection from GET/POST data; `changed` names the field the user just changed."""

    def value(name: str) -> str:
        return str(params.get(name, "") or "").strip()[:200]

    selection = Selection(
        group_account=value("group_account"),
        os=normalize_os_type(value("os")) if value("os") else "",
        region=normalize_region(value("region")),
        image_account=value("image_account"),
        image_resource_group=value("image_resource_group"),
        image_gallery=value("image_gallery"),
        image_name=value("image_name"),
        image_version=value("image_version"),
        all_versions=value("all_versions") in ("1", "on", "true"),
        queries={key: value(f"{key}_q") for key in LEVEL_KEYS if value(f"{key}_q")},
    )
    return selection.cleared_below(changed) if changed else selection


@dataclass
class Option:
    value: str
    label: str
    disabled: bool = False


@dataclass
class Level:
    """One dropdown of the cascade, ready to render."""

    key: str
    field: str
    label: str
    options: list[Option]
    selected: str
    query: str = ""
    truncated: bool = False
    subscription: ConnectedSubscription | None = None
    notice: str = ""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def next_key(self) -> str | None:
        return NEXT_LEVEL.get(self.key)

    @property
    def searchable(self) -> bool:
        return self.key not in ("account", "details")

    @property
    def refreshed_at(self) -> Any:
        return getattr(self.subscription, "refreshed_at", None)

    @property
    def announcement(self) -> str:
        if self.key == "details":
            version = self.extra.get("version")
            return f"Details of version {version.name} loaded" if version else ""
        noun = self.label.lower()
        more = " (more: type to narrow)" if self.truncated else ""
        return f"{len([o for o in self.options if o.value])} {noun} options loaded{more}"


# --- reads -------------------------------------------------------------------------------------


def subscriptions_of(organization: Organization) -> QuerySet[ConnectedSubscription]:
    return ConnectedSubscription.objects.filter(organization=organization).select_related("account")


def subscription_with_age(organization: Organization, account_id: str) -> ConnectedSubscription:
    """The organization's subscription bound to `account_id`, annotated with the inventory's
    last successful refresh and any run still going; another organization's id is a 404."""
    finished = RefreshRun.objects.filter(
        subscription=OuterRef("pk"),
        status__in=[RefreshStatus.SUCCEEDED, RefreshStatus.PARTIAL],
    ).order_by("-finished_at")
    subscription = (
        subscriptions_of(organization)
        .filter(account_id=account_id)
        .annotate(refreshed_at=Subquery(finished.values("finished_at")[:1]))
        .first()
    )
    if subscription is None:
        raise Http404("No connected subscription with that account in this organization.")
    return subscription


def _limited(rows: QuerySet, selected_q: Q, query: str) -> tuple[list, bool]:
    """Rows matching `query` (always including the selected one), capped at OPTION_CAP."""
    if query:
        rows = rows.filter(Q(name__icontains=query) | selected_q)
    found = list(rows[: OPTION_CAP + 1])
    return found[:OPTION_CAP], len(found) > OPTION_CAP


# --- levels ------------------------------------------------------------------------------------


def account_level(organization: Organization, selection: Selection) -> Level:
    options = [
        Option(sub.account_id, f"{sub.display_name} ({sub.account_id})")
        for sub in subscriptions_of(organization)
    ]
    return Level("account", "image_account", "Account", options, selection.account)


def resource_group_level(organization: Organization, selection: Selection) -> Level:
    subscription = subscription_with_age(organization, selection.account)
    live_gallery = Gallery.objects.filter(resource_group=OuterRef("pk"), deleted_at=None)
    rows = (
        ResourceGroup.objects.filter(subscription=subscription, deleted_at=None)
        .filter(Exists(live_gallery))
        .order_by("name")
    )
    wanted = resource_group_arm_id(subscription.subscription_id, selection.image_resource_group)
    query = selection.queries.get("resource_group", "")
    found, truncated = _limited(rows, Q(arm_id=wanted), query)
    return _level_from_rows(
        "resource_group", "Image resource group", found, selection.image_resource_group,
        query=query, truncated=truncated, subscription=subscription,
    )  # fmt: skip


def gallery_level(organization: Organization, selection: Selection) -> Level:
    subscription = subscription_with_age(organization, selection.account)
    rg_id = resource_group_arm_id(subscription.subscription_id, selection.image_resource_group)
    rows = Gallery.objects.filter(
        subscription=subscription,
        resource_group__arm_id=rg_id,
        resource_group__deleted_at=None,
        deleted_at=None,
    ).order_by("name")
    wanted = gallery_arm_id(
        subscription.subscription_id, selection.image_resource_group, selection.image_gallery
    )
    query = selection.queries.get("gallery", "")
    found, truncated = _limited(rows, Q(arm_id=wanted), query)
    return _level_from_rows(
        "gallery", "Gallery name", found, selection.image_gallery,
        query=query, truncated=truncated, subscription=subscription,
    )  # fmt: skip


def image_level(organization: Organization, selection: Selection) -> Level:
    """Images of the gallery for the chosen OS, and the share check's verdict when the
    gallery belongs to another subscription than the group's."""
    subscription = subscription_with_age(organization, selection.account)
    g_id = gallery_arm_id(
        subscription.subscription_id, selection.image_resource_group, selection.image_gallery
    )
    rows = GalleryImage.objects.filter(
        subscription=subscription, gallery__arm_id=g_id, gallery__deleted_at=None, deleted_at=None
    ).order_by("name")
    if selection.os:
        rows = rows.filter(os_type=selection.os)
    wanted = image_arm_id(
        subscription.subscription_id,
        selection.image_resource_group,
        selection.image_gallery,
        selection.image_name,
    )
    query = selection.queries.get("image", "")
    found, truncated = _limited(rows, Q(arm_id=wanted), query)
    level = _level_from_rows(
        "image", "Image name", found, selection.image_name,
        query=query, truncated=truncated, subscription=subscription,
    )  # fmt: skip
    if selection.image_name and not level.selected:
        level.notice = (
            f"{selection.image_name} is not a {selection.os or ''} image of this gallery; "
            "choose another."
        ).replace("  ", " ")
    if selection.group_account and selection.group_account != subscription.account_id:
        level.extra["share_check"] = (
            ShareCheck.objects.filter(
                reader__organization=organization,
                reader__account_id=selection.group_account,
                gallery__subscription=subscription,
                gallery__arm_id=g_id,
            )
            .select_related("reader")
            .first()
        )
        level.extra["cross_subscription"] = True
    return level


def chosen_image(
    organization: Organization, selection: Selection
) -> tuple[ConnectedSubscription, GalleryImage | None]:
    """The chosen image, annotated with the version "latest" resolves to in the region."""
    subscription = subscription_with_age(organization, selection.account)
    i_id = image_arm_id(
        subscription.subscription_id,
        selection.image_resource_group,
        selection.image_gallery,
        selection.image_name,
    )
    images = GalleryImage.objects.filter(
        subscription=subscription, arm_id=i_id, deleted_at=None, gallery__deleted_at=None
    )
    if selection.region:
        eligible_region = VersionRegion.objects.filter(
            version=OuterRef("pk"), region=selection.region, exclude_from_latest=False
        )
        latest = (
            ImageVersion.objects.filter(
                image=OuterRef("pk"), deleted_at=None, exclude_from_latest=False
            )
            .exclude(provisioning_state__iexact=FAILED_PROVISIONING)
            .filter(Exists(eligible_region))
            .order_by("-sort_key", "-id")
        )
        images = images.annotate(
            latest_name=Subquery(latest.values("name")[:1]),
            latest_id=Subquery(latest.values("id")[:1]),
        )
    return subscription, images.first()


def version_level(organization: Organization, selection: Selection) -> Level:
    """Versions newest first: those replicated to the region, or all of them marked."""
    subscription, image = chosen_image(organization, selection)
    if image is None:
        level = Level("version", "image_version", "Version", [], "", subscription=subscription)
        level.notice = "The chosen image is no longer in the inventory; choose another."
        return level
    region = selection.region
    in_region = VersionRegion.objects.filter(version=OuterRef("pk"), region=region)
    rows = (
        ImageVersion.objects.filter(image=image, deleted_at=None)
        .annotate(in_region=Exists(in_region))
        .order_by("-sort_key", "-id")
    )
    wanted_q = Q(arm_id=version_arm_id(image.arm_id, selection.image_version))
    if region and not selection.all_versions:
        rows = rows.filter(in_region=True)
    query = selection.queries.get("version", "")
    found, truncated = _limited(rows, wanted_q, query)
    latest_name = getattr(image, "latest_name", None)
    latest_label = (
        f"Latest (currently {latest_name})"
        if latest_name
        else ("Latest (nothing eligible in this region yet)" if region else "Latest")
    )
    options = [Option(LATEST, latest_label)]
    selected = LATEST if selection.image_version.lower() == LATEST else ""
    for version in found:
        options.append(_version_option(version, region))
        if version.name.lower() == selection.image_version.lower() and not options[-1].disabled:
            selected = version.name
    level = Level(
        "version", "image_version", "Version", options, selected,
        query=query, truncated=truncated, subscription=subscription,
    )  # fmt: skip
    level.extra.update(image=image, region=region, region_name=region_display_name(region))
    if selection.image_version and not selected:
        level.notice = (
            f"Version {selection.image_version} is not available in "
            f"{region_display_name(region)}; choose another."
        )
    return level


def _version_option(version: ImageVersion, region: str) -> Option:
    parts = [version.name]
    if version.published_date:
        parts.append(f"published {version.published_date:%Y-%m-%d}")
    failed = version.provisioning_state.lower() == FAILED_PROVISIONING
    if failed:
        parts.append("failed, cannot be used")
    if version.end_of_life_date:
        parts.append(f"end of life {version.end_of_life_date:%Y-%m-%d}")
    if version.exclude_from_latest:
        parts.append("excluded from latest")
    if region and not getattr(version, "in_region", True):
        parts.append(f"not in {region_display_name(region)}")
    return Option(version.name, " · ".join(parts), disabled=failed)


def version_details(organization: Organization, selection: Selection) -> Level:
    """The chosen image and version with their regions and replica counts."""
    subscription, image = chosen_image(organization, selection)
    details: dict[str, Any] = {"image": image, "version": None, "region": selection.region}
    level = Level("details", "", "Details", [], selection.image_version, extra=details)
    level.subscription = subscription
    if image is None or not selection.image_version:
        return level
    if selection.image_version.lower() == LATEST:
        version_filter = Q(version_id=getattr(image, "latest_id", None))
    else:
        arm_id = version_arm_id(image.arm_id, selection.image_version)
        version_filter = Q(version__subscription=subscription, version__arm_id=arm_id)
    regions = list(
        VersionRegion.objects.filter(version_filter, version__deleted_at=None)
        .select_related("version")
        .order_by("region")
    )
    if regions:
        details["version"] = regions[0].version
    details["regions"] = [
        {"name": region_display_name(r.region), "key": r.region, "row": r} for r in regions
    ]
    details["in_region"] = any(r.region == selection.region for r in regions)
    details["is_latest"] = selection.image_version.lower() == LATEST
    details["region_name"] = region_display_name(selection.region)
    return level


def _level_from_rows(
    key: str, label: str, rows: list, wanted: str, **kwargs: Any
) -> Level:  # fmt: skip
    options = [Option(row.name, row.name) for row in rows]
    selected = next((o.value for o in options if o.value.lower() == wanted.lower()), "")
    level = Level(key, FIELDS[LEVEL_KEYS.index(key)], label, options, selected, **kwargs)
    if wanted and not selected and not kwargs.get("query"):
        level.notice = f"{wanted} is no longer in the inventory; choose another."
    return level


def full_cascade(organization: Organization, selection: Selection) -> list[Level]:
    """Every level the selection reaches, for a full-page render."""
    levels: list[Level] = [account_level(organization, selection)]
    if not selection.account:
        return levels
    try:
        levels.append(resource_group_level(organization, selection))
    except Http404:
        return levels
    steps = (
        ("image_resource_group", gallery_level),
        ("image_gallery", image_level),
        ("image_name", version_level),
    )
    for parent_field, build in steps:
        parent = levels[-1]
        if not parent.selected:
            return levels
        chosen: dict[str, Any] = {parent_field: parent.selected}
        selection = replace(selection, **chosen)
        levels.append(build(organization, selection))
    last = levels[-1]
    if last.key == "version" and last.selected:
        levels.append(
            version_details(organization, replace(selection, image_version=last.selected))
        )
    return levels


ALL_LEVELS = (*LEVEL_KEYS, "details")
NEXT_LEVEL = dict(itertools.pairwise(ALL_LEVELS))
BUILDERS = {
    "resource_group": resource_group_level,
    "gallery": gallery_level,
    "image": image_level,
    "version": version_level,
    "details": version_details,
}


def find_gallery(organization: Organization, selection: Selection) -> Gallery | None:
    """The chosen gallery (for a targeted refresh), scoped to the organization."""
    subscription = subscription_with_age(organization, selection.account)
    g_id = gallery_arm_id(
        subscription.subscription_id, selection.image_resource_group, selection.image_gallery
    )
    return (
        Gallery.objects.filter(subscription=subscription, arm_id=g_id, deleted_at=None)
        .select_related("subscription")
        .first()
    )

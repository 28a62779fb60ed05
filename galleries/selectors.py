"""Reads of connected subscriptions and the cached inventory: live rows only, always scoped.

Names are compared case-insensitively, as Azure does, by building the lower-cased ARM id of
the parent and looking it up exactly (unique index) rather than with `__iexact` scans.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from console.models import Organization

from .arm_ids import (
    gallery_arm_id,
    image_arm_id,
    resource_group_arm_id,
    version_arm_id,
    version_sort_key,
)
from .azure_state import AzureState
from .models import (
    APPLIED_REFRESH_STATUSES,
    OS_TYPES,
    ConnectedSubscription,
    Gallery,
    GalleryImage,
    ImageVersion,
    RefreshRun,
    ResourceGroup,
    ShareCheck,
    VersionRegion,
)
from .regions import normalize_region, region_display_name

__all__ = [
    "find_image",
    "find_version",
    "find_version_in_region",
    "galleries_for",
    "images_for",
    "normalize_os_type",
    "resource_groups_for",
    "share_check",
    "subscription_for_account",
    "subscriptions_for",
    "troubled_subscriptions",
    "version_sort_key",
    "versions_for",
]

FAILED_PROVISIONING = "failed"
_OS_TYPES = {os_type.lower(): os_type for os_type in OS_TYPES}


def normalize_os_type(os_type: str) -> str:
    """ "linux" -> "Linux", as ARM spells it and the inventory stores it."""
    return _OS_TYPES.get(os_type.strip().lower(), os_type.strip())


def subscriptions_for(organization: Organization) -> QuerySet[ConnectedSubscription]:
    return ConnectedSubscription.objects.filter(organization=organization).select_related("account")


# Azure states that are no trouble: plain Enabled, or not checked yet.
UNTROUBLED_STATES = ("", AzureState.ENABLED)


def troubled_subscriptions(
    organization: Organization,
    account_ids: Iterable[str | None],
    subscriptions: Iterable[ConnectedSubscription] | None = None,
) -> dict[str, ConnectedSubscription]:
    """The subscriptions bound to these accounts whose Azure state is not plain Enabled
    (Warned, PastDue, Disabled...), by account id: one query for a page of groups, none when
    the caller has read the organization's `subscriptions` (subscriptions_for) already."""
    wanted = {account_id for account_id in account_ids if account_id}
    if not wanted:
        return {}
    found: Iterable[ConnectedSubscription]
    if subscriptions is not None:
        found = [
            s for s in subscriptions
            if s.account_id in wanted and s.azure_state not in UNTROUBLED_STATES
        ]  # fmt: skip
    else:
        found = (
            subscriptions_for(organization)
            .filter(account_id__in=wanted)
            .exclude(azure_state__in=UNTROUBLED_STATES)
        )
    return {subscription.account_id: subscription for subscription in found}


def subscription_for_account(
    organization: Organization,
    account_id: str,
    subscriptions: Iterable[ConnectedSubscription] | None = None,
) -> ConnectedSubscription | None:
    """`subscriptions`: the organization's (subscriptions_for), when the caller has read them."""
    if subscriptions is not None:
        return next((s for s in subscriptions if s.account_id == account_id), None)
    return subscriptions_for(organization).filter(account_id=account_id).first()


def resource_groups_for(subscription: ConnectedSubscription) -> QuerySet[ResourceGroup]:
    """Resource groups of `subscription` that hold at least one live gallery, by name."""
    live_gallery = Gallery.objects.filter(resource_group=OuterRef("pk"), deleted_at=None)
    return (
        ResourceGroup.objects.filter(subscription=subscription, deleted_at=None)
        .filter(Exists(live_gallery))
        .order_by("name")
    )


def galleries_for(
    subscription: ConnectedSubscription, resource_group_name: str
) -> QuerySet[Gallery]:
    rg_id = resource_group_arm_id(subscription.subscription_id, resource_group_name)
    return Gallery.objects.filter(
        subscription=subscription,
        resource_group__subscription=subscription,
        resource_group__arm_id=rg_id,
        resource_group__deleted_at=None,
        deleted_at=None,
    ).order_by("name")


def images_for(
    subscription: ConnectedSubscription,
    resource_group_name: str,
    gallery_name: str,
    os_type: str | None = None,
) -> QuerySet[GalleryImage]:
    g_id = gallery_arm_id(subscription.subscription_id, resource_group_name, gallery_name)
    images = GalleryImage.objects.filter(
        subscription=subscription,
        gallery__subscription=subscription,
        gallery__arm_id=g_id,
        gallery__deleted_at=None,
        deleted_at=None,
    )
    if os_type:
        images = images.filter(os_type=normalize_os_type(os_type))
    return images.order_by("name")


def _replicated_to(region: str) -> Exists:
    return Exists(
        VersionRegion.objects.filter(version=OuterRef("pk"), region=normalize_region(region))
    )


def versions_for(image: GalleryImage, region: str | None = None) -> QuerySet[ImageVersion]:
    """Live versions of `image`, newest first; with `region`, only those replicated there."""
    versions = ImageVersion.objects.filter(image=image, deleted_at=None)
    if region:
        versions = versions.filter(_replicated_to(region))
    return versions.order_by("-sort_key", "-id")


def find_image(
    organization: Organization,
    *,
    account_id: str,
    resource_group_name: str,
    gallery_name: str,
    image_name: str,
    subscription: ConnectedSubscription | None = None,
) -> GalleryImage | None:
    """A live image of the subscription bound to `account_id`, names matched as Azure does
    (`subscription`: that subscription, when the caller has read it)."""
    if subscription is None:
        subscription = subscription_for_account(organization, account_id)
    if subscription is None:
        return None
    i_id = image_arm_id(subscription.subscription_id, resource_group_name, gallery_name, image_name)
    return (
        GalleryImage.objects.filter(
            subscription=subscription,
            arm_id=i_id,
            deleted_at=None,
            gallery__deleted_at=None,
        )
        .select_related("gallery", "gallery__resource_group", "subscription")
        .first()
    )


def find_version(image: GalleryImage, version_name: str) -> ImageVersion | None:
    return ImageVersion.objects.filter(
        subscription_id=image.subscription_id,
        arm_id=version_arm_id(image.arm_id, version_name.strip()),
        deleted_at=None,
    ).first()


def find_version_in_region(
    image: GalleryImage, version_name: str, region: str
) -> tuple[ImageVersion | None, bool]:
    """find_version, and whether that version is replicated to `region`, in one query."""
    version = (
        ImageVersion.objects.filter(
            subscription_id=image.subscription_id,
            arm_id=version_arm_id(image.arm_id, version_name.strip()),
            deleted_at=None,
        )
        .annotate(in_region=_replicated_to(region))
        .first()
    )
    return version, bool(version is not None and version.in_region)


def share_check(reader: ConnectedSubscription, gallery: Gallery) -> ShareCheck | None:
    """The cached verdict on whether `reader`'s own credential can read `gallery`."""
    return ShareCheck.objects.filter(reader=reader, gallery=gallery).first()


# --- pages: subscriptions and refresh runs ---------------------------------------------------


def inventory_counts(subscriptions: list[ConnectedSubscription]) -> dict[int, dict[str, int]]:
    """Live galleries, images and versions per subscription (three grouped queries)."""
    counts: dict[int, dict[str, int]] = {
        s.pk: {"galleries": 0, "images": 0, "versions": 0} for s in subscriptions
    }
    for key, model in (
        ("galleries", Gallery),
        ("images", GalleryImage),
        ("versions", ImageVersion),
    ):
        rows = (
            model._default_manager.filter(subscription__in=subscriptions, deleted_at=None)
            .values("subscription_id")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts[row["subscription_id"]][key] = row["n"]
    return counts


def runs_for(subscription: ConnectedSubscription) -> QuerySet[RefreshRun]:
    return RefreshRun.objects.filter(subscription=subscription).order_by("-requested_at", "-id")


def latest_run(subscription: ConnectedSubscription) -> RefreshRun | None:
    return runs_for(subscription).first()


def last_completed_run(subscription: ConnectedSubscription) -> RefreshRun | None:
    """The newest run that applied something (succeeded or partial)."""
    return runs_for(subscription).filter(status__in=APPLIED_REFRESH_STATUSES).first()


def is_stale(completed: RefreshRun | None) -> bool:
    """No inventory applied within three refresh intervals."""
    if completed is None or completed.finished_at is None:
        return True
    limit = 3 * settings.INVENTORY_REFRESH_INTERVAL
    return timezone.now() - completed.finished_at > limit


def is_inventory_region(organization: Organization, region: str) -> bool:
    """Whether a gallery or an image version of the organization's inventory is in `region`
    (how the regions of a custom cloud, unknown to the public list, become known)."""
    region = normalize_region(region)
    galleries = Gallery.objects.filter(
        subscription__organization=organization, location=region, deleted_at__isnull=True
    )
    versions = VersionRegion.objects.filter(
        version__subscription__organization=organization, region=region
    )
    return bool(region) and (galleries.exists() or versions.exists())


# The regions any version is replicated to, walked through the (region, version) index one
# distinct region at a time (a skip scan: a few dozen probes, not a read of every row), each
# kept when one of the organization's live versions is there (the first found will do).
# A DISTINCT over the organization's versions read every one: 1.4-8 s at 1M versions; this
# takes 0.1-4 ms there (both databases, one organization or a thousand). Its worst case, a
# region others use a lot and the organization not at all, reads the smaller of the two sides.
_INVENTORY_REGIONS_SQL = (
    "WITH RECURSIVE regions(region) AS ("
    " SELECT MIN(region) FROM galleries_versionregion"
    " UNION ALL"
    " SELECT (SELECT MIN(r.region) FROM galleries_versionregion r WHERE r.region > regions.region)"
    " FROM regions WHERE regions.region IS NOT NULL)"
    " SELECT region FROM (SELECT region, ("
    "  SELECT 1 FROM galleries_versionregion vr"
    "  JOIN galleries_imageversion v ON v.id = vr.version_id"
    "  JOIN galleries_connectedsubscription s ON s.id = v.subscription_id"
    "  WHERE vr.region = regions.region AND v.deleted_at IS NULL AND s.organization_id = %s"
    # A scalar subquery with LIMIT 1 (not EXISTS, which PostgreSQL turns into one join over
    # every version of the organization) stops at the first version found.
    "  LIMIT 1) AS found FROM regions WHERE region IS NOT NULL) used"
    " WHERE found = 1 ORDER BY region LIMIT %s"
)


def inventory_regions(organization: Organization) -> list[tuple[str, str]]:
    """(code, name) of the regions this organization's inventory has versions in (never
    another organization's)."""
    with connection.cursor() as cursor:
        cursor.execute(_INVENTORY_REGIONS_SQL, [organization.pk, 200])
        used = [region for (region,) in cursor.fetchall()]
    return [(r, region_display_name(r)) for r in used]

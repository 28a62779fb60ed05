"""Image health of open changes: what happened in the inventory to the image a change proposes.

`recompute_health(organization)` runs after every inventory refresh (groups.reviews.tasks).
It reads the organization's open changes once, then the inventory they point at in a fixed
number of queries (images, versions with their regions, share checks, and "latest" once per
image and region in use), so its cost does not grow with the number of changes, only with the
distinct images they use. Changes whose health changed are written back in bulk; a change
under review gets a timeline entry, and a condition the policy lists dismisses its verdicts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from console.models import Organization
from galleries.arm_ids import image_arm_id, version_arm_id
from galleries.inventory.latest import latest_version
from galleries.models import GalleryImage, ImageVersion, ShareCheck, ShareVerdict
from galleries.regions import normalize_region
from galleries.selectors import FAILED_PROVISIONING, subscriptions_for

from ..spot.json import IMAGE_PATH, gallery_reference_of
from .models import (
    OPEN_STATES,
    ChangeRequest,
    ChangeState,
    EventKind,
    HealthCode,
    ReviewPolicy,
    TimelineEvent,
    Verdict,
)

END_OF_LIFE_WARNING = timedelta(days=30)
LATEST = "latest"
# States in which reviewers are watching: a health change is written on the timeline.
_UNDER_REVIEW = (ChangeState.IN_REVIEW, ChangeState.APPROVED, ChangeState.CHANGES_REQUESTED)
# States whose verdicts a condition in the policy's re-approval list dismisses.
_DISMISSIBLE = (ChangeState.APPROVED, ChangeState.CHANGES_REQUESTED)
REAPPROVAL_TEXT = "The image changed after review, and the review policy asks for approval again."


@dataclass(frozen=True)
class Target:
    """What a change's proposed revision deploys: its gallery image, version and region."""

    group_subscription_id: int | None  # the group's own subscription (None: disconnected)
    image_subscription_id: int | None  # the subscription holding the gallery
    image_arm_id: str
    version: str  # a version name or "latest"
    region: str


@dataclass(frozen=True)
class _Watched:
    """What the recomputation reads of one open change: no whole Spot JSON is decoded."""

    pk: int
    state: str
    kind: str
    account_id: str
    gallery: Any  # the proposed spec's gallery image object, or None
    region: Any
    health: list[dict[str, str]]
    approved_resolution: str


_GALLERY_PATH = "__".join(("proposed_spec", *IMAGE_PATH, "gallery"))


def _watched(changes: QuerySet[ChangeRequest]) -> list[_Watched]:
    rows = changes.values_list(
        "pk",
        "state",
        "group__kind",
        "group__account_id",
        _GALLERY_PATH,
        "proposed_spec__region",
        "health",
        "approved_resolution",
    )
    return [_Watched(*row) for row in rows]


def _condition(code: HealthCode, detail: str = "") -> dict[str, str]:
    words = str(code.label) + (f" ({detail})" if detail else "")
    return {"code": code.value, "words": words}


def _target(change: _Watched, subscriptions: dict[str, Any]) -> Target | None:
    ref = gallery_reference_of(change.kind, change.gallery)
    if ref is None:
        return None  # marketplace or custom image: nothing in the gallery inventory to watch
    own = subscriptions.get(change.account_id)
    image_account = ref.spot_account_id or change.account_id
    holder = subscriptions.get(image_account)
    arm_id = (
        image_arm_id(
            holder.subscription_id, ref.resource_group_name, ref.gallery_name, ref.image_name
        )
        if holder is not None
        else ""
    )
    return Target(
        group_subscription_id=own.pk if own is not None else None,
        image_subscription_id=holder.pk if holder is not None else None,
        image_arm_id=arm_id,
        version=(ref.version_name or "").strip(),
        region=normalize_region(str(change.region or "")),
    )


class _Inventory:
    """The inventory the targets point at, read in a fixed number of queries."""

    def __init__(self, targets: Iterable[Target]) -> None:
        targets = list(targets)
        arm_ids = {t.image_arm_id for t in targets if t.image_arm_id}
        images = GalleryImage.objects.filter(
            arm_id__in=arm_ids, deleted_at=None, gallery__deleted_at=None
        ).select_related("gallery")
        self.images: dict[tuple[int | None, str], GalleryImage] = {
            (image.subscription_id, image.arm_id): image for image in images
        }
        versions = ImageVersion.objects.filter(
            image__in=list(self.images.values()), deleted_at=None
        ).prefetch_related("regions")
        self.versions = {(v.subscription_id, v.arm_id): v for v in versions}
        readers = {t.group_subscription_id for t in targets if t.group_subscription_id}
        checks = ShareCheck.objects.filter(
            reader_id__in=readers, gallery__in={image.gallery_id for image in self.images.values()}
        )
        self.shares = {(check.reader_id, check.gallery_id): check.verdict for check in checks}
        self._latest: dict[tuple[int, str], str] = {}

    def image(self, target: Target) -> GalleryImage | None:
        return self.images.get((target.image_subscription_id, target.image_arm_id))

    def version(self, target: Target, image: GalleryImage, name: str) -> ImageVersion | None:
        return self.versions.get((image.subscription_id, version_arm_id(image.arm_id, name)))

    def latest(self, image: GalleryImage, region: str) -> str:
        """The version "latest" deploys in `region` ("" if none): once per image and region."""
        key = (image.pk, region)
        if key not in self._latest:
            found = latest_version(image, region)
            self._latest[key] = found.name if found is not None else ""
        return self._latest[key]


def _conditions(
    change: _Watched, target: Target | None, inventory: _Inventory, now: datetime
) -> list[dict[str, str]]:
    if target is None:
        return []
    if target.group_subscription_id is None or target.image_subscription_id is None:
        return [_condition(HealthCode.DISCONNECTED)]
    found: list[dict[str, str]] = []
    image = inventory.image(target)
    if image is None:
        return [_condition(HealthCode.GONE, "the image is no longer in the gallery")]
    if (
        image.subscription_id != target.group_subscription_id
        and inventory.shares.get((target.group_subscription_id, image.gallery_id))
        == ShareVerdict.NOT_SHARED
    ):
        found.append(_condition(HealthCode.NOT_SHARED))
    if target.version.lower() == LATEST:
        name = inventory.latest(image, target.region)
        if not name:
            found.append(_condition(HealthCode.GONE, f"no version is “latest” in {target.region}"))
            return found
        if change.approved_resolution and name != change.approved_resolution:
            found.append(
                _condition(
                    HealthCode.LATEST_MOVED, f"{change.approved_resolution} then, {name} now"
                )
            )
    else:
        name = target.version
    version = inventory.version(target, image, name)
    if version is None:
        found.append(_condition(HealthCode.GONE, f"version {name} is no longer in the gallery"))
        return found
    if (version.provisioning_state or "").lower() == FAILED_PROVISIONING.lower():
        found.append(_condition(HealthCode.FAILED, f"version {name}"))
    end_of_life = version.end_of_life_date
    if end_of_life is not None and end_of_life <= now:
        found.append(_condition(HealthCode.END_OF_LIFE, f"{end_of_life:%Y-%m-%d}"))
    elif end_of_life is not None and end_of_life <= now + END_OF_LIFE_WARNING:
        found.append(_condition(HealthCode.END_OF_LIFE_SOON, f"{end_of_life:%Y-%m-%d}"))
    regions = {region.region for region in version.regions.all()}
    if target.region and target.region not in regions:
        found.append(_condition(HealthCode.NOT_REPLICATED, f"{name} not in {target.region}"))
    return found


def latest_resolution(change: ChangeRequest) -> str:
    """The version "latest" deploys for this change now ("" when it is not on latest)."""
    subscriptions = {s.account_id: s for s in subscriptions_for(change.organization)}
    (watched,) = _watched(ChangeRequest.objects.filter(pk=change.pk))
    target = _target(watched, subscriptions)
    if target is None or target.version.lower() != LATEST:
        return ""
    inventory = _Inventory([target])
    image = inventory.image(target)
    return inventory.latest(image, target.region) if image is not None else ""


def _insert_events(
    kind: str, text: str, change_ids: list[int], now: datetime, *, with_conditions: bool = False
) -> None:
    """One timeline event per change, in one INSERT … SELECT (a bulk_create would be cut into
    batches of a few hundred rows on SQLite); with_conditions: the change's new health."""
    if not change_ids:
        return
    event = TimelineEvent._meta
    change = ChangeRequest._meta
    params: list[Any]
    if connection.vendor == "postgresql":
        data = "jsonb_build_object('conditions', c.health)" if with_conditions else "'{}'::jsonb"
        where, params = "c.id = ANY(%s)", [list(change_ids)]
    else:
        data = "json_object('conditions', json(c.health))" if with_conditions else "'{}'"
        where = f"c.id IN ({', '.join(['%s'] * len(change_ids))})"
        params = list(change_ids)
    columns = "group_id, change_id, kind, actor_id, text, data, created_at"
    select = f"c.group_id, c.id, %s, NULL, %s, {data}, %s"
    # Names from model metadata; every value is a parameter.
    sql = f"INSERT INTO {event.db_table} ({columns}) SELECT {select} FROM {change.db_table} c WHERE {where} ORDER BY c.id"  # noqa: S608, E501
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, text, now, *params])


@dataclass(frozen=True)
class HealthReport:
    checked: int
    changed: int
    dismissed: int


def recompute_health(organization: Organization) -> HealthReport:
    """Recompute the image health of every open change of the organization (see the module)."""
    now = timezone.now()
    with transaction.atomic():
        # Locked while computing: a verdict given meanwhile waits, and is not overwritten.
        changes = _watched(
            ChangeRequest.objects.filter(organization=organization, state__in=OPEN_STATES)
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        return _recompute(organization, changes, now)


def _recompute(organization: Organization, changes: list[_Watched], now: datetime) -> HealthReport:
    subscriptions = {s.account_id: s for s in subscriptions_for(organization)}
    targets = {change.pk: _target(change, subscriptions) for change in changes}
    inventory = _Inventory(t for t in targets.values() if t is not None)
    policy = ReviewPolicy.objects.filter(organization=organization).first() or ReviewPolicy()
    reapproval = set(policy.reapproval_conditions)

    # Writes grouped by outcome (changes with the same new health share one UPDATE), so that
    # their number follows the distinct images and versions in use, not the number of changes.
    by_health: dict[str, tuple[list[dict[str, str]], list[int]]] = {}
    watched_healthy: list[int] = []
    watched_sick: list[int] = []
    dismiss: list[int] = []
    changed = 0
    for change in changes:
        health = _conditions(change, targets[change.pk], inventory, now)
        if health == change.health:
            continue
        changed += 1
        arising = {c["code"] for c in health} - {c["code"] for c in change.health}
        by_health.setdefault(json.dumps(health, sort_keys=True), (health, []))[1].append(change.pk)
        if change.state not in _UNDER_REVIEW:
            continue
        (watched_sick if health else watched_healthy).append(change.pk)
        if arising & reapproval and change.state in _DISMISSIBLE:
            dismiss.append(change.pk)
    for health, ids in by_health.values():
        ChangeRequest.objects.filter(pk__in=ids).update(health=health, health_checked_at=now)
    _insert_events(EventKind.HEALTH_CHANGED, "", watched_sick, now, with_conditions=True)
    _insert_events(EventKind.HEALTH_CHANGED, "The image is healthy again.", watched_healthy, now)
    if dismiss:
        _insert_events(EventKind.APPROVAL_DISMISSED, REAPPROVAL_TEXT, dismiss, now)
        ChangeRequest.objects.filter(pk__in=dismiss).update(
            state=ChangeState.IN_REVIEW, approved_resolution=""
        )
        Verdict.objects.filter(change_id__in=dismiss).delete()
    return HealthReport(checked=len(changes), changed=changed, dismissed=len(dismiss))

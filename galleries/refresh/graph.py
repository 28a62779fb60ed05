"""List many subscriptions' galleries, images and versions through Azure Resource Graph.

A full refresh of several subscriptions lists them with one paged Resource Graph query per
credential (subscriptions of one organization connected with the same principal share it;
up to 1,000 subscriptions a query) instead of one ARM list call per gallery and per image.
Each subscription's rows become its own `Snapshot`, applied by its own run, with the same
completeness rules as the ARM walk:

- Every page answered: the subscription's galleries, their images and their versions were
  listed completely, so what the cache has and Resource Graph no longer shows is deleted.
- A page after the first failed: what came is applied, nothing is deleted, the run is
  `partial` and says which page failed and why.
- The first page failed, or a subscription has no row at all (Resource Graph leaves out
  silently a subscription the principal cannot read, so "nothing" proves nothing): that
  subscription is listed through ARM instead, whose answers tell the cases apart.

Resource Graph lags ARM by seconds to minutes, so ARM stays the path of a targeted refresh
and of confirming what a draft uses; and a row an ARM listing wrote lately is left as ARM
wrote it by the apply of a Resource Graph snapshot (`row_sync.RowSync.hold`).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict
from typing import Any

from galleries.azure.clients import CallMeter, ConnectionSettings
from galleries.azure.errors import describe_failure
from galleries.azure.gateway import SUBSCRIPTIONS_PER_QUERY, gateway_for
from galleries.models import ConnectedSubscription

from .runs import Collected
from .snapshot import Snapshot, parse_gallery, parse_image, parse_version

logger = logging.getLogger(__name__)

GALLERY, IMAGE, VERSION = (
    "microsoft.compute/galleries",
    "microsoft.compute/galleries/images",
    "microsoft.compute/galleries/images/versions",
)

# Subscriptions whose listing is left to ARM (None) or what Resource Graph gave them.
Listed = dict[int, Collected | None]


def credential_groups(
    subscriptions: list[ConnectedSubscription],
) -> tuple[list[list[ConnectedSubscription]], list[ConnectedSubscription]]:
    """Subscriptions grouped by organization and identical connection (but the subscription
    id), at most SUBSCRIPTIONS_PER_QUERY a group; and those whose secret cannot be read (ARM's
    walk reports that)."""
    groups: dict[tuple[int, ConnectionSettings], list[ConnectedSubscription]] = defaultdict(list)
    unreadable: list[ConnectedSubscription] = []
    for subscription in subscriptions:
        try:
            connection = ConnectionSettings.for_subscription(subscription)
        except Exception:
            unreadable.append(subscription)
            continue
        key = dataclasses.replace(connection, subscription_id="")
        groups[(subscription.organization_id, key)].append(subscription)
    chunks = [
        members[start : start + SUBSCRIPTIONS_PER_QUERY]
        for members in groups.values()
        for start in range(0, len(members), SUBSCRIPTIONS_PER_QUERY)
    ]
    return chunks, unreadable


def _parent(arm_id: str, child: str) -> str:
    return arm_id[: arm_id.rfind(child)]


class _Routing:
    """Rows of one query, into one Snapshot per subscription id."""

    def __init__(self, subscription_ids: list[str]) -> None:
        self.snapshots: dict[str, Snapshot] = {
            sid.lower(): Snapshot(through_graph=True) for sid in subscription_ids
        }
        self.rows = 0

    def add(self, row: dict[str, Any]) -> None:
        snapshot = self.snapshots.get(str(row.get("subscriptionId") or "").lower())
        if snapshot is None or not row.get("id"):
            return
        self.rows += 1
        kind = str(row.get("type") or "").lower()
        arm_id = str(row["id"]).lower()
        if kind == GALLERY:
            snapshot.add_gallery(parse_gallery(row))
        elif kind == IMAGE:
            gallery_id = _parent(arm_id, "/images/")
            # Its gallery is not shown (lag, or a Reader below the gallery): left out.
            if gallery_id in snapshot.galleries:
                snapshot.images[arm_id] = parse_image(row, gallery_id)
        elif kind == VERSION:
            image_id = _parent(arm_id, "/versions/")
            if image_id in snapshot.images:
                snapshot.versions[arm_id] = parse_version(row, image_id)

    def seal(self, failure: str) -> None:
        """Every page came (no `failure`): each listing is complete. Otherwise none is."""
        for snapshot in self.snapshots.values():
            if failure:
                snapshot.errors.append(failure)
                continue
            snapshot.galleries_complete = True
            snapshot.complete_galleries = set(snapshot.galleries)
            snapshot.complete_images = set(snapshot.images)


def _is_empty(snapshot: Snapshot) -> bool:
    return not (snapshot.galleries or snapshot.images or snapshot.versions)


def list_group(group: list[ConnectedSubscription]) -> Listed:
    """One query (paged) for `group`, whose subscriptions share a connection."""
    meter = CallMeter()
    started = time.monotonic()
    routing = _Routing([s.subscription_id for s in group])
    failure = ""
    pages = 0
    try:
        with gateway_for(group[0], meter) as gateway:
            for page in gateway.query_inventory([s.subscription_id for s in group]):
                pages += 1
                for row in page:
                    routing.add(row)
    except Exception as exc:
        if pages == 0:
            logger.info("Resource Graph refused the query: %s; listing through ARM", exc)
            return dict.fromkeys((s.pk for s in group), None)
        failure = (
            f"Listing through Azure Resource Graph failed: {describe_failure(exc).message} "
            "Nothing was deleted; the next refresh will try again."
        )
    routing.seal(failure)
    seconds = time.monotonic() - started
    listed: Listed = {}
    share, extra = divmod(meter.calls, len(group))
    for index, subscription in enumerate(group):
        snapshot = routing.snapshots[subscription.subscription_id.lower()]
        if _is_empty(snapshot):
            listed[subscription.pk] = None  # unreadable, or empty: ARM tells which
            continue
        calls = share + (1 if index < extra else 0)
        listed[subscription.pk] = Collected(snapshot, None, calls, 0, pages, pages, seconds)
    return listed

"""Writing the cached rows of one subscription, a kind of row at a time, as a refresh found
them: what is new is created, only rows whose values changed are updated, a soft-deleted
row that reappeared is restored, and `last_seen_at` is stamped on each of those.

The inventory's apply (`apply`) and its virtual networks (`apply_network`) both write
through `RowSync`. Cached rows are read as plain tuples (`values_list`) and compared with the
collected values as tuples: no model instance is built for a row, changed or not.

An ARM listing also stamps `arm_written_at` on each row it writes (deleted ones too). A
Resource Graph listing lags ARM by seconds to minutes, so what it shows may be older than
what ARM wrote: for INVENTORY_GRAPH_LAG_GRACE_SECONDS after an ARM write, the apply of a
Resource Graph snapshot leaves that row as ARM wrote it (`hold`): not updated, restored or
deleted, whether Resource Graph still lacks a new row or still shows a deleted one.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import models
from django.utils import timezone

from galleries.models import ConnectedSubscription

from .bulk_sql import insert_rows, update_rows

BATCH = 500
# Where INSERT cannot return the new ids: above this many new rows, they are read back with
# one query over the whole scope rather than in batches of `arm_id IN (...)`.
READ_BACK_WHOLE_SCOPE = 1000

# (arm id, values of a kind's fields in their order) of a row a refresh found.
Seen = tuple[str, tuple[Any, ...]]


class Cached(NamedTuple):
    """A cached inventory row: its id, whether it is soft-deleted, its compared values."""

    pk: int
    deleted: bool
    values: tuple[Any, ...]


def _empty_counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}


def seen_below(
    items: Iterable[Any], fields: tuple[str, ...], parent_field: str, parent_pk: Mapping[str, int]
) -> Iterator[Seen]:
    """The rows of collected `items` whose attributes are named as their model's `fields`;
    `parent_field` holds the parent's arm id, written as the parent's cached id. An item
    whose parent has no cached row is left out."""
    values_of = operator.attrgetter(*fields)
    at = fields.index(parent_field)
    for item in items:
        parent = parent_pk.get(getattr(item, parent_field))
        if parent is not None:
            values = values_of(item)
            yield item.arm_id, (*values[:at], parent, *values[at + 1 :])


class RowSync:
    """The cached rows of `subscription`, or only of its gallery `gallery_id` (a targeted
    refresh), with what was written counted per kind; `through_graph`: as a Resource Graph
    listing found them, which leaves alone what ARM wrote lately (`hold`)."""

    def __init__(
        self,
        subscription: ConnectedSubscription,
        gallery_id: str | None,
        *,
        through_graph: bool = False,
    ) -> None:
        self.subscription = subscription
        self.gallery_id = gallery_id
        self.through_graph = through_graph
        self.now = timezone.now()
        self.counts: dict[str, dict[str, int]] = defaultdict(_empty_counts)
        # Per kind, the arm ids of the rows that this (Resource Graph) apply leaves alone.
        self.held: dict[str, set[str]] = {}
        # What an ARM listing writes with each row it creates, changes, restores or deletes.
        self._arm_stamp: tuple[str, ...] = () if through_graph else ("arm_written_at",)

    def hold(self, kind: str, model: type[models.Model], **scope: Any) -> set[str]:
        """The arm ids of `kind`'s rows within `scope` that an ARM listing wrote within
        INVENTORY_GRAPH_LAG_GRACE_SECONDS, when this apply is a Resource Graph listing's
        (none otherwise). `sync` and `soft_delete`'s callers leave them as they are."""
        grace = float(getattr(settings, "INVENTORY_GRAPH_LAG_GRACE_SECONDS", 0))
        held: set[str] = set()
        if self.through_graph and grace > 0:
            since = self.now - timedelta(seconds=grace)
            rows = self.rows(model, arm_written_at__gte=since, **scope)
            held.update(rows.values_list("arm_id", flat=True))
        self.held[kind] = held
        return held

    def rows(self, model: type[models.Model], **scope: Any) -> models.QuerySet[Any]:
        return model._default_manager.filter(subscription=self.subscription, **scope).order_by()

    def existing(
        self, model: type[models.Model], fields: tuple[str, ...], **scope: Any
    ) -> dict[str, Cached]:
        rows = self.rows(model, **scope).values_list("arm_id", "pk", "deleted_at", *fields)
        return {
            arm_id: Cached(pk, deleted_at is not None, tuple(values))
            for arm_id, pk, deleted_at, *values in rows
        }

    def sync(
        self,
        kind: str,
        model: type[models.Model],
        existing: dict[str, Cached],
        seen: Iterable[Seen],
        fields: tuple[str, ...],
        scope: dict[str, Any],
    ) -> dict[str, int]:
        """Write the rows `seen` against the `existing` ones read within `scope`, but the
        `held` ones; returns every arm id's pk but a held deleted row's (what is below it is
        left out, as below a row not cached)."""
        counts = self.counts[kind]
        now, subscription_pk = self.now, self.subscription.pk
        stamp = (now,) * len(self._arm_stamp)
        held: Collection[str] = self.held.get(kind, ())
        to_create: list[tuple[Any, ...]] = []
        to_update: list[tuple[Any, ...]] = []
        kept = 0
        for arm_id, values in seen:
            cached = existing.get(arm_id)
            if cached is None:
                to_create.append((subscription_pk, arm_id, now, now, None, *stamp, *values))
            elif arm_id in held:
                kept += 1
            elif cached.deleted or cached.values != values:
                to_update.append((*values, None, now, *stamp, cached.pk))
            else:
                counts["unchanged"] += 1
        pks = {
            arm_id: cached.pk
            for arm_id, cached in existing.items()
            if not (cached.deleted and arm_id in held)
        }
        if to_create:
            names = (
                *("subscription_id", "arm_id", "first_seen_at", "last_seen_at", "deleted_at"),
                *self._arm_stamp,
            )
            returned = insert_rows(model, (*names, *fields), to_create, returning=("arm_id", "id"))
            if returned is None:
                pks.update(self._read_back_pks(model, [row[1] for row in to_create], scope))
            else:
                pks.update((arm_id, pk) for arm_id, pk in returned)
        update_rows(model, (*fields, "deleted_at", "last_seen_at", *self._arm_stamp), to_update)
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
        if kept:
            counts["held"] = counts.get("held", 0) + kept
        return pks

    def _read_back_pks(
        self, model: type[models.Model], created: list[str], scope: dict[str, Any]
    ) -> dict[str, int]:
        """The ids of the rows just created, where INSERT cannot return them."""
        if len(created) > READ_BACK_WHOLE_SCOPE:
            return dict(self.rows(model, **scope).values_list("arm_id", "pk"))
        pks: dict[str, int] = {}
        for start in range(0, len(created), BATCH):
            batch = created[start : start + BATCH]
            pks.update(self.rows(model, arm_id__in=batch).values_list("arm_id", "pk"))
        return pks

    def spare(self, kind: str, gone: set[str], cached: Mapping[str, Cached]) -> set[str]:
        """The arm ids `gone` but the held ones; those of them still live are counted as
        held (a held row deleted already agrees with the listing that lacks it)."""
        held = self.held.get(kind)
        if not held:
            return gone
        spared = gone & held
        live = sum(1 for arm_id in spared if arm_id in cached and not cached[arm_id].deleted)
        if live:
            counts = self.counts[kind]
            counts["held"] = counts.get("held", 0) + live
        return gone - spared

    def soft_delete(self, kind: str, model: type[models.Model], pks: Iterable[int]) -> int:
        pks = sorted(set(pks))
        deleted = 0
        for start in range(0, len(pks), BATCH):
            deleted += model._default_manager.filter(
                pk__in=pks[start : start + BATCH], deleted_at=None
            ).update(deleted_at=self.now, **dict.fromkeys(self._arm_stamp, self.now))
        self.counts[kind]["deleted"] += deleted
        return deleted

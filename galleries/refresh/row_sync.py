"""Writing the cached rows of one subscription, a kind of row at a time, as a refresh found
them: what is new is created, only rows whose values changed are updated, a soft-deleted
row that reappeared is restored, and `last_seen_at` is stamped on each of those.

The inventory's apply (`apply`) and its virtual networks (`apply_network`) both write
through `RowSync`. Cached rows are read as plain tuples (`values_list`) and compared with the
collected values as tuples: no model instance is built for a row, changed or not.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

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
    refresh), with what was written counted per kind."""

    def __init__(self, subscription: ConnectedSubscription, gallery_id: str | None) -> None:
        self.subscription = subscription
        self.gallery_id = gallery_id
        self.now = timezone.now()
        self.counts: dict[str, dict[str, int]] = defaultdict(_empty_counts)

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
        """Write the rows `seen` against the `existing` ones read within `scope`; returns
        every arm id's pk."""
        counts = self.counts[kind]
        now, subscription_pk = self.now, self.subscription.pk
        to_create: list[tuple[Any, ...]] = []
        to_update: list[tuple[Any, ...]] = []
        for arm_id, values in seen:
            cached = existing.get(arm_id)
            if cached is None:
                to_create.append((subscription_pk, arm_id, now, now, None, *values))
            elif cached.deleted or cached.values != values:
                to_update.append((*values, None, now, cached.pk))
            else:
                counts["unchanged"] += 1
        pks = {arm_id: cached.pk for arm_id, cached in existing.items()}
        if to_create:
            names = ("subscription_id", "arm_id", "first_seen_at", "last_seen_at", "deleted_at")
            returned = insert_rows(model, (*names, *fields), to_create, returning=("arm_id", "id"))
            if returned is None:
                pks.update(self._read_back_pks(model, [row[1] for row in to_create], scope))
            else:
                pks.update((arm_id, pk) for arm_id, pk in returned)
        update_rows(model, (*fields, "deleted_at", "last_seen_at"), to_update)
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
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

    def soft_delete(self, kind: str, model: type[models.Model], pks: Iterable[int]) -> int:
        pks = sorted(set(pks))
        deleted = 0
        for start in range(0, len(pks), BATCH):
            deleted += model._default_manager.filter(
                pk__in=pks[start : start + BATCH], deleted_at=None
            ).update(deleted_at=self.now)
        self.counts[kind]["deleted"] += deleted
        return deleted

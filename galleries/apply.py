"""Apply a collected Snapshot to the cached inventory in one transaction.

Creates in bulk, updates only rows whose values changed, soft-deletes what is gone (only
below branches that were listed completely) and un-deletes what reappeared. An unchanged
world writes nothing. `last_seen_at` is stamped when a row is created, changed or restored.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.utils import timezone

from .inventory_data import RegionData, Snapshot
from .models import (
    ConnectedSubscription,
    Gallery,
    GalleryImage,
    ImageVersion,
    ResourceGroup,
    VersionRegion,
)

Row = TypeVar("Row", bound=models.Model)

GALLERY_FIELDS = ["name", "resource_group_id", "location", "description", "unique_name"]
IMAGE_FIELDS = [
    "name",
    "gallery_id",
    "os_type",
    "os_state",
    "hyper_v_generation",
    "architecture",
    "publisher",
    "offer",
    "sku",
    "security_type",
    "features",
    "end_of_life_date",
    "description",
    "provisioning_state",
]
VERSION_FIELDS = [
    "name",
    "image_id",
    "sort_key",
    "published_date",
    "end_of_life_date",
    "exclude_from_latest",
    "provisioning_state",
    "os_disk_size_gb",
    "data_disk_count",
]
REGION_FIELDS = ["replica_count", "storage_account_type", "exclude_from_latest"]
BATCH = 500
_SQLITE_WRITER = threading.RLock()  # re-entrant: a caller may hold the turn already


def _empty_counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}


class _Applier:
    def __init__(self, subscription: ConnectedSubscription, gallery_id: str | None) -> None:
        self.subscription = subscription
        self.gallery_id = gallery_id  # targeted refresh: only this gallery's subtree
        self.now = timezone.now()
        self.counts: dict[str, dict[str, int]] = defaultdict(_empty_counts)

    # -- scope ------------------------------------------------------------------------------
    def _existing(self, model: type[Row], **scope: Any) -> dict[str, Row]:
        rows = model._default_manager.filter(subscription=self.subscription, **scope)
        return {row.arm_id: row for row in rows}  # type: ignore[attr-defined]

    def _scope(self, path: str) -> dict[str, Any]:
        return {path: self.gallery_id} if self.gallery_id else {}

    # -- one row type -----------------------------------------------------------------------
    def _sync(
        self,
        kind: str,
        model: type[Row],
        existing: dict[str, Row],
        seen: Iterable[tuple[str, dict[str, Any]]],
        fields: list[str],
    ) -> dict[str, int]:
        counts = self.counts[kind]
        to_create: list[dict[str, Any]] = []
        to_update: list[Row] = []
        for arm_id, values in seen:
            row = existing.get(arm_id)
            if row is None:
                to_create.append(
                    {
                        "subscription_id": self.subscription.pk,
                        "arm_id": arm_id,
                        "first_seen_at": self.now,
                        "last_seen_at": self.now,
                        "deleted_at": None,
                        **values,
                    }
                )
                continue
            changed = [f for f in fields if getattr(row, f) != values[f]]
            if changed or row.deleted_at is not None:  # type: ignore[attr-defined]
                for name in changed:
                    setattr(row, name, values[name])
                row.deleted_at = None  # type: ignore[attr-defined]
                row.last_seen_at = self.now  # type: ignore[attr-defined]
                to_update.append(row)
            else:
                counts["unchanged"] += 1
        pks = {arm_id: row.pk for arm_id, row in existing.items()}
        if to_create:
            insert_rows(model, to_create)
            created = [values["arm_id"] for values in to_create]
            for start in range(0, len(created), BATCH):
                pks.update(
                    model._default_manager.filter(
                        subscription=self.subscription, arm_id__in=created[start : start + BATCH]
                    ).values_list("arm_id", "pk")
                )
        if to_update:
            model._default_manager.bulk_update(
                to_update, [*fields, "deleted_at", "last_seen_at"], batch_size=BATCH
            )
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
        return pks

    def _soft_delete(self, kind: str, model: type[models.Model], pks: Iterable[int]) -> int:
        pks = sorted(set(pks))
        deleted = 0
        for start in range(0, len(pks), BATCH):
            deleted += model._default_manager.filter(
                pk__in=pks[start : start + BATCH], deleted_at=None
            ).update(deleted_at=self.now)
        self.counts[kind]["deleted"] += deleted
        return deleted

    # -- the whole tree ---------------------------------------------------------------------
    def apply(self, snapshot: Snapshot) -> dict[str, dict[str, int]]:
        targeted = self.gallery_id is not None
        rgs = self._existing(
            ResourceGroup, **({"arm_id__in": list(snapshot.resource_groups)} if targeted else {})
        )
        galleries = self._existing(Gallery, **self._scope("arm_id"))
        images = self._existing(GalleryImage, **self._scope("gallery__arm_id"))
        versions = self._existing(ImageVersion, **self._scope("image__gallery__arm_id"))

        rg_pk = self._sync(
            "resource_groups",
            ResourceGroup,
            rgs,
            ((rg.arm_id, {"name": rg.name}) for rg in snapshot.resource_groups.values()),
            ["name"],
        )
        gallery_pk = self._sync(
            "galleries",
            Gallery,
            galleries,
            (
                (
                    g.arm_id,
                    {
                        "name": g.name,
                        "resource_group_id": rg_pk[g.resource_group_id],
                        "location": g.location,
                        "description": g.description,
                        "unique_name": g.unique_name,
                    },
                )
                for g in snapshot.galleries.values()
            ),
            GALLERY_FIELDS,
        )
        image_pk = self._sync(
            "images",
            GalleryImage,
            images,
            (
                (i.arm_id, _image_values(i.__dict__, gallery_pk[i.gallery_id]))
                for i in snapshot.images.values()
                if i.gallery_id in gallery_pk
            ),
            IMAGE_FIELDS,
        )
        version_pk = self._sync(
            "versions",
            ImageVersion,
            versions,
            (
                (v.arm_id, _version_values(v.__dict__, image_pk[v.image_id]))
                for v in snapshot.versions.values()
                if v.image_id in image_pk
            ),
            VERSION_FIELDS,
        )
        self._sync_regions(snapshot, version_pk)
        self._delete_gone(snapshot, rgs, galleries, images, versions)
        return {kind: dict(values) for kind, values in self.counts.items()}

    def _delete_gone(
        self,
        snapshot: Snapshot,
        rgs: dict[str, ResourceGroup],
        galleries: dict[str, Gallery],
        images: dict[str, GalleryImage],
        versions: dict[str, ImageVersion],
    ) -> None:
        gone_galleries = set(snapshot.gone_galleries)
        if snapshot.galleries_complete and self.gallery_id is None:
            gone_galleries |= set(galleries) - set(snapshot.galleries)
        gone_gallery_pks = {galleries[a].pk for a in gone_galleries if a in galleries}

        gallery_arm_of = {row.pk: arm_id for arm_id, row in galleries.items()}
        gone_images = set(snapshot.gone_images)
        for arm_id, image in images.items():
            if image.gallery_id in gone_gallery_pks or (
                gallery_arm_of.get(image.gallery_id) in snapshot.complete_galleries
                and arm_id not in snapshot.images
            ):
                gone_images.add(arm_id)
        gone_image_pks = {images[a].pk for a in gone_images if a in images}

        image_arm_of = {row.pk: arm_id for arm_id, row in images.items()}
        gone_version_pks = [
            version.pk
            for arm_id, version in versions.items()
            if version.image_id in gone_image_pks
            or (
                image_arm_of.get(version.image_id) in snapshot.complete_images
                and arm_id not in snapshot.versions
            )
        ]
        self._soft_delete("versions", ImageVersion, gone_version_pks)
        self._soft_delete("images", GalleryImage, gone_image_pks)
        self._soft_delete("galleries", Gallery, gone_gallery_pks)
        if snapshot.galleries_complete and self.gallery_id is None:
            # A resource group is listed only for its galleries; none left means gone.
            self._soft_delete(
                "resource_groups",
                ResourceGroup,
                (row.pk for arm_id, row in rgs.items() if arm_id not in snapshot.resource_groups),
            )

    def _sync_regions(self, snapshot: Snapshot, version_pk: dict[str, int]) -> None:
        counts = self.counts["regions"]
        wanted: dict[int, list[RegionData]] = {
            version_pk[v.arm_id]: v.regions
            for v in snapshot.versions.values()
            if v.arm_id in version_pk
        }
        existing: dict[int, dict[str, VersionRegion]] = defaultdict(dict)
        scope: dict[str, Any] = (
            {"version__image__gallery__arm_id": self.gallery_id}
            if self.gallery_id
            else {"version__subscription": self.subscription}
        )
        for row in VersionRegion.objects.filter(**scope):
            existing[row.version_id][row.region] = row
        to_create: list[dict[str, Any]] = []
        to_update: list[VersionRegion] = []
        to_delete: list[int] = []
        for pk, regions in wanted.items():
            current: dict[str, VersionRegion] = existing.get(pk, {})
            for region in regions:
                found = current.pop(region.region, None)
                values = {f: getattr(region, f) for f in REGION_FIELDS}
                if found is None:
                    to_create.append({"version_id": pk, "region": region.region, **values})
                elif any(getattr(found, f) != v for f, v in values.items()):
                    for f, v in values.items():
                        setattr(found, f, v)
                    to_update.append(found)
                else:
                    counts["unchanged"] += 1
            to_delete.extend(row.pk for row in current.values())
        if to_create:
            insert_rows(VersionRegion, to_create)
        if to_update:
            VersionRegion.objects.bulk_update(to_update, REGION_FIELDS, batch_size=BATCH)
        for start in range(0, len(to_delete), BATCH):
            VersionRegion.objects.filter(pk__in=to_delete[start : start + BATCH]).delete()
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
        counts["deleted"] += len(to_delete)


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with one executemany: a refresh creates tens of thousands at once, and
    building a model instance per row (bulk_create) costs more than the database does."""
    connection = connections[router.db_for_write(model)]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    names = list(rows[0])
    fields = [by_attname[name] for name in names]
    adapters = [_adapter(field, connection) for field in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from model metadata)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        [
            adapt(row[name]) if adapt else row[name]
            for name, adapt in zip(names, adapters, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


def _adapter(field: models.Field, connection: Any) -> Any:
    """How a value of `field` reaches the driver (None: as it is)."""
    if isinstance(field, models.DateTimeField):
        # Most values are the refresh's own timestamp: adapt each distinct value once.
        return functools.lru_cache(maxsize=4096)(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _image_values(data: dict[str, Any], gallery_pk: int) -> dict[str, Any]:
    values = {f: data[f] for f in IMAGE_FIELDS if f != "gallery_id"}
    values["gallery_id"] = gallery_pk
    return values


def _version_values(data: dict[str, Any], image_pk: int) -> dict[str, Any]:
    values = {f: data[f] for f in VERSION_FIELDS if f != "image_id"}
    values["image_id"] = image_pk
    return values


def apply_snapshot(
    subscription: ConnectedSubscription, snapshot: Snapshot, *, gallery_id: str | None = None
) -> dict[str, dict[str, int]]:
    """Write `snapshot` (of the whole subscription, or of the gallery `gallery_id`)."""
    with writer_turn(), transaction.atomic():
        return _Applier(subscription, gallery_id).apply(snapshot)


@contextlib.contextmanager
def writer_turn(*, blocking: bool = True) -> Iterator[bool]:
    """SQLite has one writer at a time: threads of this process take turns here instead of
    sleeping in SQLite's busy handler (other threads keep listing in Azure meanwhile).
    Yields whether the turn was taken (always, unless `blocking` is False)."""
    if connections[router.db_for_write(ConnectedSubscription)].vendor != "sqlite":
        yield True
        return
    taken = _SQLITE_WRITER.acquire(blocking=blocking)
    try:
        yield taken
    finally:
        if taken:
            _SQLITE_WRITER.release()

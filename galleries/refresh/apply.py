"""Apply a collected Snapshot to the cached inventory in one transaction.

Creates what is new, updates only rows whose values changed, soft-deletes what is gone (only
below branches that were listed completely) and un-deletes what reappeared. An unchanged
world writes nothing. `last_seen_at` is stamped when a row is created, changed or restored.

Cached rows are read as plain tuples (`values_list`) and compared with the collected values
as tuples: no model instance is built for a row, changed or not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import models
from django.utils import timezone

from galleries.models import (
    ConnectedSubscription,
    Gallery,
    GalleryImage,
    ImageVersion,
    ResourceGroup,
    VersionRegion,
)

from .apply_network import apply_networks
from .bulk_sql import insert_rows, update_rows, writer_turn
from .liveness import bounded_lock_wait
from .snapshot import Snapshot

__all__ = ["apply_snapshot"]

RG_FIELDS = ("name",)
GALLERY_FIELDS = ("name", "resource_group_id", "location", "description", "unique_name")
IMAGE_FIELDS = (
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
    "tags",
)
VERSION_FIELDS = (
    "name",
    "image_id",
    "sort_key",
    "published_date",
    "end_of_life_date",
    "exclude_from_latest",
    "provisioning_state",
    "os_disk_size_gb",
    "data_disk_count",
)
REGION_FIELDS = ("replica_count", "storage_account_type", "exclude_from_latest")
BATCH = 500
# Where INSERT cannot return the new ids: above this many new rows, they are read back with
# one query over the whole scope rather than in batches of `arm_id IN (...)`.
READ_BACK_WHOLE_SCOPE = 1000


class Cached(NamedTuple):
    """A cached inventory row: its id, whether it is soft-deleted, its compared values."""

    pk: int
    deleted: bool
    values: tuple[Any, ...]


def _empty_counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}


class _Applier:
    def __init__(self, subscription: ConnectedSubscription, gallery_id: str | None) -> None:
        self.subscription = subscription
        self.gallery_id = gallery_id  # targeted refresh: only this gallery's subtree
        self.now = timezone.now()
        self.counts: dict[str, dict[str, int]] = defaultdict(_empty_counts)

    # -- scope ------------------------------------------------------------------------------
    def _rows(self, model: type[models.Model], **scope: Any) -> models.QuerySet[Any]:
        return model._default_manager.filter(subscription=self.subscription, **scope).order_by()

    def _existing(
        self, model: type[models.Model], fields: tuple[str, ...], **scope: Any
    ) -> dict[str, Cached]:
        rows = self._rows(model, **scope).values_list("arm_id", "pk", "deleted_at", *fields)
        return {
            arm_id: Cached(pk, deleted_at is not None, tuple(values))
            for arm_id, pk, deleted_at, *values in rows
        }

    def _scope(self, path: str) -> dict[str, Any]:
        return {path: self.gallery_id} if self.gallery_id else {}

    # -- one row type -----------------------------------------------------------------------
    def _sync(
        self,
        kind: str,
        model: type[models.Model],
        existing: dict[str, Cached],
        seen: Iterable[tuple[str, tuple[Any, ...]]],
        fields: tuple[str, ...],
        scope: dict[str, Any],
    ) -> dict[str, int]:
        """Write the rows `seen` (arm id, values of `fields`); returns every arm id's pk."""
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
            return dict(self._rows(model, **scope).values_list("arm_id", "pk"))
        pks: dict[str, int] = {}
        for start in range(0, len(created), BATCH):
            batch = created[start : start + BATCH]
            pks.update(self._rows(model, arm_id__in=batch).values_list("arm_id", "pk"))
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
        rg_scope: dict[str, Any] = (
            {"arm_id__in": list(snapshot.resource_groups)} if self.gallery_id else {}
        )
        gallery_scope = self._scope("arm_id")
        image_scope = self._scope("gallery__arm_id")
        version_scope = self._scope("image__gallery__arm_id")
        rgs = self._existing(ResourceGroup, RG_FIELDS, **rg_scope)
        galleries = self._existing(Gallery, GALLERY_FIELDS, **gallery_scope)
        images = self._existing(GalleryImage, IMAGE_FIELDS, **image_scope)
        versions = self._existing(ImageVersion, VERSION_FIELDS, **version_scope)

        rg_pk = self._sync(
            "resource_groups",
            ResourceGroup,
            rgs,
            ((rg.arm_id, (rg.name,)) for rg in snapshot.resource_groups.values()),
            RG_FIELDS,
            rg_scope,
        )
        gallery_pk = self._sync(
            "galleries",
            Gallery,
            galleries,
            (
                (
                    g.arm_id,
                    (
                        g.name,
                        rg_pk[g.resource_group_id],
                        g.location,
                        g.description,
                        g.unique_name,
                    ),
                )
                for g in snapshot.galleries.values()
            ),
            GALLERY_FIELDS,
            gallery_scope,
        )
        image_pk = self._sync(
            "images",
            GalleryImage,
            images,
            _image_rows(snapshot, gallery_pk),
            IMAGE_FIELDS,
            image_scope,
        )
        version_pk = self._sync(
            "versions",
            ImageVersion,
            versions,
            _version_rows(snapshot, image_pk),
            VERSION_FIELDS,
            version_scope,
        )
        self._sync_regions(snapshot, version_pk)
        self._delete_gone(snapshot, rgs, galleries, images, versions)
        if self.gallery_id is None:
            apply_networks(self, snapshot)
        return {kind: dict(values) for kind, values in self.counts.items()}

    def _delete_gone(
        self,
        snapshot: Snapshot,
        rgs: dict[str, Cached],
        galleries: dict[str, Cached],
        images: dict[str, Cached],
        versions: dict[str, Cached],
    ) -> None:
        gone_galleries = set(snapshot.gone_galleries)
        if snapshot.galleries_complete and self.gallery_id is None:
            gone_galleries |= set(galleries) - set(snapshot.galleries)
        gone_gallery_pks = {galleries[a].pk for a in gone_galleries if a in galleries}

        gallery_arm_of = {row.pk: arm_id for arm_id, row in galleries.items()}
        gallery_at = IMAGE_FIELDS.index("gallery_id")
        gone_images = set(snapshot.gone_images)
        for arm_id, image in images.items():
            gallery = image.values[gallery_at]
            if gallery in gone_gallery_pks or (
                gallery_arm_of.get(gallery) in snapshot.complete_galleries
                and arm_id not in snapshot.images
            ):
                gone_images.add(arm_id)
        gone_image_pks = {images[a].pk for a in gone_images if a in images}

        image_arm_of = {row.pk: arm_id for arm_id, row in images.items()}
        image_at = VERSION_FIELDS.index("image_id")
        gone_version_pks = [
            version.pk
            for arm_id, version in versions.items()
            if version.values[image_at] in gone_image_pks
            or (
                image_arm_of.get(version.values[image_at]) in snapshot.complete_images
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
        scope: dict[str, Any] = (
            {"version__image__gallery__arm_id": self.gallery_id}
            if self.gallery_id
            else {"version__subscription": self.subscription}
        )
        existing: dict[int, dict[str, tuple[int, tuple[Any, ...]]]] = defaultdict(dict)
        rows = VersionRegion.objects.filter(**scope).order_by()
        for version_id, region, pk, *values in rows.values_list(
            "version_id", "region", "pk", *REGION_FIELDS
        ):
            existing[version_id][region] = (pk, tuple(values))
        to_create: list[tuple[Any, ...]] = []
        to_update: list[tuple[Any, ...]] = []
        to_delete: list[int] = []
        for version in snapshot.versions.values():
            pk = version_pk.get(version.arm_id)
            if pk is None:
                continue
            current = existing.pop(pk, {})
            for region in version.regions:
                values = (
                    region.replica_count,
                    region.storage_account_type,
                    region.exclude_from_latest,
                )
                found = current.pop(region.region, None)
                if found is None:
                    to_create.append((pk, region.region, *values))
                elif found[1] != values:
                    to_update.append((*values, found[0]))
                else:
                    counts["unchanged"] += 1
            to_delete.extend(row_pk for row_pk, _ in current.values())
        insert_rows(VersionRegion, ("version_id", "region", *REGION_FIELDS), to_create)
        update_rows(VersionRegion, REGION_FIELDS, to_update)
        for start in range(0, len(to_delete), BATCH):
            VersionRegion.objects.filter(pk__in=to_delete[start : start + BATCH]).delete()
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
        counts["deleted"] += len(to_delete)


def _image_rows(
    snapshot: Snapshot, gallery_pk: dict[str, int]
) -> Iterable[tuple[str, tuple[Any, ...]]]:
    for i in snapshot.images.values():
        gallery = gallery_pk.get(i.gallery_id)
        if gallery is None:
            continue
        yield (
            i.arm_id,
            (
                i.name,
                gallery,
                i.os_type,
                i.os_state,
                i.hyper_v_generation,
                i.architecture,
                i.publisher,
                i.offer,
                i.sku,
                i.security_type,
                i.features,
                i.end_of_life_date,
                i.description,
                i.provisioning_state,
                i.tags,
            ),
        )


def _version_rows(
    snapshot: Snapshot, image_pk: dict[str, int]
) -> Iterable[tuple[str, tuple[Any, ...]]]:
    for v in snapshot.versions.values():
        image = image_pk.get(v.image_id)
        if image is None:
            continue
        yield (
            v.arm_id,
            (
                v.name,
                image,
                v.sort_key,
                v.published_date,
                v.end_of_life_date,
                v.exclude_from_latest,
                v.provisioning_state,
                v.os_disk_size_gb,
                v.data_disk_count,
            ),
        )


def apply_snapshot(
    subscription: ConnectedSubscription, snapshot: Snapshot, *, gallery_id: str | None = None
) -> dict[str, dict[str, int]]:
    """Write `snapshot` (of the whole subscription, or of the gallery `gallery_id`)."""
    with writer_turn(), bounded_lock_wait():
        return _Applier(subscription, gallery_id).apply(snapshot)

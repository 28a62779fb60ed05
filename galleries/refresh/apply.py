"""Apply a collected Snapshot to the cached inventory in one transaction.

Creates what is new, updates only rows whose values changed, soft-deletes what is gone (only
below branches that were listed completely) and un-deletes what reappeared (`row_sync`). An
unchanged world writes nothing. `last_seen_at` is stamped when a row is created, changed or
restored. A Resource Graph snapshot leaves alone the rows an ARM listing wrote lately
(`RowSync.hold`): neither written nor deleted, nor, when ARM deleted them, what is below them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

from django.db import models

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
from .row_sync import BATCH, Cached, RowSync, seen_below
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


class _Below(NamedTuple):
    """A kind of row below a resource group, its parent's kind just before it."""

    name: str  # also the Snapshot's attribute that holds them, by arm id
    model: type[models.Model]
    fields: tuple[str, ...]  # also the collected objects' attributes
    parent: str  # the field of the parent's id (collected: its arm id)
    gallery_path: str  # to the arm id of a targeted refresh's gallery


BELOW = (
    _Below("galleries", Gallery, GALLERY_FIELDS, "resource_group_id", "arm_id"),
    _Below("images", GalleryImage, IMAGE_FIELDS, "gallery_id", "gallery__arm_id"),
    _Below("versions", ImageVersion, VERSION_FIELDS, "image_id", "image__gallery__arm_id"),
)


class _Applier(RowSync):
    def _scope(self, path: str) -> dict[str, Any]:
        return {path: self.gallery_id} if self.gallery_id else {}

    def apply(self, snapshot: Snapshot) -> dict[str, dict[str, int]]:
        rg_scope: dict[str, Any] = (
            {"arm_id__in": list(snapshot.resource_groups)} if self.gallery_id else {}
        )
        rgs = self.existing(ResourceGroup, RG_FIELDS, **rg_scope)
        cached = {
            kind.name: self.existing(kind.model, kind.fields, **self._scope(kind.gallery_path))
            for kind in BELOW
        }
        self.hold("resource_groups", ResourceGroup, **rg_scope)
        for kind in BELOW:
            self.hold(kind.name, kind.model, **self._scope(kind.gallery_path))
        parent_pk = self.sync(
            "resource_groups",
            ResourceGroup,
            rgs,
            ((rg.arm_id, (rg.name,)) for rg in snapshot.resource_groups.values()),
            RG_FIELDS,
            rg_scope,
        )
        for kind in BELOW:
            collected = getattr(snapshot, kind.name).values()
            parent_pk = self.sync(
                kind.name,
                kind.model,
                cached[kind.name],
                seen_below(collected, kind.fields, kind.parent, parent_pk),
                kind.fields,
                self._scope(kind.gallery_path),
            )
        self._sync_regions(snapshot, parent_pk)  # the versions'
        self._delete_gone(snapshot, rgs, cached["galleries"], cached["images"], cached["versions"])
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
        gone_galleries = self.spare("galleries", gone_galleries, galleries)
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
        gone_images = self.spare("images", gone_images, images)
        gone_image_pks = {images[a].pk for a in gone_images if a in images}

        image_arm_of = {row.pk: arm_id for arm_id, row in images.items()}
        image_at = VERSION_FIELDS.index("image_id")
        gone_versions = {
            arm_id
            for arm_id, version in versions.items()
            if version.values[image_at] in gone_image_pks
            or (
                image_arm_of.get(version.values[image_at]) in snapshot.complete_images
                and arm_id not in snapshot.versions
            )
        }
        gone_versions = self.spare("versions", gone_versions, versions)
        self.soft_delete("versions", ImageVersion, (versions[a].pk for a in gone_versions))
        self.soft_delete("images", GalleryImage, gone_image_pks)
        self.soft_delete("galleries", Gallery, gone_gallery_pks)
        if snapshot.galleries_complete and self.gallery_id is None:
            # A resource group is listed only for its galleries; none left means gone (but
            # one that holds a gallery kept as ARM wrote it).
            rg_at = GALLERY_FIELDS.index("resource_group_id")
            holding = {
                row.values[rg_at]
                for arm_id, row in galleries.items()
                if not row.deleted and arm_id not in gone_galleries
            }
            gone_rgs = {
                arm_id
                for arm_id, row in rgs.items()
                if arm_id not in snapshot.resource_groups and row.pk not in holding
            }
            gone_rgs = self.spare("resource_groups", gone_rgs, rgs)
            self.soft_delete("resource_groups", ResourceGroup, (rgs[a].pk for a in gone_rgs))

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
        held = self.held.get("versions", set())
        for version in snapshot.versions.values():
            pk = version_pk.get(version.arm_id)
            if pk is None or version.arm_id in held:
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


def apply_snapshot(
    subscription: ConnectedSubscription, snapshot: Snapshot, *, gallery_id: str | None = None
) -> dict[str, dict[str, int]]:
    """Write `snapshot` (of the whole subscription, or of the gallery `gallery_id`)."""
    with writer_turn(), bounded_lock_wait():
        applier = _Applier(subscription, gallery_id, through_graph=snapshot.through_graph)
        return applier.apply(snapshot)

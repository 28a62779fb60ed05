# ruff: noqa: S608 - SQL is joined only from the callers' constant pieces; values are bound.
"""THE "latest in region" rule: which version Azure deploys for an image's `latest` in a region.

Azure takes the highest version replicated to the region that is excluded from latest neither
as a whole nor for that region, and whose provisioning did not fail. A version past its end of
life still counts (Azure deploys it; the editor warns about it). The rule is written once, in
SQL, so that the cascade's hand-written queries (a correlated subquery per image) and the ORM
callers (validation, the inventory API and pages) cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from galleries.models import GalleryImage, ImageVersion
from galleries.regions import normalize_region


def latest_version_sql(image_id: str, columns: str) -> str:
    """SQL selecting `columns` of the latest version (alias `v`) of the image whose id is the
    SQL expression `image_id` ("i.id" in a correlated subquery, "%s" on its own). Its
    parameters, after any of `image_id`'s, are latest_version_params(region)."""
    return (
        f"SELECT {columns} FROM galleries_imageversion v"
        f" WHERE v.image_id = {image_id} AND v.deleted_at IS NULL AND v.exclude_from_latest = %s"
        " AND LOWER(v.provisioning_state) <> 'failed' AND EXISTS ("
        "  SELECT 1 FROM galleries_versionregion r WHERE r.version_id = v.id AND r.region = %s"
        "  AND r.exclude_from_latest = %s)"
        # deleted_at (always NULL here) leads the ORDER BY so that it matches the
        # (image, deleted_at, -sort_key) index: PostgreSQL then stops at the first eligible row.
        " ORDER BY v.deleted_at, v.sort_key DESC LIMIT 1"
    )


def latest_version_params(region: str) -> list[Any]:
    return [False, normalize_region(region), False]


def latest_version(image: GalleryImage, region: str) -> ImageVersion | None:
    """The version Azure deploys for "latest" of `image` in `region` (None: none eligible)."""
    found = ImageVersion.objects.raw(
        latest_version_sql("%s", "v.*"), [image.pk, *latest_version_params(region)]
    )
    return next(iter(found), None)

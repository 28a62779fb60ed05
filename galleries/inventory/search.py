# ruff: noqa: S608 - SQL is joined only from constant pieces; values are bound.
"""The image search: every live image of an organization's cached inventory, across all its
subscriptions and galleries, filtered by name, publisher/offer/SKU, OS, architecture, tag and
region, with the version each region deploys for "latest" (THE rule in latest.py).

Only the cache is read, never Azure. The filters narrow the image rows (a few per thousand
versions); the latest versions are read for the page's images only, one statement per region
on the page, so a page costs the same whatever the size of the inventory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from console.models import Organization
from galleries.image_filter import ImageFilter, param_text
from galleries.models import OS_TYPES, GalleryImage, VersionRegion
from galleries.regions import region_display_name

from .latest import latest_version_params, latest_version_sql

ARCHITECTURES = {"x64": "x64", "arm64": "Arm64"}
MAX_TERMS = 8  # words of the text query; more narrow nothing a user would notice


@dataclass(frozen=True)
class ImageSearch(ImageFilter):
    """What the user asked for, read from the query string (anything unknown is ignored)."""

    text: str = ""
    architecture: str = ""
    tag: str = ""
    subscription: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ImageSearch:
        def value(name: str) -> str:
            return param_text(params, name)

        image_filter = cls.read_filter(params)
        if image_filter["os"] not in OS_TYPES:
            image_filter["os"] = ""  # an OS no image has would hide every image
        return cls(
            **image_filter,
            text=value("q"),
            architecture=ARCHITECTURES.get(value("architecture").lower(), ""),
            tag=value("tag"),
            subscription=value("subscription") if value("subscription").isdigit() else "",
        )

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


@dataclass
class ImageHit:
    image: GalleryImage
    # (region code, region name, latest version name or "" when none is eligible)
    latest: list[tuple[str, str, str]] = field(default_factory=list)


def _text_filter(text: str) -> Q:
    """Every word must appear in the image's name, publisher, offer, SKU or gallery name."""
    q = Q()
    for word in text.split()[:MAX_TERMS]:
        q &= (
            Q(name__icontains=word)
            | Q(publisher__icontains=word)
            | Q(offer__icontains=word)
            | Q(sku__icontains=word)
            | Q(gallery__name__icontains=word)
        )
    return q


def _tag_filter(images: QuerySet[GalleryImage], tag: str) -> QuerySet[GalleryImage]:
    """ "name" finds images carrying the tag; "name=value" those where it has that value."""
    name, _, value = tag.partition("=")
    name = name.strip()
    if not name:
        return images
    images = images.filter(tags__has_key=name)
    if "=" in tag:
        images = images.annotate(_tag_value=KeyTextTransform(name, "tags")).filter(
            _tag_value__iexact=value.strip()
        )
    return images


def search_images(organization: Organization, search: ImageSearch) -> QuerySet[GalleryImage]:
    """The organization's live images matching `search`, in name order."""
    images = GalleryImage.objects.filter(
        subscription__organization=organization, deleted_at=None, gallery__deleted_at=None
    )
    if search.subscription:
        images = images.filter(subscription_id=int(search.subscription))
    if search.text:
        images = images.filter(_text_filter(search.text))
    if search.os:
        images = images.filter(os_type=search.os)
    if search.architecture == "Arm64":
        images = images.filter(architecture__iexact="Arm64")
    elif search.architecture == "x64":
        # ARM leaves the architecture out for x64 images made before it existed.
        images = images.filter(Q(architecture__iexact="x64") | Q(architecture=""))
    if search.tag:
        images = _tag_filter(images, search.tag)
    if search.region:
        in_region = VersionRegion.objects.filter(
            version__image=OuterRef("pk"), version__deleted_at=None, region=search.region
        )
        images = images.filter(Exists(in_region))
    return images.select_related(
        "subscription", "subscription__account", "gallery", "gallery__resource_group"
    ).order_by("name", "pk")


def with_latest(images: list[GalleryImage], region: str = "") -> list[ImageHit]:
    """The page's images, each with the version "latest" deploys in each of its regions (only
    `region`'s when the search names one)."""
    hits = {image.pk: ImageHit(image) for image in images}
    if not hits:
        return []
    regions_of: dict[int, set[str]] = defaultdict(set)
    pairs = VersionRegion.objects.filter(version__image_id__in=list(hits), version__deleted_at=None)
    if region:
        pairs = pairs.filter(region=region)
    for image_id, code in pairs.values_list("version__image_id", "region").distinct():
        regions_of[image_id].add(code)
    by_region: dict[str, list[int]] = defaultdict(list)
    for image_id, codes in regions_of.items():
        for code in codes:
            by_region[code].append(image_id)
    for code in sorted(by_region):
        for image_id, version in _latest_in(code, by_region[code]):
            hits[image_id].latest.append((code, region_display_name(code), version or ""))
    return list(hits.values())


def _latest_in(region: str, image_ids: list[int]) -> list[tuple[int, str | None]]:
    marks = ", ".join(["%s"] * len(image_ids))
    sql = (
        f"SELECT i.id, ({latest_version_sql('i.id', 'v.name')})"
        f" FROM galleries_galleryimage i WHERE i.id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*latest_version_params(region), *image_ids])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def image_to_use(organization: Organization, image_id: str) -> GalleryImage | None:
    """One live image of the organization ("Use this image"); None for anything else."""
    if not image_id.isdigit() or len(image_id) > 18:
        return None
    return search_images(organization, ImageSearch()).filter(pk=int(image_id)).first()

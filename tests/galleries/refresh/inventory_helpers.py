"""Compare the cached inventory with the sandbox's world."""

from __future__ import annotations

from typing import Any

from galleries.models import ConnectedSubscription, ImageVersion
from galleries.regions import normalize_region

Tree = dict[tuple[str, str, str], list[str]]


def world_tree(sandbox: Any, display_name: str) -> Tree:
    """(gallery, image, version) -> sorted regions, as the sandbox holds them."""
    sub = sandbox.world.subscription_named(display_name)
    tree: Tree = {}
    for group in sub.resource_groups.values():
        for gallery in group.galleries.values():
            for image in gallery.images.values():
                for version in image.versions.values():
                    key = (gallery.name.lower(), image.name.lower(), version.name.lower())
                    regions = {normalize_region(r.name) for r in version.target_regions}
                    tree[key] = sorted(regions or {normalize_region(version.location)})
    return tree


def cached_tree(subscription: ConnectedSubscription) -> Tree:
    """The same, from the live cached rows."""
    tree: Tree = {}
    versions = ImageVersion.objects.filter(
        subscription=subscription,
        deleted_at=None,
        image__deleted_at=None,
        image__gallery__deleted_at=None,
    ).select_related("image__gallery")
    for version in versions.prefetch_related("regions"):
        key = (version.image.gallery.name.lower(), version.image.name.lower(), version.name.lower())
        tree[key] = sorted(r.region for r in version.regions.all())
    return tree


def all_rows(subscription: ConnectedSubscription) -> dict[str, list[tuple[Any, ...]]]:
    """Every inventory row of the subscription, every column: for 'nothing changed' checks."""
    from galleries.models import Gallery, GalleryImage, ResourceGroup, VersionRegion

    rows: dict[str, list[tuple[Any, ...]]] = {}
    for model in (ResourceGroup, Gallery, GalleryImage, ImageVersion):
        rows[model.__name__] = sorted(
            model.objects.filter(subscription=subscription).order_by("pk").values_list()
        )
    rows["VersionRegion"] = sorted(
        VersionRegion.objects.filter(version__subscription=subscription).values_list()
    )
    return rows

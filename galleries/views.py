"""Inventory pages: galleries → images → versions of every connected subscription."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from console.http import AuthedRequest
from console.models import Organization, Role
from console.permissions import has_role, role_required

from . import selectors
from .inventory.latest import latest_version
from .models import OS_CHOICES, Gallery, GalleryImage, ImageVersion, VersionRegion
from .regions import normalize_region, region_display_name
from .usage import usage_of

OS_FILTER_CHOICES = [("", "Any OS"), *OS_CHOICES]
STATE_CHOICES = [
    ("", "Any state"),
    ("succeeded", "Succeeded"),
    ("failed", "Failed"),
    ("other", "Creating / updating / deleting"),
    ("eol", "Past end of life"),
]


def _filters(request: AuthedRequest) -> dict[str, str]:
    return {
        "os": request.GET.get("os", "").strip(),
        "region": normalize_region(request.GET.get("region", "")),
        "state": request.GET.get("state", "").strip().lower(),
        "subscription": request.GET.get("subscription", "").strip(),
    }


def _version_filter(filters: dict[str, str], prefix: str = "") -> Q:
    """Q over ImageVersion (or a relation to it, via `prefix`) for the region/state filters."""
    q = Q(**{f"{prefix}deleted_at": None})
    if filters["region"]:
        q &= Q(**{f"{prefix}regions__region": filters["region"]})
    state = filters["state"]
    if state in ("succeeded", "failed"):
        q &= Q(**{f"{prefix}provisioning_state__iexact": state})
    elif state == "other":
        q &= ~Q(**{f"{prefix}provisioning_state__iregex": r"^(succeeded|failed)$"})
    elif state == "eol":
        q &= Q(**{f"{prefix}end_of_life_date__lt": timezone.now()})
    return q


def _region_choices(organization: Organization) -> list[tuple[str, str]]:
    return [("", "Any region"), *selectors.inventory_regions(organization)]


def _context(request: AuthedRequest, filters: dict[str, str], **extra: object) -> dict[str, object]:
    return {
        "filters": filters,
        "os_choices": OS_FILTER_CHOICES,
        "state_choices": STATE_CHOICES,
        "region_choices": _region_choices(request.organization),
        "can_create": has_role(request, Role.EDITOR),
        **extra,
    }


@role_required()
def inventory(request: AuthedRequest) -> HttpResponse:
    organization = request.organization
    filters = _filters(request)
    subscriptions = list(selectors.subscriptions_for(organization))
    chosen = [s for s in subscriptions if str(s.pk) == filters["subscription"]] or subscriptions
    images = GalleryImage.objects.filter(gallery=OuterRef("pk"), deleted_at=None)
    if filters["os"]:
        images = images.filter(os_type=selectors.normalize_os_type(filters["os"]))
    if filters["region"] or filters["state"]:
        versions = ImageVersion.objects.filter(_version_filter(filters), image=OuterRef("pk"))
        images = images.filter(Exists(versions))
    image_count = Count(
        "images",
        filter=Q(images__deleted_at=None)
        & (Q(images__os_type=selectors.normalize_os_type(filters["os"])) if filters["os"] else Q()),
    )
    galleries = (
        Gallery.objects.filter(subscription__in=chosen, deleted_at=None)
        .filter(Exists(images) if any(filters[k] for k in ("os", "region", "state")) else Q())
        .select_related("subscription", "resource_group")
        .annotate(image_count=image_count)
        .order_by("subscription__display_name", "resource_group__name", "name")
    )
    status = {s.pk: selectors.last_completed_run(s) for s in chosen}
    stale = [s for s in chosen if selectors.is_stale(status[s.pk])]
    return render(
        request,
        "galleries/inventory.html",
        _context(
            request,
            filters,
            subscriptions=subscriptions,
            galleries=galleries,
            status=status,
            stale=stale,
        ),
    )


@role_required()
def gallery_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    organization = request.organization
    gallery = get_object_or_404(
        Gallery.objects.select_related("subscription", "resource_group"),
        pk=pk,
        subscription__organization=organization,
        deleted_at=None,
    )
    filters = _filters(request)
    images = GalleryImage.objects.filter(gallery=gallery, deleted_at=None)
    if filters["os"]:
        images = images.filter(os_type=selectors.normalize_os_type(filters["os"]))
    if filters["region"] or filters["state"]:
        versions = ImageVersion.objects.filter(_version_filter(filters), image=OuterRef("pk"))
        images = images.filter(Exists(versions))
    images = images.annotate(
        version_count=Count("versions", filter=Q(versions__deleted_at=None))
    ).order_by("name")
    return render(
        request,
        "galleries/inventory/gallery.html",
        _context(request, filters, gallery=gallery, images=images),
    )


@role_required()
def image_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    organization = request.organization
    image = get_object_or_404(
        GalleryImage.objects.select_related("gallery", "gallery__resource_group", "subscription"),
        pk=pk,
        subscription__organization=organization,
        deleted_at=None,
    )
    filters = _filters(request)
    versions = (
        ImageVersion.objects.filter(_version_filter(filters), image=image)
        .distinct()
        .prefetch_related("regions")
        .order_by("-sort_key", "-id")
    )
    regions = sorted(
        set(
            VersionRegion.objects.filter(
                version__image=image, version__deleted_at=None
            ).values_list("region", flat=True)
        )
    )
    latest = [
        (region, region_display_name(region), latest_version(image, region)) for region in regions
    ]
    return render(
        request,
        "galleries/inventory/image.html",
        _context(
            request, filters, image=image, versions=versions, latest=latest, usage=usage_of(image)
        ),
    )


@role_required()
def version_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(
        ImageVersion.objects.select_related(
            "image", "image__gallery", "image__gallery__resource_group", "image__subscription"
        ).prefetch_related("regions"),
        pk=pk,
        subscription__organization=request.organization,
        deleted_at=None,
        image__deleted_at=None,
    )
    image = version.image
    context = {"version": version, "image": image, "usage": usage_of(image, version)}
    return render(request, "galleries/inventory/version.html", context)

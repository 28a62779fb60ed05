"""Which live groups, stateful nodes, drafts and changes under review use a gallery image or
one of its versions, "latest" resolved per region as Azure resolves it. Registered with the
inventory (galleries.usage) by GroupsConfig.ready, so that its pages and API can list them.

Reads only the gallery image object of each candidate's Spot JSON (never the whole spec);
candidates are narrowed in the database to the image's gallery, then matched exactly here
(Azure's names are case-insensitive).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from galleries.inventory.latest import latest_version
from galleries.models import GalleryImage, ImageVersion
from galleries.usage import ImageUser

from .editor.views import EDIT_URL
from .models import Group, Kind, Status
from .reviews.models import OPEN_STATES, ChangeRequest, ChangeState
from .spot.json import IMAGE_PATH, gallery_reference_of

LATEST = "latest"
_SPEC_GALLERY = "__".join(("spec", *IMAGE_PATH, "gallery"))
_PROPOSED_GALLERY = "__".join(("proposed_spec", *IMAGE_PATH, "gallery"))


class _Matcher:
    """Whether a gallery image object names `image`, and which version it deploys where."""

    def __init__(self, image: GalleryImage, version: ImageVersion | None) -> None:
        self.image = image
        self.version = version
        self.account_id = image.subscription.account_id
        self.names = (
            image.gallery.resource_group.name.lower(),
            image.gallery.name.lower(),
            image.name.lower(),
        )
        self._latest: dict[str, str] = {}

    def _latest_in(self, region: str) -> str:
        if region not in self._latest:
            found = latest_version(self.image, region) if region else None
            self._latest[region] = found.name if found is not None else ""
        return self._latest[region]

    def resolve(self, kind: str, gallery: Any, account_id: str, region: str) -> tuple[str, str]:
        """(the version named, the version deployed), or ("", "") when it is not a user."""
        ref = gallery_reference_of(kind, gallery)
        if ref is None or (ref.spot_account_id or account_id) != self.account_id:
            return "", ""
        names = (ref.resource_group_name.lower(), ref.gallery_name.lower(), ref.image_name.lower())
        if names != self.names or not ref.version_name:
            return "", ""
        named = ref.version_name
        deployed = self._latest_in(region or "") if named.lower() == LATEST else named
        if self.version is not None and deployed.lower() != self.version.name.lower():
            return "", ""
        return named, deployed


@dataclass(frozen=True)
class _Candidate:
    """A group or proposed change whose gallery image object may name the image."""

    id: str
    kind: str
    name: str
    account_id: str
    account_name: str
    region: str
    gallery: Any
    status: str
    url: str


def _candidate(row: list[Any], *, status: str, url: str) -> _Candidate:
    """A candidate from its row's first seven values, in _Candidate's order (region may be
    null in a proposed spec)."""
    pk, kind, name, account_id, account_name, region, gallery = row
    return _Candidate(
        pk, kind, name, account_id, account_name, str(region or ""), gallery, status, url
    )


def _users(matcher: _Matcher, candidates: Iterable[_Candidate]) -> list[ImageUser]:
    users = []
    for found in candidates:
        named, deployed = matcher.resolve(found.kind, found.gallery, found.account_id, found.region)
        if named:
            users.append(
                ImageUser(
                    kind=str(Kind(found.kind).label),
                    id=found.id,
                    name=found.name,
                    account=found.account_name,
                    status=found.status,
                    version=named,
                    resolves_to=deployed,
                    region=found.region,
                    url=found.url,
                )
            )
    return users


def image_users(image: GalleryImage, version: ImageVersion | None = None) -> list[ImageUser]:
    """Every user of `image` (of `version` only, when given) in the image's organization."""
    organization_id = image.subscription.organization_id
    gallery_name = image.gallery.name
    open_changes = ChangeRequest.objects.filter(
        organization_id=organization_id, state__in=OPEN_STATES
    )
    groups = Group.objects.filter(
        organization_id=organization_id, gallery_name__iexact=gallery_name
    ).exclude(status=Status.DRAFT, pk__in=open_changes.values("group_id"))
    changes = open_changes.filter(**{f"{_PROPOSED_GALLERY}__galleryName__iexact": gallery_name})
    group_rows = groups.values_list(
        "id", "kind", "name", "account_id", "account__name", "region", _SPEC_GALLERY, "status"
    )
    change_rows = changes.values_list(
        "group_id",
        "group__kind",
        "group__name",
        "group__account_id",
        "group__account__name",
        "proposed_spec__region",
        _PROPOSED_GALLERY,
        "state",
        "pk",
    )
    from_groups = (
        _candidate(
            [pk, kind, *rest],
            status="live" if status == Status.ACTIVE else "draft",
            url=reverse(EDIT_URL[Kind(kind)], kwargs={"group_id": pk}),
        )
        for pk, kind, *rest, status in group_rows
    )
    from_changes = (
        _candidate(
            row,
            status=f"proposed change ({ChangeState(state).label.lower()})",
            url=reverse("reviews:change", kwargs={"change_id": change_id}),
        )
        for *row, state, change_id in change_rows
    )
    matcher = _Matcher(image, version)
    return _users(matcher, from_groups) + _users(matcher, from_changes)

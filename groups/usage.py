"""Which live groups, stateful nodes, drafts and changes under review use a gallery image or
one of its versions, "latest" resolved per region as Azure resolves it. Registered with the
inventory (galleries.usage) by GroupsConfig.ready, so that its pages and API can list them.

Reads only the gallery image object of each candidate's Spot JSON (never the whole spec);
candidates are narrowed in the database to the image's gallery, then matched exactly here
(Azure's names are case-insensitive).
"""

from __future__ import annotations

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


def image_users(image: GalleryImage, version: ImageVersion | None = None) -> list[ImageUser]:
    """Every user of `image` (of `version` only, when given) in the image's organization."""
    matcher = _Matcher(image, version)
    organization_id = image.subscription.organization_id
    gallery_name = image.gallery.name
    users: list[ImageUser] = []
    with_open_change = ChangeRequest.objects.filter(
        organization_id=organization_id, state__in=OPEN_STATES
    ).values("group_id")
    rows = Group.objects.filter(
        organization_id=organization_id, gallery_name__iexact=gallery_name
    ).exclude(status=Status.DRAFT, pk__in=with_open_change)
    for pk, kind, status, name, region, account_id, account_name, gallery in rows.values_list(
        "id", "kind", "status", "name", "region", "account_id", "account__name", _SPEC_GALLERY
    ):
        named, deployed = matcher.resolve(kind, gallery, account_id, region)
        if named:
            users.append(
                ImageUser(
                    kind=str(Kind(kind).label),
                    id=pk,
                    name=name,
                    account=account_name,
                    status="live" if status == Status.ACTIVE else "draft",
                    version=named,
                    resolves_to=deployed,
                    region=region,
                    url=reverse(EDIT_URL[Kind(kind)], kwargs={"group_id": pk}),
                )
            )
    changes = ChangeRequest.objects.filter(
        organization_id=organization_id,
        state__in=OPEN_STATES,
        **{f"{_PROPOSED_GALLERY}__galleryName__iexact": gallery_name},
    )
    for (
        change_id,
        state,
        pk,
        kind,
        name,
        account_id,
        account_name,
        region,
        gallery,
    ) in changes.values_list(
        "pk",
        "state",
        "group_id",
        "group__kind",
        "group__name",
        "group__account_id",
        "group__account__name",
        "proposed_spec__region",
        _PROPOSED_GALLERY,
    ):
        region = str(region or "")
        named, deployed = matcher.resolve(kind, gallery, account_id, region)
        if named:
            users.append(
                ImageUser(
                    kind=str(Kind(kind).label),
                    id=pk,
                    name=name,
                    account=account_name,
                    status=f"proposed change ({ChangeState(state).label.lower()})",
                    version=named,
                    resolves_to=deployed,
                    region=region,
                    url=reverse("reviews:change", kwargs={"change_id": change_id}),
                )
            )
    return users

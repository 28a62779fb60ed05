"""Image usage: which live groups, stateful nodes, drafts and proposed changes deploy an image
or a version, with "latest" resolved per region as Azure resolves it; on the inventory's image
and version pages and in the inventory API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.services import create_api_token
from galleries.models import ImageVersion, VersionRegion
from galleries.usage import usage_of
from groups.edit_context import EditContext
from groups.models import Kind, Status
from groups.reviews.services import discard_change, propose_change
from groups.services import save_group
from tests.factories import AccountFactory, OrganizationFactory
from tests.groups.api.bodies import group_body, node_body
from tests.groups.api.http import call
from tests.inventory_factories import ImageVersionFactory, connect_account, gallery_image

IMAGE_API = (
    "/api/inventory/accounts/{account}/resourceGroups/rg-images/galleries/contosogallery"
    "/images/ubuntu-22"
)


def _save(world, kind: str, body: dict[str, Any], status: str = Status.ACTIVE):
    saved, _ = save_group(
        EditContext(world.admin, world.organization, world.account, kind),
        body,
        status=status,
        source="console",
    )
    return saved


@pytest.fixture
def users(review_world) -> dict[str, Any]:
    """Users of ubuntu-22 (1.0.0 and 1.1.0 in eastus, 1.2.0 in westus), and non-users."""
    world = review_world
    node = _save(world, Kind.STATEFUL, {**node_body(), "name": "db-latest"})  # latest, eastus
    draft = _save(
        world,
        Kind.STATELESS,
        {**group_body(version="latest"), "name": "west-draft", "region": "westus"},
        Status.DRAFT,
    )
    other_image = gallery_image(
        world.subscription, image="ubuntu-20", versions={"1.0.0": ["eastus"]}
    )
    _save(world, Kind.STATELESS, {**group_body(imageName=other_image.name), "name": "on-20"})
    proposing = _save(world, Kind.STATELESS, {**group_body(), "name": "proposing"})
    change, _ = propose_change(
        actor=world.author,
        group=proposing,
        spec={**group_body(version="1.1.0"), "name": "proposing"},
    )
    discarded_group = _save(world, Kind.STATELESS, {**group_body(), "name": "discarded"})
    discarded, _ = propose_change(
        actor=world.author,
        group=discarded_group,
        spec={**group_body(version="1.2.0"), "name": "discarded"},
    )
    discard_change(actor=world.author, change=discarded)
    # Another organization with the same names: never listed.
    stranger = OrganizationFactory(name="Fabrikam")
    stranger_account = AccountFactory(organization=stranger, name="Fabrikam prod")
    gallery_image(connect_account(stranger_account), versions={"1.0.0": ["eastus"]})
    save_group(
        EditContext(None, stranger, stranger_account, Kind.STATELESS),
        {**group_body(), "name": "fabrikam-web"},
        status=Status.ACTIVE,
        source="console",
    )
    return {"node": node, "draft": draft, "proposing": proposing, "change": change}


def _version(world, name: str) -> ImageVersion:
    return ImageVersion.objects.get(image=world.image, name=name)


def _listed(found) -> list[tuple[str, str, str, str]]:
    return [(user.name, user.status, user.version, user.resolves_to) for user in found]


def test_usage_lists_exactly_who_deploys_each_version_including_latest(review_world, users):
    world = review_world
    assert _listed(usage_of(world.image, _version(world, "1.0.0"))) == [
        ("discarded", "live", "1.0.0", "1.0.0"),
        ("proposing", "live", "1.0.0", "1.0.0"),
        ("web", "live", "1.0.0", "1.0.0"),
    ]
    assert _listed(usage_of(world.image, _version(world, "1.1.0"))) == [
        ("db-latest", "live", "latest", "1.1.0"),
        ("proposing", "proposed change (draft)", "1.1.0", "1.1.0"),
    ]
    assert _listed(usage_of(world.image, _version(world, "1.2.0"))) == [
        ("west-draft", "draft", "latest", "1.2.0"),
    ]
    assert len(usage_of(world.image)) == 6


def test_when_latest_moves_its_users_move_with_it(review_world, users):
    world = review_world
    newer = ImageVersionFactory(image=world.image, subscription=world.subscription, name="1.3.0")
    VersionRegion.objects.create(version=newer, region="eastus")
    assert _listed(usage_of(world.image, _version(world, "1.1.0"))) == [
        ("proposing", "proposed change (draft)", "1.1.0", "1.1.0"),
    ]
    assert _listed(usage_of(world.image, newer)) == [("db-latest", "live", "latest", "1.3.0")]


def test_the_image_and_version_pages_list_their_users(client: Client, review_world, users):
    world = review_world
    client.force_login(world.viewer)
    page = client.get(f"/inventory/versions/{_version(world, '1.1.0').pk}/").content.decode()
    assert "db-latest" in page
    assert "latest → 1.1.0" in page
    assert f"/reviews/{users['change'].pk}/" in page
    assert "web" not in page.split('id="image-usage"')[1]
    image_page = client.get(f"/inventory/images/{world.image.pk}/").content.decode()
    assert "west-draft" in image_page
    assert "on-20" not in image_page
    assert "fabrikam-web" not in image_page
    unused = ImageVersionFactory(image=world.image, subscription=world.subscription, name="0.9.0")
    empty = client.get(f"/inventory/versions/{unused.pk}/").content.decode()
    assert 'id="image-usage-none"' in empty


def test_the_inventory_api_lists_users_of_an_image_and_a_version(
    client: Client, review_world, users
):
    world = review_world
    _, token = create_api_token(user=world.viewer, organization=world.organization, name="usage")
    base = IMAGE_API.format(account=world.account.id)
    status, answer = call(client, "GET", f"{base}/versions/1.2.0/usage", token=token)
    assert status == 200
    assert [
        (item["name"], item["status"], item["versionName"], item["resolvesTo"])
        for item in answer["response"]["items"]
    ] == [("west-draft", "draft", "latest", "1.2.0")]
    assert answer["response"]["items"][0]["id"] == users["draft"].id
    status, answer = call(client, "GET", f"{base}/usage", token=token)
    assert status == 200
    assert answer["response"]["count"] == 6
    status, _ = call(client, "GET", f"{base}/versions/9.9.9/usage", token=token)
    assert status == 404

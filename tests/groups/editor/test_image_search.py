"""The image search across every gallery of the organization, and "Use this image"."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from console.models import Role
from groups.models import Group
from tests.factories import AccountFactory, OrganizationFactory, log_in_as
from tests.inventory_factories import connect_account, gallery_image

pytestmark = pytest.mark.django_db

SEARCH = reverse("galleries:image_search")


@pytest.fixture
def catalog(editor_world: SimpleNamespace) -> SimpleNamespace:
    """Images with identities, architectures and tags beside the world's."""
    arm = gallery_image(
        editor_world.other_sub, resource_group="shared-rg", gallery="sharedgal", image="ubuntu-arm",
        publisher="Canonical", offer="ubuntu-server", sku="22_04-lts-arm64",
        architecture="Arm64", tags={"team": "web", "stage": "prod"},
        versions={"2.0.0": ["northeurope"], "2.1.0": ["northeurope"]},
    )  # fmt: skip
    stranger_org = OrganizationFactory(name="Fabrikam")
    stranger = connect_account(AccountFactory(organization=stranger_org, name="Theirs"))
    theirs = gallery_image(stranger, gallery="theirgal", image="ubuntu-theirs")
    return SimpleNamespace(arm=arm, theirs=theirs)


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-image="([^"]+)"', html)


def test_finds_images_of_every_subscription_by_name_with_latest_per_region(
    editor_client: Any, catalog: SimpleNamespace
) -> None:
    page = editor_client.get(SEARCH, {"q": "ubuntu"}).content.decode()
    assert rows(page) == ["ubuntu-22", "ubuntu-arm"]  # never another organization's
    ubuntu = page[page.index('data-image="ubuntu-22"') : page.index('data-image="ubuntu-arm"')]
    # 1.11.0 failed in East US, so latest there is 1.10.0; West US's newest is 1.2.0.
    assert re.search(r"East US: <span[^>]*>1\.10\.0<", ubuntu)
    assert re.search(r"West US: <span[^>]*>1\.2\.0<", ubuntu)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "canonical 22_04"}, ["ubuntu-arm"]),
        ({"q": "server"}, ["ubuntu-arm"]),
        ({"os": "windows"}, ["win-2022"]),
        ({"architecture": "arm64"}, ["ubuntu-arm"]),
        ({"architecture": "x64", "q": "ubuntu"}, ["ubuntu-22"]),
        ({"tag": "team"}, ["ubuntu-arm"]),
        ({"tag": "team=WEB"}, ["ubuntu-arm"]),
        ({"tag": "team=db"}, []),
        ({"region": "North Europe"}, ["ubuntu-arm"]),
        ({"q": "sharedgal"}, ["golden", "ubuntu-arm"]),
    ],
)
def test_filters(
    editor_client: Any, catalog: SimpleNamespace, params: dict[str, str], expected: list[str]
) -> None:
    assert rows(editor_client.get(SEARCH, params).content.decode()) == expected


def test_region_filter_shows_that_regions_latest_only(
    editor_client: Any, catalog: SimpleNamespace
) -> None:
    page = editor_client.get(SEARCH, {"region": "westus"}).content.decode()
    assert rows(page) == ["ubuntu-22"]
    assert "West US: " in page
    assert "East US: " not in page


def test_results_are_paged(editor_client: Any, editor_world: SimpleNamespace) -> None:
    for n in range(30):
        gallery_image(editor_world.own_sub, gallery="many", image=f"zz-{n:02d}")
    first = editor_client.get(SEARCH, {"q": "zz-"}).content.decode()
    assert len(rows(first)) == 25
    assert "30 images, page 1 of 2" in first
    second = editor_client.get(SEARCH, {"q": "zz-", "page": "2"}).content.decode()
    assert rows(second) == [f"zz-{n:02d}" for n in range(25, 30)]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "999"},
        {"os": "beos", "architecture": "mips", "subscription": "x"},
        {"tag": "="},
        {"tag": "a=b=c"},
        {"q": "x" * 5000},
        {"region": "Atlantis"},
    ],
)
def test_bad_input_never_fails(
    editor_client: Any, editor_world: SimpleNamespace, params: Any
) -> None:
    assert editor_client.get(SEARCH, params).status_code == 200


def test_viewer_searches_but_cannot_start_a_draft(
    viewer_client: Any, catalog: SimpleNamespace
) -> None:
    page = viewer_client.get(SEARCH, {"q": "golden"}).content.decode()
    assert rows(page) == ["golden"]
    assert "Use this image" not in page
    new = reverse("groups:stateless_create")
    assert viewer_client.get(new, {"use_image": catalog.arm.pk}).status_code == 403


def test_use_this_image_opens_a_new_draft_with_the_cascade_filled(
    editor_client: Any, editor_world: SimpleNamespace
) -> None:
    search = editor_client.get(SEARCH, {"q": "golden"}).content.decode()
    link = f"{reverse('groups:stateless_create')}?use_image={editor_world.golden.pk}"
    assert link in search
    page = editor_client.get(link).content.decode()
    for field, value in (
        ("spot_account_id", editor_world.other.id),
        ("gallery_resource_group_name", "shared-rg"),
        ("gallery_name", "sharedgal"),
        ("image_name", "golden"),
        ("version_name", "latest"),
    ):
        assert re.search(
            rf'<select[^>]*name="{field}".*?<option value="{value}"[^>]*selected', page, re.S
        ), field


def test_use_this_image_of_another_organization_is_refused_in_words(
    editor_client: Any, catalog: SimpleNamespace
) -> None:
    response = editor_client.get(
        reverse("groups:stateless_create"), {"use_image": catalog.theirs.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "That image is no longer in the inventory" in page
    assert "theirgal" not in page


def test_use_this_image_in_the_editor_keeps_what_was_typed(
    editor_client: Any, editor_world: SimpleNamespace
) -> None:
    response = editor_client.post(
        reverse("groups:stateless_create"),
        {
            "name": "typed-name",
            "os": "Linux",
            "region": "eastus",
            "use_image": editor_world.golden.pk,
            "spot_account_id": editor_world.own.id,
            "gallery_resource_group_name": "img-rg",
            "cascade_prev_spot_account_id": editor_world.own.id,
            "revision": "0",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="typed-name"' in page
    assert re.search(r'name="image_name".*?<option value="golden"[^>]*selected', page, re.S)
    assert re.search(r'id="tab-compute"[^>]*show active|show active"[^>]*id="tab-compute"', page)
    assert not Group.objects.exists()  # nothing saved until the user saves


def test_viewer_cannot_post_use_image(viewer_client: Any, editor_world: SimpleNamespace) -> None:
    response = viewer_client.post(
        reverse("groups:stateless_create"), {"use_image": editor_world.golden.pk}
    )
    assert response.status_code == 403


def test_search_page_is_reachable_from_the_inventory(
    client: Any, editor_world: SimpleNamespace
) -> None:
    log_in_as(client, Role.VIEWER, organization=editor_world.org)
    assert SEARCH in client.get(reverse("galleries:inventory")).content.decode()

"""What the editor says: empty drafts, vanished versions, viewers, tab badges, summaries."""

from __future__ import annotations

import re

from django.utils import timezone

from galleries.models import ImageVersion
from groups.models import Group

from .conftest import valid_form


def test_an_empty_draft_is_not_saved_and_asks_for_a_name(editor_client, world):
    empty = {"action": "draft", "os": "Linux", "image_type": "gallery", "revision": "0"}
    response = editor_client.post("/groups/new/", empty)
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_name_error">A draft needs at least a name' in page
    assert not Group.objects.exists()


def test_a_draft_reports_its_problems_pluralised(editor_client, world):
    one = editor_client.post(
        "/groups/new/", valid_form(world, action="draft", subnet_name=""), follow=True
    ).content.decode()
    assert "1 problem is listed below." in one
    two = editor_client.post(
        "/groups/new/", valid_form(world, action="draft", name="b", subnet_name="", region=""),
        follow=True,
    ).content.decode()  # fmt: skip
    assert re.search(r"\d+ problems are listed below\.", two)
    assert "problem(s)" not in one + two


def test_a_deleted_pinned_version_stays_selected_flagged_and_unrelated_edits_save(
    editor_client, world
):
    editor_client.post("/groups/new/", valid_form(world, action="draft", version_name="1.1.0"))
    group = Group.objects.get()
    ImageVersion.objects.filter(image=world.ubuntu, name="1.1.0").update(deleted_at=timezone.now())
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert 'value="1.1.0" selected>1.1.0 — no longer in the gallery</option>' in page
    assert "Image ubuntu-22 has no version 1.1.0 any more" in page
    assert "is not available in East US" not in page
    # the kept version is posted back, so an unrelated change saves as a draft unharmed
    form = valid_form(world, action="draft", version_name="1.1.0", description="x", revision="1")
    response = editor_client.post(f"/groups/{group.id}/", form, follow=True)
    assert "Version is required." not in response.content.decode()
    group.refresh_from_db()
    assert group.spec["compute"]["launchSpecification"]["image"]["gallery"]["version"] == "1.1.0"


def test_viewers_get_403_on_the_create_pages_and_see_no_create_button(viewer_client, world):
    assert viewer_client.get("/groups/new/").status_code == 403
    assert viewer_client.get("/nodes/new/").status_code == 403
    for listing in ("/groups/", "/nodes/"):
        assert "Create " not in viewer_client.get(listing).content.decode()


def test_editors_see_the_create_button(editor_client, world):
    assert 'href="/groups/new/">Create stateless group</a>' in (
        editor_client.get("/groups/").content.decode()
    )


def test_error_links_point_at_existing_controls_and_the_first_errors_tab_opens(
    editor_client, world
):
    form = valid_form(
        world, name="", gallery_resource_group_name="", gallery_name="", image_name=""
    )
    page = editor_client.post("/groups/new/", form).content.decode()
    links = re.findall(r'<a href="#(id_\w+)" data-field', page)
    assert links[0] == "id_name"
    for anchor in links:
        assert f'id="{anchor}"' in page, f"{anchor} is linked but not on the page"
    assert 'href="#id_gallery_resource_group_name"' in page  # the first cascade level to fill in
    assert 'class="nav-link active" id="tab-general-button"' in page


def test_tabs_with_only_warnings_get_their_own_badge(editor_client, world):
    editor_client.post("/groups/new/", valid_form(world, action="draft", subnet_name=""))
    page = editor_client.get(f"/groups/{Group.objects.get().id}/").content.decode()
    network = page[
        page.index('id="tab-network-button"') : page.index(
            "</button>", page.index('id="tab-network-button"')
        )
    ]
    assert "(has warnings)" in network
    assert "(has problems)" not in network
    general = page[
        page.index('id="tab-general-button"') : page.index(
            "</button>", page.index('id="tab-general-button"')
        )
    ]
    assert "(has warnings)" not in general


def test_get_on_the_refresh_address_is_never_a_blank_page(viewer_client, world):
    response = viewer_client.get("/cascade/refresh/", {"spot_account_id": world.own.id})
    assert response.status_code == 302
    assert response["Location"] == f"/cascade/?spot_account_id={world.own.id}"
    other = viewer_client.put("/cascade/refresh/")
    assert other.status_code == 405
    assert "Refresh this gallery" in other.content.decode()


def test_a_pinned_version_past_the_lists_cap_stays_selected(editor_client, world):
    from tests.inventory_factories import gallery_image

    from .test_fragments import level

    versions = {f"1.0.{n}": ["eastus"] for n in range(120)}
    gallery_image(
        world.own_sub, resource_group="img-rg", gallery="gal", image="many", versions=versions
    )
    page = level(
        editor_client, "version_name", spot_account_id=world.own.id,
        gallery_resource_group_name="img-rg", gallery_name="gal", image_name="many",
        version_name="1.0.3", region="eastus",
    ).content.decode()  # fmt: skip
    assert '<option value="1.0.3" selected>1.0.3</option>' in page
    assert "choose another" not in page

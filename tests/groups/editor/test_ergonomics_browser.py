"""The editor's ergonomics (issue 13): required fields marked, Back / Next between tabs, a
warning before leaving unsaved changes, and a keyboard order that reaches the image picker
without tabbing through every VM-size checkbox; in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from galleries import sharing
from galleries.models import ShareCheck, ShareVerdict
from groups.models import Group
from tests.inventory_factories import gallery_image

from .test_browser import choose, open_tab, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_required_fields_are_marked_and_said_to_screen_readers(page, live_server, editor_world):
    page.goto(f"{live_server.url}/groups/new/")
    expect(page.locator("#required-note")).to_contain_text("needed to create")
    name_mark = page.locator('label[for="id_name"] + .required-mark')
    expect(name_mark).to_have_text("*")
    expect(name_mark).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-required", "true")
    expect(page.locator('label[for="id_description"] + .required-mark')).to_have_count(0)
    expect(page.get_by_label("Description")).not_to_have_attribute("aria-required", "true")


def test_next_and_back_walk_the_tabs(page, live_server, editor_world):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_role("button", name="Next: Compute").click()
    expect(page.get_by_role("tab", name="Compute")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tab-compute")).to_be_visible()
    page.locator("#tab-compute").get_by_role("button", name="Next: Network").click()
    expect(page.locator("#tab-network")).to_be_visible()
    page.locator("#tab-network").get_by_role("button", name="Back: Compute").click()
    expect(page.locator("#tab-compute")).to_be_visible()
    expect(
        page.locator("#tab-review").get_by_role("button", name="Next", exact=False)
    ).to_have_count(0)


def test_leaving_with_unsaved_changes_asks_first(page, live_server, editor_world):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Name", exact=True).fill("half-typed")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page.get_by_label("Name", exact=True)).to_have_value("half-typed")
    # saving is not leaving: no question, and the draft is saved
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("half-typed")
    assert asked == ["beforeunload"]
    assert Group.objects.filter(name="half-typed").exists()


def test_an_untouched_form_leaves_without_asking(page, live_server, editor_world):
    page.goto(f"{live_server.url}/groups/new/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(f"{live_server.url}/groups/")
    assert asked == []


def test_the_keyboard_reaches_the_account_dropdown_in_at_most_ten_tabs(
    page, live_server, editor_world
):
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Compute")
    page.get_by_role("tab", name="Compute").focus()
    presses = 0
    while presses < 10:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("() => document.activeElement.id") == "id_spot_account_id":
            break
    assert page.evaluate("() => document.activeElement.id") == "id_spot_account_id", presses
    assert presses <= 10


def _many_images(editor_world, count: int = 9) -> None:
    for index in range(count):
        gallery_image(
            editor_world.own_sub, resource_group="img-rg", gallery="gal2", image=f"img-{index:02d}"
        )


def test_a_filter_box_only_where_the_list_is_long_and_one_match_is_chosen(
    page, live_server, editor_world
):
    _many_images(editor_world)
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Compute")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    settled(page, "#id_image_name")
    # three images: no filter box
    expect(page.locator("#id_image_name_q")).to_have_count(0)
    choose(page, "#id_gallery_name", "gal2")
    expect(page.locator("#id_image_name option[value='img-08']")).to_be_attached()
    search = page.locator("#id_image_name_q")
    expect(search).to_be_visible()
    search.fill("img-07")
    expect(page.locator("#id_image_name")).to_have_value("img-07")
    # chosen as a click would: the versions loaded
    expect(page.locator("#id_version_name option").nth(1)).to_contain_text("Latest")


def test_arrow_keys_on_a_closed_dropdown_load_the_next_level_once(page, live_server, editor_world):
    _many_images(editor_world, 3)
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Compute")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal2")
    expect(page.locator("#id_image_name option[value='img-02']")).to_be_attached()
    requests = []
    page.on(
        "request",
        lambda request: requests.append(request.url) if "/version_name/" in request.url else None,
    )
    images = page.locator("#id_image_name")
    images.focus()
    for _ in range(3):
        images.press("ArrowDown")
    expect(page.locator("#id_version_name option").nth(1)).to_contain_text("Latest")
    page.wait_for_timeout(800)
    assert len(requests) == 1, requests
    assert images.input_value() == page.locator("#id_image_name option").nth(3).get_attribute(
        "value"
    )


def test_the_share_verdict_is_said_at_the_gallery_with_check_now(
    page, live_server, editor_world, monkeypatch
):
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Compute")
    choose(page, "#id_spot_account_id", editor_world.other.id)
    expect(
        page.locator('#id_gallery_resource_group_name option[value="shared-rg"]')
    ).to_be_attached()
    choose(page, "#id_gallery_resource_group_name", "shared-rg")
    choose(page, "#id_gallery_name", "sharedgal")
    verdict = page.locator("#share-check")
    # said once the gallery is chosen, above its images, before any image is
    expect(verdict).to_contain_text("Gallery sharedgal:")
    expect(verdict).to_contain_text("Shared")
    expect(page.locator("#id_image_name")).to_have_value("")
    assert verdict.bounding_box()["y"] < page.locator("#id_image_name").bounding_box()["y"]
    # the share was withdrawn in Azure since: Check now asks again and says so
    monkeypatch.setattr(
        sharing, "_verdict", lambda reader, gallery: (ShareVerdict.NOT_SHARED, "HTTP 403")
    )
    monkeypatch.setattr(sharing, "gateway_for", lambda reader: _ClosableGateway())
    verdict.get_by_role("button", name="Check now").click()
    expect(verdict).to_contain_text("Not shared")
    check = ShareCheck.objects.get(reader=editor_world.own_sub, gallery=editor_world.golden.gallery)
    assert check.verdict == ShareVerdict.NOT_SHARED


class _ClosableGateway:
    def close(self) -> None:
        pass

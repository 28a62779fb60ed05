"""Bugs a new user hit in Chromium (issue 13): each test failed before its fix."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from console.models import Role
from galleries.models import ShareCheck
from groups.models import Group
from tests.factories import log_in_as

from .conftest import valid_form
from .test_browser import choose, fill_general, open_tab, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_in_a_filter_box_picks_the_first_match_and_saves_nothing(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    fill_general(page)
    open_tab(page, "Compute")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    settled(page, "#id_image_name")
    search = page.locator("#id_image_name_q")
    search.fill("ubu")
    search.press("Enter")
    expect(page.locator("#id_image_name")).to_have_value("ubuntu-22")
    # the first match was chosen as a click would: the next level (versions) loaded
    expect(page.locator("#id_version_name option").nth(1)).to_contain_text("Latest")
    expect(page).to_have_url(f"{live_server.url}/groups/new/")
    assert not Group.objects.exists()
    # the VM-size filter box: Enter filters, and submits nothing either
    page.locator("#id_spot_sizes").get_by_placeholder(re.compile("filter", re.I)).press("Enter")
    expect(page).to_have_url(f"{live_server.url}/groups/new/")
    assert not Group.objects.exists()


def test_the_conflict_page_shows_the_diff_one_line_each_in_colour(page, live_server, world):
    creator = Client()
    log_in_as(creator, Role.EDITOR, organization=world.org)
    creator.post("/groups/new/", valid_form(world))
    group = Group.objects.get()
    page.goto(f"{live_server.url}/groups/{group.id}/")
    creator.post(f"/groups/{group.id}/", valid_form(world, name="alice-web", revision="1"))
    page.get_by_label("Name", exact=True).fill("bob-web")
    page.get_by_role("button", name=re.compile("^(Update|Create)$")).click()
    expect(page.get_by_role("heading", name=re.compile("was changed while you were editing")))
    added = page.locator(".diff .diff-add", has_text='"name": "alice-web"')
    removed = page.locator(".diff .diff-del", has_text='"name": "web"')
    expect(added).to_be_visible()
    expect(added).to_have_css("display", "block")
    expect(added).to_have_css("background-color", "rgb(230, 255, 236)")
    expect(removed).to_have_css("background-color", "rgb(255, 235, 233)")
    expect(added).to_be_in_viewport()
    # one line each: the removed line sits above the added one, not beside it
    removed_box, added_box = removed.bounding_box(), added.bounding_box()
    assert removed_box is not None
    assert added_box is not None
    assert removed_box["y"] < added_box["y"]


def test_the_not_shared_message_reads_as_one_piece_of_advice(page, live_server, world):
    ShareCheck.objects.filter(reader=world.own_sub, gallery=world.golden.gallery).update(
        verdict="not_shared",
        detail="The service principal has no access (HTTP 403 AuthorizationFailed); "
        "grant it the Reader role on the subscription.",
    )
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Compute")
    choose(page, "#id_spot_account_id", world.other.id)
    expect(
        page.locator('#id_gallery_resource_group_name option[value="shared-rg"]')
    ).to_be_attached()
    choose(page, "#id_gallery_resource_group_name", "shared-rg")
    choose(page, "#id_gallery_name", "sharedgal")
    verdict = page.locator("#share-check")
    expect(verdict).to_contain_text("Not shared")
    expect(verdict).to_contain_text("cannot read this gallery")
    text = verdict.inner_text()
    assert ".." not in text.replace("…", "")
    assert "Reader role on the subscription" not in text
    assert text.lower().count("share ") == 1


def _editor(world) -> Client:
    client = Client()
    log_in_as(client, Role.EDITOR, organization=world.org)
    return client


def test_a_long_name_wraps_and_the_list_fits_the_window(page, live_server, world):
    response = _editor(world).post("/groups/new/", valid_form(world, name="n" * 200))
    assert response.status_code == 302
    page.goto(f"{live_server.url}/groups/")
    expect(page.get_by_role("link", name="n" * 200, exact=True)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366


def test_a_draft_without_image_says_so_in_the_lists(page, live_server, world):
    draft = valid_form(world, name="unfinished", action="draft")
    for field in ("gallery_resource_group_name", "gallery_name", "image_name", "version_name"):
        draft.pop(field)
    assert _editor(world).post("/groups/new/", draft).status_code == 302
    page.goto(f"{live_server.url}/drafts/")
    row = page.get_by_role("row", name=re.compile("unfinished"))
    expect(row).to_contain_text("no image yet")
    expect(row).not_to_contain_text("//")


def test_the_error_summary_always_counts_the_problems(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#error-summary")).to_contain_text("Not saved: 1 problem.")
    expect(page.locator("#error-summary")).not_to_contain_text("please correct")


def test_a_first_save_does_not_say_the_inventory_changed_since(page, live_server, world):
    ShareCheck.objects.filter(reader=world.own_sub, gallery=world.golden.gallery).delete()
    form = valid_form(
        world, spot_account_id=world.other.id, gallery_resource_group_name="shared-rg",
        gallery_name="sharedgal", image_name="golden", version_name="latest",
    )  # fmt: skip
    assert _editor(world).post("/groups/new/", form).status_code == 302
    page.goto(f"{live_server.url}/groups/{Group.objects.get().id}/")
    summary = page.locator("#warning-summary")
    expect(summary).to_contain_text("1 warning from checking this stateless group")
    expect(summary).not_to_contain_text("since this was saved")


def test_the_history_of_an_active_group_highlights_its_list_not_drafts(page, live_server, world):
    assert _editor(world).post("/groups/new/", valid_form(world)).status_code == 302
    page.goto(f"{live_server.url}/drafts/{Group.objects.get().id}/compare/")
    current = page.locator('#main-nav [aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Stateless groups")


def test_a_region_that_drops_the_version_says_so_on_general_and_badges_compute(
    page, live_server, world
):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Region").select_option("eastus")
    open_tab(page, "Compute")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    choose(page, "#id_image_name", "ubuntu-22")
    choose(page, "#id_version_name", "1.1.0")  # in eastus only
    compute_tab = page.get_by_role("tab", name=re.compile("Compute"))
    expect(compute_tab.locator("[data-notice-badge]")).to_have_count(0)
    open_tab(page, "General")
    page.get_by_label("Region").select_option("westus")
    elsewhere = page.locator("#notice-elsewhere")
    expect(elsewhere).to_contain_text("Compute tab: Version 1.1.0 is not available in")
    expect(compute_tab).to_contain_text("(needs a look)")
    open_tab(page, "Compute")
    expect(page.locator("[data-cascade-notice]")).to_contain_text("Version 1.1.0 is not available")
    expect(elsewhere).to_have_text("")

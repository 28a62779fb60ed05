"""The image search in Chromium: from the editor's Compute tab and from the inventory."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.groups.editor.test_browser import fill_general, open_tab, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_an_image_in_the_editor_fills_the_cascade_and_keeps_the_form(
    page, live_server, editor_world
):
    page.goto(f"{live_server.url}/groups/new/")
    fill_general(page, name="from-search")
    open_tab(page, "Compute")
    page.get_by_role("button", name="Find an image…").click()
    dialog = page.get_by_role("dialog", name="Find an image")
    expect(dialog.locator("#image-search-table")).to_be_visible()
    dialog.get_by_label("Name, publisher, offer or SKU").fill("golden")
    row = dialog.locator('tr[data-image="golden"]')
    expect(dialog.locator("tbody tr")).to_have_count(1)
    expect(row).to_contain_text("East US: 5.0.0")
    row.get_by_role("button", name=re.compile("^Use image golden")).click()

    expect(page.locator("#tab-compute")).to_be_visible()
    expect(settled(page, "#id_spot_account_id")).to_have_value(editor_world.other.id)
    expect(page.locator("#id_gallery_resource_group_name")).to_have_value("shared-rg")
    expect(page.locator("#id_gallery_name")).to_have_value("sharedgal")
    expect(page.locator("#id_image_name")).to_have_value("golden")
    expect(page.locator("#id_version_name")).to_have_value("latest")
    open_tab(page, "General")
    expect(page.get_by_label("Name", exact=True)).to_have_value("from-search")


def test_use_this_image_from_the_inventory_opens_a_new_draft(page, live_server, editor_world):
    page.goto(f"{live_server.url}/inventory/")
    page.get_by_role("link", name="Find an image").click()
    page.get_by_label("Name, publisher, offer or SKU").fill("ubuntu")
    expect(page.locator("tbody tr")).to_have_count(1)
    row = page.locator('tr[data-image="ubuntu-22"]')
    expect(row).to_contain_text("East US: 1.10.0")
    expect(row).to_contain_text("West US: 1.2.0")
    row.get_by_role("link", name=re.compile("new stateless group")).click()
    expect(page).to_have_url(re.compile(r"/groups/new/\?use_image=\d+$"))
    open_tab(page, "Compute")
    expect(settled(page, "#id_image_name")).to_have_value("ubuntu-22")
    expect(page.locator("#id_gallery_name")).to_have_value("gal")
    expect(page.locator("#id_version_name")).to_have_value("latest")

"""The editor in Chromium: the Shared Image cascade by mouse, by keyboard and without JavaScript."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from groups.models import Group
from groups.spot.json import to_item
from tests.groups.api.bodies import SSH_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page: Page, select_id: str) -> Any:
    """The select once htmx has swapped it in and wired it up (htmx-added is removed last)."""
    level = select_id.removeprefix("#id_")  # each level's select is named as the level
    page.wait_for_selector(f"#level-{level}:not(.htmx-added):not(.htmx-settling) {select_id}")
    return page.locator(select_id)


def choose(page: Page, select_id: str, value: Any) -> None:
    settled(page, select_id).select_option(value)


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.locator(f"#tab-{name.lower()}")).to_be_visible()


def fill_the_rest(page: Page) -> None:
    open_tab(page, "Network")
    page.get_by_label("Network resource group").fill("rg-net")
    page.get_by_label("Virtual network").fill("vnet")
    page.get_by_label("Subnet").fill("default")
    open_tab(page, "Login")
    page.get_by_label("User name").fill("azureuser")
    page.get_by_label("SSH public key").fill(SSH_KEY)


def fill_general(page: Page, name: str = "web") -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Region").select_option("eastus")
    page.get_by_label("Resource group", exact=True).fill("rg-app")
    page.get_by_label("Minimum").fill("0")
    page.get_by_label("Target").fill("1")
    page.get_by_label("Maximum").fill("2")


def size_box(page: Page, field: str, label: str) -> Any:
    return page.locator(f"#id_{field}").get_by_label(label, exact=True)


def choose_sizes(page: Page) -> None:
    size_box(page, "od_sizes", "Standard_D2s_v5").check()
    size_box(page, "spot_sizes", "Standard_D2s_v5").check()
    size_box(page, "spot_sizes", "Standard_D4s_v5").check()


def test_walk_the_cascade_with_the_mouse_save_reload_and_review(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    fill_general(page)
    open_tab(page, "Compute")
    choose_sizes(page)
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    choose(page, "#id_image_name", "ubuntu-22")
    versions = page.locator("#id_version_name")
    expect(versions.locator("option").nth(1)).to_have_text("Latest (currently 1.10.0)")
    expect(page.locator("#cascade-announcer")).to_contain_text("options loaded")
    expect(page.locator("#image-details")).to_contain_text("Generalized")
    choose(page, "#id_version_name", "1.10.0")
    expect(page.locator("#level-details")).to_contain_text("Version 1.10.0")
    fill_the_rest(page)
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/groups/sig-[0-9a-f]{8}/$"))
    expect(page.get_by_role("status").first).to_contain_text("created (revision 1)")

    page.reload()
    open_tab(page, "Compute")
    expect(page.locator("#id_spot_account_id")).to_have_value(world.own.id)
    expect(page.locator("#id_gallery_resource_group_name")).to_have_value("img-rg")
    expect(page.locator("#id_gallery_name")).to_have_value("gal")
    expect(page.locator("#id_image_name")).to_have_value("ubuntu-22")
    expect(page.locator("#id_version_name")).to_have_value("1.10.0")
    expect(size_box(page, "spot_sizes", "Standard_D2s_v5")).to_be_checked()
    expect(size_box(page, "spot_sizes", "Standard_D4s_v5")).to_be_checked()
    expect(page.locator("#spot_sizes-summary")).to_have_text("2 selected: D2s_v5, D4s_v5")

    open_tab(page, "Review")
    shown = json.loads(page.locator("#review-json").inner_text())
    assert shown == to_item(Group.objects.get())


def test_walk_the_cascade_with_the_keyboard_only(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Region").focus()
    page.keyboard.type("East US")  # type-ahead on a closed select
    expect(page.get_by_label("Region")).to_have_value("eastus")
    page.get_by_role("tab", name="General").focus()
    page.keyboard.press("ArrowRight")  # Bootstrap tabs: arrows move between tabs
    page.keyboard.press("Enter")
    expect(page.locator("#tab-compute")).to_be_visible()
    for select_id, wanted in (
        ("#id_gallery_resource_group_name", "img-rg"),
        ("#id_gallery_name", "gal"),
        ("#id_image_name", "appliance"),  # alphabetical: the first image
    ):
        select = settled(page, select_id)
        expect(select.locator("option").nth(1)).to_be_attached()
        select.focus()
        page.keyboard.press("ArrowDown")
        expect(select).to_have_value(wanted)
    version = settled(page, "#id_version_name")
    expect(version.locator("option").nth(1)).to_contain_text("Latest (currently 3.0.0)")
    version.focus()
    page.keyboard.press("ArrowDown")
    expect(version).to_have_value("latest")
    expect(page.locator("#level-details")).to_contain_text("Version 3.0.0")
    # the filter box narrows a list by typing
    search = page.locator("#id_image_name_q")
    search.focus()
    page.keyboard.type("ubu")
    expect(page.locator("#id_image_name option")).to_have_count(3)  # Choose…, appliance, ubuntu
    expect(page.locator("#help-image_name")).to_contain_text("matching “ubu”")


def test_changing_the_gallery_resets_image_and_version(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Compute")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    choose(page, "#id_image_name", "ubuntu-22")
    expect(page.locator("#id_version_name")).to_be_visible()
    choose(page, "#id_gallery_name", "gal2")
    expect(page.locator("#id_image_name")).to_have_value("")
    expect(page.locator("#id_image_name option", has_text="debian-12")).to_be_attached()
    expect(page.locator("#id_version_name")).to_have_count(0)


def test_changing_the_region_filters_versions(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Region").select_option("eastus")
    open_tab(page, "Compute")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    choose(page, "#id_image_name", "ubuntu-22")
    expect(page.locator('#id_version_name option[value="1.1.0"]')).to_be_attached()
    expect(page.locator('#id_version_name option[value="1.2.0"]')).to_have_count(0)
    open_tab(page, "General")
    page.get_by_label("Region").select_option("westus")
    open_tab(page, "Compute")
    expect(page.locator('#id_version_name option[value="1.2.0"]')).to_be_attached()
    expect(page.locator('#id_version_name option[value="1.1.0"]')).to_have_count(0)
    expect(page.locator("#id_version_name option").nth(1)).to_have_text("Latest (currently 1.2.0)")
    page.get_by_label(re.compile("Also show versions not replicated")).check()
    expect(page.locator("#id_version_name option", has_text="not in West US")).not_to_have_count(0)


def test_a_specialized_image_disables_login(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Login")
    page.get_by_label("User name").fill("azureuser")
    open_tab(page, "Compute")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    choose(page, "#id_image_name", "appliance")
    expect(page.locator("#image-details")).to_contain_text("Specialized image")
    open_tab(page, "Login")
    expect(page.get_by_label("User name")).to_be_disabled()
    expect(page.get_by_label("User name")).to_have_value("azureuser")  # kept, not submitted
    expect(page.locator("#specialized-note")).to_be_visible()
    open_tab(page, "Compute")
    choose(page, "#id_image_name", "ubuntu-22")
    expect(page.locator("#image-details")).to_contain_text("Generalized")
    open_tab(page, "Login")
    expect(page.get_by_label("User name")).to_be_enabled()
    expect(page.get_by_label("User name")).to_have_value("azureuser")
    expect(page.locator("#login-restored")).to_contain_text("the login you typed before is back")


def test_without_javascript_the_same_selection_saves(nojs_page, live_server, world):
    page = nojs_page
    page.goto(f"{live_server.url}/groups/new/")
    fill_general(page, name="nojs")
    choose_sizes(page)
    load = page.get_by_role("button", name="Load options")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    load.click()
    choose(page, "#id_gallery_name", "gal")
    load.click()
    choose(page, "#id_image_name", "ubuntu-22")
    load.click()
    choose(page, "#id_version_name", "1.10.0")
    page.get_by_label("Network resource group").fill("rg-net")
    page.get_by_label("Virtual network").fill("vnet")
    page.get_by_label("Subnet").fill("default")
    page.get_by_label("User name").fill("azureuser")
    page.get_by_label("SSH public key").fill(SSH_KEY)
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/groups/sig-[0-9a-f]{8}/$"))
    group = Group.objects.get()
    assert group.name == "nojs"
    assert group.spec["compute"]["launchSpecification"]["image"]["gallery"] == {
        "resourceGroupName": "img-rg",
        "galleryName": "gal",
        "imageName": "ubuntu-22",
        "version": "1.10.0",
    }


def test_a_server_error_in_a_fragment_shows_in_the_page(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Compute")
    # An account the organization does not have (e.g. removed meanwhile): the fragment is a 404.
    page.evaluate(
        """() => {
            const select = document.getElementById("id_spot_account_id");
            select.add(new Option("Gone (act-00000000)", "act-00000000"));
        }"""
    )
    page.locator("#id_spot_account_id").select_option("act-00000000")
    expect(page.locator("#htmx-error")).to_be_visible()
    expect(page.locator("#htmx-error")).to_contain_text("could not complete that request (404")


def test_another_accounts_gallery_shows_the_share_verdict_and_saves_spot_account_id(
    page, live_server, world
):
    page.goto(f"{live_server.url}/groups/new/")
    fill_general(page, name="shared")
    open_tab(page, "Compute")
    choose_sizes(page)
    choose(page, "#id_spot_account_id", world.other.id)
    # the other account's resource groups replace this account's: wait for them to be in
    expect(
        page.locator('#id_gallery_resource_group_name option[value="shared-rg"]')
    ).to_be_attached()
    expect(page.locator("#cascade-announcer")).to_contain_text("resource group options loaded")
    choose(page, "#id_gallery_resource_group_name", "shared-rg")
    choose(page, "#id_gallery_name", "sharedgal")
    expect(page.locator("#share-check")).to_contain_text("can read this gallery")
    choose(page, "#id_image_name", "golden")
    choose(page, "#id_version_name", "5.0.0")
    fill_the_rest(page)
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/groups/sig-[0-9a-f]{8}/$"))
    gallery = Group.objects.get().spec["compute"]["launchSpecification"]["image"]["gallery"]
    assert gallery["spotAccountId"] == world.other.id

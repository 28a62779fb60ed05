"""VM sizes in Chromium: a filterable checkbox list with a summary, marked by architecture."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.inventory_factories import gallery_image

from .test_browser import choose, open_tab, size_box

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sizes_are_filtered_by_typing_and_summarised(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    open_tab(page, "Compute")
    spot = page.locator("#id_spot_sizes")
    expect(page.locator("#spot_sizes-summary")).to_have_text("None selected.")
    spot.get_by_label("Filter spot vm sizes").fill("e4")
    expect(size_box(page, "spot_sizes", "Standard_D2s_v5")).to_be_hidden()
    size_box(page, "spot_sizes", "Standard_E4s_v5").check()
    size_box(page, "spot_sizes", "Standard_E4ps_v5").check()
    spot.get_by_label("Filter spot vm sizes").fill("")
    size_box(page, "spot_sizes", "Standard_D2s_v5").check()
    expect(page.locator("#spot_sizes-summary")).to_have_text("3 selected: D2s_v5, E4s_v5, E4ps_v5")


def test_an_arm64_image_marks_x64_sizes_and_refuses_them(page, live_server, world):
    gallery_image(
        world.own_sub, resource_group="img-rg", gallery="gal", image="worker-arm64",
        architecture="Arm64", versions={"1.0.0": ["eastus"]},
    )  # fmt: skip
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Region").select_option("eastus")
    open_tab(page, "Compute")
    size_box(page, "od_sizes", "Standard_D2s_v5").check()
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    choose(page, "#id_image_name", "worker-arm64")
    choose(page, "#id_version_name", "latest")
    expect(page.locator("#size-architecture-hint")).to_contain_text(
        "Image worker-arm64 is Arm64: only Arm64 sizes can boot it"
    )
    expect(page.locator("#id_od_sizes")).to_contain_text("General purpose — not for Arm64 images")
    arm_first = page.locator("#id_od_sizes [data-family-name]").first
    expect(arm_first).to_have_text("General purpose, Arm64")  # the fitting families come first
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#id_od_sizes_error")).to_contain_text(
        "Image worker-arm64 is Arm64, but on-demand VM size standard_d2s_v5 is not"
    )
    # after the refusal the page itself lists the Arm64 families first
    expect(page.locator("#id_od_sizes [data-family-name]").first).to_have_text(
        "General purpose, Arm64"
    )

"""“Refresh this gallery” in Chromium: the chosen image and version survive the reload."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from galleries.models import ImageVersion, RefreshRun

from .test_browser import choose, open_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pick_ubuntu(page, live_server, version):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Region").select_option("eastus")
    open_tab(page, "Compute")
    choose(page, "#id_gallery_resource_group_name", "img-rg")
    choose(page, "#id_gallery_name", "gal")
    choose(page, "#id_image_name", "ubuntu-22")
    choose(page, "#id_version_name", version)


def _worker_finishes_the_run() -> None:
    """What the refresh worker does once Azure has answered (the inventory itself is set up by
    the test): the queued gallery run succeeds."""
    run = RefreshRun.objects.get(scope="gallery")
    RefreshRun.objects.filter(pk=run.pk).update(status="succeeded", finished_at=timezone.now())


@pytest.mark.parametrize("version", ["latest", "1.10.0"])
def test_refreshing_the_gallery_keeps_image_and_version(page, live_server, world, version):
    _pick_ubuntu(page, live_server, version)
    expect(page.locator("#level-details")).to_contain_text("Version 1.10.0")
    refresh = page.get_by_role("button", name="Refresh this gallery")
    # the button sits right under the Gallery dropdown, before the image's
    assert refresh.bounding_box()["y"] < page.locator("#id_image_name").bounding_box()["y"]
    refresh.click()
    expect(page.locator("#gallery-refresh-status")).to_contain_text("Refreshing this gallery")
    _worker_finishes_the_run()
    expect(page.locator("#gallery-refresh-status")).to_contain_text(
        "Gallery gal refreshed just now", timeout=15_000
    )
    expect(page.locator("#id_image_name")).to_have_value("ubuntu-22")
    expect(page.locator("#id_version_name")).to_have_value(version)
    expect(page.locator("#level-details")).to_contain_text("Version 1.10.0")
    expect(page.get_by_text("Inventory refreshed")).to_have_count(1)  # said once


def test_a_version_deleted_meanwhile_stays_selected_and_flagged(page, live_server, world):
    _pick_ubuntu(page, live_server, "1.10.0")
    page.get_by_role("button", name="Refresh this gallery").click()
    expect(page.locator("#gallery-refresh-status")).to_contain_text("Refreshing this gallery")
    ImageVersion.objects.filter(image=world.ubuntu, name="1.10.0").update(deleted_at=timezone.now())
    _worker_finishes_the_run()
    version = page.locator("#id_version_name")
    expect(version.locator("option:checked")).to_have_text(
        "1.10.0 — no longer in the gallery", timeout=15_000
    )
    expect(page.locator("#level-version_name")).to_contain_text(
        "Image ubuntu-22 has no version 1.10.0 any more"
    )

"""A refused Create in Chromium: the first error's tab opens, and every summary link lands."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_create_opens_general_and_cascade_links_reach_a_control(page, live_server, world):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_role("button", name="Create").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#tab-general")).to_be_visible()  # Name is the first problem
    expect(page.get_by_role("tab", name="Compute (has problems)")).to_be_attached()
    summary.get_by_role(
        "link", name="Gallery is required."
    ).click()  # its dropdown is not there yet
    expect(page.locator("#tab-compute")).to_be_visible()
    expect(page.locator("#id_gallery_resource_group_name")).to_be_focused()

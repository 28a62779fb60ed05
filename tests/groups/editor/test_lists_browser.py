"""The stateless and stateful lists as a daily tool (issue 13): search, status filter, sort and
pages, all in the querystring and kept across pages; a capacity column; the account a
cross-subscription image comes from."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from console.models import Role
from groups.list_query import PAGE_SIZE
from groups.models import Kind, Status
from tests.factories import log_in_as
from tests.group_factories import GroupFactory, gallery_spec

from .conftest import valid_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _names(page) -> list[str]:
    return [text.strip() for text in page.locator("tbody tr td:first-child a").all_inner_texts()]


def _drafts(editor_world, count: int, prefix: str, kind: str = Kind.STATELESS) -> None:
    for index in range(count):
        GroupFactory(account=editor_world.own, kind=kind, spec={"name": f"{prefix}-{index:02d}"})


@pytest.mark.parametrize(("path", "kind"), [("groups", Kind.STATELESS), ("nodes", Kind.STATEFUL)])
def test_search_filter_and_pages_keep_each_other(page, live_server, editor_world, path, kind):
    _drafts(editor_world, PAGE_SIZE + 5, "batch", kind)
    _drafts(editor_world, 3, "other", kind)
    page.goto(f"{live_server.url}/{path}/")
    page.get_by_label("Search").fill("batch")
    page.get_by_label("Status").select_option("draft")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"q=batch"))
    expect(page.get_by_text(f"Page 1 of 2 · {PAGE_SIZE + 5}")).to_be_visible()
    assert len(_names(page)) == PAGE_SIZE
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    names = _names(page)
    assert len(names) == 5
    assert all(name.startswith("batch-") for name in names)
    # the filters stayed on page 2, in the form too
    expect(page.get_by_label("Search")).to_have_value("batch")
    expect(page.get_by_label("Status")).to_have_value("draft")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#no-matches")).to_be_visible()


def test_sorting_by_name_both_ways_keeps_the_search(page, live_server, editor_world):
    _drafts(editor_world, 4, "web")
    _drafts(editor_world, 2, "db")
    page.goto(f"{live_server.url}/groups/?q=web")
    page.get_by_role("link", name="Name", exact=True).click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute(
        "aria-sort", "ascending"
    )
    assert _names(page) == ["web-00", "web-01", "web-02", "web-03"]
    page.get_by_role("link", name="Name", exact=True).click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute(
        "aria-sort", "descending"
    )
    assert _names(page) == ["web-03", "web-02", "web-01", "web-00"]
    expect(page).to_have_url(re.compile(r"q=web"))


def test_capacity_and_the_image_account_of_a_shared_image(page, live_server, editor_world):
    client = Client()
    log_in_as(client, Role.EDITOR, organization=editor_world.org)
    assert (
        client.post("/groups/new/", valid_form(editor_world, capacity_maximum="5")).status_code
        == 302
    )
    GroupFactory(
        account=editor_world.own,
        spec=gallery_spec(
            "golden-web",
            image_of=editor_world.other,
            resource_group_name="shared-rg",
            gallery_name="sharedgal",
            image_name="golden",
        ),
        status=Status.DRAFT,
    )
    page.goto(f"{live_server.url}/groups/")
    web = page.get_by_role("row", name=re.compile(r"^web "))
    expect(web.get_by_role("cell", name="0 / 1 / 5")).to_be_visible()
    expect(web).not_to_contain_text("from account")
    golden = page.get_by_role("row", name=re.compile("golden-web"))
    expect(golden).to_contain_text("from account Images")

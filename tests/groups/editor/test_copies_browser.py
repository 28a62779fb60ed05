"""New drafts from what exists (issue 13): clone, restore an old revision, export and import
Spot JSON, and the Review tab's JSON before the first save; in Chromium."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from console.models import Role
from groups.models import Group, Status
from tests.factories import log_in_as

from .conftest import valid_form
from .test_browser import fill_general, open_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _created(editor_world, **overrides) -> Group:
    client = Client()
    log_in_as(client, Role.EDITOR, organization=editor_world.org)
    assert client.post("/groups/new/", valid_form(editor_world, **overrides)).status_code == 302
    return Group.objects.get(name=overrides.get("name", "web"))


def test_clone_opens_a_new_draft_with_the_same_settings(page, live_server, editor_world):
    group = _created(editor_world)
    page.goto(f"{live_server.url}/groups/{group.id}/")
    page.get_by_role("button", name="Clone as new draft").click()
    expect(page).not_to_have_url(f"{live_server.url}/groups/{group.id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("web (copy)")
    expect(page.get_by_text("Cloned web into the new draft web (copy).")).to_be_visible()
    clone = Group.objects.get(name="web (copy)")
    assert clone.status == Status.DRAFT
    assert clone.id != group.id
    assert {**clone.spec, "name": "web"} == group.spec
    # the original is untouched
    group.refresh_from_db()
    assert (group.status, group.revision) == (Status.ACTIVE, 1)


def test_restore_an_old_revision_as_a_new_draft(page, live_server, editor_world):
    group = _created(editor_world)
    client = Client()
    log_in_as(client, Role.EDITOR, organization=editor_world.org)
    changed = valid_form(editor_world, capacity_maximum="7", revision="1")
    assert client.post(f"/groups/{group.id}/", changed).status_code == 302
    page.goto(f"{live_server.url}/groups/{group.id}/")
    open_tab(page, "Review")
    page.get_by_role("button", name="Restore revision 1 as a new draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("web (revision 1)")
    restored = Group.objects.get(name="web (revision 1)")
    assert restored.status == Status.DRAFT
    assert restored.spec["capacity"]["maximum"] == 2
    group.refresh_from_db()
    assert (group.revision, group.spec["capacity"]["maximum"]) == (2, 7)


def test_export_downloads_json_that_import_turns_into_a_new_draft(
    page, live_server, editor_world, tmp_path
):
    group = _created(editor_world)
    page.goto(f"{live_server.url}/groups/{group.id}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export JSON").click()
    download = download_info.value
    assert download.suggested_filename == f"web-{group.id}.json"
    saved = tmp_path / "web.json"
    download.save_as(saved)
    body = json.loads(saved.read_text())
    assert body["group"]["id"] == group.id
    assert body["group"]["capacity"] == {"minimum": 0, "target": 1, "maximum": 2}
    body["group"]["name"] = "web-imported"
    saved.write_text(json.dumps(body))

    page.goto(f"{live_server.url}/groups/")
    page.get_by_role("link", name="Import Spot JSON").click()
    page.get_by_label("Or a file").set_input_files(saved)
    page.get_by_role("button", name="Import as draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("web-imported")
    imported = Group.objects.get(name="web-imported")
    assert imported.status == Status.DRAFT
    assert imported.id != group.id
    assert {**imported.spec, "name": "web"} == group.spec


def test_import_refuses_what_the_api_refuses_in_words_at_the_field(page, live_server, editor_world):
    page.goto(f"{live_server.url}/groups/import/")
    box = page.get_by_label("Spot JSON")
    box.fill('{"group": {"name": "x", "capacity": {"maximum": "lots"}}}')
    page.get_by_role("button", name="Import as draft").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("Not imported")
    expect(problems.locator("li", has_text="capacity.maximum")).to_contain_text("whole number")
    expect(problems.locator("li", has_text="region")).to_contain_text("required")
    # what was pasted stays, to be corrected
    expect(box).to_have_value(re.compile('"lots"'))
    box.fill("{not json")
    page.get_by_role("button", name="Import as draft").click()
    expect(problems).to_contain_text("not valid JSON")
    assert not Group.objects.exists()


def test_the_review_tab_shows_the_json_before_the_first_save(page, live_server, editor_world):
    page.goto(f"{live_server.url}/groups/new/")
    fill_general(page, name="fresh")
    open_tab(page, "Review")
    review = page.locator("#review-json")
    expect(review).to_contain_text('"name": "fresh"')
    expect(review).to_contain_text('"resourceGroupName": "rg-app"')
    open_tab(page, "General")
    page.get_by_label("Name", exact=True).fill("renamed")
    open_tab(page, "Review")
    expect(review).to_contain_text('"name": "renamed"')
    assert not Group.objects.exists()

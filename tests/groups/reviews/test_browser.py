"""The review of the issue, in Chromium: propose, review, request changes, edit, approve, apply;
what a viewer and the author may not do."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from console.models import Role
from console.services import create_api_token
from groups.models import Group
from groups.reviews.models import ReviewPolicy
from tests.conftest import watch_csp_violations
from tests.factories import MembershipFactory
from tests.groups.api.http import call
from tests.groups.editor.conftest import valid_form, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Browsers:
    """One Chromium context per person, each signed in as that member."""

    def __init__(self, chromium: Any, live_server: Any) -> None:
        self.chromium = chromium
        self.url = live_server.url
        self.contexts: list[Any] = []
        self.csp_violations: list[str] = []

    def page_for(self, user: Any) -> Page:
        client = Client()
        client.force_login(user)
        context = self.chromium.new_context(viewport={"width": 1366, "height": 900})
        self.csp_violations += watch_csp_violations(context)
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.url}]
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page


@pytest.fixture
def browsers(chromium: Any, live_server: Any) -> Any:
    opened = Browsers(chromium, live_server)
    yield opened
    for context in opened.contexts:
        context.close()
    assert not opened.csp_violations


def _choose_version(page: Page, version: str) -> None:
    page.get_by_role("tab", name="Compute").click()
    page.wait_for_selector("#level-version_name:not(.htmx-added):not(.htmx-settling) select")
    page.locator("#level-version_name select").select_option(version)


def _timeline(page: Page) -> Any:
    return page.locator("#timeline")


def test_an_image_version_change_is_reviewed_then_applied(
    browsers: Browsers,
    live_server: Any,
    world: Any,  # noqa: F811
) -> None:
    alice, bob, vera = (
        MembershipFactory(organization=world.org, role=role).user
        for role in (Role.EDITOR, Role.EDITOR, Role.VIEWER)
    )
    creator = Client()
    creator.force_login(alice)
    assert creator.post("/groups/new/", valid_form(world, version_name="1.0.0")).status_code == 302
    group = Group.objects.get()
    ReviewPolicy.objects.filter(organization=world.org).update(approvals_required=1)

    # Alice changes the live group's image version and asks Bob to review it.
    author = browsers.page_for(alice)
    author.goto(f"{live_server.url}/groups/{group.pk}/")
    _choose_version(author, "1.10.0")
    author.get_by_role("button", name="Save for review").click()
    expect(author.locator("#change-state")).to_have_text("Draft")
    author.get_by_label("Ask for review from (optional)").select_option(
        label=f"{bob.username} (editor)"
    )
    author.get_by_role("button", name="Ask for review").click()
    expect(author.locator("#change-state")).to_have_text("In review")
    expect(author.get_by_role("button", name="Approve")).to_have_count(0)
    expect(
        author.get_by_text("You proposed this change, so someone else reviews it.")
    ).to_be_visible()

    # Bob finds it in his inbox, reads the diff in words and requests changes.
    reviewer = browsers.page_for(bob)
    reviewer.goto(f"{live_server.url}/reviews/")
    expect(reviewer.locator("#nav-reviews")).to_contain_text("1")
    reviewer.get_by_role("link", name=group.name).click()
    expect(reviewer.locator("#change-words")).to_contain_text(
        "Image > Gallery > Version: 1.0.0 → 1.10.0"
    )
    reviewer.get_by_text("Spot JSON diff").click()
    expect(reviewer.get_by_label("Spot JSON differences")).to_contain_text('"version": "1.10.0"')
    reviewer.get_by_label("Your review").fill("1.10.0 is not tested yet: use 1.1.0.")
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.locator("#change-state")).to_have_text("Changes requested")

    # Alice edits: the review no longer applies, and the timeline says so.
    author.goto(f"{live_server.url}/groups/{group.pk}/")
    expect(author.locator("#open-change")).to_be_visible()
    _choose_version(author, "1.1.0")
    author.get_by_role("button", name="Save for review").click()
    expect(author.locator("#change-state")).to_have_text("In review")
    expect(_timeline(author)).to_contain_text("approvals dismissed")
    expect(_timeline(author)).to_contain_text("earlier reviews no longer apply")
    expect(_timeline(author)).to_contain_text("1.10.0 is not tested yet: use 1.1.0.")

    # Vera, a viewer, reads and comments but can neither approve nor apply.
    viewer = browsers.page_for(vera)
    viewer.goto(author.url)
    expect(viewer.locator("#change-words")).to_contain_text("1.0.0 → 1.1.0")
    expect(viewer.get_by_role("button", name="Approve")).to_have_count(0)
    expect(viewer.get_by_role("button", name="Apply")).to_have_count(0)
    viewer.get_by_label("Comment").fill("<b>Staging</b> runs 1.1.0 fine.")
    viewer.get_by_role("button", name="Comment").click()
    expect(_timeline(viewer)).to_contain_text("<b>Staging</b> runs 1.1.0 fine.")

    # Bob approves; Alice applies; the API serves the new version.
    reviewer.goto(author.url)
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.locator("#change-state")).to_have_text("Approved")
    author.goto(author.url)
    author.get_by_role("button", name="Apply").click()
    expect(author.locator("#change-state")).to_have_text("Applied")
    expect(_timeline(author)).to_contain_text("applied the change, revision 2")

    _, token = create_api_token(user=alice, organization=world.org, name="check")
    status, body = call(Client(), "GET", f"/azure/compute/group/{group.pk}", token=token)
    gallery = body["response"]["items"][0]["compute"]["launchSpecification"]["image"]["gallery"]
    assert status == 200
    assert gallery["version"] == "1.1.0"

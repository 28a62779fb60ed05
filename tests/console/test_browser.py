"""Chromium through Playwright: sign in, switch account, visit every navigation target."""

import re

import pytest
from playwright.sync_api import Page, expect

from console.models import Role
from tests.conftest import watch_csp_violations
from tests.factories import DEFAULT_PASSWORD, AccountFactory, MembershipFactory, UserFactory

# Nav link -> the start of the page's heading.
NAVIGATION = [
    ("Stateless groups", "Stateless groups"),
    ("Stateful nodes", "Stateful nodes"),
    ("Drafts", "Drafts"),
    ("Inventory", "Inventory"),
    ("Settings", "Settings"),
]


@pytest.fixture
def console_page(chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    csp_violations = watch_csp_violations(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not csp_violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_in_switch_account_and_visit_every_page(console_page: Page, live_server):
    page = console_page
    membership = MembershipFactory(
        role=Role.EDITOR, user__username="alice", organization__name="Contoso", with_account=False
    )
    AccountFactory(organization=membership.organization, name="Production")
    AccountFactory(organization=membership.organization, name="Staging")

    page.goto(f"{live_server.url}/settings/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("credentials are not valid"))
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()

    switcher = page.get_by_role("form", name="Switch account")
    account = switcher.get_by_role("combobox", name="Account")
    expect(account.locator("option:checked")).to_have_text(re.compile("^Production"))
    staging_label = account.locator("option", has_text="Staging").inner_text()
    # choosing switches: no button to press (it is there only without JavaScript)
    expect(switcher.get_by_role("button", name="Switch")).to_be_hidden()
    with page.expect_navigation():
        account.select_option(label=staging_label)
    expect(account.locator("option:checked")).to_have_text(re.compile("^Staging"))
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()

    navigation = page.get_by_role("navigation", name="Main")
    for link, heading in NAVIGATION:
        navigation.get_by_role("link", name=link, exact=True).click()
        expect(page.locator("main h1")).to_have_text(re.compile(rf"^\s*{heading}", re.IGNORECASE))
        expect(navigation.get_by_role("link", name=link, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        # The account chosen in the header stays chosen on every page.
        expect(account.locator("option:checked")).to_have_text(re.compile("^Staging"))

    # From the keyboard: the first Tab reaches the skip link, which moves focus to the content.
    page.reload()
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_create_a_token_and_copy_it_from_the_keyboard(chromium, live_server):
    membership = MembershipFactory(role=Role.VIEWER, user__username="bob")
    context = chromium.new_context(permissions=["clipboard-read", "clipboard-write"])
    csp_violations = watch_csp_violations(context)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/?next=/settings/tokens/")
        page.get_by_label("Username").fill(membership.user.username)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_label("Password").press("Enter")

        page.get_by_label("Name").fill("laptop")
        page.get_by_label("Name").press("Enter")
        raw = page.get_by_label("Token", exact=True).input_value()
        assert raw.startswith("gc_")
        copy = page.get_by_role("button", name="Copy")
        copy.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Copied to the clipboard.")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == raw

        page.get_by_role("link", name="Done").click()
        expect(page.get_by_role("cell", name="laptop", exact=True)).to_be_visible()
        expect(page.get_by_text(raw)).to_have_count(0)
    finally:
        context.close()
    assert not csp_violations


def _signed_in(chromium, live_server, username, next_path):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_label("Password").press("Enter")
    return context, page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_admin_invites_and_the_invitee_joins_from_the_link(chromium, live_server):
    admin = MembershipFactory(role=Role.ADMIN, user__username="ada", organization__name="Contoso")
    UserFactory(username="bob")
    admin_context, page = _signed_in(chromium, live_server, "ada", "/settings/members/")
    bob_context = None
    try:
        form = page.get_by_role("region", name="Invite a member")
        form.get_by_label("Role").select_option("editor")
        form.get_by_label("For (optional)").fill("Bob from ops")
        form.get_by_role("button", name="Create invitation").click()
        link = page.get_by_label("Link", exact=True).input_value()
        assert link.startswith(f"{live_server.url}/join/inv_")
        page.get_by_role("link", name="Done").click()
        expect(page.get_by_role("cell", name="Bob from ops")).to_be_visible()

        bob_context, bob = _signed_in(chromium, live_server, "bob", link.split(live_server.url)[1])
        expect(bob.get_by_text("You are invited to join Contoso as Editor")).to_be_visible()
        bob.get_by_role("button", name="Join Contoso").click()
        expect(bob.get_by_text("You joined Contoso as Editor.")).to_be_visible()

        page.reload()
        expect(page.get_by_role("cell", name="Bob from ops")).to_have_count(0)
        expect(page.get_by_role("cell", name="bob", exact=True)).to_be_visible()
        assert admin.organization.memberships.filter(user__username="bob").exists()
    finally:
        admin_context.close()
        if bob_context is not None:
            bob_context.close()

"""Chromium through Playwright: sign in, switch account, visit every navigation target."""

import re

import pytest
from playwright.sync_api import Page, expect

from console.models import Role
from tests.conftest import watch_csp_violations
from tests.factories import DEFAULT_PASSWORD, AccountFactory, MembershipFactory

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
    account.select_option(label=staging_label)
    switcher.get_by_role("button", name="Switch").click()
    expect(account.locator("option:checked")).to_have_text(re.compile("^Staging"))

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

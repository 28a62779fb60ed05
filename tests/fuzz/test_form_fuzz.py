"""Hypothesis over the console's forms and page queries: nasty values in any field (the issue's
cases as explicit examples) get a page with an answer, never a 5xx, and whatever was saved
renders everywhere it is shown."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, strategies as st

from console.models import Role
from console.services import create_api_token
from galleries.refresh import tasks
from tests.factories import MembershipFactory
from tests.groups.editor.conftest import valid_form, world  # noqa: F401  (the fixture)

from .pages import render_every_page
from .strategies import FUZZ_SETTINGS, form_text

pytestmark = pytest.mark.django_db
tried: dict[str, int] = {}

EDITOR_TEXT_FIELDS = [
    "name", "description", "region", "resource_group_name", "capacity_minimum",
    "capacity_target", "capacity_maximum", "os", "preferred_zone", "preferred_lifecycle",
    "image_type", "marketplace_publisher", "marketplace_offer", "marketplace_sku",
    "marketplace_version", "custom_resource_group_name", "custom_image_name", "spot_account_id",
    "gallery_resource_group_name", "gallery_name", "image_name", "version_name",
    "network_resource_group_name", "virtual_network_name", "subnet_name", "login_user_name",
    "login_ssh_public_key", "login_password", "custom_data", "revision",
    "cascade_prev_gallery_name", "unknown_field",
]  # fmt: skip
# Digits Python's str.isdigit() takes but int() refuses ("²") or takes ("٣") among them.
NUMBERS = ["99999999999999999999", "1e30", "-1", "1.5", "NaN", "Infinity", "0x10", "\u0663", "\xb2"]
field_values = st.one_of(form_text, st.sampled_from(NUMBERS))
ISSUE_CASES = [
    {"capacity_maximum": "99999999999999999999"},
    {"capacity_maximum": "1e30"},
    {"name": "x" * 5000},
    {"name": "   "},
    {"region": "$%^&*"},
    {"resource_group_name": "rg with spaces/and*stars"},
    {"login_ssh_public_key": "not-a-key"},
    {"os": "Windows", "login_password": "123"},
    {"description": "nul\x00inside"},
]


def _checked(response: Any, *allowed: int) -> Any:
    assert response.status_code < 500, response.content[-800:]
    if allowed:
        assert response.status_code in allowed, response.status_code
    return response


@pytest.fixture
def admin(client, world):  # noqa: F811
    member = MembershipFactory(organization=world.org, role=Role.ADMIN)
    client.force_login(member.user)
    return member


def test_the_group_editor(client, world, admin):  # noqa: F811
    paths = ["/groups/new/", "/nodes/new/"]

    @FUZZ_SETTINGS
    @given(
        changes=st.dictionaries(st.sampled_from(EDITOR_TEXT_FIELDS), field_values, max_size=5),
        action=st.sampled_from(["draft", "save", "reload"]),
        path=st.sampled_from(paths),
        sizes=st.lists(form_text, max_size=2),
    )
    @example(changes={}, action="save", path="/groups/new/", sizes=[])
    def run(changes: dict, action: str, path: str, sizes: list) -> None:
        tried["editor"] = tried.get("editor", 0) + 1
        data = valid_form(world, action=action, **changes)
        if sizes:
            data["spot_sizes"] = sizes
        response = _checked(client.post(path, data), 200, 302, 400, 409, 422)
        if response.status_code == 302:
            saved = response.url
            paths.append(saved)  # later examples edit what was saved
            _checked(client.get(saved), 200)
            group_id = saved.rstrip("/").rsplit("/", 1)[1]
            before, after = (changes.get("name", "1"), changes.get("revision", "\xb2"))
            _checked(client.get(f"/drafts/{group_id}/compare/", {"a": before, "b": after}), 200)

    for case in ISSUE_CASES:
        for action in ("draft", "save"):
            run = example(changes=case, action=action, path="/groups/new/", sizes=[])(run)
    run()
    token = create_api_token(user=admin.user, organization=world.org, name="fuzz")[1]
    render_every_page(client, world.org, token)


def test_settings_forms_and_page_queries(client, world, admin, monkeypatch, settings):  # noqa: F811
    monkeypatch.setattr(tasks.refresh_subscription_task, "delay", lambda *args: None)
    settings.AZURE_ALLOWED_CUSTOM_HOSTS = []  # nothing a form sends may leave the machine
    forms = {
        "/settings/tokens/new/": ["name"],
        "/settings/members/invitations/": ["role", "days", "note"],
        "/join/": ["code"],
        f"/settings/members/{admin.pk}/role/": ["role"],
        "/switch-account/": ["account", "next"],
        "/switch-organization/": ["organization"],
        "/settings/subscriptions/connect/": [
            "display_name", "subscription_id", "tenant_id", "client_id", "client_secret",
            "cloud", "arm_endpoint", "authority_host", "ca_bundle_pem", "account",
        ],
        f"/settings/subscriptions/{world.own_sub.pk}/edit/": [
            "display_name", "tenant_id", "client_id", "client_secret", "cloud", "arm_endpoint",
            "authority_host", "ca_bundle_pem",
        ],
    }  # fmt: skip
    pages = {
        "/settings/audit/": ["action", "object_type", "page"],
        "/inventory/": ["region", "os", "state", "subscription", "page"],
        "/groups/": ["q", "page", "account"],
        "/cascade/": [
            "spot_account_id",
            "gallery_resource_group_name",
            "gallery_name",
            "region",
            "os",
        ],
        "/cascade/level/version_name/": ["spot_account_id", "image_name", "region", "part"],
        "/": [],
    }
    guid = "00000000-0000-0000-0000-0000000000aa"

    @FUZZ_SETTINGS
    @given(
        form=st.sampled_from(sorted(forms)),
        page=st.sampled_from(sorted(pages)),
        values=st.lists(field_values, min_size=10, max_size=10),
        htmx=st.booleans(),
    )
    @example(
        form="/settings/subscriptions/connect/", page="/inventory/",
        values=["ok", guid, guid, "not-a-guid", "s", "public", "", "", "", "new"], htmx=False,
    )  # fmt: skip
    @example(
        form="/settings/subscriptions/connect/", page="/settings/audit/",
        values=["a" * 300, guid, guid, guid, "s", "custom", "https://evil.example",
                "https://evil.example", "", "new"], htmx=False,
    )  # fmt: skip
    @example(form="/switch-organization/", page="/", values=["\xb2"] * 10, htmx=False)
    def run(form: str, page: str, values: list, htmx: bool) -> None:
        tried["settings"] = tried.get("settings", 0) + 1
        headers = {"HX-Request": "true"} if htmx else {}
        _checked(client.post(form, dict(zip(forms[form], values, strict=False)), headers=headers))
        query = dict(zip(pages[page], values, strict=False))
        _checked(client.get(page, query, headers=headers))

    run()
    token = create_api_token(user=admin.user, organization=world.org, name="fuzz")[1]
    render_every_page(client, world.org, token)


def teardown_module() -> None:
    print(f"\nForm fuzz cases tried: {tried}")

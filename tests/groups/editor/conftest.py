"""An organization with two connected subscriptions and a small gallery inventory.

own (the group's account): img-rg/gal with ubuntu-22 (Linux, several versions across eastus and
westus, one failed), win-2022 (Windows) and appliance (Specialized); img-rg/gal2 with debian-12.
images (another account): shared-rg/sharedgal/golden, shared with own's subscription.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page

from console.models import Role
from galleries.models import RefreshRun
from groups.reviews.models import ReviewPolicy
from tests.conftest import watch_csp_violations
from tests.factories import AccountFactory, OrganizationFactory, log_in_as
from tests.groups.api.bodies import SSH_KEY
from tests.inventory_factories import connect_account, gallery_image, share

UBUNTU_VERSIONS = {
    "1.0.0": ["eastus", "westus"],
    "1.1.0": ["eastus"],
    "1.2.0": ["westus"],
    "1.10.0": ["eastus"],
    "1.11.0": ["eastus"],
}


@pytest.fixture
def world(db: Any) -> SimpleNamespace:
    org = OrganizationFactory(name="Contoso")
    own = AccountFactory(organization=org, name="Production")
    other = AccountFactory(organization=org, name="Images")
    own_sub = connect_account(own, display_name="Production subscription")
    other_sub = connect_account(other, display_name="Images subscription")
    ubuntu = gallery_image(
        own_sub, resource_group="img-rg", gallery="gal", image="ubuntu-22",
        versions=UBUNTU_VERSIONS, failed=("1.11.0",),
    )  # fmt: skip
    gallery_image(
        own_sub, resource_group="img-rg", gallery="gal", image="win-2022",
        os_type="Windows", versions={"2022.1.0": ["eastus"]},
    )  # fmt: skip
    appliance = gallery_image(
        own_sub, resource_group="img-rg", gallery="gal", image="appliance",
        os_state="Specialized", versions={"3.0.0": ["eastus"]},
    )  # fmt: skip
    gallery_image(own_sub, resource_group="img-rg", gallery="gal2", image="debian-12")
    golden = gallery_image(
        other_sub, resource_group="shared-rg", gallery="sharedgal", image="golden",
        versions={"5.0.0": ["eastus"]},
    )  # fmt: skip
    share(own_sub, golden.gallery, "readable")
    # These tests edit groups as an organization without review does (tests/groups/reviews
    # edit them under review).
    ReviewPolicy.objects.create(organization=org, approvals_required=0)
    RefreshRun.objects.create(
        subscription=own_sub,
        status="succeeded",
        started_at=timezone.now() - timedelta(minutes=5),
        finished_at=timezone.now() - timedelta(minutes=4),
    )
    return SimpleNamespace(
        org=org, own=own, other=other, own_sub=own_sub, other_sub=other_sub,
        ubuntu=ubuntu, appliance=appliance, golden=golden,
    )  # fmt: skip


@pytest.fixture
def editor_client(client: Any, world: SimpleNamespace) -> Any:
    log_in_as(client, Role.EDITOR, organization=world.org)
    return client


@pytest.fixture
def viewer_client(client: Any, world: SimpleNamespace) -> Any:
    log_in_as(client, Role.VIEWER, organization=world.org)
    return client


def valid_form(world: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    """A complete stateless group as the editor posts it (Create)."""
    data: dict[str, Any] = {
        "name": "web",
        "description": "",
        "region": "eastus",
        "resource_group_name": "rg-app",
        "capacity_minimum": "0",
        "capacity_target": "1",
        "capacity_maximum": "2",
        "os": "Linux",
        "od_sizes": ["standard_d2s_v5"],
        "spot_sizes": ["standard_d2s_v5", "standard_d4s_v5"],
        "fallback_to_od": "on",
        "image_type": "gallery",
        "spot_account_id": world.own.id,
        "gallery_resource_group_name": "img-rg",
        "gallery_name": "gal",
        "image_name": "ubuntu-22",
        "version_name": "latest",
        "network_resource_group_name": "rg-net",
        "virtual_network_name": "vnet",
        "subnet_name": "default",
        "login_user_name": "azureuser",
        "login_ssh_public_key": SSH_KEY,
        "revision": "0",
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# Browser tests: a Chromium page signed in as an editor of the world's organization (the
# `chromium` browser fixture is the shared one in tests/conftest.py).
# Every test fails if a page reported a Content-Security-Policy violation (the cascade's htmx
# swaps included).
def _signed_in_page(
    chromium: Any, live_server: Any, world: Any, **context_args: Any
) -> tuple[Page, list[str]]:
    client = Client()
    log_in_as(client, Role.EDITOR, organization=world.org)
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, **context_args)
    csp_violations = watch_csp_violations(context)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page, csp_violations


@pytest.fixture
def page(chromium, live_server, world):
    page, csp_violations = _signed_in_page(chromium, live_server, world)
    yield page
    page.context.close()
    assert not csp_violations


@pytest.fixture
def nojs_page(chromium, live_server, world):
    page, csp_violations = _signed_in_page(chromium, live_server, world, java_script_enabled=False)
    yield page
    page.context.close()
    assert not csp_violations

"""Create validates fully: each rule's message, in words a user knows, next to its field."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from galleries.cascade.selection import FIELDS
from groups.models import Group
from tests.inventory_factories import share

from .conftest import valid_form

ALL_VERSIONS = {"all_versions": "1"}


def message_next_to(page: str, field: str) -> str:
    """The error text rendered under a form field (or under a cascade dropdown)."""
    marker = f'id="error-{field}"' if field in FIELDS else f'id="id_{field}_error"'
    assert marker in page, f"no error shown next to {field}"
    start = page.index(marker)
    text = page[page.index(">", start) + 1 : page.index("</div>", start)]
    return html.unescape(re.sub(r"\s+", " ", text)).strip()


RULES = [
    ({"name": ""}, "name", "Name is required."),
    ({"region": ""}, "region", "Region is required."),
    ({"resource_group_name": ""}, "resource_group_name", "Resource group is required."),
    ({"capacity_target": ""}, "capacity_target", "Capacity target is required."),
    (
        {"capacity_target": "5"},
        "capacity_target",
        "Capacity must satisfy minimum ≤ target ≤ maximum (got 0, 5, 2).",
    ),
    ({"od_sizes": []}, "od_sizes", "On-demand VM sizes are required."),
    ({"spot_sizes": []}, "spot_sizes", "Spot VM sizes are required."),
    ({"version_name": ""}, "version_name", "Version is required."),
    (
        {"version_name": "1.0"},
        "version_name",
        'Version must be "latest" or three numbers like 1.0.0 (got "1.0").',
    ),
    ({"version_name": "9.9.9"}, "version_name", "Image ubuntu-22 has no version 9.9.9."),
    (
        {"version_name": "1.11.0"},
        "version_name",
        "Version 1.11.0 of image ubuntu-22 failed to provision; choose another.",
    ),
    (
        {"version_name": "1.2.0", **ALL_VERSIONS},
        "version_name",
        "Version 1.2.0 of image ubuntu-22 is not replicated to eastus.",
    ),
    (
        {"region": "westus2"},
        "version_name",
        "Image ubuntu-22 has no version replicated to westus2 that latest could use.",
    ),
    (
        {"image_name": "nope"},
        "image_name",
        "Image nope was not found in gallery gal of resource group img-rg "
        "(Production subscription). If it was created recently, refresh the inventory.",
    ),
    (
        {"os": "Windows", "login_password": "Str0ng-Passw0rd!"},
        "os",
        "Image ubuntu-22 is a Linux image but the group's operating system is Windows.",
    ),
    (
        {"network_resource_group_name": ""},
        "network_resource_group_name",
        "Network resource group is required.",
    ),
    ({"virtual_network_name": ""}, "virtual_network_name", "Virtual network is required."),
    ({"subnet_name": ""}, "subnet_name", "Subnet is required."),
    ({"login_user_name": ""}, "login_user_name", "User name is required."),
    (
        {"login_ssh_public_key": ""},
        "login_ssh_public_key",
        "An SSH public key (or a password) is required for Linux VMs.",
    ),
    (
        {"os": "Windows", "image_name": "win-2022", "login_ssh_public_key": ""},
        "login_password",
        "A password is required for Windows VMs.",
    ),
    (
        {"image_type": "marketplace", "marketplace_offer": "ubuntu", "marketplace_sku": "22"},
        "marketplace_publisher",
        "Publisher is required.",
    ),
    (
        {"image_type": "custom", "custom_resource_group_name": "rg-custom"},
        "custom_image_name",
        "Image name is required.",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), RULES, ids=[r[2][:40] for r in RULES])
def test_each_rule_is_shown_next_to_its_field_and_nothing_is_saved(
    editor_client: Any, world: Any, changes: dict, field: str, message: str
) -> None:
    response = editor_client.post("/groups/new/", valid_form(world, **changes))
    page = response.content.decode()
    assert response.status_code == 422
    assert message in message_next_to(page, field)
    start = page.index('id="error-summary"')
    summary = html.unescape(re.sub(r"\s+", " ", page[start : page.index("</ul>", start)]))
    assert message in summary
    assert not Group.objects.exists()


def test_a_gallery_not_shared_with_the_groups_subscription_is_refused(editor_client, world):
    share(world.own_sub, world.golden.gallery, "not_shared")
    form = valid_form(
        world,
        spot_account_id=world.other.id,
        gallery_resource_group_name="shared-rg",
        gallery_name="sharedgal",
        image_name="golden",
        version_name="5.0.0",
    )
    page = editor_client.post("/groups/new/", form).content.decode()
    assert message_next_to(page, "gallery_name").startswith(
        "Gallery sharedgal is not shared with subscription Production subscription"
    )
    assert "Not shared" in page  # the cascade's own verdict badge


def test_the_form_keeps_what_was_typed_after_a_refusal(editor_client, world):
    page = editor_client.post(
        "/groups/new/", valid_form(world, subnet_name="", description="keep me")
    ).content.decode()
    assert "keep me" in page
    assert 'value="ubuntu-22" selected' in page
    assert 'value="latest" selected' in page


def test_a_draft_saves_despite_errors_and_shows_them_as_warnings(editor_client, world):
    response = editor_client.post(
        "/groups/new/", valid_form(world, action="draft", version_name="9.9.9")
    )
    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "Warning: Image ubuntu-22 has no version 9.9.9." in page


def test_a_specialized_image_leaves_login_out_and_says_why(editor_client, world):
    form = valid_form(world, image_name="appliance", custom_data="ZWNobyBoaQ==")
    response = editor_client.post("/groups/new/", form, follow=True)
    launch = Group.objects.get().spec["compute"]["launchSpecification"]
    assert "login" not in launch
    assert "customData" not in launch
    assert "Image appliance is specialized, so Login and Custom Data were left out." in (
        response.content.decode()
    )
    assert 'id="login-fields" class="col-lg-6" disabled' in response.content.decode()

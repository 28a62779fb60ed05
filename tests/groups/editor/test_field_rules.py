"""Azure's and Spot's field rules: the same message at the same field in the editor and the API,
and a value that breaks one is never stored, not even in a draft."""

from __future__ import annotations

import json
from typing import Any

import pytest

from console.models import Role
from console.services import create_api_token
from groups.models import Group
from tests.factories import MembershipFactory
from tests.groups.api.bodies import group_body

from .conftest import valid_form
from .test_validation import message_next_to

LAUNCH = "compute.launchSpecification"
LONG_NAME = "x" * 5000
# (editor form changes, Spot JSON path, value sent through the API, editor field, message)
CASES = [
    (
        {"name": LONG_NAME},
        "name",
        LONG_NAME,
        "name",
        "Name can be at most 200 characters long (it has 5,000).",
    ),
    (
        {"capacity_maximum": "99999999999999999999"},
        "capacity.maximum",
        99999999999999999999,
        "capacity_maximum",
        "Capacity maximum must be between 0 and 25,000 (got 99,999,999,999,999,999,999).",
    ),
    (
        {"capacity_minimum": "-1"},
        "capacity.minimum",
        -1,
        "capacity_minimum",
        "Capacity minimum must be between 0 and 25,000 (got -1).",
    ),
    (
        {"draining_timeout": "7200"},
        "strategy.drainingTimeout",
        7200,
        "draining_timeout",
        "Draining timeout must be between 0 and 3,600 seconds (got 7,200).",
    ),
    (
        {"region": "$$$"},
        "region",
        "$$$",
        "region",
        '"$$$" is not an Azure region; use a name like eastus or westeurope.',
    ),
    (
        {"region": "East US 2"},
        "region",
        "East US 2",
        "region",
        'Use the region\'s name as Azure spells it: "eastus2".',
    ),
    (
        {"resource_group_name": "rg with spaces/and*stars"},
        "resourceGroupName",
        "rg with spaces/and*stars",
        "resource_group_name",
        "A resource group name may use letters, digits, underscores, hyphens, periods and "
        "parentheses, and can't end with a period.",
    ),
    (
        {"virtual_network_name": "-vnet"},
        f"{LAUNCH}.network.virtualNetworkName",
        "-vnet",
        "virtual_network_name",
        "A virtual network name uses letters, digits, underscores, periods and hyphens; it "
        "starts with a letter or digit and ends with a letter, digit or underscore.",
    ),
    (
        {"subnet_name": "sub net"},
        f"{LAUNCH}.network.networkInterfaces.0.subnetName",
        "sub net",
        "subnet_name",
        "A subnet name uses letters, digits, underscores, periods and hyphens; it starts with "
        "a letter or digit and ends with a letter, digit or underscore.",
    ),
    (
        {"login_ssh_public_key": "not-a-key"},
        f"{LAUNCH}.login.sshPublicKey",
        "not-a-key",
        "login_ssh_public_key",
        "This is not an SSH public key. Paste an OpenSSH public key line, e.g. "
        "ssh-ed25519 AAAAC3… you@host.",
    ),
    (
        {"login_ssh_public_key": "ssh-dss AAAAB3NzaC1kc3MAAACBAP test"},
        f"{LAUNCH}.login.sshPublicKey",
        "ssh-dss AAAAB3NzaC1kc3MAAACBAP test",
        "login_ssh_public_key",
        "Azure accepts ssh-rsa and ssh-ed25519 keys, not ssh-dss.",
    ),
    (
        {"login_user_name": "root"},
        f"{LAUNCH}.login.userName",
        "root",
        "login_user_name",
        'Azure doesn\'t allow "root" as a user name; choose another.',
    ),
    (
        {"os": "Windows", "login_password": "123"},
        f"{LAUNCH}.login.password",
        "123",
        "login_password",
        "Password needs at least 8 characters.",
    ),
    (
        {"os": "Windows", "login_password": "alllowercase1"},
        f"{LAUNCH}.login.password",
        "alllowercase1",
        "login_password",
        "The password needs three of these four: a lowercase letter, an uppercase letter, "
        "a digit and a special character.",
    ),
    (
        {"os": "Windows", "login_password": "P@ssw0rd"},
        f"{LAUNCH}.login.password",
        "P@ssw0rd",
        "login_password",
        "Azure refuses this well-known password; choose another.",
    ),
    (
        {"custom_data": "echo hello"},
        f"{LAUNCH}.customData",
        "echo hello",
        "custom_data",
        "Custom data must be base64 text (encode your script first, e.g. base64 -w0).",
    ),
]


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    target: Any = body
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


@pytest.fixture
def api_token(world: Any) -> str:
    member = MembershipFactory(organization=world.org, role=Role.EDITOR)
    return create_api_token(user=member.user, organization=world.org, name="ci")[1]


@pytest.mark.parametrize(
    ("changes", "path", "value", "field", "message"),
    CASES,
    ids=[c[3] + ":" + str(c[2])[:20] for c in CASES],
)
def test_same_rule_same_message_in_the_editor_and_the_api(
    editor_client: Any,
    world: Any,
    api_token: str,
    changes: dict[str, str],
    path: str,
    value: Any,
    field: str,
    message: str,
) -> None:
    # A draft too: a value that breaks a rule is never stored.
    page = editor_client.post("/groups/new/", valid_form(world, action="draft", **changes))
    assert page.status_code == 422
    assert message_next_to(page.content.decode(), field) == message

    body = group_body()
    if "os" in changes:
        body["compute"]["os"] = changes["os"]
    _set(body, path, value)
    answer = editor_client.post(
        "/azure/compute/group",
        json.dumps({"group": body}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert answer.status_code == 400
    errors = answer.json()["response"]["errors"]
    assert {"code": "VALIDATION_ERROR", "message": message, "field": path} in errors
    assert not Group.objects.exists()


def test_whitespace_only_names_are_refused_at_the_field(editor_client, world, api_token):
    page = editor_client.post("/groups/new/", valid_form(world, action="draft", name="   "))
    assert page.status_code == 422
    assert "A draft needs at least a name" in message_next_to(page.content.decode(), "name")
    body = group_body()
    body["name"] = " \t "
    answer = editor_client.post(
        "/azure/compute/group",
        json.dumps({"group": body}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert answer.status_code == 400
    assert answer.json()["response"]["errors"] == [
        {"code": "VALIDATION_ERROR", "message": "Name can't be blank.", "field": "name"}
    ]


def test_inputs_carry_the_rules_limits(editor_client):
    page = editor_client.get("/groups/new/").content.decode()
    assert 'name="name" maxlength="200"' in page
    assert 'name="capacity_maximum" min="0" max="25000"' in page
    assert 'name="virtual_network_name" maxlength="64"' in page


def test_draining_timeout_is_edited_on_the_compute_tab_with_each_kinds_limits(editor_client, world):
    stateless = editor_client.get("/groups/new/").content.decode()
    assert 'name="draining_timeout" min="0" max="3600"' in stateless
    stateful = editor_client.get("/nodes/new/").content.decode()
    assert 'name="draining_timeout" min="1" max="3600"' in stateful

    response = editor_client.post("/groups/new/", valid_form(world, draining_timeout="300"))
    assert response.status_code == 302
    group = Group.objects.get()
    assert group.spec["strategy"]["drainingTimeout"] == 300
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert 'name="draining_timeout" value="300"' in page

    refused = editor_client.post(
        f"/groups/{group.id}/",
        valid_form(world, draining_timeout="-5", revision=str(group.revision)),
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert message_next_to(page, "draining_timeout") == (
        "Draining timeout must be between 0 and 3,600 seconds (got -5)."
    )
    # The problem's tab says so.
    assert 'id="tab-compute-button"' in page
    compute_tab = page[page.index('id="tab-compute-button"') :][:600]
    assert "(has problems)" in compute_tab

    cleared = editor_client.post(
        f"/groups/{group.id}/", valid_form(world, draining_timeout="", revision=str(group.revision))
    )
    assert cleared.status_code == 302
    group.refresh_from_db()
    assert "drainingTimeout" not in group.spec["strategy"]

"""Spot's setup endpoints (accounts, Azure credentials); the inventory API's tests are in
tests/galleries/api/.

The credential and refresh path runs for real against the Azure sandbox.
"""

from __future__ import annotations

from typing import Any

import pytest

from console.models import Account, AuditEntry
from galleries.models import ConnectedSubscription
from galleries.refresh.runs import execute_run

from .http import call, error_codes


def credentials_for(sandbox: Any, display_name: str = "Production", **overrides: str):
    info = sandbox.connection
    sub = next(s for s in info["subscriptions"] if s["display_name"] == display_name)
    principal = next(p for p in info["principals"] if p["client_id"] == sub["principal_client_id"])
    return {
        "clientId": principal["client_id"],
        "clientSecret": principal["client_secret"],
        "tenantId": sub["tenant_id"],
        "subscriptionId": sub["id"],
        **overrides,
    }


def test_accounts_can_be_created_listed_renamed_and_deleted_by_admins(client, api_world):
    admin = api_world.tokens["admin"]
    status, answer = call(
        client, "POST", "/setup/account", {"account": {"name": "Staging"}}, token=admin
    )
    assert status == 200
    created = answer["response"]["items"][0]
    assert created["accountId"].startswith("act-")
    assert created["organizationId"] == api_world.organization.public_id
    assert created["providerExternalId"] is None
    status, answer = call(client, "GET", "/setup/account", token=admin)
    listed = {a["name"]: a for a in answer["response"]["items"]}
    assert set(listed) == {"Production", "Shared images", "Staging"}
    assert listed["Production"]["providerExternalId"] == api_world.subscription.subscription_id
    path = f"/setup/account/{created['accountId']}"
    status, _ = call(client, "PUT", path, {"account": {"name": "Pre-production"}}, token=admin)
    assert status == 200
    assert Account.objects.get(pk=created["accountId"]).name == "Pre-production"
    status, answer = call(client, "PUT", path, {"account": {"name": "Production"}}, token=admin)
    assert status == 400
    assert error_codes(answer) == ["VALIDATION_ERROR"]
    assert call(client, "DELETE", path, token=admin)[0] == 200
    assert not Account.objects.filter(pk=created["accountId"]).exists()
    assert AuditEntry.objects.filter(action="account.delete").exists()


GUID = "00000000-0000-0000-0000-000000000001"


def test_setup_is_for_admins_only(client, api_world):
    for role in ("editor", "viewer"):
        status, answer = call(client, "GET", "/setup/account", token=api_world.tokens[role])
        assert status == 403
        assert error_codes(answer) == ["FORBIDDEN"]
    status, _ = call(
        client,
        "POST",
        "/azure/setup/credentials",
        {"clientId": GUID, "clientSecret": "b", "tenantId": GUID, "subscriptionId": GUID},
        token=api_world.tokens["editor"],
    )
    assert status == 403


def test_credentials_are_checked_then_connected_and_refreshed_against_the_sandbox(
    client, api_world, sandbox_cloud
):
    admin = api_world.tokens["admin"]
    _, answer = call(
        client, "POST", "/setup/account", {"account": {"name": "Sandbox"}}, token=admin
    )
    account_id = answer["response"]["items"][0]["accountId"]
    query = f"?accountId={account_id}"

    wrong = credentials_for(sandbox_cloud, clientSecret="not-the-secret")
    status, answer = call(
        client, "POST", "/azure/setup/credentials/validation" + query, wrong, token=admin
    )
    assert status == 400
    assert error_codes(answer) == ["INVALID_CREDENTIALS_WRONG_SECRET"]
    assert "not-the-secret" not in str(answer)

    good = credentials_for(sandbox_cloud)
    status, answer = call(
        client, "POST", "/azure/setup/credentials/validation" + query, good, token=admin
    )
    assert status == 200
    assert answer["response"]["items"][0]["valid"] is True
    assert not ConnectedSubscription.objects.filter(account_id=account_id).exists()

    status, answer = call(client, "POST", "/azure/setup/credentials" + query, good, token=admin)
    assert status == 200
    assert good["clientSecret"] not in str(answer)
    item = answer["response"]["items"][0]
    assert item["subscriptionId"] == good["subscriptionId"]
    subscription = ConnectedSubscription.objects.get(account_id=account_id)
    assert good["clientSecret"] not in subscription.client_secret_encrypted

    # The queued run, executed as the worker would; then the inventory API shows its results.
    execute_run(item["refreshRunId"])
    status, answer = call(client, "GET", f"/api/inventory/runs/{item['refreshRunId']}", token=admin)
    assert answer["response"]["items"][0]["status"] == "succeeded"
    viewer = api_world.tokens["viewer"]
    base = f"/api/inventory/accounts/{account_id}"
    _, answer = call(client, "GET", f"{base}/resourceGroups", token=viewer)
    groups = [rg["name"] for rg in answer["response"]["items"]]
    assert groups
    _, answer = call(client, "GET", f"{base}/resourceGroups/{groups[0]}/galleries", token=viewer)
    gallery = answer["response"]["items"][0]["name"]
    gallery_path = f"{base}/resourceGroups/{groups[0]}/galleries/{gallery}"
    _, answer = call(client, "GET", f"{gallery_path}/images", token=viewer)
    images = answer["response"]["items"]
    assert images
    image = images[0]
    _, answer = call(client, "GET", f"{gallery_path}/images?os={image['osType']}", token=viewer)
    assert {i["osType"] for i in answer["response"]["items"]} == {image["osType"]}
    _, answer = call(client, "GET", f"{gallery_path}/images/{image['name']}/versions", token=viewer)
    versions = answer["response"]["items"]
    assert versions
    region = versions[0]["regions"][0]
    _, answer = call(
        client,
        "GET",
        f"{gallery_path}/images/{image['name']}/versions?region={region}",
        token=viewer,
    )
    in_region = answer["response"]["items"]
    assert all(region in v["regions"] for v in in_region)
    assert sum(v["isLatestInRegion"] for v in in_region) <= 1


def test_credentials_naming_another_subscription_than_the_connected_one_are_refused(
    client, api_world, sandbox_cloud
):
    admin = api_world.tokens["admin"]
    good = credentials_for(sandbox_cloud, subscriptionId=api_world.subscription.subscription_id)
    status, answer = call(
        client,
        "POST",
        f"/azure/setup/credentials?accountId={api_world.other_account.id}",
        good,
        token=admin,
    )
    assert status == 400
    assert answer["response"]["errors"][0]["field"] == "subscriptionId"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "   "}, "name", "Account name can't be blank."),
        ({"name": "a\u0000b"}, "name", "name contains a NUL character"),
        ({"name": "tab\there"}, "name", "Account name can't contain control characters"),
        ({"name": "x" * 201}, "name", "Account name can be at most 200 characters long"),
    ],
)
def test_account_names_follow_the_consoles_rule(client, api_world, body, field, message):
    status, answer = call(
        client, "POST", "/setup/account", {"account": body}, token=api_world.tokens["admin"]
    )
    assert status == 400
    [problem] = answer["response"]["errors"]
    assert problem["field"] == field
    assert problem["message"].startswith(message)


@pytest.mark.parametrize("key", ["clientId", "tenantId", "subscriptionId"])
def test_credentials_need_guids_said_at_the_field(client, api_world, key):
    body = {"clientId": GUID, "clientSecret": "s3cret", "tenantId": GUID, "subscriptionId": GUID}
    body[key] = "not-a-guid"
    for path in ("/azure/setup/credentials", "/azure/setup/credentials/validation"):
        status, answer = call(client, "POST", path, body, token=api_world.tokens["admin"])
        assert status == 400
        [problem] = answer["response"]["errors"]
        assert problem["field"] == key
        assert problem["message"].startswith("Enter the ")
        assert "as a GUID" in problem["message"]

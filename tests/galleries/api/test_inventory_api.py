"""The inventory's read API (`/api/inventory/…`, galleries/api/inventory.py), in Spot's envelope.

Every answer is also read as spotinst-sdk-go reads an envelope (tests/go_decode.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from console.models import Account, Role
from console.services import create_api_token
from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory
from tests.go_decode import GoDecoder
from tests.inventory_factories import connect_account, gallery_image

# RFC 3339 in UTC with milliseconds: what Spot sends and Go's time.Time reads.
RFC3339_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@dataclass
class InventoryApi:
    client: Client
    decoder: GoDecoder
    account: Account  # the organization's oldest account, with ubuntu-22 in rg-images
    other_account: Account
    tokens: dict[str, str]  # role -> raw bearer token

    def call(self, method: str, path: str, *, token: str) -> tuple[int, dict[str, Any]]:
        response = self.client.generic(method, path, headers={"Authorization": f"Bearer {token}"})
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        answer = json.loads(response.content)
        assert RFC3339_MS.fullmatch(answer["request"]["timestamp"]), answer["request"]
        self.decoder.decode(response.content, kind="envelope", status=response.status_code)
        return response.status_code, answer


@pytest.fixture
def inventory_api(db: Any, client: Client, go_decoder: GoDecoder) -> InventoryApi:
    organization = OrganizationFactory(name="Contoso")
    account = AccountFactory(organization=organization, name="Production")
    other_account = AccountFactory(organization=organization, name="Shared images")
    subscription = connect_account(account, display_name="Contoso Production")
    connect_account(other_account, display_name="Contoso Images")
    gallery_image(
        subscription,
        resource_group="rg-images",
        gallery="contosogallery",
        image="ubuntu-22",
        versions={"1.0.0": ["eastus", "westeurope"], "1.1.0": ["eastus"], "0.9.0": ["eastus"]},
        failed=("0.9.0",),
    )
    tokens: dict[str, str] = {}
    for role in (Role.ADMIN, Role.VIEWER):
        member = MembershipFactory(organization=organization, role=role)
        _, raw = create_api_token(user=member.user, organization=organization, name=f"{role} ci")
        tokens[str(role)] = raw
    return InventoryApi(client, go_decoder, account, other_account, tokens)


def test_inventory_with_factory_rows_and_refresh_request(inventory_api: InventoryApi) -> None:
    call, viewer = inventory_api.call, inventory_api.tokens["viewer"]
    _, answer = call("GET", "/api/inventory/accounts", token=viewer)
    assert {a["accountId"] for a in answer["response"]["items"]} == {
        inventory_api.account.id,
        inventory_api.other_account.id,
    }
    path = (
        f"/api/inventory/accounts/{inventory_api.account.id}/resourceGroups/RG-IMAGES/galleries/"
        "contosogallery/images/ubuntu-22/versions?region=westeurope"
    )
    _, answer = call("GET", path, token=viewer)
    assert [(v["name"], v["isLatestInRegion"]) for v in answer["response"]["items"]] == [
        ("1.0.0", True)
    ]
    refresh = f"/api/inventory/accounts/{inventory_api.account.id}/refresh"
    assert call("POST", refresh, token=viewer)[0] == 403
    status, answer = call("POST", refresh, token=inventory_api.tokens["admin"])
    assert status == 200
    assert answer["response"]["items"][0]["status"] == "queued"
    status, answer = call(
        "GET", "/api/inventory/accounts/act-00000000/resourceGroups", token=viewer
    )
    assert [error["code"] for error in answer["response"]["errors"]] == ["UNKNOWN_ACCOUNT"]

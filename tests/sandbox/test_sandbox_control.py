"""The loopback control API replaces and resets the world at run time."""

from __future__ import annotations

from azure.mgmt.resource.subscriptions import SubscriptionClient

from azure_sandbox import Sandbox, generate_world
from tests.sandbox.conftest import http_client


def test_world_can_be_replaced_and_reset_over_http(sandbox: Sandbox) -> None:
    replacement = generate_world(subscriptions=2, galleries_per_subscription=1, seed=3)
    replacement.tenants = sandbox.world.tenants  # keep the tenant the credential uses
    for principal in replacement.principals:
        principal.tenant_id = replacement.tenants[0].id
    for subscription in replacement.subscriptions.values():
        subscription.tenant_id = replacement.tenants[0].id
    with http_client(sandbox) as http:
        replaced = http.put(f"{sandbox.control_url}/world", json=replacement.to_dict())
        assert replaced.status_code == 200
        assert replaced.json()["subscriptions"] == 2
        assert http.get(f"{sandbox.control_url}/world").json()["subscriptions"][0]["id"] == (
            next(iter(replacement.subscriptions.values())).id
        )
        client = SubscriptionClient(sandbox.credential("sp-reader-all"), **sandbox.client_kwargs())
        assert [s.display_name for s in client.subscriptions.list()] == [
            "Subscription 000",
            "Subscription 001",
        ]
        assert http.post(f"{sandbox.control_url}/reset").status_code == 200
        assert http.get(f"{sandbox.control_url}/health").json() == {"status": "ok"}
    assert [s.display_name for s in sandbox.world.subscriptions.values()] == [
        "Production",
        "Staging",
        "Shared Images",
    ]

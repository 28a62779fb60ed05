"""ARM's token-bucket throttling per (subscription, principal)."""

from __future__ import annotations

from azure_sandbox import Sandbox
from azure_sandbox.world import BucketSettings
from tests.sandbox.conftest import http_client


def test_exceeding_the_read_bucket_yields_429_with_retry_after(sandbox: Sandbox) -> None:
    sandbox.world.settings.throttle.reads = BucketSettings(capacity=5, refill_per_second=0.5)
    shared = sandbox.world.subscription_named("Shared Images")
    assert shared is not None
    token = sandbox.credential("Shared Images").get_token("https://management.azure.com/.default")
    url = (
        f"{sandbox.base_url}/subscriptions/{shared.id}/providers/Microsoft.Compute/galleries"
        "?api-version=2026-03-03"
    )
    headers = {"Authorization": f"Bearer {token.token}"}
    with http_client(sandbox) as http:
        responses = [http.get(url, headers=headers) for _ in range(7)]
        remaining = [
            r.headers.get("x-ms-ratelimit-remaining-subscription-reads") for r in responses
        ]
        assert remaining[:5] == ["4", "3", "2", "1", "0"]
        throttled = responses[5]
        assert throttled.status_code == 429
        assert throttled.json()["error"]["code"] == "SubscriptionRequestsThrottled"
        assert "Number of 'read' requests for subscription" in throttled.json()["error"]["message"]
        assert int(throttled.headers["Retry-After"]) >= 1
        # Other principals and subscriptions have their own buckets.
        other = sandbox.credential("Production").get_token("https://management.azure.com/.default")
        shared_with_production = http.get(url, headers={"Authorization": f"Bearer {other.token}"})
        assert shared_with_production.status_code == 200
        assert [g["name"] for g in shared_with_production.json()["value"]] == ["gal_shared_main"]
    assert sandbox.request_log.throttled_count == 2


def test_throttling_can_be_disabled_per_world(sandbox: Sandbox) -> None:
    sandbox.world.settings.throttle.enabled = False
    token = sandbox.credential("Staging").get_token("https://management.azure.com/.default")
    with http_client(sandbox) as http:
        response = http.get(
            f"{sandbox.base_url}/subscriptions?api-version=2022-12-01",
            headers={"Authorization": f"Bearer {token.token}"},
        )
    assert response.status_code == 200
    assert "x-ms-ratelimit-remaining-tenant-reads" not in response.headers

"""schemathesis over /api/openapi.json: whatever it sends, never a 5xx, always Spot's envelope,
and what it managed to store opens in the editor. (tests/fuzz spoils valid bodies instead.)"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from console.wsgi import application

# Bounded so the whole run stays well under a minute.
EXAMPLES_PER_OPERATION = 5


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
EDITORS = {"sig-": "groups", "ssn-": "nodes"}


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """As Django's test client does: WSGI requests must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_server_error(case, world, sandbox_cloud, client):
    # sandbox_cloud: credential checks reach the local sandbox, never the internet.
    response = case.call(headers={"Authorization": f"Bearer {world.tokens['admin']}"})
    assert response.status_code < 500, response.text[:500]
    if response.request.method == "HEAD":
        return  # a HEAD answer has no body by definition
    try:
        body = json.loads(response.text)
    except ValueError:
        pytest.fail(f"{response.request.method} {response.request.url}: {response.text[:300]!r}")
    assert body["response"]["status"]["code"] == response.status_code
    assert set(body["request"]) == {"id", "url", "method", "timestamp"}
    stored = [i["id"] for i in body["response"].get("items", []) if str(i.get("id"))[:4] in EDITORS]
    if stored:
        client.force_login(world.members["admin"].user)
    for group_id in stored:
        page = client.get(f"/{EDITORS[group_id[:4]]}/{group_id}/")
        assert page.status_code == 200, (group_id, page.status_code)

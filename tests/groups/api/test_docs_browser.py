"""Chromium: the API reference (Swagger UI, served from this server) works under the
Content-Security-Policy, with no violation reported."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import watch_csp_violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_operations_without_a_csp_violation(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    violations = watch_csp_violations(context)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        response = page.goto(f"{live_server.url}/api/docs")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # Swagger UI ran and rendered the fetched schema: Spot's group operations are listed.
        expect(
            page.locator(".opblock-summary-path", has_text="/azure/compute/group").first
        ).to_be_visible(timeout=20_000)  # expect() keeps its own 5 s default otherwise
    finally:
        context.close()
    assert not violations

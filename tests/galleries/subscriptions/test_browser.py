"""Chromium: connect a subscription, test it, refresh it and watch the progress bar stop."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, expect

from console.models import Role
from galleries.refresh.runs import execute_run
from tests.conftest import watch_csp_violations
from tests.factories import DEFAULT_PASSWORD, MembershipFactory

from ..conftest import sandbox_connection


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    csp_violations = watch_csp_violations(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not csp_violations


@pytest.fixture
def worker_thread(monkeypatch: Any) -> None:
    """Stand-in for the Celery worker: runs the queued run a moment later, in a thread."""
    from galleries.refresh import tasks

    def later(run_id: int) -> None:
        def run() -> None:
            time.sleep(2)
            try:
                execute_run(run_id)
            finally:
                connections.close_all()

        threading.Thread(target=run, daemon=True).start()

    monkeypatch.setattr(tasks.refresh_subscription_task, "delay", later)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_connect_test_refresh_and_the_poll_stops(
    page: Page, live_server: Any, fresh_azure_sandbox: Any, worker_thread: None
) -> None:
    MembershipFactory(role=Role.ADMIN, user__username="ada", organization__name="Contoso")
    connection = sandbox_connection(fresh_azure_sandbox, "Shared Images")
    page.goto(f"{live_server.url}/settings/subscriptions/connect/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_label("Display name").fill("Shared Images")
    page.get_by_label("Subscription id").fill(connection.subscription_id)
    page.get_by_label("Tenant (directory) id").fill(connection.tenant_id)
    page.get_by_label("Client (application) id").fill(connection.client_id)
    page.get_by_label("Client secret").fill(connection.client_secret)
    page.get_by_label("Cloud").select_option("custom")
    page.get_by_label("ARM endpoint").fill(connection.arm_endpoint)
    page.get_by_label("Authority host").fill(connection.authority_host)
    page.get_by_label("CA bundle (PEM)").fill(connection.ca_bundle_pem)
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#connection-test")).to_have_text(
        re.compile("Connected to Shared Images: 3 galleries visible")
    )
    page.get_by_role("button", name="Connect", exact=True).click()

    expect(page.get_by_role("heading", name="Shared Images")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Refresh progress")).to_be_visible()
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/status/" in r.url else None)
    expect(page.locator(".refresh-status .badge")).to_have_text("Succeeded", timeout=30_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert polls, "the status fragment polled while the run was active"
    settled = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == settled, "polling stopped once the run ended"
    expect(page.get_by_role("button", name="Refresh now")).to_be_visible()
    page.get_by_role("link", name="browse").click()
    expect(page.get_by_role("link", name="gal_shared_main")).to_be_visible()

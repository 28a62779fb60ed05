"""How a refresh reads on Settings → Subscriptions, and the pause of scheduled refreshes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from console.models import Role
from galleries.models import RefreshRun
from galleries.refresh.runs import refresh_now
from galleries.refresh.tasks import refresh_due_subscriptions_task
from galleries.templatetags.inventory_format import ago, format_seconds
from tests.factories import log_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Any, organization: Any) -> Any:
    return log_in_as(client, Role.ADMIN, organization=organization)


@pytest.fixture
def no_broker(monkeypatch: Any) -> list[int]:
    from galleries.refresh import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.refresh_subscription_task, "delay", sent.append)
    return sent


def _status(client: Any, subscription: Any) -> str:
    url = reverse("galleries:subscription_status", args=[subscription.pk])
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_a_queued_run_says_so_beside_a_readable_bar(
    client: Any, admin: Any, connect: Any, no_broker: list[int]
) -> None:
    subscription = connect("Production")
    run = RefreshRun.objects.create(subscription=subscription)
    fragment = _status(client, subscription)
    assert "Queued…" in fragment
    assert "0/0" not in fragment
    # A native progress bar; its class keeps it readable (min-width), as no inline style may.
    assert '<progress class="refresh-progress" max="100" value="0"' in fragment
    RefreshRun.objects.filter(pk=run.pk).update(
        status="running", started_at=timezone.now(), progress_done=12, progress_total=40
    )
    fragment = _status(client, subscription)
    assert "Listing galleries… 12 of 40 calls" in fragment
    assert 'max="100" value="30"' in fragment
    RefreshRun.objects.filter(pk=run.pk).update(progress_done=40, collect_seconds=1.2)
    assert "Applying changes…" in _status(client, subscription)


def test_counts_times_and_ids_read_naturally(client: Any, admin: Any, connect: Any) -> None:
    subscription = connect("Production")
    run = refresh_now(subscription)
    assert run.status == "succeeded"
    listing = client.get(reverse("galleries:subscriptions")).content.decode()
    assert "refreshed just now" in listing
    assert "0 minutes" not in listing
    assert f'text-nowrap">{subscription.account_id}<' in listing
    RefreshRun.objects.filter(pk=run.pk).update(started_at=run.finished_at - timedelta(seconds=1.4))
    detail = client.get(reverse("galleries:subscription_detail", args=[subscription.pk]))
    page = detail.content.decode()
    assert "1.4 s" in page
    assert "0 minutes" not in page
    assert " 1 galleries" not in page
    assert " 1 images" not in page


def test_one_of_each_is_singular(client: Any, admin: Any, connect: Any) -> None:
    subscription = connect("Production")
    refresh_now(subscription)
    counts = "galleries/subscriptions/_counts.html"
    from django.template.loader import render_to_string

    text = render_to_string(counts, {"counts": {"galleries": 1, "images": 1, "versions": 2}})
    assert text == "1 gallery · 1 image · 2 versions"
    text = render_to_string(counts, {"counts": {"galleries": 0, "images": 3, "versions": 1}})
    assert text == "0 galleries · 3 images · 1 version"


def test_time_wording() -> None:
    now = timezone.now()
    assert ago(now - timedelta(seconds=20)) == "just now"
    assert ago(now - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"
    assert format_seconds(0.04) == "0.0 s"
    assert format_seconds(1.44) == "1.4 s"
    assert format_seconds(125) == "2 min 5 s"
    assert format_seconds(3 * 3600 + 120) == "3 h 2 min"


def test_scheduled_refresh_pauses_while_the_credential_is_invalid(
    client: Any,
    admin: Any,
    connect: Any,
    fresh_azure_sandbox: Any,
    no_broker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscription = connect("Production")
    principal = fresh_azure_sandbox.principal("Production")
    secret = principal.client_secret
    principal.client_secret = "rotated"
    failed = refresh_now(subscription)
    assert failed.status == "failed"
    subscription.refresh_from_db()
    assert subscription.credential_status == "invalid"
    RefreshRun.objects.update(requested_at=timezone.now() - timedelta(days=1))

    # Beat leaves it alone, and the page says why.
    assert refresh_due_subscriptions_task() == 0
    assert not RefreshRun.objects.filter(status="queued").exists()
    assert "Scheduled refreshes paused: the credential is invalid" in _status(client, subscription)

    # "Refresh now" is still honoured (the admin may be checking a fix).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("galleries:subscription_refresh", args=[subscription.pk]))
    manual = RefreshRun.objects.get(status="queued")
    assert no_broker == [manual.pk]
    RefreshRun.objects.filter(pk=manual.pk).update(status="failed", finished_at=timezone.now())
    RefreshRun.objects.update(requested_at=timezone.now() - timedelta(days=1))

    # The secret is fixed in Azure; a successful Test connection lifts the pause.
    principal.client_secret = secret
    tested = client.post(reverse("galleries:subscription_test", args=[subscription.pk]))
    assert "Connected to Production" in tested.content.decode()
    assert "Scheduled refreshes paused" not in _status(client, subscription)
    assert refresh_due_subscriptions_task() == 1

"""Settings → Subscriptions: roles, isolation, connect/edit/disconnect, refresh status."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from console.models import Account, AuditEntry, Role
from galleries.crypto import decrypt_secret
from galleries.models import ConnectedSubscription, RefreshRun
from galleries.refresh.runs import refresh_now
from tests.factories import AccountFactory, log_in_as
from tests.group_factories import GroupFactory, gallery_spec
from tests.inventory_factories import ConnectedSubscriptionFactory

from ..conftest import sandbox_connection

pytestmark = pytest.mark.django_db

SECRET_LOGGERS = ("azure", "galleries", "msal", "urllib3")


@pytest.fixture
def enqueued(monkeypatch: Any) -> list[int]:
    """Run ids handed to Celery (the broker is not what these tests are about)."""
    from galleries.refresh import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.refresh_subscription_task, "delay", sent.append)
    return sent


@pytest.fixture
def admin(client: Any, organization: Any) -> Any:
    return log_in_as(client, Role.ADMIN, organization=organization)


def _form_data(sandbox: Any, name: str, **overrides: Any) -> dict[str, Any]:
    connection = sandbox_connection(sandbox, name)
    data = {
        "display_name": name,
        "subscription_id": connection.subscription_id,
        "tenant_id": connection.tenant_id,
        "client_id": connection.client_id,
        "client_secret": connection.client_secret,
        "cloud": "custom",
        "arm_endpoint": connection.arm_endpoint,
        "authority_host": connection.authority_host,
        "ca_bundle_pem": connection.ca_bundle_pem,
        "account": "new",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_only_admins_reach_the_subscription_settings(client: Any, role: str) -> None:
    membership = log_in_as(client, role)
    subscription = ConnectedSubscriptionFactory(account__organization=membership.organization)
    assert client.get(reverse("galleries:subscriptions")).status_code == 403
    assert client.get(reverse("galleries:subscription_connect")).status_code == 403
    detail = reverse("galleries:subscription_detail", args=[subscription.pk])
    assert client.get(detail).status_code == 403
    refresh = reverse("galleries:subscription_refresh", args=[subscription.pk])
    assert client.post(refresh).status_code == 403
    assert not RefreshRun.objects.exists()


def test_another_organizations_subscription_and_runs_are_404(client: Any, admin: Any) -> None:
    other = ConnectedSubscriptionFactory()
    run = RefreshRun.objects.create(subscription=other, status="succeeded")
    for name in ("subscription_detail", "subscription_edit", "subscription_disconnect"):
        assert client.get(reverse(f"galleries:{name}", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("galleries:subscription_refresh", args=[other.pk])).status_code == 404
    )
    assert client.get(reverse("galleries:run_detail", args=[other.pk, run.pk])).status_code == 404
    mine = ConnectedSubscriptionFactory(account__organization=admin.organization)
    assert client.get(reverse("galleries:run_detail", args=[mine.pk, run.pk])).status_code == 404
    assert other.display_name not in client.get(reverse("galleries:subscriptions")).content.decode()


def test_connect_form_preselects_the_deployment_default_cloud(
    client: Any, admin: Any, settings: Any, tmp_path: Path, fresh_azure_sandbox: Any
) -> None:
    settings.AZURE_DEFAULT_CLOUD = "custom"
    settings.AZURE_DEFAULT_ARM_ENDPOINT = "https://arm.example.test"
    settings.AZURE_DEFAULT_AUTHORITY_HOST = "https://login.example.test"
    settings.AZURE_DEFAULT_CA_BUNDLE = fresh_azure_sandbox.connection["ca_file"]
    page = client.get(reverse("galleries:subscription_connect")).content.decode()
    assert '<option value="custom" selected>' in page
    assert 'value="https://arm.example.test"' in page
    assert "-----BEGIN CERTIFICATE-----" in page


def test_connecting_binds_a_new_account_encrypts_and_queues_a_refresh(
    client: Any,
    admin: Any,
    fresh_azure_sandbox: Any,
    enqueued: list[int],
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = _form_data(fresh_azure_sandbox, "Production")
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("galleries:subscription_connect"), data)
    assert response.status_code == 302
    subscription = ConnectedSubscription.objects.get(organization=admin.organization)
    assert subscription.account.name == "Production"
    assert subscription.account_id.startswith("act-")
    assert data["client_secret"] not in subscription.client_secret_encrypted
    assert decrypt_secret(subscription.client_secret_encrypted) == data["client_secret"]
    run = RefreshRun.objects.get(subscription=subscription)
    assert enqueued == [run.pk]
    entries = AuditEntry.objects.filter(organization=admin.organization)
    assert {e.action for e in entries} == {"subscription.connect", "subscription.refresh_requested"}
    assert data["client_secret"] not in str([(e.before, e.after) for e in entries])
    assert data["client_secret"] not in caplog.text
    page = client.get(response["Location"]).content.decode()
    assert data["client_secret"] not in page
    assert (
        data["client_secret"] not in client.get(reverse("galleries:subscriptions")).content.decode()
    )


def test_connecting_to_an_existing_free_account(
    client: Any, admin: Any, fresh_azure_sandbox: Any, enqueued: list[int]
) -> None:
    account = AccountFactory(organization=admin.organization, name="Ops")
    data = _form_data(fresh_azure_sandbox, "Staging", account=account.pk)
    assert client.post(reverse("galleries:subscription_connect"), data).status_code == 302
    assert ConnectedSubscription.objects.get(account=account).display_name == "Staging"


def test_bad_input_is_explained_and_nothing_is_saved(
    client: Any, admin: Any, fresh_azure_sandbox: Any, enqueued: list[int]
) -> None:
    data = _form_data(
        fresh_azure_sandbox,
        "Production",
        subscription_id="not-a-guid",
        arm_endpoint="",
        ca_bundle_pem="garbage",
        client_secret="",
    )
    response = client.post(reverse("galleries:subscription_connect"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the subscription id as a GUID" in page
    assert "Required for a custom endpoint." in page
    assert "not a PEM certificate bundle" in page
    assert not ConnectedSubscription.objects.exists()
    assert not Account.objects.filter(name="Production").exists()


def test_test_connection_from_the_unsaved_form(
    client: Any, admin: Any, fresh_azure_sandbox: Any
) -> None:
    url = reverse("galleries:subscription_test_unsaved")
    good = client.post(url, _form_data(fresh_azure_sandbox, "Production"), HTTP_HX_REQUEST="true")
    assert "Connected to Production" in good.content.decode()
    bad = client.post(
        url,
        _form_data(fresh_azure_sandbox, "Production", client_secret="nope"),
        HTTP_HX_REQUEST="true",
    )
    assert "client secret is wrong" in bad.content.decode()
    assert not ConnectedSubscription.objects.exists()


def test_edit_keeps_a_blank_secret_and_never_shows_it(
    client: Any, admin: Any, connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Production")
    secret = decrypt_secret(subscription.client_secret_encrypted)
    url = reverse("galleries:subscription_edit", args=[subscription.pk])
    page = client.get(url).content.decode()
    assert secret not in page
    assert subscription.client_secret_encrypted not in page
    data = _form_data(fresh_azure_sandbox, "Production", display_name="Prod", client_secret="")
    # With a blank secret, "Test connection" uses the stored one.
    tested = client.post(reverse("galleries:subscription_test", args=[subscription.pk]), data)
    assert "Connected to Production" in tested.content.decode()
    assert client.post(url, data).status_code == 302
    subscription.refresh_from_db()
    assert subscription.display_name == "Prod"
    assert decrypt_secret(subscription.client_secret_encrypted) == secret
    entry = AuditEntry.objects.get(action="subscription.update")
    assert entry.before["display_name"] == "Production"
    assert entry.after["secret_changed"] is False
    assert secret not in str(entry.before) + str(entry.after)


def test_disconnect_lists_what_references_it_then_forgets_it(
    client: Any, admin: Any, connect: Any
) -> None:
    subscription = connect("Production")
    refresh_now(subscription)
    other_account = AccountFactory(organization=admin.organization)
    GroupFactory(
        account=other_account, spec=gallery_spec("web-frontend", image_of=subscription.account)
    )
    url = reverse("galleries:subscription_disconnect", args=[subscription.pk])
    page = client.get(url).content.decode()
    assert "web-frontend" in page
    assert client.post(url).status_code == 302
    assert not ConnectedSubscription.objects.exists()
    assert Account.objects.filter(pk=subscription.account_id).exists()
    assert AuditEntry.objects.filter(action="subscription.disconnect").exists()


def test_refresh_now_shows_a_polling_progress_bar_until_the_run_ends(
    client: Any,
    admin: Any,
    connect: Any,
    enqueued: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscription = connect("Production")
    url = reverse("galleries:subscription_refresh", args=[subscription.pk])
    with django_capture_on_commit_callbacks(execute=True):
        fragment = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    status_url = reverse("galleries:subscription_status", args=[subscription.pk])
    assert f'hx-get="{status_url}"' in fragment
    assert 'hx-trigger="every 1s"' in fragment
    # A native <progress> (role progressbar): its value is no inline style the CSP would refuse.
    assert '<progress class="refresh-progress" max="100" value="0"' in fragment
    # A second click merges into the queued run.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, HTTP_HX_REQUEST="true")
    run = RefreshRun.objects.get(subscription=subscription)
    assert run.merged_requests == 1
    assert enqueued == [run.pk]

    from galleries.refresh.runs import execute_run

    execute_run(run.pk)
    final = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in final
    assert "Succeeded" in final
    assert "refreshed" in final


def test_a_dead_worker_is_shown_as_such_and_refresh_now_replaces_its_run(
    client: Any,
    admin: Any,
    connect: Any,
    enqueued: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscription = connect("Production")
    silent_since = timezone.now() - timedelta(seconds=40)
    run = RefreshRun.objects.create(
        subscription=subscription,
        status="running",
        started_at=silent_since,
        heartbeat_at=silent_since,
        lease_expires_at=silent_since + timedelta(seconds=15),
    )
    page = client.get(reverse("galleries:subscriptions")).content.decode()
    run.refresh_from_db()
    assert run.status == "running"  # a page that only reads writes nothing
    # 40 s, or a little more when a busy machine is slow to render the page.
    assert re.search(r"stopped responding 4\d s ago", page)
    assert "every 5s" in page
    assert "Refresh now" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("galleries:subscription_refresh", args=[subscription.pk]))
    run.refresh_from_db()
    assert run.status == "failed"
    assert "stopped responding (no heartbeat for over" in run.error
    assert run.failure_code == "worker_lost"
    replacement = RefreshRun.objects.exclude(pk=run.pk).get(subscription=subscription)
    assert replacement.status == "queued"
    assert enqueued == [replacement.pk]


def test_stale_inventory_is_flagged(client: Any, admin: Any, connect: Any, settings: Any) -> None:
    subscription = connect("Production")
    run = refresh_now(subscription)
    page = client.get(reverse("galleries:subscriptions")).content.decode()
    assert "Inventory is stale" not in page
    RefreshRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now() - 4 * settings.INVENTORY_REFRESH_INTERVAL
    )
    page = client.get(reverse("galleries:subscriptions")).content.decode()
    assert "Inventory is stale" in page


def test_run_history_shows_counts_calls_and_errors(
    client: Any, admin: Any, connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Shared Images")
    fresh_azure_sandbox.faults.add(
        kind="error", status=403, path_pattern="/gal_shared_archive/images$"
    )
    run = refresh_now(subscription)
    page = client.get(
        reverse("galleries:run_detail", args=[subscription.pk, run.pk])
    ).content.decode()
    assert "Partial" in page or "partial" in page
    assert "gal_shared_archive" in page
    assert f"{run.api_calls} (" in page
    detail = client.get(
        reverse("galleries:subscription_detail", args=[subscription.pk])
    ).content.decode()
    assert str(run.counts["versions"]["created"]) in detail

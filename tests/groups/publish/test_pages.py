"""Settings → Spot and the sync state on a group's page, its list and its delete page; the
Spot token never leaves the encrypted column."""

from __future__ import annotations

import json
import logging

import pytest
from django.template import Context, Template

from console.models import AuditEntry
from groups.publish import sync
from groups.publish.models import Publication, SpotConnection
from tests.groups.api.bodies import group_body

from .remote import free_port


@pytest.fixture
def as_role(client, publisher):
    def sign_in(role: str):
        client.force_login(publisher.members[role].user)
        return client

    return sign_in


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_only_admins_manage_spot_connections(as_role, publisher):
    url = f"/settings/spot/{publisher.account.id}/"
    assert as_role("editor").get(url).status_code == 403
    assert as_role("viewer").get("/settings/spot/").status_code == 403
    page = _page(as_role("admin"), "/settings/spot/")
    assert publisher.connection.spot_account_id in page


def test_connecting_stores_the_token_encrypted_and_never_shows_it(as_role, publisher):
    client = as_role("admin")
    publisher.connection.delete()
    url = f"/settings/spot/{publisher.account.id}/"
    response = client.post(
        url,
        {
            "base_url": publisher.remote.url + "/",
            "spot_account_id": publisher.remote.account,
            "token": publisher.remote.token,
        },
        follow=True,
    )
    assert "publishes to Spot from now on" in _messages(response)
    connection = SpotConnection.objects.get(account=publisher.account)
    assert connection.base_url == publisher.remote.url
    assert publisher.remote.token not in connection.token_encrypted
    page = _page(client, url)
    assert publisher.remote.token not in page
    assert 'name="token"' in page
    assert 'type="password"' in page

    # Saving again without a token keeps the stored one.
    client.post(
        url, {"base_url": publisher.remote.url, "spot_account_id": publisher.remote.account}
    )
    connection.refresh_from_db()
    response = client.post(f"{url}test/", follow=True)
    assert "Connected: Spot knows account" in _messages(response)


def test_a_base_url_the_deployment_does_not_allow_is_refused_in_words(as_role, publisher):
    response = as_role("admin").post(
        f"/settings/spot/{publisher.account.id}/",
        {"base_url": "https://metadata.internal", "spot_account_id": "act-12345678", "token": "x"},
    )
    assert response.status_code == 200
    assert "is not Spot&#x27;s API (api.spotinst.io) nor a host this deployment allows" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"token": "wrong-token"}, "Spot refused the API token (HTTP 401)"),
        ({"account": "act-00000000"}, "account act-00000000 is not one of its accounts"),
        ({"port": True}, "could not be reached: connection refused"),
    ],
)
def test_test_connection_says_what_is_wrong(as_role, publisher, change, words):
    client = as_role("admin")
    connection = publisher.connection
    data = {
        "base_url": f"http://127.0.0.1:{free_port()}" if "port" in change else connection.base_url,
        "spot_account_id": change.get("account", connection.spot_account_id),
        "token": change.get("token", publisher.remote.token),
    }
    client.post(f"/settings/spot/{publisher.account.id}/", data)
    response = client.post(f"/settings/spot/{publisher.account.id}/test/", follow=True)
    assert words in _messages(response)
    assert words in response.content.decode().replace("&#x27;", "'")


def test_the_group_page_and_list_show_the_sync_state_and_a_retry(as_role, publisher, unique_name):
    group = publisher.apply({**group_body(), "name": unique_name})
    client = as_role("editor")
    assert "Publishing revision 1" in _page(client, f"/groups/{group.id}/")
    assert "Publishing</span>" in _page(client, "/groups/")

    publication = Publication.objects.get(group=group)
    publisher.connection.base_url = f"http://127.0.0.1:{free_port()}"
    publisher.connection.save()
    sync.publish(publication.pk, holder="test")
    page = _page(client, f"/groups/{group.id}/")
    assert "could not be reached: connection refused" in page
    assert "Nothing was lost" in page
    assert "Retry publishing" in page
    assert ">Failed</span>" in _page(client, "/groups/")
    assert "Retry publishing" not in _page(as_role("viewer"), f"/groups/{group.id}/")

    publisher.connection.base_url = publisher.remote.url
    publisher.connection.save()
    client = as_role("editor")
    client.post(f"/publications/{publication.pk}/retry/")
    sync.publish(publication.pk, holder="test")
    publication.refresh_from_db()
    page = _page(client, f"/groups/{group.id}/")
    assert f"In Spot as <code>{publication.remote_id}</code>" in page
    assert "In sync" in _page(client, "/groups/")

    delete_page = _page(client, f"/groups/{group.id}/delete/")
    assert f"{publication.remote_id}</strong> is deleted in Spot account" in delete_page


def test_the_token_appears_in_no_log_page_audit_entry_or_error(
    as_role, publisher, unique_name, caplog
):
    caplog.set_level(logging.DEBUG)
    token = publisher.remote.token
    client = as_role("admin")
    group = publisher.apply({**group_body(), "name": unique_name})
    sync.publish(Publication.objects.get(group=group).pk, holder="test")
    client.post(f"/settings/spot/{publisher.account.id}/test/")
    # A refused token, then an unreachable endpoint: their errors must not carry either token.
    wrong = "wrong-" + token[6:]
    client.post(
        f"/settings/spot/{publisher.account.id}/",
        {
            "base_url": publisher.remote.url,
            "spot_account_id": publisher.remote.account,
            "token": wrong,
        },
    )
    client.post(f"/settings/spot/{publisher.account.id}/test/")
    changed = publisher.apply(
        {**group.spec, "capacity": {"minimum": 0, "maximum": 3, "target": 2}}, group=group
    )
    sync.publish(Publication.objects.get(group=changed).pk, holder="test")
    failed = Publication.objects.get(group=changed)
    assert "Spot refused the API token" in failed.error_message

    pages = [
        _page(client, url)
        for url in (
            "/settings/spot/",
            f"/settings/spot/{publisher.account.id}/",
            f"/groups/{group.id}/",
            "/groups/",
            "/settings/audit/",
        )
    ]
    audit = json.dumps(
        [[e.action, e.before, e.after] for e in AuditEntry.objects.all()], default=str
    )
    assert "spot_connection.update" in audit
    assert "publication.failed" in audit
    stored = json.dumps(
        list(Publication.objects.values()) + list(SpotConnection.objects.values("test_message")),
        default=str,
    )
    for secret in (token, wrong):
        assert secret not in caplog.text
        assert all(secret not in page for page in pages)
        assert secret not in audit
        assert secret not in stored


@pytest.mark.parametrize(
    ("state", "badge"),
    [
        ("publishing", '<span class="badge text-bg-info">Publishing</span>'),
        ("in_sync", '<span class="badge text-bg-success">In sync</span>'),
        ("failed", '<span class="badge text-bg-danger" title="Spot said no">Failed</span>'),
        ("deleting", '<span class="badge text-bg-secondary">Deleting in Spot</span>'),
    ],
)
def test_the_sync_badge_names_each_state_in_its_colour(state, badge):
    publication = Publication(state=state, error_message="Spot said no")
    page = Template("{% load publishing %}{% sync_badge publication %}")
    assert page.render(Context({"publication": publication})).strip() == badge

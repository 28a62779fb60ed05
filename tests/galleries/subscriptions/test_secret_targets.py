"""Where the stored client secret may go: only where it was saved for, and only to hosts the
operator allows (AZURE_ALLOWED_CUSTOM_HOSTS). A second HTTPS server stands for an attacker's."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from azure_sandbox.certs import CA_CERT_FILE, issue_server_certificate
from console.models import Role
from galleries.crypto import decrypt_secret
from galleries.endpoints import endpoint_problem
from galleries.models import ConnectedSubscription
from galleries.subscriptions.services import SecretNeeded, check_credentials, update_subscription
from tests.factories import log_in_as

from ..conftest import sandbox_connection

pytestmark = pytest.mark.django_db


class Recorder:
    """An HTTPS server that records every request it gets (and answers 400)."""

    def __init__(self, state_dir: Path) -> None:
        cert, key = issue_server_certificate(state_dir)
        self.ca_pem = (state_dir / CA_CERT_FILE).read_text()
        self.requests: list[tuple[str, str, bytes]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append((self.command, self.path, self.rfile.read(length)))
                self.send_response(400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _record

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    server = Recorder(tmp_path)
    yield server
    server.close()


@pytest.fixture
def admin(client: Any, organization: Any) -> Any:
    return log_in_as(client, Role.ADMIN, organization=organization)


def _edit_data(subscription: ConnectedSubscription, **changes: str) -> dict[str, str]:
    data = {
        "display_name": subscription.display_name,
        "subscription_id": subscription.subscription_id,
        "tenant_id": subscription.tenant_id,
        "client_id": subscription.client_id,
        "client_secret": "",
        "cloud": subscription.cloud,
        "arm_endpoint": subscription.arm_endpoint,
        "authority_host": subscription.authority_host,
        "ca_bundle_pem": subscription.ca_bundle_pem,
    }
    data.update(changes)
    return data


SECRET_AGAIN = "Type the client secret again"


def test_the_stored_secret_never_goes_to_another_endpoint(
    client: Any, admin: Any, connect: Any, recorder: Recorder
) -> None:
    subscription = connect("Production")
    stored = subscription.client_secret_encrypted
    elsewhere = _edit_data(
        subscription,
        authority_host=recorder.url,
        arm_endpoint=recorder.url,
        ca_bundle_pem=recorder.ca_pem,
    )
    test_url = reverse("galleries:subscription_test", args=[subscription.pk])
    tested = client.post(test_url, elsewhere).content.decode()
    assert SECRET_AGAIN in tested
    assert "authority host" in tested
    edit_url = reverse("galleries:subscription_edit", args=[subscription.pk])
    page = client.post(edit_url, elsewhere)
    assert page.status_code == 200
    assert SECRET_AGAIN in page.content.decode()
    assert recorder.requests == []  # not even a connection attempt
    subscription.refresh_from_db()
    assert subscription.client_secret_encrypted == stored
    assert subscription.authority_host != recorder.url

    # The same endpoint with a typed secret is reached: the refusal above is the rule's doing.
    typed = client.post(test_url, {**elsewhere, "client_secret": "typed-here"}).content.decode()
    assert SECRET_AGAIN not in typed
    assert recorder.requests


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("tenant_id", "11111111-1111-1111-1111-111111111111", "tenant id"),
        ("client_id", "22222222-2222-2222-2222-222222222222", "client id"),
        ("cloud", "public", "cloud"),
        ("ca_bundle_pem", "", "CA bundle"),
    ],
)
def test_any_other_target_needs_the_secret_typed_again(
    client: Any, admin: Any, connect: Any, field: str, value: str, named: str
) -> None:
    subscription = connect("Production")
    data = _edit_data(subscription, **{field: value})
    page = client.post(reverse("galleries:subscription_edit", args=[subscription.pk]), data)
    assert page.status_code == 200
    text = page.content.decode()
    assert SECRET_AGAIN in text
    assert named in text.split(SECRET_AGAIN)[1].split("</div>")[0]


def test_the_service_refuses_a_blank_secret_for_another_target(
    connect: Any, fresh_azure_sandbox: Any, recorder: Recorder
) -> None:
    subscription = connect("Production")
    elsewhere = sandbox_connection(
        fresh_azure_sandbox, "Production", client_secret="", authority_host=recorder.url
    )
    with pytest.raises(SecretNeeded):
        update_subscription(subscription, actor=None, display_name="x", connection=elsewhere)
    subscription.refresh_from_db()
    assert subscription.authority_host != recorder.url


def test_unchanged_target_reuses_the_stored_secret(client: Any, admin: Any, connect: Any) -> None:
    subscription = connect("Production")
    secret = decrypt_secret(subscription.client_secret_encrypted)
    data = _edit_data(subscription, display_name="Prod")
    tested = client.post(reverse("galleries:subscription_test", args=[subscription.pk]), data)
    assert "Connected to Production" in tested.content.decode()
    assert client.post(
        reverse("galleries:subscription_edit", args=[subscription.pk]), data
    ).status_code == 302  # fmt: skip
    subscription.refresh_from_db()
    assert decrypt_secret(subscription.client_secret_encrypted) == secret


def test_custom_endpoints_are_limited_to_the_allowed_hosts(
    client: Any, admin: Any, connect: Any, fresh_azure_sandbox: Any, recorder: Recorder,
    settings: Any,
) -> None:  # fmt: skip
    subscription = connect("Production")
    settings.AZURE_ALLOWED_CUSTOM_HOSTS = [fresh_azure_sandbox.base_url.split("//")[1]]
    form = client.get(reverse("galleries:subscription_connect")).content.decode()
    assert f"Allowed custom hosts: {fresh_azure_sandbox.base_url.split('//')[1]}." in form

    port = recorder.url.rsplit(":", 1)[1]
    refused = f"127.0.0.1:{port} is not an endpoint this deployment allows"
    connection = sandbox_connection(fresh_azure_sandbox, "Production")
    data = {
        "display_name": "Attack",
        "subscription_id": "33333333-3333-3333-3333-333333333333",
        "tenant_id": connection.tenant_id,
        "client_id": connection.client_id,
        "client_secret": "whatever",
        "cloud": "custom",
        "arm_endpoint": recorder.url,
        "authority_host": recorder.url,
        "ca_bundle_pem": recorder.ca_pem,
        "account": "new",
    }
    unsaved = client.post(reverse("galleries:subscription_test_unsaved"), data)
    assert refused in unsaved.content.decode()
    connect_page = client.post(reverse("galleries:subscription_connect"), data)
    assert connect_page.status_code == 200
    assert refused in connect_page.content.decode()
    edit = _edit_data(
        subscription,
        client_secret="typed",
        arm_endpoint=recorder.url,
        authority_host=recorder.url,
        ca_bundle_pem=recorder.ca_pem,
    )
    for url in ("galleries:subscription_test", "galleries:subscription_edit"):
        assert refused in client.post(reverse(url, args=[subscription.pk]), edit).content.decode()
    assert recorder.requests == []
    assert ConnectedSubscription.objects.count() == 1

    # A subscription saved before its host was disallowed is not called either.
    settings.AZURE_ALLOWED_CUSTOM_HOSTS = []
    result = check_credentials(subscription)
    assert result.verdict == "endpoint_not_allowed"
    assert "is not an endpoint this deployment allows" in result.message


def test_sovereign_clouds_stay_allowed(settings: Any) -> None:
    settings.AZURE_ALLOWED_CUSTOM_HOSTS = []
    for url in (
        "https://management.azure.com",
        "https://login.microsoftonline.us/",
        "https://management.chinacloudapi.cn",
    ):
        assert endpoint_problem(url) is None
    assert endpoint_problem("https://management.azure.com.evil.example") is not None
    assert endpoint_problem("http://127.0.0.1:8765") == "Azure endpoints must be https:// URLs."


def test_the_apis_credential_endpoints_refuse_a_default_cloud_that_is_not_allowed(
    client: Any, recorder: Recorder, settings: Any, db: Any
) -> None:
    from console.services import create_api_token
    from tests.factories import MembershipFactory

    member = MembershipFactory(role=Role.ADMIN)
    token = create_api_token(user=member.user, organization=member.organization, name="t")[1]
    settings.AZURE_DEFAULT_CLOUD = "custom"
    settings.AZURE_DEFAULT_ARM_ENDPOINT = recorder.url
    settings.AZURE_DEFAULT_AUTHORITY_HOST = recorder.url
    settings.AZURE_ALLOWED_CUSTOM_HOSTS = ["localhost"]
    guid = "00000000-0000-0000-0000-000000000001"
    body = {"clientId": guid, "clientSecret": "s3cret", "tenantId": guid, "subscriptionId": guid}
    for path in ("/azure/setup/credentials", "/azure/setup/credentials/validation"):
        answer = client.post(
            path, body, content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        assert answer.status_code == 400
        assert answer.json()["response"]["errors"][0]["code"] == "ENDPOINT_NOT_ALLOWED"
    assert recorder.requests == []
    assert not ConnectedSubscription.objects.exists()

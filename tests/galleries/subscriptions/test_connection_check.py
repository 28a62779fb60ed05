"""'Test connection' verdicts, through the real SDK against the sandbox."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from galleries.azure.errors import AzureCallFailed, Verdict
from galleries.azure.gateway import gateway_for
from galleries.subscriptions.services import check_credentials, test_connection as check_connection

from ..conftest import sandbox_connection

pytestmark = pytest.mark.django_db


def test_good_credentials_are_reported_with_what_they_see(fresh_azure_sandbox: Any) -> None:
    result = check_connection(sandbox_connection(fresh_azure_sandbox, "Shared Images"))
    assert result.ok
    assert result.verdict == Verdict.OK
    assert result.message == "Connected to Shared Images: 3 galleries visible."


def test_wrong_secret(fresh_azure_sandbox: Any) -> None:
    result = check_connection(
        sandbox_connection(fresh_azure_sandbox, "Production", client_secret="not-the-secret")
    )
    assert not result.ok
    assert result.verdict == Verdict.WRONG_SECRET
    assert "client secret is wrong" in result.message
    assert "not-the-secret" not in result.message


def test_principal_without_access(fresh_azure_sandbox: Any) -> None:
    staging = sandbox_connection(fresh_azure_sandbox, "Staging")
    shared = sandbox_connection(fresh_azure_sandbox, "Shared Images")
    # Staging's principal asked about the Shared Images subscription: it has no role there.
    result = check_connection(
        sandbox_connection(
            fresh_azure_sandbox,
            "Shared Images",
            client_id=staging.client_id,
            client_secret=staging.client_secret,
        )
    )
    assert shared.client_id != staging.client_id
    assert result.verdict == Verdict.NO_ACCESS
    assert "no access" in result.message


def test_subscription_not_found(fresh_azure_sandbox: Any) -> None:
    result = check_connection(
        sandbox_connection(
            fresh_azure_sandbox,
            "Production",
            subscription_id="00000000-0000-0000-0000-00000000dead",
        )
    )
    assert result.verdict == Verdict.SUBSCRIPTION_NOT_FOUND
    assert "subscription was not found" in result.message


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_endpoint(fresh_azure_sandbox: Any, settings: Any) -> None:
    settings.AZURE_RETRY_TOTAL = 0
    closed = f"https://127.0.0.1:{_closed_port()}"
    result = check_connection(
        sandbox_connection(
            fresh_azure_sandbox, "Production", arm_endpoint=closed, authority_host=closed
        )
    )
    assert result.verdict == Verdict.UNREACHABLE
    assert "could not be reached" in result.message


def test_untrusted_certificate(fresh_azure_sandbox: Any) -> None:
    result = check_connection(
        sandbox_connection(fresh_azure_sandbox, "Production", ca_bundle_pem="")
    )
    assert result.verdict == Verdict.UNTRUSTED_CERTIFICATE
    assert "certificate is not trusted" in result.message


def test_timeout(fresh_azure_sandbox: Any, settings: Any) -> None:
    settings.AZURE_READ_TIMEOUT_SECONDS = 1
    settings.AZURE_RETRY_TOTAL = 0
    fresh_azure_sandbox.faults.add(kind="hang", hang_seconds=3, path_pattern="/galleries$")
    result = check_connection(sandbox_connection(fresh_azure_sandbox, "Production"))
    assert result.verdict == Verdict.TIMED_OUT


def test_checking_a_saved_subscription_stores_credential_health_apart(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Production")
    assert check_credentials(subscription).ok
    assert subscription.credential_status == "valid"
    assert subscription.credential_checked_at is not None
    fresh_azure_sandbox.principal("Production").client_secret = "rotated"
    result = check_credentials(subscription)
    assert not result.ok
    assert subscription.credential_status == "invalid"
    assert "client secret" in subscription.credential_error
    assert not subscription.refresh_runs.exists()  # refresh health is another matter


def test_proxy_settings_in_the_environment_still_apply(
    fresh_azure_sandbox: Any, monkeypatch: Any, settings: Any
) -> None:
    """The ARM clients read HTTPS_PROXY/NO_PROXY once when built, not before every call."""
    settings.AZURE_RETRY_TOTAL = 0
    connection = sandbox_connection(fresh_azure_sandbox, "Production")
    for no_proxy, reachable in (("", False), ("127.0.0.1,localhost", True)):
        gateway = gateway_for(connection)
        gateway.sign_in()  # signed in before the proxy is set
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens there
        monkeypatch.setenv("NO_PROXY", no_proxy)
        try:
            if reachable:
                assert len(gateway.list_galleries()) > 0
            else:
                with pytest.raises(AzureCallFailed) as failed:
                    gateway.list_galleries()
                assert failed.value.failure.code == Verdict.UNREACHABLE
        finally:
            gateway.close()
            monkeypatch.delenv("HTTPS_PROXY")

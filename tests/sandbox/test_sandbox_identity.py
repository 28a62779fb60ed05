"""Entra ID token endpoint behaviour through the real ClientSecretCredential."""

from __future__ import annotations

import time

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import ClientSecretCredential

from azure_sandbox import Sandbox
from tests.sandbox.conftest import ComputeFactory, http_client

ARM_SCOPE = "https://management.azure.com/.default"


def test_wrong_secret_fails_with_entra_error(sandbox: Sandbox) -> None:
    principal = sandbox.principal("Production")
    credential = ClientSecretCredential(
        principal.tenant_id, principal.client_id, "not-the-secret", **sandbox.credential_kwargs()
    )
    with pytest.raises(ClientAuthenticationError) as failed:
        credential.get_token(ARM_SCOPE)
    assert "AADSTS7000215" in str(failed.value)
    assert "not-the-secret" not in str(failed.value)


def test_unknown_client_fails_with_aadsts700016(sandbox: Sandbox) -> None:
    tenant = sandbox.connection["tenants"][0]["id"]
    credential = ClientSecretCredential(
        tenant, "11111111-2222-3333-4444-555555555555", "secret", **sandbox.credential_kwargs()
    )
    with pytest.raises(ClientAuthenticationError, match="AADSTS700016"):
        credential.get_token(ARM_SCOPE)


def test_token_error_body_has_entra_shape(sandbox: Sandbox) -> None:
    principal = sandbox.principal("Production")
    response = http_client(sandbox).post(
        f"{sandbox.base_url}/{principal.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": principal.client_id,
            "client_secret": "wrong",
            "scope": ARM_SCOPE,
        },
    )
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client"
    assert body["error_codes"] == [7000215]
    assert body["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")
    assert {"timestamp", "trace_id", "correlation_id"} <= body.keys()


def test_arm_rejects_missing_and_expired_tokens(sandbox: Sandbox) -> None:
    sandbox.world.settings.token_lifetime_seconds = 1
    url = f"{sandbox.base_url}/subscriptions?api-version=2022-12-01"
    with http_client(sandbox) as http:
        missing = http.get(url)
        assert missing.status_code == 401
        assert missing.json()["error"]["code"] == "AuthenticationFailed"
        assert missing.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=")
        forged = http.get(url, headers={"Authorization": "Bearer a.b.c"})
        assert forged.json()["error"]["code"] == "InvalidAuthenticationToken"

        token = sandbox.credential("Production").get_token(ARM_SCOPE).token
        assert http.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        time.sleep(1.2)
        expired = http.get(url, headers={"Authorization": f"Bearer {token}"})
        assert expired.status_code == 401
        assert expired.json()["error"]["code"] == "ExpiredAuthenticationToken"
        assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]


def test_credential_refreshes_an_expired_token(sandbox: Sandbox, compute: ComputeFactory) -> None:
    sandbox.world.settings.token_lifetime_seconds = 1
    client = compute("Staging")
    assert [g.name for g in client.galleries.list()] == ["gal_staging"]
    time.sleep(1.2)  # the first token has now expired
    assert [g.name for g in client.galleries.list()] == ["gal_staging"]
    assert sandbox.request_log.count("identity.token") >= 2
    assert sandbox.request_log.stats()["by_status"].get("401") is None


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ({"kind": "error", "status": 503}, 503, "temporarily_unavailable"),
        ({"kind": "throttle", "retry_after": 0}, 429, "temporarily_unavailable"),
        ({"kind": "error", "status": 401, "code": "invalid_client", "aadsts": 7000222}, 401, None),
    ],
)
def test_token_endpoint_faults_answer_in_entras_shape(
    sandbox: Sandbox, fault: dict, status: int, error: str | None
) -> None:
    sandbox.faults.add(path_pattern=r"/oauth2/v2\.0/token$", **fault)
    principal = sandbox.principal("Production")
    response = http_client(sandbox).post(
        f"{sandbox.base_url}/{principal.tenant_id}/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": principal.client_id},
    )
    assert response.status_code == status
    body = response.json()
    assert body["error"] == (error or "invalid_client")
    if fault.get("aadsts"):
        assert body["error_codes"] == [7000222]
        assert body["error_description"].startswith("AADSTS7000222: ")
    else:
        assert "AADSTS" not in body["error_description"]

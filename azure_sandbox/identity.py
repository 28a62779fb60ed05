"""Entra ID (v2.0) endpoints: OpenID discovery and the client-credentials token grant.

Access tokens are HS256-signed JWTs whose key lives in the state dir, so a
restarted CLI sandbox still accepts the tokens it issued earlier.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from azure_sandbox.messages import Request, Response
from azure_sandbox.world import World

ARM_AUDIENCE = "https://management.azure.com/"


@dataclass
class TokenClaims:
    client_id: str
    object_id: str
    tenant_id: str
    expires_at: float


class TokenInvalid(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_signing_key(state_dir: Path) -> bytes:
    path = state_dir / "token-signing.key"
    if path.exists():
        return path.read_bytes()
    key = secrets.token_bytes(32)
    path.write_bytes(key)
    path.chmod(0o600)
    return key


class TokenIssuer:
    def __init__(self, signing_key: bytes) -> None:
        self._key = signing_key
        # Signature checks cost ~40 us; clients reuse one token for many calls.
        self._verified: dict[str, TokenClaims] = {}

    def issue(self, client_id: str, object_id: str, tenant_id: str, lifetime: float) -> str:
        now = time.time()
        header = {"typ": "JWT", "alg": "HS256"}
        claims = {
            "aud": ARM_AUDIENCE,
            "iss": f"https://sts.windows.net/{tenant_id}/",
            "iat": int(now),
            "nbf": int(now),
            "exp": now + lifetime,
            "appid": client_id,
            "oid": object_id,
            "sub": object_id,
            "tid": tenant_id,
            "uti": uuid.uuid4().hex,  # makes every token distinct
            "ver": "1.0",
        }
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signature = hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"

    def verify(self, authorization: str | None) -> TokenClaims:
        if not authorization:
            raise TokenInvalid(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
            )
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or token.count(".") != 2:
            raise TokenInvalid("InvalidAuthenticationToken", "The access token is invalid.")
        claims_seen = self._verified.get(token)
        if claims_seen is not None and claims_seen.expires_at > time.time():
            return claims_seen
        signing_input, _, signature = token.rpartition(".")
        expected = hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest()
        try:
            valid = hmac.compare_digest(expected, _unb64(signature))
            claims = json.loads(_unb64(signing_input.split(".")[1]))
        except (ValueError, json.JSONDecodeError):
            valid = False
        if not valid:
            raise TokenInvalid("InvalidAuthenticationToken", "The access token is invalid.")
        now = time.time()
        if claims["exp"] <= now:
            raise TokenInvalid(
                "ExpiredAuthenticationToken",
                f"The access token expiry UTC time '{_arm_time(claims['exp'])}' is earlier than "
                f"current UTC time '{_arm_time(now)}'.",
            )
        verified = TokenClaims(claims["appid"], claims["oid"], claims["tid"], claims["exp"])
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[token] = verified
        return verified


def _arm_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%m/%d/%Y %I:%M:%S %p")


def entra_error(
    status: int,
    error: str,
    code: int,
    description: str,
    headers: dict[str, str] | None = None,
) -> Response:
    trace_id, correlation_id = str(uuid.uuid4()), str(uuid.uuid4())
    timestamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    full = (
        f"AADSTS{code}: {description} Trace ID: {trace_id} Correlation ID: {correlation_id} "
        f"Timestamp: {timestamp}"
    )
    return Response.json(
        status,
        {
            "error": error,
            "error_description": full,
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={code}",
        },
        headers,
    )


def _unknown_tenant(tenant: str) -> Response:
    return entra_error(
        400,
        "invalid_request",
        90002,
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
        "signing into the correct cloud.",
    )


def openid_configuration(request: Request, world: World, tenant: str) -> Response:
    found = world.tenant(tenant)
    if found is None:
        return _unknown_tenant(tenant)
    base = f"{request.base_url}/{found.id}"
    return Response.json(
        200,
        {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{request.base_url}/{found.id}/discovery/v2.0/keys",
            "issuer": f"{base}/v2.0",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "tenant_region_scope": None,
            "cloud_instance_name": "microsoftonline.com",
        },
    )


def token_client_id(request: Request) -> str | None:
    """The client_id of a token request, for fault matching (never the secret)."""
    form = parse_qs(request.body.decode(errors="replace"))
    return form.get("client_id", [None])[0]


def token_endpoint(request: Request, world: World, issuer: TokenIssuer, tenant: str) -> Response:
    found_tenant = world.tenant(tenant)
    if found_tenant is None:
        return _unknown_tenant(tenant)
    form = {k: v[0] for k, v in parse_qs(request.body.decode(errors="replace")).items()}
    grant_type = form.get("grant_type")
    if grant_type != "client_credentials":
        return entra_error(
            400,
            "unsupported_grant_type",
            70003,
            f"The app requested an unsupported grant type '{grant_type}'.",
        )
    client_id = form.get("client_id", "")
    principal = world.principal(client_id)
    if principal is None or principal.tenant_id.lower() != found_tenant.id.lower():
        return entra_error(
            400,
            "unauthorized_client",
            700016,
            f"Application with identifier '{client_id}' was not found in the directory "
            f"'{found_tenant.name}'. This can happen if the application has not been installed by "
            "the administrator of the tenant or consented to by any user in the tenant. You may "
            "have sent your authentication request to the wrong tenant.",
        )
    secret = form.get("client_secret", "")
    if not hmac.compare_digest(secret.encode(), principal.client_secret.encode()):
        return entra_error(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the "
            f"client secret value, not the client secret ID, for a secret added to app "
            f"'{principal.client_id}'.",
        )
    lifetime = world.settings.token_lifetime_seconds
    token = issuer.issue(principal.client_id, principal.object_id, found_tenant.id, lifetime)
    payload: dict[str, Any] = {
        "token_type": "Bearer",
        "expires_in": int(lifetime),
        "ext_expires_in": int(lifetime),
        "access_token": token,
    }
    return Response.json(
        200, payload, {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}
    )

"""The one place that builds Azure credentials and clients.

Every client gets: the subscription's cloud (ARM endpoint, authority, token scope), a CA
bundle when the endpoint uses a private CA, bounded retries whose Retry-After wait is capped,
connection/read timeouts, and a `CallMeter` that counts calls and throttled answers and slows
down when ARM's read budget (`x-ms-ratelimit-remaining-subscription-reads`) runs low.

The credential (`ConsoleCredential`) remembers what Entra ID answered when a sign-in fails
(HTTP status, OAuth error, AADSTS codes), so that an identity outage is never mistaken for a
rejected secret, and signs in afresh once when ARM answers 401 to a token it was just given.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo, TokenRequestOptions
from azure.core.exceptions import ClientAuthenticationError
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy
from azure.identity import ClientSecretCredential
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from django.conf import settings
from requests.utils import get_environ_proxies

from galleries.crypto import decrypt_secret
from galleries.endpoints import check_connection_endpoints
from galleries.models import Cloud, ConnectedSubscription

from .errors import SignInAnswer, SignInFailed

# Sovereign clouds: ARM endpoint, Entra authority and the token scope ARM expects there.
CLOUD_ENDPOINTS: dict[str, tuple[str, str, str]] = {
    Cloud.PUBLIC: (
        "https://management.azure.com",
        "https://login.microsoftonline.com",
        "https://management.azure.com/.default",
    ),
    Cloud.USGOV: (
        "https://management.usgovcloudapi.net",
        "https://login.microsoftonline.us",
        "https://management.usgovcloudapi.net/.default",
    ),
    Cloud.CHINA: (
        "https://management.chinacloudapi.cn",
        "https://login.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/.default",
    ),
}
# A custom endpoint (Azure Stack Hub, a proxy, the sandbox) issues public-cloud audience tokens
# unless it says otherwise; the SDK's own default.
CUSTOM_SCOPE = "https://management.azure.com/.default"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


@dataclass(frozen=True)
class ConnectionSettings:
    """What is needed to reach one subscription; built from a row or an unsaved form."""

    subscription_id: str
    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)
    cloud: str = Cloud.PUBLIC
    arm_endpoint: str = ""
    authority_host: str = ""
    ca_bundle_pem: str = field(default="", repr=False)

    @classmethod
    def for_subscription(cls, subscription: ConnectedSubscription) -> ConnectionSettings:
        return cls(
            subscription_id=subscription.subscription_id,
            tenant_id=subscription.tenant_id,
            client_id=subscription.client_id,
            client_secret=decrypt_secret(subscription.client_secret_encrypted),
            cloud=subscription.cloud,
            arm_endpoint=subscription.arm_endpoint,
            authority_host=subscription.authority_host,
            ca_bundle_pem=subscription.ca_bundle_pem,
        )

    @property
    def endpoints(self) -> tuple[str, str, str]:
        """(ARM base URL, authority host, token scope)."""
        if self.cloud == Cloud.CUSTOM:
            return (self.arm_endpoint.rstrip("/"), self.authority_host.rstrip("/"), CUSTOM_SCOPE)
        return CLOUD_ENDPOINTS.get(self.cloud, CLOUD_ENDPOINTS[Cloud.PUBLIC])


def ca_bundle_path(pem: str) -> str | None:
    """A file holding `pem`, named by its digest so every client shares one copy."""
    if not pem.strip():
        return None
    digest = hashlib.sha256(pem.encode()).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / "gallery-console-ca"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.pem"
    if not path.exists():
        partial = path.with_suffix(f".{threading.get_ident()}.tmp")
        partial.write_text(pem)
        partial.replace(path)
    return str(path)


class CallMeter:
    """Thread-safe counts of HTTP attempts, and a pause when the read budget runs low."""

    # Below this many remaining reads, space requests out at about ARM's refill rate.
    LOW_READ_BUDGET = 40
    REFILL_PER_SECOND = 25.0
    MAX_PAUSE_SECONDS = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self.throttled = 0
        self.remaining_reads: int | None = None

    def pause_before_request(self) -> None:
        with self._lock:
            remaining = self.remaining_reads
        if remaining is not None and remaining < self.LOW_READ_BUDGET:
            deficit = self.LOW_READ_BUDGET - remaining
            time.sleep(min(deficit / self.REFILL_PER_SECOND, self.MAX_PAUSE_SECONDS))

    def record(self, status: int, remaining_reads: str | None) -> None:
        with self._lock:
            self.calls += 1
            if status == 429:
                self.throttled += 1
            if (
                remaining_reads
                and remaining_reads.strip().isascii()
                and remaining_reads.strip().isdigit()
            ):
                self.remaining_reads = int(remaining_reads)


class _MeterPolicy(SansIOHTTPPolicy):
    """Runs once per attempt (placed after the retry policy)."""

    def __init__(self, meter: CallMeter) -> None:
        self.meter = meter

    def on_request(self, request: PipelineRequest) -> None:
        self.meter.pause_before_request()

    def on_response(
        self,
        request: PipelineRequest,
        response: PipelineResponse,
    ) -> None:
        http = response.http_response
        self.meter.record(
            http.status_code, http.headers.get("x-ms-ratelimit-remaining-subscription-reads")
        )


class CappedRetryPolicy(RetryPolicy):
    """azure-core's retry, except that one Retry-After may block at most `max_retry_after`.

    A longer Retry-After is not waited out: the call fails now and the refresh reports the
    throttling, rather than a worker sleeping for minutes.
    """

    def __init__(self, *, max_retry_after: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_retry_after = max_retry_after

    def is_retry(self, settings: dict[str, Any], response: PipelineResponse) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after is not None and retry_after > self.max_retry_after:
            return False
        return bool(super().is_retry(settings, response))


def _environment_once(base_url: str) -> dict[str, Any]:
    """What `requests` would read from the environment before every call (proxies for the ARM
    host, honouring NO_PROXY; a CA bundle), read once per client instead: the per-call lookup
    (os.environ scans, ~/.netrc probes) cost about a third of a list call's CPU. A client only
    ever talks to its ARM host, so the answer is the same for every call."""
    options: dict[str, Any] = {"use_env_settings": False}
    proxies = get_environ_proxies(base_url) if base_url else {}
    if proxies:
        options["proxies"] = proxies
    ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if ca_bundle:
        options["connection_verify"] = ca_bundle
    return options


def _client_options(
    connection: ConnectionSettings, meter: CallMeter | None, credential: ConsoleCredential
) -> dict[str, Any]:
    verify = ca_bundle_path(connection.ca_bundle_pem)
    options: dict[str, Any] = {
        "authentication_policy": SignInAgainOn401Policy(credential, connection.endpoints[2]),
        "retry_policy": CappedRetryPolicy(
            retry_total=_setting("AZURE_RETRY_TOTAL", 3),
            retry_backoff_factor=_setting("AZURE_RETRY_BACKOFF_FACTOR", 0.5),
            retry_backoff_max=_setting("AZURE_RETRY_BACKOFF_MAX", 8),
            timeout=_setting("AZURE_CALL_TIMEOUT_SECONDS", 90),
            max_retry_after=_setting("AZURE_MAX_RETRY_AFTER_SECONDS", 10),
        ),
        "connection_timeout": _setting("AZURE_CONNECT_TIMEOUT_SECONDS", 10),
        "read_timeout": _setting("AZURE_READ_TIMEOUT_SECONDS", 30),
        **_environment_once(connection.endpoints[0]),
    }
    if verify:
        options["connection_verify"] = verify
    if meter is not None:
        options["per_retry_policies"] = [_MeterPolicy(meter)]
    return options


_AADSTS = re.compile(r"AADSTS(\d+)")


def _sign_in_answer(status: int, text: str) -> SignInAnswer:
    try:
        body = json.loads(text) if text else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    error = body.get("error")
    codes = [c for c in body.get("error_codes") or [] if isinstance(c, int)]
    if not codes:
        codes = [int(code) for code in _AADSTS.findall(str(body.get("error_description", "")))]
    return SignInAnswer(status, error if isinstance(error, str) else "", tuple(codes))


class ConsoleCredential:
    """A client-secret credential that knows why a sign-in failed and can sign in afresh.

    Wraps azure-identity's ClientSecretCredential (built by `build`, given a response hook):
    the hook keeps Entra ID's last answer, which `SignInFailed` carries, since the identity
    library's own exception keeps only a message. Sign-ins take turns, so the last answer is
    the current one's, also when MSAL answers from its own cache of recent errors (it replays
    a 5xx/429 for its Retry-After, a 400 for a minute) without a request."""

    def __init__(self, build: Callable[[Callable[[PipelineResponse], None]], Any]) -> None:
        self._build = build
        self._lock = threading.Lock()
        # One sign-in at a time: threads that need a token at once get the one it brings.
        self._fetching = threading.Lock()
        self._answer: SignInAnswer | None = None
        self._inner = build(self._record)
        self._last_token: str | None = None
        self.sign_ins_again = 0

    def _record(self, response: PipelineResponse) -> None:
        http = response.http_response
        if http.status_code >= 400:
            self._answer = _sign_in_answer(http.status_code, http.text())
        elif not http.request.url.endswith("openid-configuration"):
            self._answer = None

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            inner = self._inner
        with self._fetching:
            try:
                token = getattr(inner, method)(*args, **kwargs)
            except ClientAuthenticationError as exc:
                raise SignInFailed(str(exc), self._answer) from exc
        self._last_token = token.token
        return token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token: AccessToken = self._call("get_token", *scopes, **kwargs)
        return token

    def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        token: AccessTokenInfo = self._call("get_token_info", *scopes, options=options)
        return token

    def sign_in_again(self, rejected_token: str | None) -> None:
        """Forget cached tokens (a fresh credential) unless another thread already did."""
        with self._lock:
            if rejected_token and rejected_token != self._last_token:
                return
            old, self._inner = self._inner, self._build(self._record)
            self._last_token = None
            self._answer = None
            self.sign_ins_again += 1
        old.close()

    def close(self) -> None:
        with self._lock:
            self._inner.close()


class SignInAgainOn401Policy(ARMChallengeAuthenticationPolicy):
    """ARM answered 401 to a token Entra ID issued: sign in afresh once and resend.

    A token can be revoked or go stale before it expires; only a second 401, to a token
    fresh from Entra ID, is ARM's answer (azure-core resends at most once per request)."""

    def on_challenge(self, request: PipelineRequest, response: PipelineResponse) -> bool:
        if super().on_challenge(request, response):
            return True  # a Continuous Access Evaluation claims challenge, already answered
        credential = self._credential
        if not isinstance(credential, ConsoleCredential):
            return False
        rejected = request.http_request.headers.get("Authorization", "").partition(" ")[2]
        credential.sign_in_again(rejected or None)
        self.authorize_request(request, *self._scopes)
        return True


def credential_for(connection: ConnectionSettings) -> ConsoleCredential:
    """The credential; the secret goes only to an allowed authority (galleries.endpoints)."""
    check_connection_endpoints(connection.cloud, connection.arm_endpoint, connection.authority_host)
    _, authority, _ = connection.endpoints
    kwargs: dict[str, Any] = {
        "authority": authority,
        "connection_timeout": _setting("AZURE_CONNECT_TIMEOUT_SECONDS", 10),
        "read_timeout": _setting("AZURE_READ_TIMEOUT_SECONDS", 30),
        "retry_total": 1,
    }
    if connection.cloud == Cloud.CUSTOM:
        # No instance discovery against login.microsoftonline.com for a private authority.
        kwargs["disable_instance_discovery"] = True
    verify = ca_bundle_path(connection.ca_bundle_pem)
    if verify:
        kwargs["connection_verify"] = verify

    def build(hook: Callable[[PipelineResponse], None]) -> ClientSecretCredential:
        return ClientSecretCredential(
            connection.tenant_id,
            connection.client_id,
            connection.client_secret,
            raw_response_hook=hook,
            **kwargs,
        )

    return ConsoleCredential(build)


class AzureClients:
    """Clients for one subscription, sharing one credential and meter; each client is built
    once (on first use, by whichever thread needs it first) and `close` closes every one."""

    def __init__(self, connection: ConnectionSettings, meter: CallMeter) -> None:
        self.connection = connection
        self.meter = meter
        self._lock = threading.Lock()
        self._credential: ConsoleCredential | None = None
        self._computes: dict[str, ComputeManagementClient] = {}
        self._subscriptions: SubscriptionClient | None = None
        self._network: NetworkManagementClient | None = None

    @property
    def credential(self) -> ConsoleCredential:
        with self._lock:
            if self._credential is None:
                self._credential = credential_for(self.connection)
            return self._credential

    @property
    def compute(self) -> ComputeManagementClient:
        return self.compute_in(self.connection.subscription_id)

    def compute_in(self, subscription_id: str) -> ComputeManagementClient:
        """A compute client for `subscription_id` (another one: a share check), with this
        subscription's credential."""
        credential = self.credential
        with self._lock:
            client = self._computes.get(subscription_id)
            if client is None:
                base_url, _, scope = self.connection.endpoints
                client = ComputeManagementClient(
                    credential,
                    subscription_id,
                    base_url=base_url,
                    credential_scopes=[scope],
                    **_client_options(self.connection, self.meter, credential),
                )
                self._computes[subscription_id] = client
            return client

    @property
    def subscriptions(self) -> SubscriptionClient:
        credential = self.credential
        with self._lock:
            if self._subscriptions is None:
                base_url, _, scope = self.connection.endpoints
                self._subscriptions = SubscriptionClient(
                    credential,
                    base_url=base_url,
                    credential_scopes=[scope],
                    **_client_options(self.connection, self.meter, credential),
                )
            return self._subscriptions

    @property
    def network(self) -> NetworkManagementClient:
        credential = self.credential
        with self._lock:
            if self._network is None:
                base_url, _, scope = self.connection.endpoints
                self._network = NetworkManagementClient(
                    credential,
                    self.connection.subscription_id,
                    base_url=base_url,
                    credential_scopes=[scope],
                    **_client_options(self.connection, self.meter, credential),
                )
            return self._network

    def close(self) -> None:
        with self._lock:
            built: list[Any] = [
                *self._computes.values(),
                self._subscriptions,
                self._network,
                self._credential,
            ]
            self._computes, self._subscriptions, self._credential = {}, None, None
            self._network = None
        for client in built:
            if client is not None:
                client.close()


def clients_for(
    subscription: ConnectedSubscription | ConnectionSettings, meter: CallMeter | None = None
) -> AzureClients:
    """Clients for a subscription; EndpointNotAllowed before anything is sent to a custom
    endpoint the deployment does not allow (galleries.endpoints)."""
    connection = (
        subscription
        if isinstance(subscription, ConnectionSettings)
        else ConnectionSettings.for_subscription(subscription)
    )
    check_connection_endpoints(connection.cloud, connection.arm_endpoint, connection.authority_host)
    return AzureClients(connection, meter or CallMeter())

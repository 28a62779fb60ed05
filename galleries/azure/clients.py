"""The one place that builds Azure credentials and clients.

Every client gets: the subscription's cloud (ARM endpoint, authority, token scope), a CA
bundle when the endpoint uses a private CA, bounded retries whose Retry-After wait is capped,
connection/read timeouts, and a `CallMeter` that counts calls and throttled answers and slows
down when ARM's read budget (`x-ms-ratelimit-remaining-subscription-reads`) runs low.

The credential (`ConsoleCredential`, in credential.py) remembers what Entra ID answered when a
sign-in fails (HTTP status, OAuth error, AADSTS codes), so that an identity outage is never
mistaken for a rejected secret, and signs in afresh once when ARM answers 401 to a token it was
just given.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.pipeline import PipelineResponse
from azure.identity import ClientSecretCredential
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from django.conf import settings
from requests.utils import get_environ_proxies

from galleries.crypto import decrypt_secret
from galleries.endpoints import check_connection_endpoints
from galleries.models import Cloud, ConnectedSubscription

from .credential import ConsoleCredential, SignInAgainOn401Policy
from .graph import graph_client
from .policies import CallMeter, CappedRetryPolicy, MeterPolicy

__all__ = ["AzureClients", "CallMeter", "ConnectionSettings", "clients_for", "credential_for"]

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
        options["per_retry_policies"] = [MeterPolicy(meter)]
    return options


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
        self._shared_clients: dict[str, Any] = {}

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

    def _shared(self, name: str, build: Callable[..., Any]) -> Any:
        """The client `name`, built once with the ARM endpoint, scope and options."""
        credential = self.credential
        with self._lock:
            if name not in self._shared_clients:
                base_url, _, scope = self.connection.endpoints
                options = _client_options(self.connection, self.meter, credential)
                self._shared_clients[name] = build(credential, base_url, scope, options)
            return self._shared_clients[name]

    @property
    def subscriptions(self) -> SubscriptionClient:
        def build(credential: Any, base_url: str, scope: str, options: Any) -> Any:
            return SubscriptionClient(
                credential, base_url=base_url, credential_scopes=[scope], **options
            )

        client: SubscriptionClient = self._shared("subscriptions", build)
        return client

    @property
    def graph(self) -> ResourceGraphClient:
        """Resource Graph (the bulk listing of a full refresh), paced on its quota."""
        client: ResourceGraphClient = self._shared("graph", graph_client)
        return client

    @property
    def network(self) -> NetworkManagementClient:
        def build(credential: Any, base_url: str, scope: str, options: Any) -> Any:
            return NetworkManagementClient(
                credential,
                self.connection.subscription_id,
                base_url=base_url,
                credential_scopes=[scope],
                **options,
            )

        client: NetworkManagementClient = self._shared("network", build)
        return client

    def close(self) -> None:
        with self._lock:
            built: list[Any] = [
                *self._computes.values(),
                *self._shared_clients.values(),
                self._credential,
            ]
            self._computes, self._shared_clients, self._credential = {}, {}, None
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

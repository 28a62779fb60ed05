"""Which hosts the server may send credentials to: the sovereign clouds' well-known endpoints,
and the custom hosts an operator lists in AZURE_ALLOWED_CUSTOM_HOSTS (nothing else).

A custom endpoint receives the client secret (the authority) or tokens (ARM), and the server
makes the call, so an admin must not be able to point it at a host of their choosing.
Entries are `host` (any port) or `host:port`; `[::1]:8765` for IPv6.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from .models import Cloud

# The ARM endpoints and authorities of the public, US Government and China clouds.
WELL_KNOWN_HOSTS = frozenset(
    {
        "management.azure.com",
        "login.microsoftonline.com",
        "management.usgovcloudapi.net",
        "login.microsoftonline.us",
        "management.chinacloudapi.cn",
        "login.chinacloudapi.cn",
    }
)
SETTING = "AZURE_ALLOWED_CUSTOM_HOSTS"


class EndpointNotAllowed(Exception):
    """A connection names an endpoint this deployment does not allow."""


def allowed_custom_hosts() -> list[str]:
    return [entry.strip().lower() for entry in getattr(settings, SETTING, []) if entry.strip()]


def allowed_hosts_text() -> str:
    hosts = allowed_custom_hosts()
    if not hosts:
        return f"none (the operator lists them in {SETTING})"
    return ", ".join(hosts)


def _host_and_port(entry: str) -> tuple[str, int | None]:
    parts = urlsplit(f"//{entry}")
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port


def endpoint_problem(url: str) -> str | None:
    """Why the server may not call `url`, or None when it may."""
    try:
        parts = urlsplit(url.strip())
        host, port = (parts.hostname or "").lower(), parts.port or 443
    except ValueError:
        return "This is not a valid https:// URL."
    if parts.scheme != "https" or not host:
        return "Azure endpoints must be https:// URLs."
    if host in WELL_KNOWN_HOSTS and port == 443:
        return None
    for entry in allowed_custom_hosts():
        allowed_host, allowed_port = _host_and_port(entry)
        if allowed_host == host and allowed_port in (None, port):
            return None
    return (
        f"{host}:{port} is not an endpoint this deployment allows. Allowed custom hosts: "
        f"{allowed_hosts_text()}."
    )


def check_connection_endpoints(cloud: str, arm_endpoint: str, authority_host: str) -> None:
    """Raise EndpointNotAllowed unless a custom cloud's endpoints are allowed (sovereign clouds'
    endpoints are fixed, so always are)."""
    if cloud != Cloud.CUSTOM:
        return
    for url in (authority_host, arm_endpoint):
        problem = endpoint_problem(url)
        if problem is not None:
            raise EndpointNotAllowed(problem)

"""The Spot connection form: endpoint, Spot account id, and a write-only token."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from .models import DEFAULT_BASE_URL, SpotConnection

SPOT_HOST = urlsplit(DEFAULT_BASE_URL).hostname
ACCOUNT_ID = re.compile(r"^act-[0-9a-z]{1,28}$")


def allowed_custom_hosts() -> list[str]:
    return [h.strip().lower() for h in settings.SPOT_ALLOWED_CUSTOM_HOSTS if h.strip()]


def base_url_problem(url: str) -> str | None:
    """Why the server may not send a Spot token to `url`, or None when it may.

    The server makes the call with the token, so only Spot's API and the hosts an operator
    lists in SPOT_ALLOWED_CUSTOM_HOSTS (`host` or `host:port`) may be used.
    """
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "This is not a valid URL."
    if parts.scheme not in ("https", "http") or not host:
        return "Enter an https:// URL, such as https://api.spotinst.io."
    if parts.query or parts.fragment:
        return "The base URL takes no query or fragment."
    if parts.scheme == "https" and host == SPOT_HOST and port == 443:
        return None
    for entry in allowed_custom_hosts():
        allowed = urlsplit(f"//{entry}")
        if (allowed.hostname or "").lower() == host and allowed.port in (None, port):
            return None
    listed = ", ".join(allowed_custom_hosts()) or "none"
    return (
        f"{host}:{port} is not Spot's API ({SPOT_HOST}) nor a host this deployment allows "
        f"(SPOT_ALLOWED_CUSTOM_HOSTS: {listed})."
    )


class SpotConnectionForm(forms.Form):
    base_url = forms.CharField(
        label="Spot API base URL",
        initial=DEFAULT_BASE_URL,
        max_length=300,
        help_text="Spot's own API is https://api.spotinst.io.",
    )
    spot_account_id = forms.CharField(
        label="Spot account id", max_length=32, help_text="The act-… id of the account in Spot."
    )
    token = forms.CharField(
        label="Spot API token",
        required=False,
        max_length=1000,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, connection: SpotConnection | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.connection = connection
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control")
            field.widget.attrs.setdefault("id", f"id_{name}")
        self.fields["token"].help_text = (
            "Stored encrypted and never shown again; leave empty to keep the stored token."
            if connection is not None
            else "A Spot API token of a user who may manage the account's groups."
        )

    def clean_base_url(self) -> str:
        url = self.cleaned_data["base_url"].strip().rstrip("/")
        problem = base_url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean_spot_account_id(self) -> str:
        value = self.cleaned_data["spot_account_id"].strip()
        if not ACCOUNT_ID.match(value):
            raise forms.ValidationError("A Spot account id looks like act-1a2b3c4d.")
        return value

    def clean_token(self) -> str:
        token = self.cleaned_data.get("token") or ""
        if not token and self.connection is None:
            raise forms.ValidationError("Enter the Spot API token.")
        if any(c.isspace() for c in token):
            raise forms.ValidationError("A Spot API token has no spaces.")
        return token


def initial_for(connection: SpotConnection | None) -> dict[str, str]:
    if connection is None:
        return {"base_url": DEFAULT_BASE_URL}
    return {"base_url": connection.base_url, "spot_account_id": connection.spot_account_id}

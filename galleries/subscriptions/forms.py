"""The connect/edit form of a subscription (the client secret is write-only)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from cryptography import x509
from django import forms
from django.conf import settings
from django.forms.models import model_to_dict

from console.models import Account, Organization
from console.rules import ACCOUNT_NAME, TextRule
from galleries.azure.clients import ConnectionSettings
from galleries.azure_rules import (
    CLIENT_ID,
    CLIENT_SECRET,
    SUBSCRIPTION_ID,
    TENANT_ID,
    normalized_guid,
)
from galleries.endpoints import allowed_hosts_text, endpoint_problem
from galleries.models import Cloud, ConnectedSubscription

from .services import AUDITED_FIELDS, secret_target_changes

NEW_ACCOUNT = "new"


def _ruled(rule: TextRule, **kwargs: Any) -> forms.CharField:
    """A text field checked by `rule`, as the API checks the same value."""
    field = forms.CharField(validators=[rule.validator], **kwargs)
    field.widget.attrs.update(rule.input_attrs())
    return field


def default_ca_bundle() -> str:
    """The PEM of settings.AZURE_DEFAULT_CA_BUNDLE, if that file can be read."""
    path = getattr(settings, "AZURE_DEFAULT_CA_BUNDLE", "")
    if not path:
        return ""
    try:
        return Path(path).read_text()
    except (OSError, UnicodeDecodeError):
        return ""


class SubscriptionForm(forms.Form):
    # Also the name of the account it creates: an account name's rule.
    display_name = _ruled(replace(ACCOUNT_NAME, label="Display name"), label="Display name")
    subscription_id = _ruled(SUBSCRIPTION_ID, label="Subscription id")
    tenant_id = _ruled(TENANT_ID, label="Tenant (directory) id")
    client_id = _ruled(CLIENT_ID, label="Client (application) id")
    client_secret = _ruled(
        CLIENT_SECRET,
        label="Client secret",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    cloud = forms.ChoiceField(choices=Cloud.choices)
    arm_endpoint = forms.URLField(
        label="ARM endpoint", required=False, assume_scheme="https", max_length=200
    )
    authority_host = forms.URLField(
        label="Authority host", required=False, assume_scheme="https", max_length=200
    )
    ca_bundle_pem = forms.CharField(
        label="CA bundle (PEM)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace", "spellcheck": "false"}),
        help_text="Only for a custom endpoint whose certificate a private CA signed.",
    )
    account = forms.ChoiceField(label="Account", required=False)

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        instance: ConnectedSubscription | None = None,
        **kwargs: Any,
    ) -> None:
        self.organization = organization
        self.instance = instance
        if instance is None and not kwargs.get("data") and not args:
            kwargs.setdefault(
                "initial",
                {
                    "cloud": getattr(settings, "AZURE_DEFAULT_CLOUD", Cloud.PUBLIC),
                    "arm_endpoint": getattr(settings, "AZURE_DEFAULT_ARM_ENDPOINT", ""),
                    "authority_host": getattr(settings, "AZURE_DEFAULT_AUTHORITY_HOST", ""),
                    "ca_bundle_pem": default_ca_bundle(),
                    "account": NEW_ACCOUNT,
                },
            )
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()
        allowed = f"Allowed custom hosts: {allowed_hosts_text()}."
        self.fields["arm_endpoint"].help_text = allowed
        self.fields["authority_host"].help_text = allowed
        if instance is not None:
            # Bound to its account for good; the subscription id names what it is.
            del self.fields["account"]
            self.fields["subscription_id"].disabled = True
            self.fields["client_secret"].help_text = (
                "Leave blank to keep the stored secret, as long as the tenant, client id, cloud "
                "and endpoints stay as they are."
            )
        else:
            self.fields["client_secret"].required = True
            free = Account.objects.filter(organization=organization, subscription__isnull=True)
            self.fields["account"].choices = [  # type: ignore[attr-defined]
                (NEW_ACCOUNT, "A new account named like the subscription"),
                *((a.pk, f"{a.name} ({a.pk})") for a in free),
            ]

    def clean_subscription_id(self) -> str:
        value = normalized_guid(self.cleaned_data["subscription_id"])
        taken = ConnectedSubscription.objects.filter(
            organization=self.organization, subscription_id=value
        )
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("This subscription is already connected.")
        return value

    def clean_tenant_id(self) -> str:
        return normalized_guid(self.cleaned_data["tenant_id"])

    def clean_client_id(self) -> str:
        return normalized_guid(self.cleaned_data["client_id"])

    def clean_ca_bundle_pem(self) -> str:
        pem = self.cleaned_data["ca_bundle_pem"].strip()
        if not pem:
            return ""
        try:
            x509.load_pem_x509_certificates(pem.encode())
        except ValueError:
            raise forms.ValidationError(
                "This is not a PEM certificate bundle (-----BEGIN CERTIFICATE----- …)."
            ) from None
        return pem + "\n"

    def clean_account(self) -> Account | None:
        value = self.cleaned_data.get("account") or NEW_ACCOUNT
        if value == NEW_ACCOUNT:
            return None
        account = Account.objects.filter(
            organization=self.organization, pk=value, subscription__isnull=True
        ).first()
        if account is None:
            raise forms.ValidationError("Choose an account that has no subscription yet.")
        return account

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cloud") == Cloud.CUSTOM:
            for name in ("arm_endpoint", "authority_host"):
                if name in self.errors:
                    continue
                if not data.get(name):
                    self.add_error(name, "Required for a custom endpoint.")
                elif (problem := endpoint_problem(data[name])) is not None:
                    self.add_error(name, problem)
        if self.instance is not None and not data.get("client_secret"):
            self._require_secret_if_the_target_changed(data)
        if self.instance is None and "account" in data and data.get("account") is None:
            name = data.get("display_name", "")
            if Account.objects.filter(organization=self.organization, name=name).exists():
                self.add_error(
                    "display_name",
                    "An account with this name exists; choose it as the account, or rename.",
                )
        return data

    def _require_secret_if_the_target_changed(self, data: dict[str, Any]) -> None:
        """The stored secret goes only where it was saved for: the same tenant, client id,
        cloud, endpoints and CA bundle. Anything else needs the secret typed again."""
        needed = ("tenant_id", "client_id", "cloud", "arm_endpoint", "authority_host")
        if any(name in self.errors for name in needed) or self.instance is None:
            return
        changed = secret_target_changes(self.instance, self.connection())
        if changed:
            self.add_error(
                "client_secret",
                f"Type the client secret again: the {' and '.join(changed)} changed, and the "
                "stored secret is only sent where it was saved for.",
            )

    def connection(self, stored_secret: str = "") -> ConnectionSettings:
        """The entered connection; a blank secret falls back to `stored_secret` (which the
        form's validation allows only when the secret's target is unchanged)."""
        data = self.cleaned_data
        subscription_id = (
            self.instance.subscription_id if self.instance else data["subscription_id"]
        )
        return ConnectionSettings(
            subscription_id=subscription_id,
            tenant_id=data["tenant_id"],
            client_id=data["client_id"],
            client_secret=data.get("client_secret") or stored_secret,
            cloud=data["cloud"],
            arm_endpoint=data.get("arm_endpoint") or "",
            authority_host=data.get("authority_host") or "",
            ca_bundle_pem=data.get("ca_bundle_pem") or "",
        )


# What a saved subscription fills in its edit form: what audit entries show, and the CA
# bundle itself (never the secret).
INITIAL_FIELDS = (*AUDITED_FIELDS, "ca_bundle_pem")


def initial_for(subscription: ConnectedSubscription) -> dict[str, Any]:
    return model_to_dict(subscription, fields=INITIAL_FIELDS)

"""Writes for connected subscriptions: connect, edit, disconnect, check credentials, demo.

Every write records an audit entry; none of them ever contains the client secret.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from console.models import Account, Organization
from galleries.audit import audit_subscription
from galleries.azure.clients import ConnectionSettings
from galleries.azure.errors import AzureCallFailed, AzureFailure, Verdict, describe_failure
from galleries.azure.gateway import gateway_for
from galleries.crypto import encrypt_secret
from galleries.endpoints import check_connection_endpoints
from galleries.models import Cloud, ConnectedSubscription, CredentialStatus, RefreshRun
from galleries.refresh.request import active_run, request_refresh

logger = logging.getLogger(__name__)

AUDITED_FIELDS = (
    "display_name",
    "subscription_id",
    "tenant_id",
    "client_id",
    "cloud",
    "arm_endpoint",
    "authority_host",
)


def audit_view(subscription: ConnectedSubscription) -> dict[str, Any]:
    """The non-secret fields of a subscription, as audit entries show them."""
    view: dict[str, Any] = {name: getattr(subscription, name) for name in AUDITED_FIELDS}
    view["account"] = subscription.account_id
    view["ca_bundle"] = bool(subscription.ca_bundle_pem.strip())
    return view


def connect_subscription(
    *,
    organization: Organization,
    actor: Any,
    display_name: str,
    connection: ConnectionSettings,
    account: Account | None = None,
    refresh: bool = True,
) -> ConnectedSubscription:
    """Connect a subscription bound to `account` (or a new account named `display_name`)."""
    check_connection_endpoints(connection.cloud, connection.arm_endpoint, connection.authority_host)
    with transaction.atomic():
        if account is None:
            account = Account.objects.create(organization=organization, name=display_name)
        subscription = ConnectedSubscription.objects.create(
            organization=organization,
            account=account,
            display_name=display_name,
            subscription_id=connection.subscription_id.strip().lower(),
            tenant_id=connection.tenant_id.strip(),
            client_id=connection.client_id.strip(),
            client_secret_encrypted=encrypt_secret(connection.client_secret),
            cloud=connection.cloud,
            arm_endpoint=connection.arm_endpoint if connection.cloud == Cloud.CUSTOM else "",
            authority_host=connection.authority_host if connection.cloud == Cloud.CUSTOM else "",
            ca_bundle_pem=connection.ca_bundle_pem if connection.cloud == Cloud.CUSTOM else "",
        )
        audit_subscription(
            subscription,
            actor=actor,
            action="subscription.connect",
            after=audit_view(subscription),
        )
        if refresh:
            request_refresh(subscription, actor=actor)
    return subscription


class AccountConnectedElsewhere(ValueError):
    """The account is connected to another subscription: disconnect it first."""

    def __init__(self, subscription_id: str) -> None:
        super().__init__(subscription_id)
        self.subscription_id = subscription_id


class SubscriptionTaken(ValueError):
    """The subscription is connected to another account of the organization."""


def set_credentials(
    *, account: Account, actor: Any, connection: ConnectionSettings
) -> tuple[ConnectedSubscription, RefreshRun | None]:
    """Connect the account's subscription, or save new credentials for the one it has (Spot's
    setup call); either way a refresh is requested. Returns (subscription, its active run)."""
    existing = ConnectedSubscription.objects.filter(account=account).first()
    try:
        if existing is None:
            subscription = connect_subscription(
                organization=account.organization,
                actor=actor,
                display_name=account.name,
                connection=connection,
                account=account,
                refresh=True,
            )
            return subscription, active_run(subscription)
        if existing.subscription_id != connection.subscription_id:
            raise AccountConnectedElsewhere(existing.subscription_id)
        subscription = update_subscription(
            existing, actor=actor, display_name=existing.display_name, connection=connection
        )
    except IntegrityError as exc:
        raise SubscriptionTaken(connection.subscription_id) from exc
    run, _new = request_refresh(subscription, actor=actor)
    return subscription, run


def _secret_target(connection: ConnectionSettings) -> dict[str, Any]:
    """Where a connection sends its secret and tokens, and whom it signs in as."""
    custom = connection.cloud == Cloud.CUSTOM
    arm, authority, _ = connection.endpoints
    return {
        "tenant id": connection.tenant_id.strip().lower(),
        "client id": connection.client_id.strip().lower(),
        "cloud": connection.cloud,
        "ARM endpoint": arm.lower(),
        "authority host": authority.lower(),
        "CA bundle": connection.ca_bundle_pem.strip() if custom else "",
    }


def secret_target_changes(
    subscription: ConnectedSubscription, connection: ConnectionSettings
) -> list[str]:
    """What differs between the subscription's stored connection and `connection` (the tenant,
    client id, cloud, endpoints or CA bundle): the stored secret may be reused only if nothing."""
    stored = ConnectionSettings(
        subscription_id=subscription.subscription_id,
        tenant_id=subscription.tenant_id,
        client_id=subscription.client_id,
        client_secret="",
        cloud=subscription.cloud,
        arm_endpoint=subscription.arm_endpoint,
        authority_host=subscription.authority_host,
        ca_bundle_pem=subscription.ca_bundle_pem,
    )
    before, after = _secret_target(stored), _secret_target(connection)
    return [name for name in before if before[name] != after[name]]


class SecretNeeded(ValueError):
    """A changed connection target without a newly typed secret."""


def update_subscription(
    subscription: ConnectedSubscription,
    *,
    actor: Any,
    display_name: str,
    connection: ConnectionSettings,
) -> ConnectedSubscription:
    """Edit a subscription; an empty `connection.client_secret` keeps the stored one."""
    if not connection.client_secret and secret_target_changes(subscription, connection):
        raise SecretNeeded("The stored secret can't be reused for another tenant or endpoint.")
    check_connection_endpoints(connection.cloud, connection.arm_endpoint, connection.authority_host)
    before = audit_view(subscription)
    custom = connection.cloud == Cloud.CUSTOM
    subscription.display_name = display_name
    subscription.tenant_id = connection.tenant_id.strip()
    subscription.client_id = connection.client_id.strip()
    subscription.cloud = connection.cloud
    subscription.arm_endpoint = connection.arm_endpoint if custom else ""
    subscription.authority_host = connection.authority_host if custom else ""
    subscription.ca_bundle_pem = connection.ca_bundle_pem if custom else ""
    secret_changed = bool(connection.client_secret)
    if secret_changed:
        subscription.client_secret_encrypted = encrypt_secret(connection.client_secret)
    after = audit_view(subscription)
    connection_changed = secret_changed or any(
        before[k] != after[k] for k in ("tenant_id", "client_id", "cloud", "arm_endpoint")
    )
    if connection_changed:
        # Whatever was known about the old credential says nothing about the new one.
        subscription.credential_status = CredentialStatus.UNKNOWN
        subscription.credential_error = ""
        subscription.credential_checked_at = None
    with transaction.atomic():
        subscription.save()
        after["secret_changed"] = secret_changed
        audit_subscription(
            subscription,
            actor=actor,
            action="subscription.update",
            before=before,
            after=after,
        )
    return subscription


def references_to(subscription: ConnectedSubscription) -> QuerySet[Any]:
    """Groups and drafts that use the subscription's account or its galleries."""
    account = subscription.account
    # The group model through the account's reverse relation: galleries never imports groups.
    group_model = account.groups.model
    return (
        group_model.objects.filter(Q(gallery_account=account) | Q(account=account))
        .select_related("account")
        .order_by("name")
    )


def disconnect_subscription(subscription: ConnectedSubscription, *, actor: Any) -> None:
    """Forget the subscription and its cached inventory; its account stays."""
    with transaction.atomic():
        audit_subscription(
            subscription,
            actor=actor,
            action="subscription.disconnect",
            before=audit_view(subscription),
        )
        subscription.delete()


@dataclass(frozen=True)
class ConnectionTestResult:
    ok: bool
    verdict: str
    message: str
    subscription_name: str = ""
    gallery_count: int | None = None


def test_connection(connection: ConnectionSettings) -> ConnectionTestResult:
    """Sign in, GET the subscription, list its galleries: the verdict in plain words."""
    try:
        with gateway_for(replace(connection)) as gateway:
            if not connection.endpoints[0]:
                return ConnectionTestResult(False, Verdict.UNREACHABLE, "No ARM endpoint is set.")
            name, count = gateway.probe()
    except AzureCallFailed as exc:
        return ConnectionTestResult(False, exc.failure.code, exc.failure.message)
    if not name:
        name = connection.subscription_id
    galleries = f"{count} galleries" if count != 1 else "1 gallery"
    return ConnectionTestResult(
        True, Verdict.OK, f"Connected to {name}: {galleries} visible.", name, count
    )


def check_credentials(
    subscription: ConnectedSubscription, *, actor: Any = None
) -> ConnectionTestResult:
    """Test a saved subscription and store the credential health it shows."""
    try:
        connection = ConnectionSettings.for_subscription(subscription)
    except Exception as exc:
        failure = describe_failure(exc)
        result = ConnectionTestResult(False, failure.code, failure.message)
    else:
        result = test_connection(connection)
    problem = not result.ok and AzureFailure(result.verdict, result.message).is_credential_problem
    if result.ok or problem:
        status = CredentialStatus.VALID if result.ok else CredentialStatus.INVALID
    elif result.verdict == Verdict.NO_ACCESS:
        status = CredentialStatus.VALID  # signed in fine; the role assignment is missing
    else:
        status = CredentialStatus.UNKNOWN
    ConnectedSubscription.objects.filter(pk=subscription.pk).update(
        credential_status=status,
        credential_checked_at=timezone.now(),
        credential_error="" if result.ok else result.message,
    )
    subscription.refresh_from_db()
    return result

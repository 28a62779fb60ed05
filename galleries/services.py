"""Writes for connected subscriptions: connect, edit, disconnect, check credentials, demo.

Every write records an audit entry; none of them ever contains the client secret.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from azure.core.exceptions import HttpResponseError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from console.models import Account, Organization

from .azure_clients import ConnectionSettings, clients_for
from .crypto import SecretUnreadable, encrypt_secret
from .endpoints import check_connection_endpoints
from .errors import AzureFailure, Verdict, describe_failure
from .models import Cloud, ConnectedSubscription, CredentialStatus

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


def _audit(
    *,
    subscription: ConnectedSubscription,
    actor: Any,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    from console.services import record_audit

    record_audit(
        organization=subscription.organization,
        actor=actor,
        action=action,
        obj_type="subscription",
        obj_id=subscription.pk,
        obj_repr=subscription.display_name,
        before=before,
        after=after,
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
        _audit(
            subscription=subscription,
            actor=actor,
            action="subscription.connect",
            after=audit_view(subscription),
        )
        if refresh:
            from .refresh import request_refresh

            run, _ = request_refresh(subscription, requested_by=actor)
            _audit(
                subscription=subscription,
                actor=actor,
                action="subscription.refresh_requested",
                after={"run": run.pk, "scope": run.scope},
            )
    return subscription


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
        _audit(
            subscription=subscription,
            actor=actor,
            action="subscription.update",
            before=before,
            after=after,
        )
    return subscription


def record_refresh_requested(
    subscription: ConnectedSubscription, *, actor: Any, run: Any, new: bool
) -> None:
    _audit(
        subscription=subscription,
        actor=actor,
        action="subscription.refresh_requested",
        after={"run": run.pk, "scope": run.scope, "merged": not new},
    )


def references_to(subscription: ConnectedSubscription) -> QuerySet[Any]:
    """Groups and drafts that use the subscription's account or its galleries."""
    from groups.models import Group

    account = subscription.account
    return (
        Group.objects.filter(Q(gallery_account=account) | Q(account=account))
        .select_related("account")
        .order_by("name")
    )


def disconnect_subscription(subscription: ConnectedSubscription, *, actor: Any) -> None:
    """Forget the subscription and its cached inventory; its account stays."""
    with transaction.atomic():
        _audit(
            subscription=subscription,
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
    clients = None
    try:
        clients = clients_for(replace(connection))
        base_url, _, scope = connection.endpoints
        if not base_url:
            return ConnectionTestResult(False, Verdict.UNREACHABLE, "No ARM endpoint is set.")
        clients.credential.get_token(scope)
        name = ""
        subscriptions = clients.subscriptions()
        try:
            name = subscriptions.subscriptions.get(connection.subscription_id).display_name or ""
        except HttpResponseError as exc:
            if exc.status_code != 404:
                raise
            # ARM answers 404 both for a missing subscription and one the principal may not
            # see; listing its galleries tells the two apart (404 vs 403).
        finally:
            subscriptions.close()
        count = sum(1 for _ in clients.compute.galleries.list())
    except Exception as exc:
        failure = describe_failure(exc)
        return ConnectionTestResult(False, failure.code, failure.message)
    finally:
        if clients is not None:
            clients.close()
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


# --- the demo: connect the bundled sandbox -------------------------------------------------


def _wait_for(path: Path, wait_seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + wait_seconds
    while True:
        if path.exists():
            try:
                return dict(json.loads(path.read_text()))
            except ValueError:
                pass  # being written; try again
        if time.monotonic() >= deadline:
            raise TimeoutError(f"The sandbox did not write {path} within {wait_seconds:g} s.")
        time.sleep(0.2)


def sandbox_connections(info: dict[str, Any]) -> list[tuple[dict[str, Any], ConnectionSettings]]:
    """Each subscription of a sandbox's connection.json, with its own principal's settings."""
    ca_pem = Path(info["ca_file"]).read_text()
    principals = {p["client_id"]: p for p in info["principals"]}
    pairs = []
    for sub in info["subscriptions"]:
        principal = principals[sub["principal_client_id"]]
        connection = ConnectionSettings(
            subscription_id=sub["id"],
            tenant_id=sub["tenant_id"],
            client_id=principal["client_id"],
            client_secret=principal["client_secret"],
            cloud=Cloud.CUSTOM,
            arm_endpoint=info["arm_base_url"],
            authority_host=info["authority_host"],
            ca_bundle_pem=ca_pem,
        )
        pairs.append((sub, connection))
    return pairs


def connect_demo_sandbox(
    organization: Organization, sandbox_dir: str | Path, wait_seconds: float = 30
) -> list[ConnectedSubscription]:
    """Connect the sandbox's subscriptions (idempotent) and refresh each to completion."""
    from .refresh import refresh_now

    info = _wait_for(Path(sandbox_dir) / "connection.json", wait_seconds)
    connected: list[ConnectedSubscription] = []
    for sub, connection in sandbox_connections(info):
        existing = ConnectedSubscription.objects.filter(
            organization=organization, subscription_id=sub["id"].lower()
        ).first()
        if existing is not None:
            subscription = existing
            try:
                stored: ConnectionSettings | None = ConnectionSettings.for_subscription(existing)
            except SecretUnreadable:
                stored = None  # encrypted with a key no longer configured: store it again
            if stored != replace(connection, subscription_id=existing.subscription_id):
                # The sandbox came back on another port, with a new CA or new secrets.
                subscription = update_subscription(
                    existing, actor=None, display_name=existing.display_name, connection=connection
                )
        else:
            account, _ = Account.objects.get_or_create(
                organization=organization, name=sub["display_name"]
            )
            bound = ConnectedSubscription.objects.filter(account=account).first()
            if bound is not None:
                account = Account.objects.create(
                    organization=organization, name=f"{sub['display_name']} ({sub['id'][:8]})"
                )
            subscription = connect_subscription(
                organization=organization,
                actor=None,
                display_name=sub["display_name"],
                connection=connection,
                account=account,
                refresh=False,
            )
        connected.append(subscription)
    for subscription in connected:
        run = refresh_now(subscription)
        logger.info("Demo subscription %s refreshed: %s", subscription.display_name, run.status)
    return connected

"""The demo: connect the bundled Azure sandbox's subscriptions and refresh them (seed_demo)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from console.models import Account, Organization

from .azure.clients import ConnectionSettings
from .crypto import SecretUnreadable
from .models import Cloud, ConnectedSubscription
from .refresh.runs import refresh_now
from .sharing import check_sharing
from .subscriptions.services import connect_subscription, update_subscription

logger = logging.getLogger(__name__)


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
    # As after every queued refresh: the editor shows share verdicts, not "Share not checked".
    check_sharing(organization)
    return connected

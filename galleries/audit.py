"""The audit entry of a change to a connected subscription (connect, edit, refresh...)."""

from __future__ import annotations

from typing import Any

from console.services import record_audit

from .models import ConnectedSubscription


def audit_subscription(
    subscription: ConnectedSubscription,
    *,
    actor: Any,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
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

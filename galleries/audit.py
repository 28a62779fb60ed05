"""The audit entry of a change to a connected subscription (connect, edit, refresh...)."""

from __future__ import annotations

from operator import attrgetter

from console.services import AuditSubject

SUBSCRIPTION_AUDIT = AuditSubject("subscription", attrgetter("display_name"))

# audit_subscription(subscription, *, actor, action, before=None, after=None)
audit_subscription = SUBSCRIPTION_AUDIT.record

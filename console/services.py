"""Writes for the audit log, API tokens and liveness (members and invitations: members.py;
organizations and accounts: accounts.py); each change leaves an audit entry."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from operator import attrgetter
from typing import Any, TypedDict, Unpack

from django.utils import timezone

from .models import (
    Account,
    ApiToken,
    AuditEntry,
    Heartbeat,
    Invitation,
    Membership,
    Organization,
)
from .request_context import current_request_id

TOKEN_PREFIX = "gc_"  # noqa: S105 - a public marker, not a secret
# Enough of the raw token to recognise it in a list, far too little to guess the rest.
TOKEN_DISPLAY_LENGTH = 10
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


# --- Audit --------------------------------------------------------------------------------------


def record_audit(
    *,
    organization: Organization,
    actor: Any,
    action: str,
    obj_type: str,
    obj_id: Any,
    obj_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry; callers pass only non-secret fields in `before`/`after`."""
    return AuditEntry.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id)[:64],
        object_repr=str(obj_repr)[:200],
        before=before,
        after=after,
        request_id=current_request_id.get(),
    )


class AuditChanges(TypedDict, total=False):
    """What an entry keeps of a change: the row's non-secret fields before and after it."""

    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditSubject:
    """How the audit log names one kind of row it records: its type, a readable label, the id
    it keeps and the organization the row belongs to. Each app describes its own rows so that
    every entry is written by `record_audit` the same way."""

    obj_type: str
    label: Callable[[Any], str]
    obj_id: Callable[[Any], Any] = attrgetter("pk")
    organization: Callable[[Any], Organization] = attrgetter("organization")

    def record(
        self,
        obj: Any,
        *,
        actor: Any,
        action: str,
        **changes: Unpack[AuditChanges],
    ) -> AuditEntry:
        """`record_audit` about `obj`, one row of this kind."""
        return record_audit(
            organization=self.organization(obj),
            actor=actor,
            action=action,
            obj_type=self.obj_type,
            obj_id=self.obj_id(obj),
            obj_repr=self.label(obj),
            **changes,
        )


# The console's own rows the audit log records.
_AUDITED: dict[type, AuditSubject] = {
    Organization: AuditSubject("organization", attrgetter("name"), organization=lambda org: org),
    Account: AuditSubject("account", attrgetter("name")),
    ApiToken: AuditSubject("api_token", str),
    Invitation: AuditSubject("invitation", attrgetter("prefix")),
    Membership: AuditSubject("membership", lambda membership: membership.user.get_username()),
}


def audit_object(
    obj: Any, *, actor: Any, action: str, **changes: Unpack[AuditChanges]
) -> AuditEntry:
    """`record_audit` about `obj`, a console row of one organization (or the organization
    itself)."""
    return _AUDITED[type(obj)].record(obj, actor=actor, action=action, **changes)


def save_audited(
    obj: Any,
    *,
    actor: Any,
    action: str,
    fields: dict[str, Any],
    before: dict[str, Any],
    after: dict[str, Any] | None = None,
) -> None:
    """Set `fields` on `obj`, save only them and audit the change (`after`: `fields`)."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(fields))
    audit_object(
        obj, actor=actor, action=action, before=before, after=fields if after is None else after
    )


# --- API tokens ---------------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_fields(token: ApiToken) -> dict[str, Any]:
    return {"name": token.name, "prefix": token.prefix, "user": token.user.get_username()}


def create_api_token(*, user: Any, organization: Organization, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user` in `organization`; the raw value is returned once, never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        organization=organization,
        name=name.strip()[:100],
        prefix=raw[:TOKEN_DISPLAY_LENGTH],
        digest=token_digest(raw),
    )
    audit_object(token, actor=user, action="token.create", after=_token_fields(token))
    return token, raw


def revoke_api_token(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke once; revoking an already revoked token changes nothing."""
    if token.revoked_at is not None:
        return token
    save_audited(
        token,
        actor=actor,
        action="token.revoke",
        fields={"revoked_at": timezone.now()},
        before={"revoked": False},
        after={"revoked": True, **_token_fields(token)},
    )
    return token


def mark_token_used(token: ApiToken) -> None:
    """Record use at most once a minute, so a busy API client does not write on every call."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def authenticate_token(raw: str) -> ApiToken | None:
    """The active token whose digest matches `raw`, with `user` and `organization` loaded.

    Lookup is by digest, so no comparison ever runs on the secret itself; a hit also records
    when the token was last used (at most once a minute).
    """
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = token_digest(raw)
    token = (
        ApiToken.objects.select_related("user", "organization")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    mark_token_used(token)
    return token


# --- Liveness -----------------------------------------------------------------------------------


def record_heartbeat(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})

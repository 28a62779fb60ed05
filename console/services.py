"""Writes for tenancy, accounts, API tokens, audit and liveness; each change leaves an audit
entry."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import (
    Account,
    ApiToken,
    AuditEntry,
    Heartbeat,
    Invitation,
    Membership,
    Organization,
    Role,
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
    record_audit(
        organization=organization,
        actor=user,
        action="token.create",
        obj_type="api_token",
        obj_id=token.pk,
        obj_repr=str(token),
        after=_token_fields(token),
    )
    return token, raw


def revoke_api_token(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke once; revoking an already revoked token changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        organization=token.organization,
        actor=actor,
        action="token.revoke",
        obj_type="api_token",
        obj_id=token.pk,
        obj_repr=str(token),
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


# --- Members ------------------------------------------------------------------------------------


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(f"{role!r} is not a role; choose admin, editor or viewer.")


def _lock_admins(organization: Organization) -> list[Membership]:
    return list(
        Membership.objects.select_for_update().filter(organization=organization, role=Role.ADMIN)
    )


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, actor: Any) -> Membership:
    _check_role(role)
    previous = membership.role
    if previous == role:
        return membership
    admins = _lock_admins(membership.organization)
    if previous == Role.ADMIN and len(admins) <= 1:
        raise ValidationError("The organization needs at least one admin.")
    membership.role = role
    membership.save(update_fields=["role"])
    record_audit(
        organization=membership.organization,
        actor=actor,
        action="member.role_change",
        obj_type="membership",
        obj_id=membership.pk,
        obj_repr=membership.user.get_username(),
        before={"role": previous},
        after={"role": role},
    )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor: Any) -> None:
    """Remove a member and revoke their tokens in this organization."""
    admins = _lock_admins(membership.organization)
    if membership.role == Role.ADMIN and len(admins) <= 1:
        raise ValidationError("The last admin cannot be removed.")
    organization = membership.organization
    username = membership.user.get_username()
    ApiToken.objects.filter(
        organization=organization, user=membership.user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    record_audit(
        organization=organization,
        actor=actor,
        action="member.remove",
        obj_type="membership",
        obj_id=membership.pk,
        obj_repr=username,
        before={"user": username, "role": membership.role},
    )
    membership.delete()


# --- Organizations ------------------------------------------------------------------------------


@transaction.atomic
def create_organization(*, name: str, admin: Any, account_name: str) -> Organization:
    """A new organization with its first admin and first account (an install's first steps)."""
    name, account_name = name.strip(), account_name.strip()
    if not name or not account_name:
        raise ValidationError("The organization and its first account both need a name.")
    if Organization.objects.filter(name=name).exists():
        raise ValidationError(f"An organization named {name} already exists.")
    if not admin.is_active:
        raise ValidationError(f"{admin.get_username()} is not an active user.")
    organization = Organization.objects.create(name=name)
    membership = Membership.objects.create(organization=organization, user=admin, role=Role.ADMIN)
    account = Account.objects.create(organization=organization, name=account_name)
    record_audit(
        organization=organization,
        actor=None,
        action="organization.create",
        obj_type="organization",
        obj_id=organization.pk,
        obj_repr=organization.name,
        after={"name": organization.name},
    )
    record_audit(
        organization=organization,
        actor=None,
        action="member.add",
        obj_type="membership",
        obj_id=membership.pk,
        obj_repr=admin.get_username(),
        after={"user": admin.get_username(), "role": Role.ADMIN},
    )
    _audit_account(account, None, "account.create", after={"name": account.name})
    return organization


# --- Accounts (Spot's /setup/account) -----------------------------------------------------------


class AccountInUse(Exception):
    """The account still has groups, so deleting it would delete them too."""


class DuplicateAccountName(Exception):
    pass


def _audit_account(account: Account, actor: Any, action: str, **changes: Any) -> None:
    record_audit(
        organization=account.organization,
        actor=actor,
        action=action,
        obj_type="account",
        obj_id=account.id,
        obj_repr=account.name,
        **changes,
    )


def create_account(*, organization: Organization, actor: Any, name: str) -> Account:
    try:
        with transaction.atomic():
            account = Account.objects.create(organization=organization, name=name.strip())
            _audit_account(account, actor, "account.create", after={"name": account.name})
    except IntegrityError as exc:
        raise DuplicateAccountName(f"An account named {name.strip()} already exists.") from exc
    return account


def rename_account(*, account: Account, actor: Any, name: str) -> Account:
    before = {"name": account.name}
    account.name = name.strip()
    try:
        with transaction.atomic():
            account.save(update_fields=["name"])
            _audit_account(
                account, actor, "account.update", before=before, after={"name": account.name}
            )
    except IntegrityError as exc:
        account.name = before["name"]
        raise DuplicateAccountName(f"An account named {name.strip()} already exists.") from exc
    return account


def delete_account(*, account: Account, actor: Any) -> None:
    """Delete an account without groups (its connected subscription and inventory go too)."""
    with transaction.atomic():
        # Through the reverse relation: console does not import groups (it depends on console).
        count = account.groups.count()
        if count:
            things = "group or node" if count == 1 else "groups or nodes"
            raise AccountInUse(
                f"Account {account.name} still has {count} {things}; delete them first."
            )
        _audit_account(account, actor, "account.delete", before={"name": account.name})
        account.delete()


# --- Invitations -------------------------------------------------------------------------------

INVITATION_PREFIX = "inv_"
INVITATION_DISPLAY_LENGTH = 10
INVITATION_LIFETIMES = {1: "1 day", 7: "7 days", 30: "30 days"}
# Said for every code that can't be used, whatever the reason: it reveals nothing.
INVITATION_UNUSABLE = (
    "This invitation can't be used: it may be mistyped, expired, used already or revoked. "
    "Ask an admin of the organization for a new one."
)


class InvitationUnusable(Exception):
    def __init__(self) -> None:
        super().__init__(INVITATION_UNUSABLE)


class AlreadyMember(Exception):
    pass


def _invitation_fields(invitation: Invitation) -> dict[str, Any]:
    return {
        "role": invitation.role,
        "note": invitation.note,
        "prefix": invitation.prefix,
        "expires_at": invitation.expires_at.isoformat(),
    }


def create_invitation(
    *, organization: Organization, role: str, days: int, note: str, actor: Any
) -> tuple[Invitation, str]:
    """An invitation to join `organization` as `role`; the raw code is returned once."""
    _check_role(role)
    if days not in INVITATION_LIFETIMES:
        raise ValidationError("Choose how long the invitation stays valid.")
    raw = INVITATION_PREFIX + secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        organization=organization,
        role=role,
        note=note.strip()[:100],
        digest=token_digest(raw),
        prefix=raw[:INVITATION_DISPLAY_LENGTH],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_audit(
        organization=organization,
        actor=actor,
        action="invitation.create",
        obj_type="invitation",
        obj_id=invitation.pk,
        obj_repr=str(invitation.prefix),
        after=_invitation_fields(invitation),
    )
    return invitation, raw


def revoke_invitation(*, invitation: Invitation, actor: Any) -> None:
    """Revoke a pending invitation; a used or revoked one stays as it is."""
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if updated:
        record_audit(
            organization=invitation.organization,
            actor=actor,
            action="invitation.revoke",
            obj_type="invitation",
            obj_id=invitation.pk,
            obj_repr=invitation.prefix,
            before=_invitation_fields(invitation),
        )


def usable_invitation(raw: str) -> Invitation:
    """The pending, unexpired invitation whose code is `raw`, else InvitationUnusable."""
    raw = raw.strip()
    if not raw.startswith(INVITATION_PREFIX) or len(raw) > 100:
        raise InvitationUnusable()
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(
            digest=token_digest(raw),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        raise InvitationUnusable()
    return invitation


@transaction.atomic
def accept_invitation(*, raw: str, user: Any) -> Membership:
    """`user` joins with the invitation's role; the invitation is used up (once, even when two
    people race for it). AlreadyMember leaves the invitation for someone else."""
    invitation = usable_invitation(raw)
    if Membership.objects.filter(organization=invitation.organization, user=user).exists():
        raise AlreadyMember(f"You are already a member of {invitation.organization.name}.")
    used = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not used:
        raise InvitationUnusable()
    membership = Membership.objects.create(
        organization=invitation.organization, user=user, role=invitation.role
    )
    record_audit(
        organization=invitation.organization,
        actor=user,
        action="invitation.accept",
        obj_type="membership",
        obj_id=membership.pk,
        obj_repr=user.get_username(),
        after={
            "user": user.get_username(),
            "role": invitation.role,
            "invitation": invitation.prefix,
        },
    )
    return membership


# --- Liveness -----------------------------------------------------------------------------------


def record_heartbeat(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})

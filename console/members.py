"""Writes for an organization's members and invitations; each change leaves an audit entry."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import (
    ApiToken,
    Invitation,
    Membership,
    Organization,
    Role,
)
from .services import audit_object, save_audited, token_digest

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
    save_audited(
        membership,
        actor=actor,
        action="member.role_change",
        fields={"role": role},
        before={"role": previous},
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
    audit_object(
        membership,
        actor=actor,
        action="member.remove",
        before={"user": username, "role": membership.role},
    )
    membership.delete()


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
    audit_object(
        invitation, actor=actor, action="invitation.create", after=_invitation_fields(invitation)
    )
    return invitation, raw


def revoke_invitation(*, invitation: Invitation, actor: Any) -> None:
    """Revoke a pending invitation; a used or revoked one stays as it is."""
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if updated:
        audit_object(
            invitation,
            actor=actor,
            action="invitation.revoke",
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
    audit_object(
        membership,
        actor=user,
        action="invitation.accept",
        after={
            "user": user.get_username(),
            "role": invitation.role,
            "invitation": invitation.prefix,
        },
    )
    return membership

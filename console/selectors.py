"""Reads for tenancy, tokens and audit; every query is scoped to an organization."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import Account, ApiToken, AuditEntry, Invitation, Membership, Organization

# Token authentication records use, so it lives with the writes; importable from here too.
from .services import authenticate_token as authenticate_token


def memberships_of(user: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("created_at", "id")
    )


def accounts_for(organization: Organization) -> QuerySet[Account]:
    return Account.objects.filter(organization=organization).order_by("created_at", "id")


def members_of(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__username")
    )


# --- API tokens ---------------------------------------------------------------------------------


def tokens_in(organization: Organization) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organization=organization).select_related("user")


def tokens_of(user: Any, organization: Organization) -> QuerySet[ApiToken]:
    return tokens_in(organization).filter(user=user)


def tokens_of_other_members(user: Any, organization: Organization) -> QuerySet[ApiToken]:
    return tokens_in(organization).exclude(user=user).order_by("user__username", "-created_at")


def membership_for_token(token: ApiToken) -> Membership | None:
    """The token owner's current membership in the token's organization (roles may change)."""
    return (
        Membership.objects.select_related("organization", "user")
        .filter(user_id=token.user_id, organization_id=token.organization_id)
        .first()
    )


# --- Audit --------------------------------------------------------------------------------------


def audit_entries_for(organization: Organization) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(organization=organization).select_related("actor")


def audit_filter_choices(organization: Organization) -> tuple[list[str], list[str]]:
    """The actions and object types that occur in this organization's log, for filters."""
    entries = AuditEntry.objects.filter(organization=organization).order_by()
    actions = sorted(set(entries.values_list("action", flat=True).distinct()))
    object_types = sorted(set(entries.values_list("object_type", flat=True).distinct()))
    return actions, object_types


def pending_invitations(organization: Organization) -> QuerySet[Invitation]:
    """Invitations of the organization not used, revoked or expired yet."""
    return Invitation.objects.filter(
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("created_by")

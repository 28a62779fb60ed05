"""Reads for tenancy, tokens and audit; every query is scoped to an organization."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Account, AuditEntry, Membership, Organization


def resolve_tenancy(
    user: Any, *, organization_id: int | None, account_id: str | None
) -> tuple[Membership | None, Account | None]:
    memberships = Membership.objects.filter(user=user).select_related("organization")
    membership = None
    if organization_id is not None:
        membership = memberships.filter(organization_id=organization_id).first()
    if membership is None:
        membership = memberships.order_by("created_at", "id").first()
    if membership is None:
        return None, None
    accounts = accounts_for(membership.organization)
    account = accounts.filter(pk=account_id).first() if account_id else None
    return membership, account or accounts.first()


def accounts_for(organization: Organization) -> QuerySet[Account]:
    return Account.objects.filter(organization=organization).order_by("created_at", "id")


def audit_entries_for(organization: Organization) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(organization=organization).select_related("actor")

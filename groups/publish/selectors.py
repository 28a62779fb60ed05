"""Reads of publishing, always inside the caller's organization."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from console.models import Account, Organization
from console.selectors import accounts_for
from groups.models import Group

from .models import Publication, SpotConnection


def connections_by_account(organization: Organization) -> dict[str, SpotConnection]:
    return {
        c.account_id: c for c in SpotConnection.objects.filter(account__organization=organization)
    }


def connection_for(account: Account) -> SpotConnection | None:
    return SpotConnection.objects.filter(account=account).first()


def account_for(organization: Organization, account_id: str) -> Account | None:
    return accounts_for(organization).filter(pk=account_id).first()


def publications_for(organization: Organization) -> QuerySet[Publication]:
    return Publication.objects.filter(organization=organization)


def publication_of(group: Group) -> Publication | None:
    return Publication.objects.filter(group=group).first()


def publications_by_group(
    organization: Organization, group_ids: Iterable[str]
) -> dict[str, Publication]:
    return {
        p.group_public_id: p
        for p in publications_for(organization).filter(group_id__in=list(group_ids))
    }


def remote_deletions(organization: Organization, account: Account) -> QuerySet[Publication]:
    """Groups deleted here whose copy in Spot is still being (or failed to be) deleted."""
    return publications_for(organization).filter(account=account, group__isnull=True)

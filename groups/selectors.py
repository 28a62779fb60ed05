"""Reads of groups and stateful nodes, always scoped to one organization."""

from __future__ import annotations

from django.db.models import QuerySet

from console.models import Account, Organization

from .models import Group, Revision


def groups_for(
    organization: Organization,
    *,
    account: Account | str | None = None,
    kind: str | None = None,
    status: str | None = None,
    name: str | None = None,
    region: str | None = None,
) -> QuerySet[Group]:
    """The organization's groups, newest change first; `name` and `region` match exactly."""
    groups = Group.objects.filter(organization=organization).select_related(
        "account", "gallery_account"
    )
    if account is not None:
        groups = groups.filter(account=account)
    if kind is not None:
        groups = groups.filter(kind=kind)
    if status is not None:
        groups = groups.filter(status=status)
    if name:
        groups = groups.filter(name=name)
    if region:
        groups = groups.filter(region__iexact=region)
    return groups.order_by("-updated_at", "id")


def get_group(organization: Organization, group_id: str, *, kind: str | None = None) -> Group:
    """One group of the organization; raises Group.DoesNotExist (get_object_or_404-friendly)."""
    return groups_for(organization, kind=kind).get(pk=group_id)


def revisions_for(group: Group) -> QuerySet[Revision]:
    return Revision.objects.filter(group=group).select_related("author").order_by("-number")


def groups_using_gallery(
    organization: Organization,
    *,
    account: Account | str,
    resource_group_name: str,
    gallery_name: str,
) -> QuerySet[Group]:
    """Groups whose image comes from that gallery (names compare as Azure does: any case)."""
    return groups_for(organization).filter(
        gallery_account=account,
        gallery_resource_group_name__iexact=resource_group_name,
        gallery_name__iexact=gallery_name,
    )

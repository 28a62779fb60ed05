"""Writes for organizations and their accounts (Spot's /setup/account); each change leaves an
audit entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import (
    Account,
    Membership,
    Organization,
    Role,
)
from .services import audit_object, save_audited

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
    audit_object(
        organization, actor=None, action="organization.create", after={"name": organization.name}
    )
    audit_object(
        membership,
        actor=None,
        action="member.add",
        after={"user": admin.get_username(), "role": Role.ADMIN},
    )
    audit_object(account, actor=None, action="account.create", after={"name": account.name})
    return organization


# --- Accounts (Spot's /setup/account) -----------------------------------------------------------


class AccountInUse(Exception):
    """The account still has groups, so deleting it would delete them too."""


class DuplicateAccountName(Exception):
    pass


def create_account(*, organization: Organization, actor: Any, name: str) -> Account:
    try:
        with transaction.atomic():
            account = Account.objects.create(organization=organization, name=name.strip())
            audit_object(
                account, actor=actor, action="account.create", after={"name": account.name}
            )
    except IntegrityError as exc:
        raise DuplicateAccountName(f"An account named {name.strip()} already exists.") from exc
    return account


def rename_account(*, account: Account, actor: Any, name: str) -> Account:
    before = {"name": account.name}
    try:
        with transaction.atomic():
            save_audited(
                account,
                actor=actor,
                action="account.update",
                fields={"name": name.strip()},
                before=before,
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
        audit_object(account, actor=actor, action="account.delete", before={"name": account.name})
        account.delete()

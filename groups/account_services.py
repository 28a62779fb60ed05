"""Account writes for Spot's `/setup/account` API: create, rename, delete (audited).

console.services has no account writes yet; these live here until it does.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from console.models import Account, Organization
from console.services import record_audit

from .models import Group


class AccountInUse(Exception):
    """The account still has groups, so deleting it would delete them too."""


class DuplicateAccountName(Exception):
    pass


def _audit(account: Account, actor: Any, action: str, **changes: Any) -> None:
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
            _audit(account, actor, "account.create", after={"name": account.name})
    except IntegrityError as exc:
        raise DuplicateAccountName(f"An account named {name.strip()} already exists.") from exc
    return account


def rename_account(*, account: Account, actor: Any, name: str) -> Account:
    before = {"name": account.name}
    account.name = name.strip()
    try:
        with transaction.atomic():
            account.save(update_fields=["name"])
            _audit(account, actor, "account.update", before=before, after={"name": account.name})
    except IntegrityError as exc:
        account.name = before["name"]
        raise DuplicateAccountName(f"An account named {name.strip()} already exists.") from exc
    return account


def delete_account(*, account: Account, actor: Any) -> None:
    """Delete an account without groups (its connected subscription and inventory go too)."""
    with transaction.atomic():
        count = Group.objects.filter(account=account).count()
        if count:
            things = "group or node" if count == 1 else "groups or nodes"
            raise AccountInUse(
                f"Account {account.name} still has {count} {things}; delete them first."
            )
        _audit(account, actor, "account.delete", before={"name": account.name})
        account.delete()

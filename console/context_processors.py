from functools import cache
from typing import Any

from django.http import HttpRequest

from .models import Role
from .selectors import accounts_for, memberships_of


def tenancy(request: HttpRequest) -> dict[str, Any]:
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    # Read with the signed-in user (console.principals), so the header costs no query.
    principal = getattr(request, "principal", None)

    @cache
    def switchable_memberships() -> list[Any]:
        if not organization:
            return []
        if principal is not None:
            memberships = principal.membership_list()
        else:
            memberships = list(memberships_of(request.user))
        return memberships if len(memberships) > 1 else []

    @cache
    def switchable_accounts() -> list[Any]:
        if not organization:
            return []
        if principal is not None:
            return principal.accounts_of(organization.pk)
        return list(accounts_for(organization))

    return {
        "current_organization": organization,
        "current_membership": membership,
        "current_account": getattr(request, "account", None),
        "switchable_accounts": switchable_accounts,
        # Only offered when there is a choice.
        "switchable_memberships": switchable_memberships,
        "can_edit": membership is not None and membership.has_role(Role.EDITOR),
        "is_admin": membership is not None and membership.has_role(Role.ADMIN),
    }

from functools import cache
from typing import Any

from django.http import HttpRequest

from .models import Role
from .selectors import accounts_for, memberships_of


def tenancy(request: HttpRequest) -> dict[str, Any]:
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)

    @cache
    def switchable_memberships() -> list[Any]:
        # Called by the template only where the header renders, so fragments pay no query.
        memberships = list(memberships_of(request.user)) if organization else []
        return memberships if len(memberships) > 1 else []

    return {
        "current_organization": organization,
        "current_membership": membership,
        "current_account": getattr(request, "account", None),
        "switchable_accounts": accounts_for(organization) if organization else [],
        # Only offered when there is a choice.
        "switchable_memberships": switchable_memberships,
        "can_edit": membership is not None and membership.has_role(Role.EDITOR),
        "is_admin": membership is not None and membership.has_role(Role.ADMIN),
    }

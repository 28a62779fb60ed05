"""Who is calling: a bearer API token, its owner's role, and the account the call is about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpRequest
from ninja.security import HttpBearer

from console.http import ConsoleRequest
from console.models import Account, Membership, Organization, Role
from console.selectors import accounts_for, membership_for_token
from console.services import authenticate_token

from .api_envelope import FORBIDDEN, UNAUTHORIZED, UNKNOWN_ACCOUNT, ApiError, ErrorItem


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`: an active token of a current member."""

    openapi_description = (
        "A personal API token from Settings → API tokens. Its owner's role applies: viewers "
        "read, editors also write groups and nodes, admins also manage accounts and credentials."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        api_token = authenticate_token(token.strip())
        if api_token is None:
            return None
        membership = membership_for_token(api_token)
        if membership is None:
            return None
        # The token decides the tenancy of an API call, whatever a session cookie says.
        typed = cast(ConsoleRequest, request)
        typed.membership = membership
        typed.organization = membership.organization
        return membership


bearer = BearerToken()


@dataclass(frozen=True)
class Caller:
    membership: Membership
    account: Account

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    @property
    def user(self) -> Any:
        return self.membership.user


def require_role(request: HttpRequest, role: str) -> Membership:
    membership = cast(ConsoleRequest, request).membership  # set by BearerToken.authenticate
    if membership is None:
        raise ApiError(
            401, ErrorItem(UNAUTHORIZED, "Send an API token: Authorization: Bearer <token>.")
        )
    if not membership.has_role(role):
        raise ApiError(
            403,
            ErrorItem(
                FORBIDDEN,
                f"This needs the {role} role; your role in {membership.organization} is "
                f"{membership.role}.",
            ),
        )
    return membership


def caller(request: HttpRequest, account_id: str | None, role: str = Role.VIEWER) -> Caller:
    """The calling member (with at least `role`) and the account named by `accountId`.

    Without `accountId`, the organization's oldest account is used, as Spot does.
    """
    membership = require_role(request, role)
    accounts = accounts_for(membership.organization)
    account = accounts.filter(pk=account_id.strip()).first() if account_id else accounts.first()
    if account is None:
        message = (
            f"Account {account_id} is not an account of your organization."
            if account_id
            else "Your organization has no account yet; create one with POST /setup/account."
        )
        raise ApiError(400, ErrorItem(UNKNOWN_ACCOUNT, message, "accountId"))
    return Caller(membership=membership, account=account)

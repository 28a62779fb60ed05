"""The request as the console's views see it: what the middleware attaches, typed.

Views annotate `request: ConsoleRequest` (pages) or use `AuthedRequest` (behind
`login_required` and a membership check) instead of Django's bare `HttpRequest`, so that
`request.organization`, `request.membership`, `request.account` and `request.htmx` need no
`type: ignore` (the pattern of django-htmx's `HtmxHttpRequest`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from .models import Account, Membership, Organization
    from .principals import Principal


class ConsoleRequest(HttpRequest):
    """Any request through the console's middleware (tenancy may be absent: signed out)."""

    request_id: str
    _cached_user: Any  # Django's own cache of request.user, set by the authentication middleware
    htmx: HtmxDetails
    principal: Principal | None
    membership: Membership | None
    organization: Organization | None
    account: Account | None


class AuthedRequest(ConsoleRequest):
    """A request from a signed-in member (views behind the membership check)."""

    membership: Membership
    organization: Organization
    account: Account | None

"""Sign-in throttling (django-axes): a username is locked out from an address after
AXES_FAILURE_LIMIT failures, and the address itself after LOGIN_IP_FAILURE_LIMIT failures
over any usernames, so trying many usernames from one place is slowed down too.

Axes counts both (AXES_LOCKOUT_PARAMETERS) but compares them with one limit; this handler
gives the per-address count its own, higher limit. A successful sign-in forgives that
username's failures only, so one valid account can't reset an address's count.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

# The order of settings.AXES_LOCKOUT_PARAMETERS: [["username", "ip_address"], "ip_address"].
PER_ACCOUNT, PER_ADDRESS = 0, 1


def _failures(attempts: QuerySet[Any]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        attempts = self.get_user_attempts(request, credentials)
        per_account = _failures(attempts[PER_ACCOUNT])
        if _failures(attempts[PER_ADDRESS]) >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(per_account, get_failure_limit(request, credentials))
        return per_account

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        count, _ = self.filter_user_attempts(request, credentials)[PER_ACCOUNT].delete()
        return count


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT reverse proxies, the
    address the outermost one saw (each appends the address it was called from to
    X-Forwarded-For, so entries further left may be forged by the client)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")

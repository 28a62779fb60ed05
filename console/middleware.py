"""Per-request context: a request id, the signed-in user, and their organization, membership
and account (read from console.principals: no query once cached)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any, cast

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from . import principals
from .http import ConsoleRequest
from .request_context import current_request_id
from .text import unstorable_input

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SESSION_ORGANIZATION_KEY = "organization_id"
SESSION_ACCOUNT_KEY = "account_id"


class RequestIdMiddleware:
    """Take a well-formed X-Request-Id from the proxy, or make one; echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: ConsoleRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else str(uuid.uuid4())
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response


# What a response or request carries when a view changed its policy through django-csp's
# decorators, exempted it, or used a nonce: such a policy is built as django-csp builds it.
_CSP_OVERRIDES = tuple(
    f"_csp_{part}{suffix}"
    for part in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's, with the console's fixed policy built once rather than for every response
    (django-csp copies and joins the whole configuration each time, twice with the report-only
    policy: a tenth of a cascade fragment's CPU time). A response whose view changed or exempted
    its policy, a request that used a nonce, a report-only policy, excluded prefixes and DEBUG's
    error pages all go through django-csp as before."""

    _built_for: object = None
    _policy = ""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not self._fixed_policy_applies(request, response):
            return super().process_response(request, response)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = self._fixed_policy()
        # As django-csp does: a nonce asked for once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _fixed_policy_applies(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        policy = settings.CONTENT_SECURITY_POLICY
        return (
            getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, name) for name in _CSP_OVERRIDES)
            and bool(policy)
            and not policy.get("EXCLUDE_URL_PREFIXES")
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not (settings.DEBUG and response.status_code in (404, 500))
        )

    def _fixed_policy(self) -> str:
        # Built again when the setting is another object (a test's override_settings).
        policy = settings.CONTENT_SECURITY_POLICY
        if policy is not self._built_for:
            self._policy, self._built_for = build_policy(), policy
        return self._policy


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with `request.user` built from the cached principal when the session is one
    Django would accept as it stands; any other case is Django's own get_user()."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        console_request = cast(ConsoleRequest, request)
        request.user = SimpleLazyObject(lambda: _signed_in_user(console_request))  # type: ignore[assignment]


def _signed_in_user(request: ConsoleRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        principal = principals.from_session(request.session)
        request.principal = principal
        user = principal.user() if principal is not None else auth.get_user(request)
        request._cached_user = user
    return request._cached_user


class TenancyMiddleware:
    """Attach `membership`, `organization` and `account` for a signed-in user.

    The organization comes from the session (the user may belong to several); the account
    is the one chosen in the header's switcher, or the organization's oldest.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: ConsoleRequest) -> HttpResponse:
        request.membership = None
        request.organization = None
        request.account = None
        if request.user.is_authenticated:
            principal = getattr(request, "principal", None)
            if principal is None:  # signed in by another backend, or a test's own user
                principal = principals.principal_for(request.user.pk)
                request.principal = principal
            membership, account = (
                principal.tenancy(
                    request.session.get(SESSION_ORGANIZATION_KEY),
                    request.session.get(SESSION_ACCOUNT_KEY),
                )
                if principal is not None
                else (None, None)
            )
            if membership is not None:
                request.membership = membership
                request.organization = membership.organization
                request.account = account
        return self.get_response(request)


class BadInputMiddleware:
    """A 400 page, before any view or query runs, for an address, query or form field holding
    text that can't be stored (NUL): otherwise PostgreSQL refuses the lookup with a 500.

    Views that answer such input themselves (the Spot API, in its envelope) carry
    `answers_bad_input_itself = True`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        if getattr(view_func, "answers_bad_input_itself", False):
            return None
        problem = unstorable_input(request)
        if problem is None:
            return None
        return render(request, "400.html", {"message": problem[1]}, status=400)


class ConsoleErrorPagesMiddleware:
    """With DEBUG on (the demo, `make run`), pages still answer a 404 or 500 with the console's
    own error pages, never Django's technical ones, which list every URL pattern or the
    settings. The traceback of a 500 is still logged by django.request. The API's JSON errors
    and anything not HTML pass unchanged; with DEBUG off Django uses the same templates."""

    TEMPLATES = {404: "404.html", 500: "500.html"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        template = self.TEMPLATES.get(response.status_code)
        if (
            template is None
            or not settings.DEBUG
            or not response.get("Content-Type", "").startswith("text/html")
            or getattr(response, "console_error_page", False)
        ):
            return response
        page = render(request, template, status=response.status_code)
        page.console_error_page = True  # type: ignore[attr-defined]
        return page

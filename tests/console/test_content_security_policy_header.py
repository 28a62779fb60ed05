"""The Content-Security-Policy header built once per process (console.middleware) is the one
django-csp builds, and a view that changes its own policy still gets django-csp's handling."""

import pytest
from csp.constants import HEADER, NONCE, SELF
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from console.middleware import ContentSecurityPolicyMiddleware


def _header(view, request=None) -> str:
    middleware = ContentSecurityPolicyMiddleware(view)
    return middleware(request or RequestFactory().get("/"))[HEADER]


def test_every_response_carries_the_policy_django_csp_builds() -> None:
    assert _header(lambda request: HttpResponse("page")) == build_policy()
    assert "script-src 'self'" in build_policy()


def test_a_view_that_widens_its_policy_gets_it() -> None:
    @csp_update({"img-src": ["https://images.example"]})
    def view(request):
        return HttpResponse("page")

    header = _header(view)
    assert "https://images.example" in header
    assert header == CSPMiddleware(view)(RequestFactory().get("/"))[HEADER]


def test_a_page_that_used_a_nonce_gets_the_policy_django_csp_gives_it(settings) -> None:
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    request = RequestFactory().get("/")
    header = _header(view, request)
    assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in header


def test_a_changed_setting_is_followed(settings) -> None:
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF]}}
    assert _header(lambda request: HttpResponse("page")) == build_policy()
    assert "script-src" not in build_policy()


@pytest.mark.parametrize("status", [200, 404])
def test_the_header_written_by_the_view_is_kept(status: int) -> None:
    def view(request):
        response = HttpResponse("page", status=status)
        response[HEADER] = "default-src 'none'"
        return response

    assert _header(view) == "default-src 'none'"

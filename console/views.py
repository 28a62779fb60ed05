from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from .health import health_report
from .middleware import SESSION_ACCOUNT_KEY, SESSION_ORGANIZATION_KEY
from .permissions import role_required
from .selectors import accounts_for, memberships_of


@role_required()
def home(request: HttpRequest) -> HttpResponse:
    return redirect("groups:stateless_list")


@role_required()
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "console/settings_index.html", {"api_docs_enabled": settings.API_DOCS_ENABLED}
    )


@require_POST
@role_required()
def switch_account(request: HttpRequest) -> HttpResponse:
    account = get_object_or_404(
        accounts_for(request.organization),  # type: ignore[attr-defined]
        pk=request.POST.get("account", ""),
    )
    request.session[SESSION_ACCOUNT_KEY] = account.pk
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return redirect(next_url)


@require_POST
@role_required()
def switch_organization(request: HttpRequest) -> HttpResponse:
    organization_id = request.POST.get("organization", "")
    membership = get_object_or_404(
        memberships_of(request.user),
        organization_id=organization_id if organization_id.isdigit() else None,
    )
    request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    # The old account belongs to the other organization; start from the new one's first.
    request.session.pop(SESSION_ACCOUNT_KEY, None)
    # The page being viewed may show the other organization's objects, so start over.
    return redirect("console:home")


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health_report()
    return JsonResponse(body, status=200 if healthy else 503)

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import members
from .forms import JoinForm
from .health import health_report
from .http import AuthedRequest, ConsoleRequest
from .middleware import SESSION_ACCOUNT_KEY, SESSION_ORGANIZATION_KEY
from .permissions import role_required
from .selectors import accounts_for, memberships_of


@login_required
def home(request: ConsoleRequest) -> HttpResponse:
    if request.membership is None:
        return redirect("console:join")  # signed in, but a member of no organization yet
    return redirect("groups:stateless_list")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def join(request: ConsoleRequest, code: str = "") -> HttpResponse:
    """Accept an invitation while signed in: from its link (/join/<code>/, confirmed with a
    POST) or by typing its code. Every unusable code gets the same words."""
    form = JoinForm(request.POST or None, initial={"code": code})
    invitation, problem, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        try:
            membership = members.accept_invitation(raw=form.cleaned_data["code"], user=request.user)
        except members.InvitationUnusable as exc:
            problem, status = str(exc), 400
        except members.AlreadyMember as exc:
            problem, status = str(exc), 400
        else:
            request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
            request.session.pop(SESSION_ACCOUNT_KEY, None)
            messages.success(
                request,
                f"You joined {membership.organization.name} as {membership.get_role_display()}.",
            )
            return redirect("console:home")
    elif code:
        try:
            invitation = members.usable_invitation(code)
        except members.InvitationUnusable as exc:
            problem, status = str(exc), 404
    return render(
        request,
        "console/join.html",
        {"form": form, "invitation": invitation, "code": code, "problem": problem},
        status=status,
    )


@role_required()
def settings_index(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "console/settings_index.html", {"api_docs_enabled": settings.API_DOCS_ENABLED}
    )


@require_POST
@role_required()
def switch_account(request: AuthedRequest) -> HttpResponse:
    account = get_object_or_404(
        accounts_for(request.organization),
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
def switch_organization(request: AuthedRequest) -> HttpResponse:
    organization_id = request.POST.get("organization", "")
    membership = get_object_or_404(
        memberships_of(request.user),
        organization_id=organization_id
        if organization_id.isascii() and organization_id.isdigit()
        else None,
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

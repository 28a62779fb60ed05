from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .middleware import SESSION_ACCOUNT_KEY
from .permissions import role_required
from .selectors import accounts_for


@role_required()
def home(request: HttpRequest) -> HttpResponse:
    return redirect("groups:stateless_list")


@role_required()
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "console/settings_index.html")


@require_POST
@role_required()
def switch_account(request: HttpRequest) -> HttpResponse:
    account = accounts_for(request.organization).filter(pk=request.POST.get("account")).first()  # type: ignore[attr-defined]
    if account is not None:
        request.session[SESSION_ACCOUNT_KEY] = account.pk
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    return redirect(next_url)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})

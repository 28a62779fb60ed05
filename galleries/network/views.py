"""The Network tab's suggestions as an htmx fragment, reloaded when the region, the resource
group or the virtual network changes."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from console.http import AuthedRequest
from console.permissions import role_required

from .selectors import NETWORK_INPUTS, network_choices


def _param(request: AuthedRequest, name: str) -> str:
    return request.GET.get(name, "").strip()[:200]


@require_GET
@role_required()
def network_options(request: AuthedRequest) -> HttpResponse:
    typed = {name: _param(request, name) for name in NETWORK_INPUTS}
    choices = network_choices(request.organization, _param(request, "group_account"), **typed)
    return render(request, "galleries/network/_options.html", {"network": choices})

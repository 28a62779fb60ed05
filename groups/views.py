from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from console.permissions import role_required


@role_required()
def stateless_list(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/stateless_list.html")


@role_required()
def stateful_list(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/stateful_list.html")


@role_required()
def drafts(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/drafts.html")

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from console.permissions import role_required


@role_required()
def inventory(request: HttpRequest) -> HttpResponse:
    return render(request, "galleries/inventory.html")

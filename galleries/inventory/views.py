"""The image search page ("See all images" across every gallery of the organization), and the
same results as a fragment for the group editor's "Find an image" dialog."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from console.http import AuthedRequest
from console.models import Role
from console.permissions import has_role, role_required
from galleries import selectors

from .search import ImageSearch, search_images, with_latest

PAGE_SIZE = 25
OS_CHOICES = [("", "Any OS"), ("Linux", "Linux"), ("Windows", "Windows")]
ARCHITECTURE_CHOICES = [("", "Any architecture"), ("x64", "x64"), ("Arm64", "Arm64")]


@require_GET
@vary_on_headers("HX-Request")
@role_required()
def image_search(request: AuthedRequest) -> HttpResponse:
    search = ImageSearch.from_params(request.GET)
    # "pick": inside the editor's dialog, where "Use this image" fills the editor's cascade.
    picking = request.GET.get("mode") == "pick"
    paginator = Paginator(search_images(request.organization, search), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "search": search,
        "page": page,
        "hits": with_latest(list(page.object_list), search.region),
        "picking": picking,
        "query": f"{kept.urlencode()}&" if kept else "",
        "can_create": has_role(request, Role.EDITOR),
        "subscriptions": selectors.subscriptions_for(request.organization),
        "os_choices": OS_CHOICES,
        "architecture_choices": ARCHITECTURE_CHOICES,
        "region_choices": [("", "Any region"), *selectors.inventory_regions(request.organization)],
    }
    if request.htmx and request.htmx.target == "image-search-body":
        return render(request, "galleries/inventory/_search_panel.html", context)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "galleries/inventory/_search_results.html", context)
    return render(request, "galleries/inventory/search.html", context)

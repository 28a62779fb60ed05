"""htmx fragments of the Compute tab's Shared Image cascade, and its full-page fallback.

An htmx request gets one level (plus out-of-band swaps that reset or lazily reload the levels
under it); a direct load or a history restore gets a full page with the whole cascade.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from console.models import Role
from console.permissions import has_role, role_required
from galleries import cascade
from galleries.models import ACTIVE_REFRESH_STATUSES, RefreshRun
from galleries.refresh.request import request_refresh
from galleries.regions import AZURE_REGIONS

from . import editor_cascade
from .vm_sizes import OS_CHOICES


def is_fragment_request(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def changed_field(request: HttpRequest) -> str | None:
    """The cascade field whose change sent this request (its children are then cleared)."""
    htmx = getattr(request, "htmx", None)
    return htmx.trigger_name if htmx else None


def cascade_context(request: HttpRequest, selection: cascade.Selection) -> dict[str, Any]:
    """Context for rendering the whole cascade (editor page and browser page)."""
    organization = request.organization  # type: ignore[attr-defined]
    built = {level.key: level for level in editor_cascade.full_cascade(organization, selection)}
    return {
        "cascade_levels": [(key, built.get(key)) for key in editor_cascade.ALL_LEVELS],
        "selection": selection,
    }


@require_GET
@vary_on_headers("HX-Request")
@role_required()
def browse(request: HttpRequest) -> HttpResponse:
    """The cascade on its own page: a direct load of any fragment URL lands here too."""
    selection = cascade.selection_from(request.GET)
    if not selection.group_account and request.account is not None:  # type: ignore[attr-defined]
        selection = cascade.selection_from(
            {**request.GET.dict(), "group_account": request.account.pk}  # type: ignore[attr-defined]
        )
    context = cascade_context(request, selection)
    context.update(regions=AZURE_REGIONS, os_choices=OS_CHOICES)
    return render(request, "galleries/cascade/browse.html", context)


@require_GET
@vary_on_headers("HX-Request")
@role_required()
def level(request: HttpRequest, key: str) -> HttpResponse:
    if key not in editor_cascade.BUILDERS:
        raise Http404("No such level.")
    if not is_fragment_request(request):
        return browse(request)
    selection = cascade.selection_from(request.GET, changed=changed_field(request))
    position = editor_cascade.ALL_LEVELS.index(key)
    context: dict[str, Any] = {
        "key": key,
        "next_key": editor_cascade.NEXT_LEVEL.get(key),
        "cleared": editor_cascade.ALL_LEVELS[position + 2 :],
        "selection": selection,
        "only_options": request.GET.get("part") == "options",
    }
    if not _parent_chosen(selection, position):
        # Nothing to list until the parent is chosen (e.g. the OS changed before any gallery).
        context.update(level=None, lazy_next=False)
    else:
        built = editor_cascade.BUILDERS[key](request.organization, selection)  # type: ignore[attr-defined]
        lazy_next = bool(built.selected) and key != "details"
        keep = _kept_child(selection, key) if lazy_next else {}
        context.update(
            level=built, lazy_next=lazy_next, lazy_keep=keep, lazy_keep_json=json.dumps(keep)
        )
    context["refreshed"] = request.GET.get("refreshed") == "1"
    # Rendered without the request's context processors: a fragment needs none of their queries.
    context["can_edit"] = has_role(request, Role.EDITOR)
    return HttpResponse(render_to_string("galleries/cascade/fragment.html", context))


def _kept_child(selection: cascade.Selection, key: str) -> dict[str, str]:
    """The next level's current choice, sent along when it reloads lazily: its dropdown is
    swapped out first, so it would otherwise be lost (e.g. after "Refresh this gallery")."""
    next_key = editor_cascade.NEXT_LEVEL.get(key)
    if next_key not in cascade.LEVEL_KEYS:
        return {}
    name = cascade.FIELDS[cascade.LEVEL_KEYS.index(next_key)]
    value = getattr(selection, name)
    return {name: value} if value else {}


def _parent_chosen(selection: cascade.Selection, position: int) -> bool:
    if position == 1:
        return bool(selection.account)
    return bool(getattr(selection, cascade.FIELDS[position - 1]))


@role_required()
def refresh(request: HttpRequest) -> HttpResponse:
    """POST starts a refresh; a GET (a bookmarked or typed URL) lands on the browser page with
    the same selection instead of a blank 405."""
    if request.method == "POST":
        return refresh_gallery(request)
    if request.method in ("GET", "HEAD"):
        query = request.GET.urlencode()
        return redirect(reverse("cascade:browse") + (f"?{query}" if query else ""))
    response = render(
        request,
        "galleries/cascade/method_not_allowed.html",
        {"browse_url": reverse("cascade:browse")},
        status=405,
    )
    response["Allow"] = "GET, POST"
    return response


@role_required(Role.EDITOR)
def refresh_gallery(request: HttpRequest) -> HttpResponse:
    """Ask for a targeted refresh of the chosen gallery; the answer polls until it is done."""
    selection = cascade.selection_from(request.POST)
    gallery = cascade.find_gallery(request.organization, selection)  # type: ignore[attr-defined]
    if gallery is None:
        raise Http404("That gallery is not in the inventory.")
    run, _new = request_refresh(gallery.subscription, gallery=gallery, actor=request.user)
    return _refresh_status(request, run, selection)


@require_GET
@vary_on_headers("HX-Request")
@role_required()
def refresh_status(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(
        RefreshRun.objects.filter(subscription__organization=request.organization),  # type: ignore[attr-defined]
        pk=run_id,
    )
    selection = cascade.selection_from(request.GET)
    if not is_fragment_request(request):
        return browse(request)
    return _refresh_status(request, run, selection)


def _refresh_status(
    request: HttpRequest, run: RefreshRun, selection: cascade.Selection
) -> HttpResponse:
    context = {
        "run": run,
        "running": run.status in ACTIVE_REFRESH_STATUSES,
        "selection": selection,
    }
    return render(request, "galleries/cascade/refresh_status.html", context)

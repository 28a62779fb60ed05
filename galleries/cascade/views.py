"""htmx fragments of the Compute tab's Shared Image cascade, and its full-page fallback.

An htmx request gets one level (plus out-of-band swaps that reset or lazily reload the levels
under it); a direct load or a history restore gets a full page with the whole cascade.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from console.http import AuthedRequest
from console.models import Organization, Role
from console.permissions import has_role, role_required
from galleries.models import (
    ACTIVE_REFRESH_STATUSES,
    APPLIED_REFRESH_STATUSES,
    OS_CHOICES,
    ConnectedSubscription,
    RefreshRun,
)
from galleries.refresh.request import request_refresh
from galleries.regions import AZURE_REGIONS
from galleries.selectors import subscription_for_account
from galleries.sharing import check_pair

from .fragment_cache import fragment_key, rendered
from .levels import ALL_LEVELS, BUILDERS, NEXT_LEVEL, full_cascade, shows_share_check
from .queries import SubscriptionAge, find_gallery, subscription_with_age
from .selection import FIELDS, Selection, selection_from

# Every level lists one subscription's inventory, served from fragment_cache.py; but the image
# level of another subscription's gallery also says whether the group's subscription may read
# it (a share check, which "Check now" renews without a refresh), so that one is always built.


def is_fragment_request(request: AuthedRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def changed_field(request: AuthedRequest) -> str | None:
    """The cascade field whose change sent this request (its children are then cleared)."""
    return request.htmx.trigger_name if request.htmx else None


def cascade_context(
    organization: Organization,
    selection: Selection,
    subscriptions: Iterable[ConnectedSubscription] | None = None,
) -> dict[str, Any]:
    """Context for rendering the whole cascade (cascade/_cascade.html), on the browse page
    and in the group editor (`subscriptions`: the organization's, when the caller has read them)."""
    built = {level.key: level for level in full_cascade(organization, selection, subscriptions)}
    return {
        "cascade_levels": [(key, built.get(key)) for key in ALL_LEVELS],
        "selection": selection,
    }


@require_GET
@vary_on_headers("HX-Request")
@role_required()
def browse(request: AuthedRequest) -> HttpResponse:
    """The cascade on its own page: a direct load of any fragment URL lands here too."""
    selection = selection_from(request.GET)
    if not selection.group_account and request.account is not None:
        selection = selection_from({**request.GET.dict(), "group_account": request.account.pk})
    context = cascade_context(request.organization, selection)
    context.update(regions=AZURE_REGIONS, os_choices=OS_CHOICES)
    return render(request, "cascade/browse.html", context)


@require_GET
@vary_on_headers("HX-Request")
@role_required()
def level(request: AuthedRequest, key: str) -> HttpResponse:
    if key not in BUILDERS:
        raise Http404("No such level.")
    if not is_fragment_request(request):
        return browse(request)
    selection = selection_from(request.GET, changed=changed_field(request))
    sub = None
    if _parent_chosen(selection, ALL_LEVELS.index(key)):
        sub = subscription_with_age(request.organization, selection.account)

    def render() -> str:
        context = _level_context(request, key, selection, sub)
        context["refreshed"] = request.GET.get("refreshed") == "1"
        # Without the request's context processors: a fragment needs none of their queries.
        return render_to_string("cascade/fragment.html", context)

    if sub is None or shows_share_check(selection, sub):
        return HttpResponse(render())
    cache_key = fragment_key(
        sub,
        key,
        list(request.GET.lists()),
        changed_field(request),
        has_role(request, Role.EDITOR),
    )
    return HttpResponse(rendered(cache_key, render))


def _level_context(
    request: AuthedRequest, key: str, selection: Selection, sub: SubscriptionAge | None = None
) -> dict[str, Any]:
    """What cascade/fragment.html needs for level `key` (raises Http404 as its builder does);
    `sub`: the subscription's row, when already read."""
    position = ALL_LEVELS.index(key)
    context: dict[str, Any] = {
        "key": key,
        "next_key": NEXT_LEVEL.get(key),
        "cleared": ALL_LEVELS[position + 2 :],
        "selection": selection,
        "only_options": request.GET.get("part") == "options",
        "can_edit": has_role(request, Role.EDITOR),
    }
    if not _parent_chosen(selection, position):
        # Nothing to list until the parent is chosen (e.g. the OS changed before any gallery).
        context.update(level=None, lazy_next=False)
    else:
        built = BUILDERS[key](request.organization, selection, sub)
        lazy_next = bool(built.selected) and key != "details"
        keep = _kept_child(selection, key) if lazy_next else {}
        context.update(
            level=built, lazy_next=lazy_next, lazy_keep=keep, lazy_keep_json=json.dumps(keep)
        )
    return context


def _kept_child(selection: Selection, key: str) -> dict[str, str]:
    """The next level's current choice, sent along when it reloads lazily: its dropdown is
    swapped out first, so it would otherwise be lost (e.g. after "Refresh this gallery")."""
    next_key = NEXT_LEVEL.get(key)
    if next_key not in FIELDS:
        return {}
    value = getattr(selection, next_key)
    return {next_key: value} if value else {}


def _parent_chosen(selection: Selection, position: int) -> bool:
    if position == 1:
        return bool(selection.account)
    return bool(getattr(selection, FIELDS[position - 1]))


@role_required()
def refresh(request: AuthedRequest) -> HttpResponse:
    """POST starts a refresh; a GET (a bookmarked or typed URL) lands on the browser page with
    the same selection instead of a blank 405."""
    if request.method == "POST":
        return refresh_gallery(request)
    if request.method in ("GET", "HEAD"):
        query = request.GET.urlencode()
        return redirect(reverse("cascade:browse") + (f"?{query}" if query else ""))
    response = render(
        request,
        "cascade/method_not_allowed.html",
        {"browse_url": reverse("cascade:browse")},
        status=405,
    )
    response["Allow"] = "GET, POST"
    return response


@role_required(Role.EDITOR)
def refresh_gallery(request: AuthedRequest) -> HttpResponse:
    """Ask for a targeted refresh of the chosen gallery; the answer polls until it is done."""
    selection = selection_from(request.POST)
    gallery = find_gallery(request.organization, selection)
    if gallery is None:
        raise Http404("That gallery is not in the inventory.")
    run, _new = request_refresh(gallery.subscription, gallery=gallery, actor=request.user)
    return _refresh_status(request, run, selection)


@role_required(Role.EDITOR)
@require_POST
def share_check(request: AuthedRequest) -> HttpResponse:
    """Check now whether the group's subscription can read the chosen gallery ("Check now")."""
    selection = selection_from(request.POST)
    gallery = find_gallery(request.organization, selection)
    reader = subscription_for_account(request.organization, selection.group_account)
    if gallery is None or reader is None:
        raise Http404("That gallery or the group's subscription is not in the inventory.")
    context = {"check": check_pair(reader, gallery), "gallery_name": gallery.name}
    return render(request, "cascade/_share_check.html", context)


@require_GET
@vary_on_headers("HX-Request")
@role_required()
def refresh_status(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(
        RefreshRun.objects.filter(subscription__organization=request.organization), pk=run_id
    )
    selection = selection_from(request.GET)
    if not is_fragment_request(request):
        return browse(request)
    return _refresh_status(request, run, selection)


# A targeted refresh takes well under a second: its first seconds are polled closely, so
# that the dropdown follows within a fraction of one; a long run (a full one it merged into)
# is then polled at the old pace.
QUICK_POLL_MS, QUICK_POLL_FOR_SECONDS, SLOW_POLL_MS = 150, 10, 2000


def _refresh_status(request: AuthedRequest, run: RefreshRun, selection: Selection) -> HttpResponse:
    if run.status in APPLIED_REFRESH_STATUSES:
        return _refreshed_levels(request, run, selection)
    age = (timezone.now() - run.requested_at).total_seconds()
    context = {
        "run": run,
        "running": run.status in ACTIVE_REFRESH_STATUSES,
        "poll_ms": QUICK_POLL_MS if age < QUICK_POLL_FOR_SECONDS else SLOW_POLL_MS,
        "selection": selection,
    }
    return render(request, "cascade/refresh_status.html", context)


def _refreshed_levels(
    request: AuthedRequest, run: RefreshRun, selection: Selection
) -> HttpResponse:
    """The refresh is done: the answer IS the reloaded Image level (it replaces the whole
    level, status included) with the Version level out of band, so that the new versions
    show without two more round trips."""
    image = _level_context(request, "image_name", selection)
    image.update(refreshed=True, refresh_partial=run.error if run.status == "partial" else "")
    versions = ""
    if image.get("lazy_next"):
        try:
            version = _level_context(request, "version_name", selection)
        except Http404:
            version = None  # the chosen image is gone: its level loads (and says so) lazily
        if version is not None:
            image.update(next_key=None, lazy_next=False)
            versions = render_to_string("cascade/fragment.html", {**version, "oob": True})
    response = HttpResponse(render_to_string("cascade/fragment.html", image) + versions)
    response["HX-Retarget"] = "#level-image_name"
    response["HX-Reswap"] = "outerHTML"
    return response

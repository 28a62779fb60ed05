"""Lists of stateless groups and stateful nodes, the drafts page and revision compare."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from console.http import AuthedRequest
from console.permissions import role_required
from galleries.selectors import troubled_subscriptions

from .editor.values import unified_diff
from .list_query import ListQuery, page_of
from .models import Group, Kind, Status
from .page_urls import DELETE_URL, EDIT_URL, IMPORT_URL, RESTORE_URL
from .publish.selectors import connections_by_account, publications_by_group
from .selectors import groups_for, revisions_for
from .spot.json import IMAGE_PATH, dig, gallery_reference


def image_summary(group: Group) -> str:
    """ "gallery img-rg/gal/ubuntu-22 @ latest", "marketplace Canonical/… @ latest", …"""
    ref = gallery_reference(group.kind, group.spec)
    if ref is not None and not ref.image_name:
        return "no image yet"
    if ref is not None:
        where = f"{ref.resource_group_name}/{ref.gallery_name}/{ref.image_name}"
        return f"gallery {where} @ {ref.version_name or 'no version yet'}"
    image = dig(group.spec, IMAGE_PATH)
    if isinstance(image, dict) and isinstance(image.get("marketplace"), dict):
        m = image["marketplace"]
        parts = "/".join(str(m.get(k, "")) for k in ("publisher", "offer", "sku"))
        return f"marketplace {parts} @ {m.get('version', '?')}"
    if isinstance(image, dict) and isinstance(image.get("custom"), dict):
        c = image["custom"]
        return f"custom {c.get('resourceGroupName', '')}/{c.get('name', '')}"
    return "no image yet"


def _rows(organization: Any, groups: Any) -> list[dict[str, Any]]:
    groups = list(groups)
    troubled = troubled_subscriptions(
        organization, [a for g in groups for a in (g.account_id, g.gallery_account_id)]
    )
    publications = publications_by_group(organization, [g.id for g in groups])
    published_accounts = connections_by_account(organization)
    return [
        {
            "group": g,
            # Spot sync state: only live groups of a connected account are published.
            "publication": publications.get(g.id),
            "published": g.account_id in published_accounts and g.status == Status.ACTIVE,
            "image": image_summary(g),
            "capacity": capacity_summary(g),
            # A cross-subscription image: the account whose gallery it comes from.
            "image_account": g.gallery_account
            if g.gallery_account_id and g.gallery_account_id != g.account_id
            else None,
            "edit_url": EDIT_URL[Kind(g.kind)],
            "delete_url": DELETE_URL[Kind(g.kind)],
            # Where it deploys, and where its image lives: once each.
            "azure_trouble": list(
                {
                    s.pk: s
                    for s in (troubled.get(g.account_id), troubled.get(g.gallery_account_id))
                    if s is not None
                }.values()
            ),
        }
        for g in groups
    ]


def capacity_summary(group: Group) -> str:
    """ "0 / 1 / 2" (minimum / target / maximum) for a stateless group; "" for a node."""
    capacity = group.spec.get("capacity")
    if group.kind != Kind.STATELESS or not isinstance(capacity, dict):
        return ""
    return " / ".join(str(capacity.get(key, "?")) for key in ("minimum", "target", "maximum"))


def _list(request: AuthedRequest, kind: Kind) -> HttpResponse:
    account = request.account
    query = ListQuery.from_querystring(request.GET)
    groups = groups_for(request.organization, account=account, kind=kind) if account else None
    page = page_of(query.apply(groups) if groups is not None else Group.objects.none(), request.GET)
    context = {
        "kind": kind,
        "kind_label": kind.label,
        "rows": _rows(request.organization, page.object_list),
        "page": page,
        "query": query,
        "sort_links": query.sort_links(),
        "statuses": Status.choices,
        "account": account,
        "create_url": "groups:stateless_create"
        if kind == Kind.STATELESS
        else "groups:stateful_create",
        "import_url": IMPORT_URL[kind],
    }
    return render(request, "groups/group_list.html", context)


@vary_on_headers("HX-Request")
@role_required()
def stateless_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, Kind.STATELESS)


@vary_on_headers("HX-Request")
@role_required()
def stateful_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, Kind.STATEFUL)


@vary_on_headers("HX-Request")
@role_required()
def drafts(request: AuthedRequest) -> HttpResponse:
    """The organization's drafts across accounts: who changed them last, and when."""
    groups = groups_for(request.organization, status=Status.DRAFT).select_related("updated_by")
    return render(
        request,
        "groups/drafts.html",
        {"rows": _rows(request.organization, groups)},
    )


@vary_on_headers("HX-Request")
@role_required()
def compare(request: AuthedRequest, group_id: str) -> HttpResponse:
    """Two revisions of a group side by side as a unified JSON diff (default: the last two)."""
    group = get_object_or_404(groups_for(request.organization), pk=group_id)
    revisions = list(revisions_for(group))
    by_number = {revision.number: revision for revision in revisions}

    def chosen(name: str, default: int) -> int:
        value = request.GET.get(name, "")
        number = int(value) if value.isascii() and value.isdigit() else None
        return number if number in by_number else default

    newest = revisions[0].number if revisions else 0
    after = chosen("b", newest)
    before = chosen("a", max((n for n in by_number if n < after), default=after))
    diff: list[str] = []
    if before in by_number and after in by_number:
        diff = unified_diff(
            by_number[before].spec,
            by_number[after].spec,
            f"revision {before}",
            f"revision {after}",
        )
    context = {
        "group": group,
        "revisions": revisions,
        "before": before,
        "after": after,
        "diff": diff,
        "edit_url": EDIT_URL[Kind(group.kind)],
        "restore_url": RESTORE_URL[Kind(group.kind)],
        # The header highlights where the group is listed: drafts, or its kind's list.
        "nav_section": "drafts" if group.status == Status.DRAFT else group.kind,
    }
    return render(request, "groups/compare.html", context)

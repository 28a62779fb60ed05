"""The sync state of a group with Spot, as a badge (lists) and a panel (the group's page)."""

from __future__ import annotations

import json
from typing import Any

from django import template

from console.models import Role
from console.permissions import has_role
from groups.models import Group

from .. import drift, selectors
from ..models import Publication, SyncState

register = template.Library()

# Each sync state's badge colour; its words are the state's label (SyncState).
BADGE_STYLES: dict[str, str] = {
    SyncState.PUBLISHING: "text-bg-info",
    SyncState.IN_SYNC: "text-bg-success",
    SyncState.FAILED: "text-bg-danger",
    SyncState.DELETING: "text-bg-secondary",
}


@register.inclusion_tag("publish/_sync_badge.html")
def sync_badge(publication: Publication | None, published: bool = True) -> dict[str, Any]:
    """`published`: whether the group's account publishes at all (no badge otherwise)."""
    style = BADGE_STYLES.get(publication.state, "text-bg-info") if publication else ""
    return {"publication": publication, "published": published, "style": style}


@register.inclusion_tag("publish/_sync_panel.html", takes_context=True)
def sync_panel(context: dict[str, Any], group: Group | None) -> dict[str, Any]:
    request = context["request"]
    if group is None or group.pk is None or group._state.adding:
        return {"show": False}
    connection = selectors.connection_for(group.account)
    publication = selectors.publication_of(group)
    return {
        "show": connection is not None or publication is not None,
        "connection": connection,
        "publication": publication,
        "group": group,
        "can_edit": has_role(request, Role.EDITOR),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("publish/_dry_run.html")
def publish_dry_run(group: Group, spec: dict[str, Any]) -> dict[str, Any]:
    """What applying `spec` would send to Spot, and how Spot's live copy differs from it (the
    review page of a change shows this before apply). Reads Spot once; nothing is sent."""
    if selectors.connection_for(group.account) is None:
        return {"connected": False}
    found = drift.dry_run(group, spec)
    body = json.dumps(found.body, indent=2, sort_keys=True) if found.body is not None else ""
    return {"connected": True, "dry_run": found, "body": body}

"""Sync state with Spot in our own API, in Spot's envelope:

GET  /api/publishing?accountId=act-…        every group and node of the account, with its state
GET  /api/publishing/{groupId}              one group's state, last publish and drift
POST /api/publishing/{groupId}/retry        publish a failed one again (editors)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from console.api_auth import bearer, caller, require_role
from console.api_envelope import ApiError, ErrorItem, ok
from console.api_schemas import DOCUMENTED
from console.models import Role
from groups.api.kinds import GROUP_DOESNT_EXIST
from groups.models import Group, Status
from groups.selectors import groups_for

from . import selectors, services
from .models import Publication, SyncState

router = Router(auth=bearer, tags=["Publishing to Spot"])
PREFIX = "/api/publishing"
KIND = "gallery-console:publishing"
NEVER_PUBLISHED = "never_published"
NOT_PUBLISHED = "not_published"  # the account has no Spot connection


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def sync_item(group: Group, publication: Publication | None, connected: bool) -> dict[str, Any]:
    if publication is None:
        state = NEVER_PUBLISHED if connected and group.status == Status.ACTIVE else NOT_PUBLISHED
        return {"groupId": group.id, "kind": group.kind, "name": group.name, "state": state}
    return {
        "groupId": group.id,
        "kind": group.kind,
        "name": group.name,
        "state": publication.state,
        "remoteId": publication.remote_id or None,
        "requestedRevision": publication.requested_revision,
        "lastPublish": {
            "revision": publication.published_revision,
            "at": _time(publication.published_at),
            "requestId": publication.request_id or None,
        }
        if publication.published_revision is not None
        else None,
        "error": {
            "code": publication.error_code,
            "message": publication.error_message,
            "retryable": publication.retryable,
            "attempts": publication.attempts,
        }
        if publication.state == SyncState.FAILED
        else None,
        "drift": {
            "checkedAt": _time(publication.drift_checked_at),
            "differences": publication.drift,
        }
        if publication.drift_checked_at is not None
        else None,
    }


def _group(request: HttpRequest, group_id: str, role: str = Role.VIEWER) -> Group:
    membership = require_role(request, role)
    group = groups_for(membership.organization).filter(pk=group_id).first()
    if group is None:
        raise ApiError(
            404, ErrorItem(GROUP_DOESNT_EXIST, f"Group or node {group_id} does not exist.")
        )
    return group


@router.get(PREFIX, response=DOCUMENTED, summary="Sync state of an account's groups")
def list_sync(request: HttpRequest, accountId: str | None = None) -> JsonResponse:
    who = caller(request, accountId)
    groups = list(groups_for(who.organization, account=who.account))
    publications = selectors.publications_by_group(who.organization, [g.id for g in groups])
    connected = selectors.connection_for(who.account) is not None
    items = [sync_item(g, publications.get(g.id), connected) for g in groups]
    return ok(request, kind=KIND, items=items)


@router.get(f"{PREFIX}/{{groupId}}", response=DOCUMENTED, summary="Sync state of a group")
def get_sync(request: HttpRequest, groupId: str) -> JsonResponse:
    group = _group(request, groupId)
    connected = selectors.connection_for(group.account) is not None
    return ok(
        request, kind=KIND, items=[sync_item(group, selectors.publication_of(group), connected)]
    )


@router.post(f"{PREFIX}/{{groupId}}/retry", response=DOCUMENTED, summary="Retry publishing")
def retry_sync(request: HttpRequest, groupId: str) -> JsonResponse:
    group = _group(request, groupId, Role.EDITOR)
    publication = selectors.publication_of(group)
    if publication is None or publication.state != SyncState.FAILED:
        raise ApiError(
            409,
            ErrorItem(
                "NOT_FAILED",
                f"{group.name} has no failed publish to retry"
                + (f" (it is {publication.get_state_display().lower()})." if publication else "."),
            ),
        )
    services.retry(actor=request.auth.user, publication=publication)  # type: ignore[attr-defined]
    publication.refresh_from_db()
    return ok(request, kind=KIND, items=[sync_item(group, publication, True)])

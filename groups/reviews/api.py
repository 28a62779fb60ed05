"""Our own review API (Spot has none), in Spot's envelope, bearer tokens as the rest of the API.

GET  /api/reviews/changes?state=open&accountId=&author=&image=   the organization's changes
GET  /api/reviews/changes/{changeId}                              one, with its diff and timeline
POST /api/reviews/changes/{changeId}/requestReview                {version, reviewers: [user]}
POST /api/reviews/changes/{changeId}/approve                      {version, text}
POST /api/reviews/changes/{changeId}/requestChanges               {version, text}
POST /api/reviews/changes/{changeId}/comments                     {text}
POST /api/reviews/changes/{changeId}/apply                        {version, bypassReason}
GET  /api/reviews/groups/{groupId}                                a group's review state

A refused step is a 403 (role, policy, own change), a 409 (edited meanwhile) or a 400 (the
proposed revision does not validate: `errors[].field` says where), with the reason in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from console.api_auth import bearer, require_role
from console.api_envelope import CONFLICT, NOT_FOUND, ApiError, ErrorItem, ok
from console.api_schemas import DOCUMENTED
from console.models import Role

from ..editor.values import unified_diff
from ..models import Group, Status
from ..validation.problems import VALIDATION_ERROR
from . import services
from .diff import changes_in_words
from .models import ChangeRequest
from .refusals import ApplyFailed, ChangeConflict, InvalidInput, ReviewRefused
from .selectors import changes_for, get_change, open_change_of, timeline_of, verdicts_of

router = Router(auth=bearer, tags=["Reviews"])
PREFIX = "/api/reviews"
CHANGE_PATH = f"{PREFIX}/changes/{{changeId}}"
KIND = "gallery-console:review:"
REVIEW_REFUSED = "REVIEW_REFUSED"


class StepBody(Schema):
    version: int | None = None
    text: str = ""


class ReviewRequestBody(Schema):
    version: int | None = None
    reviewers: list[str] = []


class ApplyBody(Schema):
    version: int | None = None
    bypassReason: str = ""


class CommentBody(Schema):
    text: str


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def change_item(change: ChangeRequest, *, full: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": change.pk,
        "groupId": change.group_id,
        "groupName": change.group.name,
        "kind": change.group.kind,
        "accountId": change.group.account_id,
        "state": change.state,
        "version": change.version,
        "baseRevision": change.base_revision,
        "appliedRevision": change.applied_revision,
        "author": change.author.get_username() if change.author else None,
        "health": change.health,
        "createdAt": _time(change.created_at),
        "updatedAt": _time(change.updated_at),
    }
    if not full:
        return item
    group = change.group
    live = group.spec if group.status == Status.ACTIVE and change.is_open else None
    item["proposed"] = change.proposed_spec
    item["diff"] = [
        {"path": field.path, "label": field.label, "words": field.words}
        for field in changes_in_words(live, change.proposed_spec)
    ]
    item["jsonDiff"] = "\n".join(unified_diff(live or {}, change.proposed_spec, "live", "proposed"))
    item["reviewers"] = [user.get_username() for user in change.reviewers.all()]
    item["verdicts"] = [
        {"reviewer": v.reviewer.get_username(), "verdict": v.kind, "version": v.version}
        for v in verdicts_of(change)
    ]
    item["timeline"] = [
        {
            "kind": event.kind,
            "actor": event.actor.get_username() if event.actor else None,
            "text": event.text,
            "data": event.data,
            "at": _time(event.created_at),
        }
        for event in timeline_of(group).filter(change=change)
    ]
    return item


def _change(request: HttpRequest, change_id: int) -> tuple[ChangeRequest, Any]:
    """The change (of the caller's organization) and the calling user."""
    membership = require_role(request, Role.VIEWER)
    try:
        return get_change(membership.organization, change_id), membership.user
    except ChangeRequest.DoesNotExist as missing:
        raise ApiError(
            404, ErrorItem(NOT_FOUND, f"Change {change_id} does not exist.")
        ) from missing


def _refused(refused: ReviewRefused) -> ApiError:
    if isinstance(refused, ApplyFailed):
        return ApiError(
            400,
            [ErrorItem(p.code, p.message, p.field) for p in refused.problems],
        )
    if isinstance(refused, InvalidInput):
        return ApiError(400, ErrorItem(VALIDATION_ERROR, str(refused), "text"))
    if isinstance(refused, ChangeConflict):
        return ApiError(409, ErrorItem(CONFLICT, str(refused)))
    return ApiError(403, ErrorItem(REVIEW_REFUSED, str(refused)))


def _answer(request: HttpRequest, change_id: int) -> JsonResponse:
    change, _ = _change(request, change_id)
    return ok(request, kind=KIND + "change", items=[change_item(change, full=True)])


@router.get(f"{PREFIX}/changes", response=DOCUMENTED, summary="Changes of the organization")
def list_changes(
    request: HttpRequest,
    state: str | None = None,
    accountId: str | None = None,
    author: str | None = None,
    image: str | None = None,
) -> JsonResponse:
    membership = require_role(request, Role.VIEWER)
    author_user = None
    if author:
        author_user = get_user_model().objects.filter(username=author).first()
        if author_user is None:
            return ok(request, kind=KIND + "change", items=[])
    changes = changes_for(
        membership.organization,
        state=state,
        account=accountId,
        author=author_user,
        image_name=image,
    )
    return ok(request, kind=KIND + "change", items=[change_item(c) for c in changes[:500]])


@router.get(
    CHANGE_PATH,
    response=DOCUMENTED,
    summary="A change with its diff and timeline",
    description="`diff` says each changed field in words; `jsonDiff` is the unified diff of "
    "the Spot JSON (live against proposed).",
)
def get_change_detail(request: HttpRequest, changeId: int) -> JsonResponse:
    return _answer(request, changeId)


def _step(
    request: HttpRequest, change_id: int, act: Callable[[ChangeRequest, Any], object]
) -> JsonResponse:
    """Run one review step as the caller, answering with the change as it is then."""
    change, actor = _change(request, change_id)
    try:
        act(change, actor)
    except ReviewRefused as refused:
        raise _refused(refused) from refused
    return _answer(request, change_id)


@router.post(f"{CHANGE_PATH}/requestReview", response=DOCUMENTED, summary="Ask for review")
def request_review(request: HttpRequest, changeId: int, body: ReviewRequestBody) -> JsonResponse:
    users = list(get_user_model().objects.filter(username__in=body.reviewers))
    unknown = sorted(set(body.reviewers) - {user.get_username() for user in users})
    if unknown:
        raise ApiError(
            400, ErrorItem(REVIEW_REFUSED, f"Unknown reviewers: {', '.join(unknown)}.", "reviewers")
        )
    return _step(
        request,
        changeId,
        lambda change, actor: services.request_review(
            actor=actor, change=change, reviewers=users, expected_version=body.version
        ),
    )


def _verdict(request: HttpRequest, changeId: int, body: StepBody, give: Any) -> JsonResponse:
    """Approve or request changes (`give`), on the version the reviewer read."""
    return _step(
        request,
        changeId,
        lambda change, actor: give(
            actor=actor, change=change, text=body.text, expected_version=body.version
        ),
    )


@router.post(f"{CHANGE_PATH}/approve", response=DOCUMENTED, summary="Approve a change")
def approve(request: HttpRequest, changeId: int, body: StepBody) -> JsonResponse:
    return _verdict(request, changeId, body, services.approve)


@router.post(f"{CHANGE_PATH}/requestChanges", response=DOCUMENTED, summary="Request changes")
def request_changes(request: HttpRequest, changeId: int, body: StepBody) -> JsonResponse:
    return _verdict(request, changeId, body, services.request_changes)


@router.post(f"{CHANGE_PATH}/comments", response=DOCUMENTED, summary="Comment on a change")
def add_comment(request: HttpRequest, changeId: int, body: CommentBody) -> JsonResponse:
    return _step(
        request,
        changeId,
        lambda change, actor: services.comment(actor=actor, change=change, text=body.text),
    )


@router.post(
    f"{CHANGE_PATH}/apply",
    response=DOCUMENTED,
    summary="Apply a change",
    description="Runs the full validation against today's inventory and writes the live "
    "group; the Spot API serves it at once.",
)
def apply(request: HttpRequest, changeId: int, body: ApplyBody) -> JsonResponse:
    return _step(
        request,
        changeId,
        lambda change, actor: services.apply_change(
            actor=actor,
            change=change,
            expected_version=body.version,
            bypass_reason=body.bypassReason,
        ),
    )


@router.get(
    f"{PREFIX}/groups/{{groupId}}",
    response=DOCUMENTED,
    summary="A group's review state",
    description="`openChange` is the change waiting for review, null when there is none.",
)
def group_review(request: HttpRequest, groupId: str) -> JsonResponse:
    membership = require_role(request, Role.VIEWER)
    group = Group.objects.filter(organization=membership.organization, pk=groupId).first()
    if group is None:
        raise ApiError(404, ErrorItem(NOT_FOUND, f"Group {groupId} does not exist."))
    change = open_change_of(group)
    item = {
        "groupId": group.pk,
        "status": group.status,
        "liveRevision": group.revision if group.status == Status.ACTIVE else None,
        "openChange": change_item(change, full=True) if change is not None else None,
    }
    return ok(request, kind=KIND + "group", items=[item])

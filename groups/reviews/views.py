"""The review pages: the inbox, one change's review page and its steps, the policy settings.

Views parse, call one service, render; every read goes through the organization's selectors.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from console.http import AuthedRequest
from console.models import Role
from console.permissions import has_role, role_required
from console.selectors import accounts_for, members_of

from ..editor.values import unified_diff
from ..models import Kind, Status
from ..page_urls import EDIT_URL
from ..selectors import groups_for
from . import services
from .diff import changes_in_words
from .forms import PolicyForm, StepForm
from .models import ChangeRequest, ChangeState
from .policy import PolicyValues, approvals_missing, policy_for, update_policy
from .refusals import ApplyFailed, ChangeConflict, InvalidInput, ReviewRefused
from .selectors import (
    COUNT_WALK,
    InboxCounts,
    ListedChange,
    get_change,
    mine_waiting,
    narrowed,
    open_change_of,
    recently_applied,
    timeline_of,
    verdicts_of,
    waiting_for,
    window_of,
)

INBOX_LIMIT = 25


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox list (`?<name>_page=N`): INBOX_LIMIT rows, and whether there are
    earlier or later pages. No COUNT: one more row than shown says whether more follow."""

    rows: list[ListedChange]
    number: int
    has_next: bool
    param: str
    query: str  # the other parameters of the request, kept by the page links
    # Asked to count and on its first page: its changes counted as the navigation counts them
    # (up to one past the cap), from the same read. Else None.
    counted: int | None

    @classmethod
    def of(
        cls, request: AuthedRequest, name: str, changes: Any, *, counting: bool = False
    ) -> InboxPage:
        param = f"{name}_page"
        raw = request.GET.get(param, "1")
        number = int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1
        start = (number - 1) * INBOX_LIMIT
        counting = counting and number == 1
        # The few rows past the page that a count reads cost less than a second query.
        read = max(INBOX_LIMIT + 1, COUNT_WALK) if counting else INBOX_LIMIT + 1
        found = window_of(changes, start, start + read)
        others = request.GET.copy()
        others.pop(param, None)
        return cls(
            found[:INBOX_LIMIT],
            number,
            len(found) > INBOX_LIMIT,
            param,
            others.urlencode(),
            min(len(found), COUNT_WALK) if counting else None,
        )

    @property
    def shown(self) -> str:
        """The badge: the rows on this page, "25+" when more follow."""
        count = len(self.rows) + (self.number - 1) * INBOX_LIMIT
        return f"{count}+" if self.has_next else str(count)


def _change_or_404(request: AuthedRequest, change_id: int) -> ChangeRequest:
    try:
        return get_change(request.organization, change_id)
    except ChangeRequest.DoesNotExist as missing:
        raise Http404("No such change in this organization.") from missing


# --- inbox ---------------------------------------------------------------------------------------


@role_required()
def inbox(request: AuthedRequest) -> HttpResponse:
    organization = request.organization
    filters = {
        "account": request.GET.get("account") or None,
        "state": request.GET.get("state") or None,
        "author": request.GET.get("author") or None,
        "image": (request.GET.get("image") or "").strip() or None,
    }
    author: Any = None
    if filters["author"]:
        membership = members_of(organization).filter(user__username=filters["author"]).first()
        # An unknown author matches no change (rather than every change).
        author = membership.user if membership is not None else get_user_model()(pk=0)

    def listed(name: str, changes: Any, *, counting: bool = False) -> InboxPage:
        changes = narrowed(
            changes,
            state=filters["state"],
            account=filters["account"],
            author=author,
            image_name=filters["image"],
        )
        return InboxPage.of(request, name, changes, counting=counting)

    # Unfiltered, the first pages of "waiting for me" and "mine" are what the navigation counts.
    unfiltered = not any(filters.values())
    waiting = listed("waiting", waiting_for(organization, request.user), counting=unfiltered)
    mine = listed("mine", mine_waiting(organization, request.user), counting=unfiltered)
    context: dict[str, Any] = {
        "waiting": waiting,
        "mine": mine,
        "applied": listed("applied", recently_applied(organization)),
        "filters": filters,
        "accounts": accounts_for(organization).values_list("pk", "name"),
        "author_names": members_of(organization).values_list("user__username", flat=True),
        "states": ChangeState.choices,
    }
    if waiting.counted is not None and mine.counted is not None:
        # The navigation shows these lists' counts: no second walk (this replaces
        # context_processors.review_counts's callable for this page).
        counts = InboxCounts(waiting_for_me=waiting.counted, mine=mine.counted)
        context["review_counts"] = lambda: counts
    return render(request, "reviews/inbox.html", context)


# --- one change ----------------------------------------------------------------------------------


def _live_spec(change: ChangeRequest) -> dict[str, Any] | None:
    group = change.group
    if change.state == ChangeState.APPLIED:
        return None
    return group.spec if group.status == Status.ACTIVE else None


def _render_change(
    request: AuthedRequest,
    change: ChangeRequest,
    *,
    problems: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    organization = request.organization
    policy = policy_for(organization)
    live = _live_spec(change)
    role = request.membership.role
    is_author = change.author_id == request.user.pk
    can_edit = has_role(request, Role.EDITOR)
    context = {
        "change": change,
        "group": change.group,
        "edit_url": EDIT_URL[Kind(change.group.kind)],
        "words": changes_in_words(live, change.proposed_spec) if change.is_open else [],
        "raw_diff": (
            unified_diff(live or {}, change.proposed_spec, "live", "proposed")
            if change.is_open
            else []
        ),
        "timeline": timeline_of(change.group),
        "verdicts": verdicts_of(change),
        "policy": policy,
        "missing": approvals_missing(change, policy) if change.is_open else None,
        "can_review": change.is_open and role in policy.approver_roles and not is_author,
        "is_author": is_author,
        "can_edit": can_edit,
        "can_bypass": policy.admin_bypass and role == Role.ADMIN,
        "members": [m for m in members_of(organization) if m.user_id != change.author_id],
        "reviewers": list(change.reviewers.all()),
        "problems": problems or [],
    }
    return render(request, "reviews/change.html", context, status=status)


@role_required()
def change_page(request: AuthedRequest, change_id: int) -> HttpResponse:
    return _render_change(request, _change_or_404(request, change_id))


_STEPS = ("comment", "request_review", "approve", "request_changes", "apply", "discard")


@require_POST
@role_required()
def change_step(request: AuthedRequest, change_id: int, step: str) -> HttpResponse:
    """One review step posted from the review page; a refusal comes back on the page, in words."""
    if step not in _STEPS:
        raise Http404("No such review step.")
    change = _change_or_404(request, change_id)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was missing which version you decided on: reload it.")
        return redirect("reviews:change", change_id=change.pk)
    version = form.cleaned_data["version"]
    text = form.cleaned_data["text"] or ""
    actor = request.user
    try:
        if step == "comment":
            services.comment(actor=actor, change=change, text=text)
            done = "Comment added."
        elif step == "request_review":
            wanted = request.POST.getlist("reviewers")
            users = list(
                get_user_model().objects.filter(
                    pk__in=[pk for pk in wanted if pk.isdigit()],
                    memberships__organization=request.organization,
                )
            )
            services.request_review(
                actor=actor, change=change, reviewers=users, expected_version=version
            )
            done = "Review requested."
        elif step == "approve":
            services.approve(actor=actor, change=change, text=text, expected_version=version)
            done = "You approved the change."
        elif step == "request_changes":
            services.request_changes(
                actor=actor, change=change, text=text, expected_version=version
            )
            done = "You requested changes."
        elif step == "apply":
            applied = services.apply_change(
                actor=actor,
                change=change,
                expected_version=version,
                bypass_reason=request.POST.get("bypass_reason", ""),
            )
            done = f"Applied: {applied.name} is live at revision {applied.revision}."
        else:
            services.discard_change(actor=actor, change=change, expected_version=version)
            done = "The change was discarded; the live group is unchanged."
    except ApplyFailed as failed:
        messages.error(request, "Not applied: the proposed revision has problems, listed below.")
        return _render_change(
            request, _change_or_404(request, change_id), problems=failed.problems, status=422
        )
    except ReviewRefused as refused:
        messages.error(request, str(refused))
        status = 403
        if isinstance(refused, ChangeConflict):
            status = 409
        elif isinstance(refused, InvalidInput):
            status = 422
        return _render_change(request, _change_or_404(request, change_id), status=status)
    messages.success(request, done)
    return redirect("reviews:change", change_id=change.pk)


@role_required()
def group_timeline(request: AuthedRequest, group_id: str) -> HttpResponse:
    """A group's whole timeline (every change, applied or not, and API applies), also when no
    change is open."""
    group = groups_for(request.organization).filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group in this organization.")
    context = {
        "group": group,
        "edit_url": EDIT_URL[Kind(group.kind)],
        "timeline": timeline_of(group),
        "open_change": open_change_of(group),
    }
    return render(request, "reviews/timeline.html", context)


# --- policy --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def policy_settings(request: AuthedRequest) -> HttpResponse:
    organization = request.organization
    policy = policy_for(organization)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            update_policy(
                actor=request.user,
                organization=organization,
                values=PolicyValues(**form.cleaned_data),
            )
            messages.success(request, "Review policy saved.")
            return redirect("reviews:policy")
        status = 422
    else:
        form = PolicyForm(initial=asdict(PolicyValues.of(policy)))
        status = 200
    return render(request, "reviews/policy.html", {"form": form}, status=status)

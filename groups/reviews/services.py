"""Every write of a review: propose, ask for review, approve, request changes, comment, apply,
discard, the policy. Each step is checked against the actor's role and the organization's
policy, written on the group's timeline and in the audit log, in one transaction.

Rules: the author cannot approve their own change; a verdict or an apply made from an older
version of the change is refused (someone edited it meanwhile); any edit after a verdict
returns the change to "in review" and dismisses the verdicts, saying so on the timeline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, transaction

from console.models import Membership, Organization, Role
from console.services import record_audit

from ..models import Group, Status
from ..selectors import groups_for
from ..services import RevisionConflict, ValidationFailed, save_group, update_group
from ..spot.json import merge_update, without_password
from ..validation.problems import Problem
from ..validation.rules import validate_spec
from .health import latest_resolution
from .models import (
    OPEN_STATES,
    ChangeRequest,
    ChangeState,
    EventKind,
    ReviewPolicy,
    TimelineEvent,
    Verdict,
    VerdictKind,
)
from .selectors import spec_to_edit

COMMENT_MAX_LENGTH = 10_000
APPROVER_ROLE_CHOICES = (Role.ADMIN, Role.EDITOR, Role.VIEWER)


class ReviewRefused(Exception):
    """A review step was not allowed; the message says why, in words a user can act on."""


class InvalidInput(ReviewRefused):
    """A comment or reason that is missing or too long."""


class ChangeConflict(ReviewRefused):
    """The change was edited (or its group changed) since the page the step was made from."""


class ApplyFailed(ReviewRefused):
    """The proposed revision does not validate against today's inventory."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("Not applied: " + "; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class PolicyValues:
    approvals_required: int
    approver_roles: list[str]
    admin_bypass: bool
    api_requires_review: bool
    reapproval_conditions: list[str]


# --- helpers -------------------------------------------------------------------------------------


def _role_of(actor: Any, organization: Organization) -> str | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    membership = Membership.objects.filter(user=actor, organization=organization).first()
    return membership.role if membership is not None else None


def _require_role(actor: Any, organization: Organization, required: str, doing: str) -> str:
    role = _role_of(actor, organization)
    if role is None or not Membership(role=role).has_role(required):
        raise ReviewRefused(f"Only a member with the {required} role can {doing}.")
    return role


def policy_for(organization: Organization) -> ReviewPolicy:
    """The organization's policy; the defaults (unsaved) when it never changed them."""
    policy = ReviewPolicy.objects.filter(organization=organization).first()
    return policy if policy is not None else ReviewPolicy(organization=organization)


def _event(
    change: ChangeRequest | None,
    group: Group,
    kind: str,
    actor: Any,
    text: str = "",
    **data: Any,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        group=group,
        change=change,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        text=text,
        data=data,
    )


def _audit(change: ChangeRequest, actor: Any, verb: str, **after: Any) -> None:
    record_audit(
        organization=change.organization,
        actor=actor,
        action=f"change_request.{verb}",
        obj_type="change_request",
        obj_id=change.pk,
        obj_repr=f"{change.group.name} ({change.group_id})",
        after={"group": change.group_id, "state": change.state, **after},
    )


def _locked_open(change: ChangeRequest) -> ChangeRequest:
    locked = (
        ChangeRequest.objects.select_for_update()
        .select_related("group", "organization")
        .get(pk=change.pk)
    )
    if not locked.is_open:
        raise ReviewRefused(f"This change was already {locked.get_state_display().lower()}.")
    return locked


def _check_version(change: ChangeRequest, expected_version: int | None) -> None:
    if expected_version is not None and change.version != expected_version:
        raise ChangeConflict(
            "The change was edited since you opened it (now at version "
            f"{change.version}); read it again, then decide."
        )


def _clean_text(text: str, *, required: bool, what: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(f"Write {what}.")
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidInput(f"Keep {what} under {COMMENT_MAX_LENGTH:,} characters.")
    return text


def _state_from_verdicts(change: ChangeRequest, policy: ReviewPolicy) -> str:
    """Changes requested by anyone blocks; enough approvals approve; otherwise in review."""
    kinds = list(change.verdicts.values_list("kind", flat=True))
    if VerdictKind.CHANGES_REQUESTED in kinds:
        return ChangeState.CHANGES_REQUESTED
    approvals = kinds.count(VerdictKind.APPROVED)
    if approvals and approvals >= policy.approvals_required:
        return ChangeState.APPROVED
    return ChangeState.IN_REVIEW


def _dismiss_verdicts(change: ChangeRequest, actor: Any, reason: str) -> bool:
    """Drop every verdict; True (and a timeline entry) when there was one."""
    deleted, _ = change.verdicts.all().delete()
    if not deleted:
        return False
    _event(change, change.group, EventKind.APPROVAL_DISMISSED, actor, reason)
    return True


# --- policy --------------------------------------------------------------------------------------


def update_policy(*, actor: Any, organization: Organization, values: PolicyValues) -> ReviewPolicy:
    _require_role(actor, organization, Role.ADMIN, "change the review policy")
    with transaction.atomic():
        policy, _ = ReviewPolicy.objects.select_for_update().get_or_create(
            organization=organization
        )
        before = {
            "approvals_required": policy.approvals_required,
            "approver_roles": policy.approver_roles,
            "admin_bypass": policy.admin_bypass,
            "api_requires_review": policy.api_requires_review,
            "reapproval_conditions": policy.reapproval_conditions,
        }
        policy.approvals_required = values.approvals_required
        policy.approver_roles = [
            role for role in APPROVER_ROLE_CHOICES if role in values.approver_roles
        ]
        policy.admin_bypass = values.admin_bypass
        policy.api_requires_review = values.api_requires_review
        policy.reapproval_conditions = list(values.reapproval_conditions)
        policy.save()
        record_audit(
            organization=organization,
            actor=actor,
            action="review_policy.update",
            obj_type="review_policy",
            obj_id=policy.pk,
            obj_repr="Review policy",
            before=before,
            after={**asdict(values), "approver_roles": policy.approver_roles},
        )
    return policy


# --- the change ----------------------------------------------------------------------------------


def propose_change(
    *,
    actor: Any,
    group: Group,
    spec: dict[str, Any],
    expected_version: int | None = None,
) -> tuple[ChangeRequest, list[Problem]]:
    """Open the group's change with `spec` as the proposed revision, or edit the open one.

    The live group is not touched. A value that breaks a field rule is refused (as for any
    draft); other problems come back as warnings. An edit after a verdict dismisses the
    verdicts and returns the change to "in review".
    """
    organization = group.organization
    _require_role(actor, organization, Role.EDITOR, "propose a change")
    problems = validate_spec(
        organization=organization,
        account=group.account,
        kind=group.kind,
        spec=spec,
        has_stored_password=bool(group.login_password_encrypted),
        previous_spec=group.spec if group.status == Status.ACTIVE else None,
    )
    hard = [problem for problem in problems if problem.hard]
    if hard:  # never stored, as for any draft
        raise ValidationFailed(hard)
    proposed = without_password(spec)
    try:
        with transaction.atomic():
            live = Group.objects.select_for_update().get(pk=group.pk)
            change = (
                ChangeRequest.objects.select_for_update()
                .select_related("group", "organization")
                .filter(group=live, state__in=OPEN_STATES)
                .first()
            )
            if change is None:
                change = ChangeRequest.objects.create(
                    organization=organization,
                    group=live,
                    proposed_spec=proposed,
                    base_revision=live.revision if live.status == Status.ACTIVE else 0,
                    author=actor,
                )
                _event(change, live, EventKind.PROPOSED, actor)
                _audit(change, actor, "propose")
                return change, problems
            _check_version(change, expected_version)
            change.proposed_spec = proposed
            change.version += 1
            _event(change, live, EventKind.EDITED, actor, version=change.version)
            if change.state != ChangeState.DRAFT:
                _dismiss_verdicts(
                    change, actor, "The change was edited, so earlier reviews no longer apply."
                )
                change.state = ChangeState.IN_REVIEW
                change.approved_resolution = ""
            change.save()
            _audit(change, actor, "edit", version=change.version)
    except IntegrityError as clash:
        # Two first edits at once: both tried to open the group's change; the other won.
        raise ChangeConflict(
            "Someone opened a change for this group at the same moment; reload it, then edit."
        ) from clash
    return change, problems


def request_review(
    *,
    actor: Any,
    change: ChangeRequest,
    reviewers: list[Any] | None = None,
    expected_version: int | None = None,
) -> ChangeRequest:
    """Ask for review, optionally naming reviewers (members of the organization)."""
    organization = change.organization
    _require_role(actor, organization, Role.EDITOR, "ask for a review")
    reviewers = list(reviewers or [])
    member_ids = set(
        Membership.objects.filter(
            organization=organization, user__in=[user.pk for user in reviewers]
        ).values_list("user_id", flat=True)
    )
    strangers = [str(user) for user in reviewers if user.pk not in member_ids]
    if strangers:
        raise ReviewRefused(f"Not a member of this organization: {', '.join(strangers)}.")
    if any(user.pk == change.author_id for user in reviewers):
        raise ReviewRefused("The author cannot review their own change: name someone else.")
    with transaction.atomic():
        locked = _locked_open(change)
        _check_version(locked, expected_version)
        if locked.state == ChangeState.APPROVED:
            raise ReviewRefused("This change is already approved.")
        locked.state = ChangeState.IN_REVIEW
        locked.save(update_fields=["state", "updated_at"])
        if reviewers:
            locked.reviewers.add(*reviewers)
        names = [user.get_username() for user in reviewers]
        _event(locked, locked.group, EventKind.REQUESTED, actor, reviewers=names)
        _audit(locked, actor, "request_review", reviewers=names)
    return locked


def _verdict(
    actor: Any,
    change: ChangeRequest,
    kind: VerdictKind,
    text: str,
    expected_version: int | None,
) -> ChangeRequest:
    required, what = _VERDICT_TEXT[kind]
    text = _clean_text(text, required=required, what=what)
    organization = change.organization
    policy = policy_for(organization)
    role = _role_of(actor, organization)
    if role is None:
        raise ReviewRefused("Only members of this organization review its changes.")
    if role not in policy.approver_roles:
        allowed = " or ".join(policy.approver_roles) or "nobody"
        raise ReviewRefused(f"In this organization, changes are reviewed by: {allowed}.")
    with transaction.atomic():
        locked = _locked_open(change)
        _check_version(locked, expected_version)
        if locked.author_id == actor.pk:
            raise ReviewRefused("You cannot approve or reject your own change: ask someone else.")
        if locked.state == ChangeState.DRAFT:
            raise ReviewRefused("The author has not asked for review yet.")
        Verdict.objects.update_or_create(
            change=locked,
            reviewer=actor,
            defaults={"kind": kind, "version": locked.version},
        )
        locked.state = _state_from_verdicts(locked, policy)
        if locked.state == ChangeState.APPROVED:
            # What "latest" means now, so that health can say when it starts meaning another.
            locked.approved_resolution = latest_resolution(locked)
        locked.save(update_fields=["state", "approved_resolution", "updated_at"])
        event = EventKind.APPROVED if kind == VerdictKind.APPROVED else EventKind.CHANGES_REQUESTED
        _event(locked, locked.group, event, actor, text, version=locked.version)
        _audit(locked, actor, "approve" if kind == VerdictKind.APPROVED else "request_changes")
    return locked


# Whether a verdict needs words, and what to call them when they are missing.
_VERDICT_TEXT = {
    VerdictKind.APPROVED: (False, "the comment"),
    VerdictKind.CHANGES_REQUESTED: (True, "what should change"),
}


def approve(
    *, actor: Any, change: ChangeRequest, text: str = "", expected_version: int | None = None
) -> ChangeRequest:
    return _verdict(actor, change, VerdictKind.APPROVED, text, expected_version)


def request_changes(
    *, actor: Any, change: ChangeRequest, text: str, expected_version: int | None = None
) -> ChangeRequest:
    return _verdict(actor, change, VerdictKind.CHANGES_REQUESTED, text, expected_version)


def comment(*, actor: Any, change: ChangeRequest, text: str) -> TimelineEvent:
    """Any member, viewers included, may comment on any change, open or closed."""
    _require_role(actor, change.organization, Role.VIEWER, "comment")
    text = _clean_text(text, required=True, what="a comment")
    with transaction.atomic():
        event = _event(change, change.group, EventKind.COMMENTED, actor, text)
        _audit(change, actor, "comment")
    return event


def discard_change(
    *, actor: Any, change: ChangeRequest, expected_version: int | None = None
) -> ChangeRequest:
    """Close the change unapplied; the live group stays as it is."""
    _require_role(actor, change.organization, Role.EDITOR, "discard a change")
    with transaction.atomic():
        locked = _locked_open(change)
        _check_version(locked, expected_version)
        locked.state = ChangeState.DISCARDED
        locked.save(update_fields=["state", "updated_at"])
        _event(locked, locked.group, EventKind.DISCARDED, actor)
        _audit(locked, actor, "discard")
    return locked


def approvals_missing(change: ChangeRequest, policy: ReviewPolicy) -> str | None:
    """Why the policy does not let the change be applied yet, or None when it does."""
    if policy.approvals_required == 0:
        return None
    if change.state == ChangeState.CHANGES_REQUESTED:
        return "A reviewer requested changes: edit the change, then ask for review again."
    approvals = change.verdicts.filter(kind=VerdictKind.APPROVED).count()
    if approvals < policy.approvals_required:
        needed = policy.approvals_required
        return (
            f"This change needs {needed} approval{'s' if needed != 1 else ''} before it is "
            f"applied; it has {approvals}."
        )
    return None


def apply_change(
    *,
    actor: Any,
    change: ChangeRequest,
    expected_version: int | None = None,
    bypass_reason: str = "",
) -> Group:
    """Write the proposed revision as the live group (full validation against today's
    inventory), with its audit entry and timeline event, in one transaction.

    An admin may apply without the approvals when the policy allows it, with a reason that
    is recorded.
    """
    organization = change.organization
    role = _require_role(actor, organization, Role.EDITOR, "apply a change")
    policy = policy_for(organization)
    bypass_reason = _clean_text(bypass_reason, required=False, what="the reason")
    with transaction.atomic():
        locked = _locked_open(change)
        _check_version(locked, expected_version)
        group = Group.objects.select_for_update().get(pk=locked.group_id)
        live_revision = group.revision if group.status == Status.ACTIVE else 0
        if live_revision != locked.base_revision:
            raise ChangeConflict(
                f"{group.name} changed since this change was proposed (live revision "
                f"{locked.base_revision} then, {live_revision} now): edit the change so that "
                "it starts from the live group, then ask for review again."
            )
        missing = approvals_missing(locked, policy)
        bypassed = False
        if missing is not None:
            if not (policy.admin_bypass and role == Role.ADMIN and bypass_reason):
                if policy.admin_bypass and role == Role.ADMIN:
                    missing += " As an admin you may apply it anyway with a reason."
                raise ReviewRefused(missing)
            bypassed = True
        try:
            applied, _ = save_group(
                actor=actor,
                organization=organization,
                account=group.account,
                kind=group.kind,
                spec=locked.proposed_spec,
                status=Status.ACTIVE,
                source="console",
                group=group,
                expected_revision=group.revision,
            )
        except ValidationFailed as failed:
            raise ApplyFailed(failed.problems) from failed
        locked.state = ChangeState.APPLIED
        locked.applied_revision = applied.revision
        locked.save(update_fields=["state", "applied_revision", "updated_at"])
        if bypassed:
            _event(locked, applied, EventKind.BYPASSED, actor, bypass_reason)
        _event(locked, applied, EventKind.APPLIED, actor, revision=applied.revision)
        _audit(locked, actor, "apply", revision=applied.revision, bypass_reason=bypass_reason)
    return applied


@dataclass(frozen=True)
class Proposed:
    """An editor save that became (or edited) a change waiting for review."""

    change: ChangeRequest
    problems: list[Problem]


def propose_from_editor(
    *,
    actor: Any,
    organization: Organization,
    account: Any,
    kind: str,
    group: Group | None,
    spec: dict[str, Any],
    save_as_active: bool,
    expected_revision: int | None,
    change_version: int | None,
) -> Proposed | None:
    """The editor's save when the organization reviews changes; None: no review is involved
    (the policy asks for no approval, or a new group is saved as a plain draft), so the editor
    saves as it always did.

    A live group, or a group with an open change, is never written: the save edits the change.
    A new group (or a never-live draft) saved to go live is stored as a draft, and its first
    revision proposed for review.
    """
    if policy_for(organization).approvals_required == 0:
        return None
    has_open_change = (
        group is not None
        and ChangeRequest.objects.filter(group=group, state__in=OPEN_STATES).exists()
    )
    if group is not None and not has_open_change:
        if change_version is not None:
            raise ChangeConflict(
                "The change you were editing was applied or discarded meanwhile; your edits are "
                "kept below: check the group, then save again."
            )
        if expected_revision is not None and group.revision != expected_revision:
            raise RevisionConflict(group)
    if has_open_change and change_version is None:
        raise ChangeConflict(
            "Someone proposed a change to this group since you opened it; your edits are kept "
            "below. Open the change under review, then edit it."
        )
    if group is None or (group.status != Status.ACTIVE and not has_open_change):
        if not save_as_active:
            return None
        group, _ = save_group(
            actor=actor,
            organization=organization,
            account=account,
            kind=kind,
            spec=spec,
            status=Status.DRAFT,
            source="console",
            group=group,
            expected_revision=expected_revision,
        )
    change, problems = propose_change(
        actor=actor, group=group, spec=spec, expected_version=change_version
    )
    return Proposed(change, problems)


def _api_reviewed(organization: Organization) -> bool:
    policy = policy_for(organization)
    return policy.api_requires_review and policy.approvals_required > 0


class AwaitsReview(Exception):
    """The organization reviews API changes: the change was proposed, the live group kept."""

    def __init__(self, change: ChangeRequest) -> None:
        super().__init__(
            f"The change to {change.group.name} ({change.group_id}) awaits review as change "
            f"{change.pk} (version {change.version}); the live group is unchanged. Review and "
            f"apply it in the console (/reviews/{change.pk}/) or through "
            f"/api/reviews/changes/{change.pk}."
        )
        self.change = change


def save_from_api(
    *,
    actor: Any,
    organization: Organization,
    account: Any,
    kind: str,
    spec: dict[str, Any],
    group: Group | None = None,
    expected_revision: int | None = None,
    clear_password: bool = False,
) -> Group:
    """A Spot-API create or update. By default applied at once, as Spot does, and written on
    the group's timeline as applied through the API by the token's owner. When the
    organization reviews API changes too, the change is proposed (a new group waits as a
    draft) and AwaitsReview is raised: the live group stays as it is.
    """
    if _api_reviewed(organization):
        with transaction.atomic():
            if group is None:
                group, _ = save_group(
                    actor=actor,
                    organization=organization,
                    account=account,
                    kind=kind,
                    spec=spec,
                    status=Status.DRAFT,
                    source="api",
                )
            change, _ = propose_change(actor=actor, group=group, spec=spec)
        raise AwaitsReview(change)  # after the commit: the proposal is kept
    with transaction.atomic():
        saved, _ = save_group(
            actor=actor,
            organization=organization,
            account=account,
            kind=kind,
            spec=spec,
            status=Status.ACTIVE,
            source="api",
            group=group,
            expected_revision=expected_revision,
            clear_password=clear_password,
        )
        _event(None, saved, EventKind.APPLIED_API, actor, revision=saved.revision)
    return saved


def update_from_api(
    *,
    actor: Any,
    organization: Organization,
    account: Any,
    kind: str,
    group_id: str,
    patch: dict[str, Any],
) -> Group:
    """A Spot-API update (groups.services.update_group), applied at once and written on the
    timeline; or, when the organization reviews API changes, merged onto the group's open
    change (or its live revision) and proposed: raises AwaitsReview."""
    if _api_reviewed(organization):
        group = groups_for(organization, account=account, kind=kind, status=Status.ACTIVE).get(
            pk=group_id
        )
        with transaction.atomic():
            change, _ = propose_change(
                actor=actor, group=group, spec=merge_update(spec_to_edit(group), patch)
            )
        raise AwaitsReview(change)  # after the commit: the proposal is kept
    with transaction.atomic():
        updated, _ = update_group(
            actor=actor,
            organization=organization,
            account=account,
            kind=kind,
            group_id=group_id,
            patch=patch,
            source="api",
        )
        _event(None, updated, EventKind.APPLIED_API, actor, revision=updated.revision)
    return updated

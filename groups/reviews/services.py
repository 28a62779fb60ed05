"""Every step of a review: propose, ask for review, approve, request changes, comment, apply,
discard (the policy's write is in `policy`; the editor's and the API's saves in `saves`; the
login password typed for a change in `proposed_password`).
Each step is checked against the actor's role and the organization's policy, written on the
group's timeline and in the audit log, in one transaction.

Rules: the author cannot approve their own change; a verdict or an apply made from an older
version of the change is refused (someone edited it meanwhile); any edit after a verdict
returns the change to "in review" and dismisses the verdicts, saying so on the timeline.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from console.models import Membership, Role
from console.services import record_audit
from galleries.crypto import encrypt_secret

from ..edit_context import EditContext
from ..models import Group, Status
from ..services import ValidationFailed, save_group
from ..spot.json import login_password, without_password
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
from .policy import approvals_missing, policy_for
from .proposed_password import next_proposed_password, spec_to_apply
from .refusals import (
    ApplyFailed,
    ChangeConflict,
    ReviewRefused,
    check_version,
    clean_text,
    require_role,
    role_of,
)

# --- helpers -------------------------------------------------------------------------------------


def add_event(
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
    add_event(change, change.group, EventKind.APPROVAL_DISMISSED, actor, reason)
    return True


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
    require_role(actor, organization, Role.EDITOR, "propose a change")
    proposed_password = (
        ChangeRequest.objects.filter(group=group, state__in=OPEN_STATES)
        .values_list("proposed_password_encrypted", flat=True)
        .first()
    )
    problems = validate_spec(
        EditContext(actor, organization, group.account, group.kind),
        spec,
        has_stored_password=bool(group.login_password_encrypted or proposed_password),
        previous_spec=group.spec if group.status == Status.ACTIVE else None,
    )
    hard = [problem for problem in problems if problem.hard]
    if hard:  # never stored, as for any draft
        raise ValidationFailed(hard)
    proposed = without_password(spec)
    typed = login_password(spec)
    try:
        with transaction.atomic():
            live = Group.objects.select_for_update().get(pk=group.pk)
            change = (
                ChangeRequest.objects.select_for_update()
                .select_related("group", "organization")
                .filter(group=live, state__in=OPEN_STATES)
                .first()
            )
            if change is None and expected_version is not None:
                # The change being edited closed meanwhile (applied or discarded): a new one
                # would silently start from another live revision.
                raise ChangeConflict(
                    "The change you were editing was already applied or discarded meanwhile; "
                    "your edit was not saved: open the group again, then propose it anew."
                )
            if change is None:
                change = ChangeRequest.objects.create(
                    organization=organization,
                    group=live,
                    proposed_spec=proposed,
                    proposed_password_encrypted=encrypt_secret(typed) if typed else "",
                    base_revision=live.revision if live.status == Status.ACTIVE else 0,
                    author=actor,
                )
                add_event(change, live, EventKind.PROPOSED, actor)
                _audit(change, actor, "propose")
                return change, problems
            check_version(change, expected_version)
            change.proposed_spec = proposed
            change.proposed_password_encrypted = next_proposed_password(change, spec, typed)
            change.version += 1
            add_event(change, live, EventKind.EDITED, actor, version=change.version)
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
    require_role(actor, organization, Role.EDITOR, "ask for a review")
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
        check_version(locked, expected_version)
        if locked.state == ChangeState.APPROVED:
            raise ReviewRefused("This change is already approved.")
        locked.state = ChangeState.IN_REVIEW
        locked.save(update_fields=["state", "updated_at"])
        if reviewers:
            locked.reviewers.add(*reviewers)
        names = [user.get_username() for user in reviewers]
        add_event(locked, locked.group, EventKind.REQUESTED, actor, reviewers=names)
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
    text = clean_text(text, required=required, what=what)
    organization = change.organization
    policy = policy_for(organization)
    role = role_of(actor, organization)
    if role is None:
        raise ReviewRefused("Only members of this organization review its changes.")
    if role not in policy.approver_roles:
        allowed = " or ".join(policy.approver_roles) or "nobody"
        raise ReviewRefused(f"In this organization, changes are reviewed by: {allowed}.")
    with transaction.atomic():
        locked = _locked_open(change)
        check_version(locked, expected_version)
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
        add_event(locked, locked.group, event, actor, text, version=locked.version)
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
    require_role(actor, change.organization, Role.VIEWER, "comment")
    text = clean_text(text, required=True, what="a comment")
    with transaction.atomic():
        event = add_event(change, change.group, EventKind.COMMENTED, actor, text)
        _audit(change, actor, "comment")
    return event


def discard_change(
    *, actor: Any, change: ChangeRequest, expected_version: int | None = None
) -> ChangeRequest:
    """Close the change unapplied; the live group stays as it is."""
    require_role(actor, change.organization, Role.EDITOR, "discard a change")
    with transaction.atomic():
        locked = _locked_open(change)
        check_version(locked, expected_version)
        locked.state = ChangeState.DISCARDED
        locked.proposed_password_encrypted = ""  # a closed change keeps no secret
        locked.save(update_fields=["state", "proposed_password_encrypted", "updated_at"])
        add_event(locked, locked.group, EventKind.DISCARDED, actor)
        _audit(locked, actor, "discard")
    return locked


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
    role = require_role(actor, organization, Role.EDITOR, "apply a change")
    policy = policy_for(organization)
    bypass_reason = clean_text(bypass_reason, required=False, what="the reason")
    with transaction.atomic():
        # The group first, then its change: the order propose_change takes them in, so that
        # an apply racing an edit waits for it instead of deadlocking with it.
        group = Group.objects.select_for_update().get(pk=change.group_id)
        locked = _locked_open(change)
        check_version(locked, expected_version)
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
                EditContext(actor, organization, group.account, group.kind),
                spec_to_apply(locked),
                status=Status.ACTIVE,
                source="console",
                group=group,
                expected_revision=group.revision,
            )
        except ValidationFailed as failed:
            raise ApplyFailed(failed.problems) from failed
        locked.state = ChangeState.APPLIED
        locked.applied_revision = applied.revision
        locked.proposed_password_encrypted = ""  # the group holds it now
        locked.save(
            update_fields=["state", "applied_revision", "proposed_password_encrypted", "updated_at"]
        )
        if bypassed:
            add_event(locked, applied, EventKind.BYPASSED, actor, bypass_reason)
        add_event(locked, applied, EventKind.APPLIED, actor, revision=applied.revision)
        _audit(locked, actor, "apply", revision=applied.revision, bypass_reason=bypass_reason)
    return applied

"""The saves that become review steps: the editor's save and the Spot API's create and update,
when the organization reviews changes. The live group is then left as it is and the change
proposed; otherwise they save as they always did (the API's, written on the timeline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db import transaction

from console.models import Organization

from ..edit_context import EditContext
from ..models import Group, Status
from ..services import (
    RevisionConflict,
    active_group,
    check_immutable_fields,
    save_group,
    update_group,
)
from ..spot.json import merge_update
from ..validation.problems import Problem
from .models import OPEN_STATES, ChangeRequest, EventKind
from .policy import policy_for
from .refusals import ChangeConflict
from .selectors import spec_to_edit
from .services import add_event, propose_change


@dataclass(frozen=True)
class Proposed:
    """An editor save that became (or edited) a change waiting for review."""

    change: ChangeRequest
    problems: list[Problem]


def propose_from_editor(
    context: EditContext,
    *,
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
    if policy_for(context.organization).approvals_required == 0:
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
            context,
            spec,
            status=Status.DRAFT,
            source="console",
            group=group,
            expected_revision=expected_revision,
        )
    change, problems = propose_change(
        actor=context.actor, group=group, spec=spec, expected_version=change_version
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


def _propose_for_api(context: EditContext, spec: dict[str, Any], group: Group | None) -> NoReturn:
    """Propose `spec` as the group's change (a new group first waits as a draft), then raise
    AwaitsReview once committed: the proposal is kept, the live group unchanged."""
    with transaction.atomic():
        if group is None:
            group, _ = save_group(context, spec, status=Status.DRAFT, source="api")
        change, _ = propose_change(actor=context.actor, group=group, spec=spec)
    raise AwaitsReview(change)


def _applied_through_api(actor: Any, save: Callable[[], tuple[Group, list[Problem]]]) -> Group:
    """Save at once, as Spot does, and say so on the group's timeline."""
    with transaction.atomic():
        saved, _ = save()
        add_event(None, saved, EventKind.APPLIED_API, actor, revision=saved.revision)
    return saved


def save_from_api(context: EditContext, spec: dict[str, Any]) -> Group:
    """A Spot-API create. By default applied at once, as Spot does, and written on the group's
    timeline as applied through the API by the token's owner. When the organization reviews
    API changes too, the change is proposed (the new group waits as a draft) and AwaitsReview
    is raised.
    """
    if _api_reviewed(context.organization):
        _propose_for_api(context, spec, None)
    return _applied_through_api(
        context.actor, lambda: save_group(context, spec, status=Status.ACTIVE, source="api")
    )


def update_from_api(context: EditContext, group_id: str, patch: dict[str, Any]) -> Group:
    """A Spot-API update (groups.services.update_group), applied at once and written on the
    timeline; or, when the organization reviews API changes, checked as any update is (no
    field fixed at creation changes), merged onto the group's open change (or its live
    revision) and proposed: raises AwaitsReview."""
    if _api_reviewed(context.organization):
        group = active_group(context, group_id)
        check_immutable_fields(group, patch)
        _propose_for_api(context, merge_update(spec_to_edit(group), patch), group)
    return _applied_through_api(
        context.actor, lambda: update_group(context, group_id, patch, source="api")
    )

"""The review steps as services: what each role may do, what each step leaves behind."""

from __future__ import annotations

import pytest

from console.models import AuditEntry, Role
from groups.edit_context import EditContext
from groups.models import Group, Status
from groups.reviews.models import ChangeRequest, ChangeState, EventKind, ReviewPolicy
from groups.reviews.policy import PolicyValues, update_policy
from groups.reviews.refusals import ApplyFailed, ChangeConflict, ReviewRefused
from groups.reviews.services import (
    apply_change,
    approve,
    comment,
    discard_change,
    propose_change,
    request_changes,
    request_review,
)
from groups.services import save_group
from tests.factories import MembershipFactory, UserFactory


def _version(spec: dict) -> str:
    return spec["compute"]["launchSpecification"]["image"]["gallery"]["version"]


def _kinds(change: ChangeRequest) -> list[str]:
    return list(change.events.order_by("created_at", "id").values_list("kind", flat=True))


def _policy(world, **values) -> None:
    defaults = {
        "approvals_required": 1,
        "approver_roles": ["admin", "editor"],
        "admin_bypass": False,
        "api_requires_review": False,
        "reapproval_conditions": ["gone", "not_replicated", "latest_moved"],
    }
    update_policy(
        actor=world.admin,
        organization=world.organization,
        values=PolicyValues(**{**defaults, **values}),
    )


def _in_review(world, version: str = "1.1.0") -> ChangeRequest:
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body(version))
    return request_review(actor=world.author, change=change, reviewers=[world.reviewer])


def test_a_proposed_change_leaves_the_live_group_serving_unchanged(review_world):
    world = review_world
    change, problems = propose_change(
        actor=world.author, group=world.group, spec=world.body("1.1.0")
    )
    live = Group.objects.get(pk=world.group.pk)
    assert _version(live.spec) == "1.0.0"
    assert live.revision == 1
    assert live.status == Status.ACTIVE
    assert _version(change.proposed_spec) == "1.1.0"
    assert change.state == ChangeState.DRAFT
    assert change.base_revision == 1
    assert problems == []
    assert _kinds(change) == [EventKind.PROPOSED]
    assert AuditEntry.objects.filter(
        action="change_request.propose", object_id=str(change.pk), actor=world.author
    ).exists()


def test_a_second_editor_joins_the_same_change_and_a_stale_edit_is_refused(review_world):
    world = review_world
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    joined, _ = propose_change(
        actor=world.reviewer, group=world.group, spec=world.body("1.2.0"), expected_version=1
    )
    assert joined.pk == change.pk
    assert joined.version == 2
    assert ChangeRequest.objects.filter(group=world.group).count() == 1
    with pytest.raises(ChangeConflict, match="edited since you opened it"):
        propose_change(
            actor=world.author, group=world.group, spec=world.body("1.0.0"), expected_version=1
        )
    assert _version(ChangeRequest.objects.get(pk=change.pk).proposed_spec) == "1.2.0"


def test_the_author_cannot_approve_their_own_change(review_world):
    world = review_world
    change = _in_review(world)
    with pytest.raises(ReviewRefused, match="your own change"):
        approve(actor=world.author, change=change)
    with pytest.raises(ReviewRefused, match="your own change"):
        request_changes(actor=world.author, change=change, text="looks wrong")
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.IN_REVIEW


def test_a_viewer_reads_and_comments_but_cannot_review_propose_or_apply(review_world):
    world = review_world
    change = _in_review(world)
    event = comment(actor=world.viewer, change=change, text="Is 1.1.0 tested in staging?")
    assert event.kind == EventKind.COMMENTED
    assert event.actor == world.viewer
    with pytest.raises(ReviewRefused, match="reviewed by: admin or editor"):
        approve(actor=world.viewer, change=change)
    with pytest.raises(ReviewRefused, match="editor role"):
        apply_change(actor=world.viewer, change=change)
    with pytest.raises(ReviewRefused, match="editor role"):
        propose_change(actor=world.viewer, group=world.group, spec=world.body("1.2.0"))


def test_the_whole_review_changes_requested_then_edit_then_approve_then_apply(review_world):
    world = review_world
    change = _in_review(world, "1.2.0")
    change = request_changes(
        actor=world.reviewer, change=change, text="1.2.0 is not in eastus", expected_version=1
    )
    assert change.state == ChangeState.CHANGES_REQUESTED
    with pytest.raises(ReviewRefused, match="requested changes"):
        apply_change(actor=world.author, change=change)

    change, _ = propose_change(
        actor=world.author, group=world.group, spec=world.body("1.1.0"), expected_version=1
    )
    assert change.state == ChangeState.IN_REVIEW
    assert change.verdicts.count() == 0
    change = approve(actor=world.reviewer, change=change, expected_version=2)
    assert change.state == ChangeState.APPROVED

    live = apply_change(actor=world.author, change=change, expected_version=2)
    assert _version(live.spec) == "1.1.0"
    assert live.revision == 2
    assert _version(Group.objects.get(pk=world.group.pk).spec) == "1.1.0"
    change.refresh_from_db()
    assert change.state == ChangeState.APPLIED
    assert change.applied_revision == 2
    assert _kinds(change) == [
        EventKind.PROPOSED,
        EventKind.REQUESTED,
        EventKind.CHANGES_REQUESTED,
        EventKind.EDITED,
        EventKind.APPROVAL_DISMISSED,
        EventKind.APPROVED,
        EventKind.APPLIED,
    ]
    actions = set(
        AuditEntry.objects.filter(object_id=str(change.pk)).values_list("action", flat=True)
    )
    assert actions == {
        "change_request.propose",
        "change_request.request_review",
        "change_request.request_changes",
        "change_request.edit",
        "change_request.approve",
        "change_request.apply",
    }
    assert AuditEntry.objects.filter(action="group.update", object_id=world.group.pk).exists()


def test_an_edit_after_approval_dismisses_it_and_says_so(review_world):
    world = review_world
    change = approve(actor=world.reviewer, change=_in_review(world))
    assert change.state == ChangeState.APPROVED
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.0.0"))
    assert change.state == ChangeState.IN_REVIEW
    dismissed = change.events.get(kind=EventKind.APPROVAL_DISMISSED)
    assert "edited" in dismissed.text
    with pytest.raises(ReviewRefused, match="needs 1 approval before it is applied; it has 0"):
        apply_change(actor=world.author, change=change)


def test_a_verdict_on_an_older_version_is_refused(review_world):
    world = review_world
    change = _in_review(world)
    propose_change(actor=world.author, group=world.group, spec=world.body("1.2.0"))
    with pytest.raises(ChangeConflict, match="now at version 2"):
        approve(actor=world.reviewer, change=change, expected_version=1)


def test_two_approvals_required_and_a_changes_requested_blocks(review_world):
    world = review_world
    _policy(world, approvals_required=2)
    change = approve(actor=world.reviewer, change=_in_review(world))
    assert change.state == ChangeState.IN_REVIEW
    with pytest.raises(ReviewRefused, match="needs 2 approvals before it is applied; it has 1"):
        apply_change(actor=world.author, change=change)
    change = request_changes(actor=world.second_reviewer, change=change, text="Wait for 1.2")
    assert change.state == ChangeState.CHANGES_REQUESTED
    change = approve(actor=world.second_reviewer, change=change)
    assert change.state == ChangeState.APPROVED
    assert _version(apply_change(actor=world.author, change=change).spec) == "1.1.0"


def test_no_review_policy_lets_an_editor_apply_alone(review_world):
    world = review_world
    _policy(world, approvals_required=0)
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    assert _version(apply_change(actor=world.author, change=change).spec) == "1.1.0"


def test_an_admin_bypasses_only_when_the_policy_allows_and_with_a_reason(review_world):
    world = review_world
    change = _in_review(world)
    with pytest.raises(ReviewRefused, match="needs 1 approval"):
        apply_change(actor=world.admin, change=change, bypass_reason="outage")
    _policy(world, admin_bypass=True)
    with pytest.raises(ReviewRefused, match="apply it anyway with a reason"):
        apply_change(actor=world.admin, change=change)
    with pytest.raises(ReviewRefused, match="needs 1 approval"):
        apply_change(actor=world.author, change=change, bypass_reason="I am an editor")
    apply_change(actor=world.admin, change=change, bypass_reason="Hotfix for the outage")
    bypass = change.events.get(kind=EventKind.BYPASSED)
    assert bypass.text == "Hotfix for the outage"
    assert bypass.actor == world.admin
    entry = AuditEntry.objects.get(action="change_request.apply", object_id=str(change.pk))
    assert entry.after["bypass_reason"] == "Hotfix for the outage"


def test_approver_roles_follow_the_policy(review_world):
    world = review_world
    _policy(world, approver_roles=["admin"])
    change = _in_review(world)
    with pytest.raises(ReviewRefused, match="reviewed by: admin"):
        approve(actor=world.reviewer, change=change)
    assert approve(actor=world.admin, change=change).state == ChangeState.APPROVED


def test_apply_validates_against_todays_inventory_and_says_which_field(review_world):
    world = review_world
    change = approve(actor=world.reviewer, change=_in_review(world, "1.2.0"))
    with pytest.raises(ApplyFailed) as refused:
        apply_change(actor=world.author, change=change)
    fields = [problem.field for problem in refused.value.problems]
    assert any("version" in field for field in fields), fields
    assert "westus" in str(refused.value) or "eastus" in str(refused.value)
    change.refresh_from_db()
    assert change.state == ChangeState.APPROVED
    assert _version(Group.objects.get(pk=world.group.pk).spec) == "1.0.0"


def test_an_apply_after_the_live_group_moved_is_refused_and_nothing_is_lost(review_world):
    world = review_world
    change = approve(actor=world.reviewer, change=_in_review(world))
    save_group(
        EditContext(world.admin, world.organization, world.account, "stateless"),
        world.body("1.0.0", name="web-renamed"),
        status=Status.ACTIVE,
        source="api",
        group=world.group,
    )
    with pytest.raises(ChangeConflict, match="live revision 1 then, 2 now"):
        apply_change(actor=world.author, change=change)
    change.refresh_from_db()
    assert change.state == ChangeState.APPROVED
    assert _version(change.proposed_spec) == "1.1.0"
    assert Group.objects.get(pk=world.group.pk).name == "web-renamed"


def test_reviewers_must_be_members_and_not_the_author(review_world):
    world = review_world
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    stranger = UserFactory()
    with pytest.raises(ReviewRefused, match="Not a member"):
        request_review(actor=world.author, change=change, reviewers=[stranger])
    with pytest.raises(ReviewRefused, match="cannot review their own"):
        request_review(actor=world.author, change=change, reviewers=[world.author])
    other_org_member = MembershipFactory(role=Role.EDITOR).user
    with pytest.raises(ReviewRefused, match="Only members of this organization"):
        approve(actor=other_org_member, change=change)


def test_a_discarded_change_is_closed_and_a_new_one_can_open(review_world):
    world = review_world
    change = _in_review(world)
    discard_change(actor=world.author, change=change)
    with pytest.raises(ReviewRefused, match="already discarded"):
        approve(actor=world.reviewer, change=change)
    again, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    assert again.pk != change.pk
    assert again.state == ChangeState.DRAFT


def test_only_admins_change_the_policy_and_it_is_audited(review_world):
    world = review_world
    with pytest.raises(ReviewRefused, match="admin role"):
        update_policy(
            actor=world.author,
            organization=world.organization,
            values=PolicyValues(0, ["editor"], False, False, []),
        )
    _policy(world, approvals_required=3, approver_roles=["viewer", "admin"])
    policy = ReviewPolicy.objects.get(organization=world.organization)
    assert policy.approvals_required == 3
    assert policy.approver_roles == ["admin", "viewer"]
    entry = AuditEntry.objects.get(action="review_policy.update")
    assert entry.before["approvals_required"] == 1
    assert entry.after["approvals_required"] == 3


def test_an_empty_comment_or_request_for_changes_is_refused(review_world):
    world = review_world
    change = _in_review(world)
    with pytest.raises(ReviewRefused, match="Write a comment"):
        comment(actor=world.viewer, change=change, text="   ")
    with pytest.raises(ReviewRefused, match="Write what should change"):
        request_changes(actor=world.reviewer, change=change, text="")

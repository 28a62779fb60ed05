"""The organization's review policy: its values, its one write, and what it still asks of a
change before apply."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction

from console.models import Organization, Role
from console.services import record_audit

from .models import ChangeRequest, ChangeState, ReviewPolicy, VerdictKind
from .refusals import require_role

APPROVER_ROLE_CHOICES = (Role.ADMIN, Role.EDITOR, Role.VIEWER)


@dataclass(frozen=True)
class PolicyValues:
    approvals_required: int
    approver_roles: list[str]
    admin_bypass: bool
    api_requires_review: bool
    reapproval_conditions: list[str]

    @classmethod
    def of(cls, policy: ReviewPolicy) -> PolicyValues:
        return cls(
            approvals_required=policy.approvals_required,
            approver_roles=list(policy.approver_roles),
            admin_bypass=policy.admin_bypass,
            api_requires_review=policy.api_requires_review,
            reapproval_conditions=list(policy.reapproval_conditions),
        )


def policy_for(organization: Organization) -> ReviewPolicy:
    """The organization's policy; the defaults (unsaved) when it never changed them."""
    policy = ReviewPolicy.objects.filter(organization=organization).first()
    return policy if policy is not None else ReviewPolicy(organization=organization)


def update_policy(*, actor: Any, organization: Organization, values: PolicyValues) -> ReviewPolicy:
    require_role(actor, organization, Role.ADMIN, "change the review policy")
    with transaction.atomic():
        policy, _ = ReviewPolicy.objects.select_for_update().get_or_create(
            organization=organization
        )
        before = asdict(PolicyValues.of(policy))
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

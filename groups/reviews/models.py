"""The review records, registered with the groups app (its migrations hold them).

A `ChangeRequest` is the proposed revision of one group beside the live one: one open change
per group at a time. A `Verdict` is a reviewer's latest word on it (approved or changes
requested); an edit after a verdict dismisses them all. `TimelineEvent` is the group's
timeline: every step of its changes, and changes applied through the Spot API without review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from console.choices import WordedChoices
from console.text import RepairingJSONDecoder


class ChangeState(WordedChoices):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    APPLIED = "applied"
    DISCARDED = "discarded"


OPEN_STATES = (
    ChangeState.DRAFT,
    ChangeState.IN_REVIEW,
    ChangeState.APPROVED,
    ChangeState.CHANGES_REQUESTED,
)
# The open states in which a change waits for its reviewers.
WAITING_STATES = (ChangeState.IN_REVIEW, ChangeState.CHANGES_REQUESTED, ChangeState.APPROVED)

# Each state's badge colour (Bootstrap's text-bg-*), wherever a change's state is shown; its
# words are the state's label. A state not named here is grey.
STATE_BADGES: dict[str, str] = {
    ChangeState.APPROVED: "success",
    ChangeState.APPLIED: "success",
    ChangeState.CHANGES_REQUESTED: "warning",
    ChangeState.IN_REVIEW: "primary",
}


def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "secondary")


class HealthCode(models.TextChoices):
    """What can go wrong with a change's image while it waits for review (words for a badge)."""

    GONE = "gone", "Image or version gone"
    END_OF_LIFE = "end_of_life", "Version past its end of life"
    END_OF_LIFE_SOON = "end_of_life_soon", "Version within 30 days of its end of life"
    NOT_REPLICATED = "not_replicated", "Version not replicated to the group's region"
    FAILED = "failed", "Version failed"
    LATEST_MOVED = "latest_moved", "“Latest” resolves to another version than when approved"
    NOT_SHARED = "not_shared", "Gallery no longer shared with the group's subscription"
    DISCONNECTED = "disconnected", "Subscription disconnected"


def default_approver_roles() -> list[str]:
    return ["admin", "editor"]


def default_reapproval_conditions() -> list[str]:
    return ["gone", "not_replicated", "latest_moved"]


class ReviewPolicy(models.Model):
    """An organization's review rules; an organization without a row has the defaults."""

    organization = models.OneToOneField(
        "console.Organization", on_delete=models.CASCADE, related_name="review_policy"
    )
    # 0 = no review: an editor applies alone, as before reviews existed.
    approvals_required = models.PositiveSmallIntegerField(default=1)
    approver_roles = models.JSONField(default=default_approver_roles)
    admin_bypass = models.BooleanField(default=False)
    # Off: a Spot-API create or update applies at once (teams review in their own PRs).
    api_requires_review = models.BooleanField(default=False)
    # Health conditions that, arising after approval, dismiss the approvals.
    reapproval_conditions = models.JSONField(default=default_reapproval_conditions)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"review policy of {self.organization_id}"


class ChangeRequest(models.Model):
    organization = models.ForeignKey(
        "console.Organization", on_delete=models.CASCADE, related_name="change_requests"
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="change_requests"
    )
    state = models.CharField(max_length=20, choices=ChangeState.choices, default=ChangeState.DRAFT)
    # The proposed Spot JSON (no password), produced by groups' Spot JSON like Group.spec.
    proposed_spec = models.JSONField(decoder=RepairingJSONDecoder)
    # A login password typed for the change (Fernet, like Group's): written to the group at
    # apply, then dropped; never rendered, logged or audited.
    proposed_password_encrypted = models.TextField(blank=True, default="")
    # The live revision the proposal was made from (0: the group was never live).
    base_revision = models.PositiveIntegerField(default=0)
    # Bumped by every edit: a verdict or apply made from an older page is refused.
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Image health: a list of {"code", "words"}, recomputed after each inventory refresh.
    health = models.JSONField(default=list, blank=True)
    health_checked_at = models.DateTimeField(null=True, blank=True)
    # The version "latest" resolved to when the change was approved ("" if not on latest).
    approved_resolution = models.CharField(max_length=100, blank=True)
    applied_revision = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The state's inbox lists, kept by the database, for the inbox's indexes to lead with. A
    # partial index on `state IN (…)` is lost to PostgreSQL's generic plan of a prepared
    # statement (the states become parameters): the lists then sorted every waiting change.
    in_waiting_state = models.GeneratedField(
        expression=models.ExpressionWrapper(
            models.Q(state__in=WAITING_STATES), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    in_open_state = models.GeneratedField(
        expression=models.ExpressionWrapper(
            models.Q(state__in=OPEN_STATES), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(state__in=OPEN_STATES),
                name="one_open_change_per_group",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "state", "-updated_at"]),
            models.Index(fields=["organization", "-updated_at"]),
            # A list by author (the API's, the inbox's author filter) reads newest first: one
            # index serves both (with (organization, author, state), SQLite walked every change
            # of the organization in date order to find a reviewer's none).
            models.Index(fields=["organization", "author", "-updated_at"]),
            # The inbox's lists and the navigation's counts walk the open changes newest first
            # (the lists' order, id included) and stop at a page or the cap.
            # The author last: SQLite reads it from the index entry and skips the user's own
            # changes without reading their rows (the author of every waiting change walked
            # them all: 3.7 -> 0.5 ms at 10,000 changes).
            models.Index(
                fields=["organization", "in_waiting_state", "-updated_at", "-id", "author"],
                name="change_waiting_newest",
            ),
            models.Index(
                fields=["organization", "author", "in_open_state", "-updated_at", "-id"],
                name="change_open_by_author_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"change {self.pk} of {self.group_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def state_badge(self) -> str:
        return state_badge(self.state)


class VerdictKind(WordedChoices):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class Verdict(models.Model):
    """A reviewer's current word on a change (their latest one replaces the earlier)."""

    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="verdicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=VerdictKind.choices)
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "reviewer"], name="one_verdict_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.reviewer_id} on change {self.change_id}"


class EventKind(models.TextChoices):
    PROPOSED = "proposed", "proposed the change"
    REQUESTED = "requested", "asked for review"
    COMMENTED = "commented", "commented"
    APPROVED = "approved", "approved"
    CHANGES_REQUESTED = "changes_requested", "requested changes"
    EDITED = "edited", "edited the change"
    APPROVAL_DISMISSED = "approval_dismissed", "approvals dismissed"
    HEALTH_CHANGED = "health_changed", "image health changed"
    APPLIED = "applied", "applied the change"
    APPLIED_API = "applied_api", "applied a change through the API"
    BYPASSED = "bypassed", "applied without the required approvals"
    DISCARDED = "discarded", "discarded the change"


class TimelineEvent(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="timeline")
    # Null for a change applied through the Spot API without a change request.
    change = models.ForeignKey(
        ChangeRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A comment, a request-changes reason or a bypass reason: plain text, escaped when shown.
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, decoder=RepairingJSONDecoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["group", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.group_id}"

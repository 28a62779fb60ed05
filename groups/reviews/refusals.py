"""What every review step checks first, and how it says no: the refusals (in words a user can
act on), the actor's role, the version the step was decided on, a comment's length."""

from __future__ import annotations

from typing import Any

from console.models import Membership, Organization

from ..validation.problems import Problem
from .models import ChangeRequest

COMMENT_MAX_LENGTH = 10_000


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


def role_of(actor: Any, organization: Organization) -> str | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    membership = Membership.objects.filter(user=actor, organization=organization).first()
    return membership.role if membership is not None else None


def require_role(actor: Any, organization: Organization, required: str, doing: str) -> str:
    role = role_of(actor, organization)
    if role is None or not Membership(role=role).has_role(required):
        raise ReviewRefused(f"Only a member with the {required} role can {doing}.")
    return role


def check_version(change: ChangeRequest, expected_version: int | None) -> None:
    if expected_version is not None and change.version != expected_version:
        raise ChangeConflict(
            "The change was edited since you opened it (now at version "
            f"{change.version}); read it again, then decide."
        )


def clean_text(text: str, *, required: bool, what: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(f"Write {what}.")
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidInput(f"Keep {what} under {COMMENT_MAX_LENGTH:,} characters.")
    return text

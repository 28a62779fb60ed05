"""Reads of changes and timelines, always scoped to one organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from console.models import Organization

from ..models import Group, Kind
from .models import (
    OPEN_STATES,
    ChangeRequest,
    ChangeState,
    TimelineEvent,
    Verdict,
    state_badge,
)

RECENTLY_APPLIED_DAYS = 7

# The inbox's lists lead their indexes with the stored open/waiting flags. Compared with a
# value, not written as `flag=True`: Django writes that as the bare column ("WHERE
# in_waiting_state"), which SQLite does not match to an index's equality column; it then
# walked every change of the organization newest first, reading each row to test the flag.
IN_OPEN_STATE = Q(in_open_state=Value(True))
IN_WAITING_STATE = Q(in_waiting_state=Value(True))


def narrowed(
    changes: QuerySet[ChangeRequest],
    *,
    state: str | None = None,
    account: str | None = None,
    author: Any = None,
    image_name: str | None = None,
) -> QuerySet[ChangeRequest]:
    """`changes` filtered as the inbox's filters say; `state="open"`: any open state."""
    if state == "open":
        changes = changes.filter(IN_OPEN_STATE)
    elif state:
        changes = changes.filter(state=state)
    if account:
        changes = changes.filter(group__account_id=account)
    if author is not None:
        changes = changes.filter(author=author)
    if image_name:
        # The proposed revision's gallery image, either kind (Spot spells it the same way).
        changes = changes.filter(
            proposed_spec__compute__launchSpecification__image__gallery__imageName=image_name
        )
    return changes


NEWEST_FIRST = ("-updated_at", "-id")


def changes_for(organization: Organization, **filters: Any) -> QuerySet[ChangeRequest]:
    changes = ChangeRequest.objects.filter(organization=organization).select_related(
        "group", "group__account", "author"
    )
    return narrowed(changes, **filters).order_by(*NEWEST_FIRST)


@dataclass(frozen=True, slots=True)
class ListedChange:
    """A change as a list row shows it (reviews/_change_rows.html), read as plain values: no
    Spot JSON, no password, and none of the four model instances a row used to build."""

    pk: int
    state: str
    health: list[dict[str, str]]  # the change's image health: {"code", "words"} each
    updated_at: datetime
    group_name: str
    group_kind: str
    account_name: str
    author_name: str | None  # None: the author's account was deleted

    @property
    def state_label(self) -> str:
        return ChangeState(self.state).label

    @property
    def state_badge(self) -> str:
        return state_badge(self.state)

    @property
    def kind_label(self) -> str:
        return Kind(self.group_kind).label


# ListedChange's fields, in its order.
LISTED_COLUMNS = (
    "pk",
    "state",
    "health",
    "updated_at",
    "group__name",
    "group__kind",
    "group__account__name",
    "author__username",
)


def window_of(changes: QuerySet[ChangeRequest], start: int, stop: int) -> list[ListedChange]:
    """Rows `start`..`stop` of `changes` newest first, as a list shows them.

    One query, walking an open-change index and stopping at `stop`. (Picking the ids in a
    subquery first cost more Django and planning time than it saved once the planner has the
    table's statistics: 42 ms against 25 ms a page on PostgreSQL at 10,000 changes.)"""
    rows = changes.order_by(*NEWEST_FIRST).values_list(*LISTED_COLUMNS)[start:stop]
    return [ListedChange(*row) for row in rows]


def get_change(organization: Organization, change_id: int | str) -> ChangeRequest:
    """One change of the organization; raises ChangeRequest.DoesNotExist."""
    return changes_for(organization).select_related("organization").get(pk=change_id)


def open_change_of(group: Group) -> ChangeRequest | None:
    return (
        ChangeRequest.objects.filter(group=group, state__in=OPEN_STATES)
        .select_related("group", "organization", "author")
        .first()
    )


def spec_to_edit(group: Group) -> dict[str, Any]:
    """What the editor opens: the open change's proposed revision, else the group's own."""
    change = ChangeRequest.objects.filter(group=group, state__in=OPEN_STATES).only("proposed_spec")
    proposed = change.first()
    return proposed.proposed_spec if proposed is not None else group.spec


def change_and_spec_to_edit(group: Group) -> tuple[ChangeRequest | None, dict[str, Any]]:
    """open_change_of and spec_to_edit in one query, for the editor page that shows both."""
    change = open_change_of(group)
    return change, change.proposed_spec if change is not None else group.spec


def timeline_of(group: Group) -> QuerySet[TimelineEvent]:
    """The group's events oldest first (TimelineEvent's own order)."""
    return TimelineEvent.objects.filter(group=group).select_related("actor")


def verdicts_of(change: ChangeRequest) -> QuerySet[Verdict]:
    return change.verdicts.select_related("reviewer").order_by("created_at")


def _reviewed_by(user: Any) -> Exists:
    """The user's verdict stands on the change's current version."""
    return Exists(
        Verdict.objects.filter(change=OuterRef("pk"), reviewer=user, version=OuterRef("version"))
    )


def _written_by_someone_else(user: Any) -> Q:
    """Not the user's own change (a deleted author's counts as someone else's). Two ranges
    rather than "author <> user", which no index can seek: PostgreSQL then finds the few
    changes by others in the author index when the user wrote nearly every waiting change
    (0.06 ms instead of walking all 6,666 newest first: 7 ms, at 10,000 changes)."""
    return Q(author__lt=user) | Q(author__gt=user) | Q(author__isnull=True)


def waiting_for(organization: Organization, user: Any) -> QuerySet[ChangeRequest]:
    """Changes someone else asked to be reviewed, naming this user or nobody in particular,
    on which this user has no standing verdict."""
    named = ChangeRequest.reviewers.through.objects.filter(changerequest=OuterRef("pk"))
    return (
        changes_for(organization)
        .filter(IN_WAITING_STATE)
        .filter(_written_by_someone_else(user))
        .filter(Exists(named.filter(user=user)) | ~Exists(named))
        .exclude(_reviewed_by(user))
    )


def mine_waiting(organization: Organization, user: Any) -> QuerySet[ChangeRequest]:
    return changes_for(organization, author=user).filter(IN_OPEN_STATE)


def recently_applied(organization: Organization) -> QuerySet[ChangeRequest]:
    since = timezone.now() - timedelta(days=RECENTLY_APPLIED_DAYS)
    return changes_for(organization, state=ChangeState.APPLIED).filter(updated_at__gte=since)


# The navigation counts up to this many, then says "99+": it costs the same at any size.
COUNT_CAP = 99


# How many rows a count reads: one past the cap, to tell "99" from "99+".
COUNT_WALK = COUNT_CAP + 1


@dataclass(frozen=True)
class InboxCounts:
    waiting_for_me: int
    mine: int

    @staticmethod
    def _shown(count: int) -> str:
        return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)

    @property
    def waiting_for_me_shown(self) -> str:
        return self._shown(self.waiting_for_me)

    @property
    def mine_shown(self) -> str:
        return self._shown(self.mine)


def inbox_counts(organization: Organization, user: Any) -> InboxCounts:
    """The navigation's counts (capped just above COUNT_CAP), in one query of two small counts
    (every page with the navigation asks for them)."""
    # Newest first, as the inbox lists them: the walk follows the (organization, state,
    # -updated_at) index and stops at the cap, instead of visiting states in index order.
    counts, params = [], []
    for changes in (waiting_for(organization, user), mine_waiting(organization, user)):
        walk = changes.values("pk")[:COUNT_WALK]
        sql, walk_params = walk.query.get_compiler(using=walk.db).as_sql()
        # Django's own SQL, its values bound as parameters.
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) walked)")  # noqa: S608
        params.extend(walk_params)
    with connections[ChangeRequest.objects.db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(counts)}", params)
        waiting, mine = cursor.fetchone()
    return InboxCounts(waiting_for_me=waiting, mine=mine)

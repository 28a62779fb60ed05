"""Comparing with Spot: drift (a beat task reads every published group and records how Spot's
configuration differs from the live revision here) and the dry run (what applying a change
would send, against Spot's live copy), both in words, one line per field.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from groups.models import Group, Kind, Status
from groups.spot.json import ITEM_ONLY_KEYS, LOGIN_PATH, dig, parse_body, without_password

from .client import SpotError
from .models import Publication, SyncState
from .services import client_for
from .sync import (
    PASSWORD_PATH,
    Outcome,
    Refused,
    Result,
    audit_outcome,
    claim,
    connection_of,
    outgoing_spec,
    release,
)


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf of a JSON object by dotted path (lists are leaves, compared whole)."""
    if isinstance(value, dict) and value:
        found: dict[str, Any] = {}
        for key, child in value.items():
            found.update(_leaves(child, f"{prefix}.{key}" if prefix else str(key)))
        return found
    return {prefix: value}


def _short(value: Any) -> str:
    text = "nothing" if value is None else repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 120 else text[:117] + "…"


def differences(
    ours: dict[str, Any],
    remote: dict[str, Any],
    here: str = "here",
    published: dict[str, Any] | None = None,
) -> list[str]:
    """How Spot's configuration differs from ours, in words, one line per field
    ("capacity.target: 2 here, 3 in Spot"; `here` names our side).

    A field only Spot has is a difference when `published` (Spot's answer when we last
    published) is known and did not have it with that value: someone set it in Spot since.
    Without it such fields are left out: Spot fills in defaults for what a body does not say.
    """
    remote_leaves = _leaves(remote)
    our_leaves = _leaves(ours)
    lines = []
    for path, value in sorted(our_leaves.items()):
        if path == PASSWORD_PATH:
            continue  # never read back
        if path not in remote_leaves:
            if any(other.startswith(path + ".") for other in remote_leaves):
                continue  # an empty object here, filled in by Spot
            lines.append(f"{path}: {_short(value)} {here}, missing in Spot")
        elif remote_leaves[path] != value:
            theirs = _short(remote_leaves[path])
            lines.append(f"{path}: {_short(value)} {here}, {theirs} in Spot")
    if published is None:
        return lines
    before = _leaves(published)
    for path, value in sorted(remote_leaves.items()):
        if path in our_leaves or any(path.startswith(mine + ".") for mine in our_leaves):
            continue
        if path not in before or before[path] != value:
            lines.append(f"{path}: not set {here}, {_short(value)} in Spot")
    return lines


def remote_spec(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """Spot's item as a spec of ours (its id and times dropped, spellings made ours)."""
    return parse_body(kind, {k: v for k, v in item.items() if k not in ITEM_ONLY_KEYS})


def check_drift(publication_id: int, holder: str) -> Result:
    """Read the group in Spot and record how it differs from the live revision here."""
    publication = claim(publication_id, holder)
    if publication is None:
        return Result(Outcome.BUSY, 30)
    group = publication.group
    if (
        group is None
        or group.status != Status.ACTIVE
        or publication.state != SyncState.IN_SYNC
        or not publication.remote_id
    ):
        release(publication_id)
        return Result(Outcome.DONE)
    try:
        client = client_for(connection_of(publication))
        ours = outgoing_spec(publication, group, without_password(group.spec))
        item = client.get(publication.kind, publication.remote_id)
    except (SpotError, Refused) as error:
        # Drift is read again at the next check; a failed read changes no sync state.
        release(publication_id, drift_checked_at=timezone.now())
        audit_outcome(publication, "publication.drift_unreadable", {"error": str(error)})
        return Result(Outcome.DONE)
    if item is None:
        label = Kind(publication.kind).label.lower()
        found = [f"The {label} {publication.remote_id} no longer exists in Spot."]
        release(publication_id, drift=found, drift_checked_at=timezone.now(), remote_spec=None)
        return Result(Outcome.DONE)
    theirs = remote_spec(publication.kind, item)
    answered = publication.answer
    published = remote_spec(publication.kind, answered) if isinstance(answered, dict) else None
    release(
        publication_id,
        drift=differences(ours, theirs, published=published),
        remote_spec=theirs,
        drift_checked_at=timezone.now(),
    )
    return Result(Outcome.DONE)


def published_ids_due_for_drift() -> list[int]:
    return list(
        Publication.objects.filter(state=SyncState.IN_SYNC, group__status=Status.ACTIVE)
        .exclude(remote_id="")
        .values_list("pk", flat=True)
    )


# --- dry run ---------------------------------------------------------------------------------

HIDDEN = "(kept secret)"


@dataclass(frozen=True)
class DryRun:
    """What publishing `spec` would do: the body (its password hidden), create or update, and
    for an existing remote group how Spot's live configuration differs; or why it can't."""

    body: dict[str, Any] | None
    remote_id: str
    differences: list[str]
    problem: str = ""


def dry_run(group: Group, spec: dict[str, Any]) -> DryRun:
    """Read Spot live (one GET) and compare it with what publishing `spec` would send."""
    publication = Publication.objects.filter(group=group).first()
    if publication is None:
        publication = Publication(
            organization_id=group.organization_id, account_id=group.account_id, kind=group.kind
        )
    try:
        client = client_for(connection_of(publication), interactive=True)
        body = outgoing_spec(publication, group, without_password(spec))
        remote = client.get(group.kind, publication.remote_id) if publication.remote_id else None
    except (SpotError, Refused) as error:
        return DryRun(None, publication.remote_id, [], str(error))
    shown = copy.deepcopy(body)
    login = dig(shown, LOGIN_PATH)
    if isinstance(login, dict) and "password" in login:
        login["password"] = HIDDEN
    if remote is None:
        return DryRun(shown, "", [])
    found = differences(body, remote_spec(group.kind, remote), here="to send")
    return DryRun(shown, publication.remote_id, found)

"""The calls to Spot behind publishing: publish a revision, delete in Spot, read drift.

Each runs in a task that fetches its publication by id (`groups.publish.tasks`). Publishing is
idempotent: the remote id is looked up first; a create whose answer was lost (the worker died,
the connection dropped) is found by name among the groups created since it was sent, so a
retried task never creates a second group. One task at a time holds a publication's lease.
"""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from console.services import record_audit
from galleries.crypto import SecretUnreadable, decrypt_secret
from groups.models import Group, Kind, Revision, Status
from groups.spot.json import (
    ITEM_ONLY_KEYS,
    LOGIN_PATH,
    dig,
    gallery_reference,
    parse_body,
    with_gallery_reference,
    without_password,
)

from .client import SpotClient, SpotError
from .models import Publication, SpotConnection, SyncState
from .services import client_for

# Long enough for one attempt's calls with their retries; a dead holder's lease runs out.
LEASE = timedelta(minutes=10)
# Spot's clock and ours may differ: a lost create is looked for among groups created this
# long before it was sent, too.
CLOCK_SKEW = timedelta(minutes=5)
# Not in Spot's update schemas (spot-api.md 2a): sent on create only.
CREATE_ONLY_KEYS = ("region", "resourceGroupName")
PASSWORD_PATH = ".".join((*LOGIN_PATH, "password"))
# Automatic retries of a failed publish (network, 429, 5xx), and their first delay.
AUTO_RETRIES = 5
FIRST_RETRY_SECONDS = 30


class Outcome(enum.Enum):
    DONE = "done"
    RETRY = "retry"  # failed with a retryable error
    BUSY = "busy"  # another task holds the lease


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    countdown: float = 0.0


class Refused(Exception):
    """Publishing cannot start for a reason of ours, said in words (not retryable)."""


def _claim(publication_id: int, holder: str) -> Publication | None:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_holder=holder)
    claimed = (
        Publication.objects.filter(pk=publication_id)
        .filter(free)
        .update(lease_until=now + LEASE, lease_holder=holder)
    )
    if not claimed:
        return None
    return (
        Publication.objects.select_related("group", "account", "organization")
        .filter(pk=publication_id)
        .first()
    )


def _release(publication_id: int, **fields: Any) -> None:
    Publication.objects.filter(pk=publication_id).update(
        lease_until=None, lease_holder="", **fields
    )


def _connection(publication: Publication) -> SpotConnection:
    connection = SpotConnection.objects.filter(account_id=publication.account_id).first()
    if connection is None:
        raise Refused(
            f"Account {publication.account.name} has no Spot connection any more; "
            "connect it in Settings → Spot to publish."
        )
    return connection


def outgoing_spec(publication: Publication, group: Group, spec: dict[str, Any]) -> dict[str, Any]:
    """The body sent to Spot: the revision with its login password, and the gallery's
    `spotAccountId` translated from our account id to that account's Spot account id."""
    body = copy.deepcopy(spec)
    login = dig(body, LOGIN_PATH)
    if isinstance(login, dict) and group.login_password_encrypted:
        try:
            login["password"] = decrypt_secret(group.login_password_encrypted)
        except SecretUnreadable as exc:
            raise Refused(
                "The group's login password cannot be decrypted with the configured keys."
            ) from exc
    ref = gallery_reference(group.kind, body)
    if ref is not None and ref.spot_account_id:
        image_connection = SpotConnection.objects.filter(
            account_id=ref.spot_account_id, account__organization_id=publication.organization_id
        ).first()
        if image_connection is None:
            raise Refused(
                f"The image's gallery belongs to account {ref.spot_account_id}, which has no "
                "Spot connection, so Spot can't be told which of its accounts holds it. Connect "
                "that account in Settings → Spot."
            )
        body = with_gallery_reference(
            group.kind, body, replace(ref, spot_account_id=image_connection.spot_account_id)
        )
    return body


def _created_at(item: dict[str, Any]) -> datetime | None:
    value = item.get("createdAt")
    return parse_datetime(value) if isinstance(value, str) else None


def _find_lost_create(
    client: SpotClient, publication: Publication, sent_at: datetime
) -> str | None:
    """The id of the group a lost create made, or None; two candidates are refused."""
    since = sent_at - CLOCK_SKEW
    candidates = [
        item
        for item in client.listing(publication.kind, name=publication.name)
        if item.get("name") == publication.name
        and (created := _created_at(item)) is not None
        and created >= since
    ]
    if len(candidates) > 1:
        ids = ", ".join(str(item.get("id")) for item in candidates)
        raise Refused(
            f"Spot has {len(candidates)} groups named {publication.name} created since the "
            f"lost create ({ids}); delete the extra one in Spot, then retry."
        )
    return str(candidates[0]["id"]) if candidates else None


def _failure_fields(
    publication: Publication, error: Exception, *, publishing: bool = True
) -> dict[str, Any]:
    attempts = publication.attempts + 1
    # A publish that fails after a delete was asked for leaves it asked for: the delete task
    # then deletes whatever was made.
    state: Any = SyncState.FAILED
    if publishing:
        state = Case(
            When(state=SyncState.DELETING, then=Value(SyncState.DELETING)),
            default=Value(SyncState.FAILED),
        )
    if isinstance(error, SpotError):
        return {
            "state": state,
            "error_code": error.code[:64],
            "error_message": error.message,
            "retryable": error.retryable,
            "request_id": error.request_id[:64],
            "attempts": attempts,
        }
    return {
        "state": state,
        "error_code": "REFUSED",
        "error_message": str(error),
        "retryable": False,
        "attempts": attempts,
    }


def _retry_result(publication: Publication, error: Exception) -> Result:
    if not (isinstance(error, SpotError) and error.retryable):
        return Result(Outcome.DONE)
    if publication.attempts + 1 > AUTO_RETRIES:
        return Result(Outcome.DONE)
    backoff = FIRST_RETRY_SECONDS * 2**publication.attempts
    return Result(Outcome.RETRY, max(backoff, error.retry_after or 0))


def publish(publication_id: int, holder: str) -> Result:
    """Create or update the publication's group in Spot with its requested revision."""
    publication = _claim(publication_id, holder)
    if publication is None:
        return Result(Outcome.BUSY, 10)
    group = publication.group
    if group is None or publication.state == SyncState.DELETING:
        _release(publication_id)
        return Result(Outcome.DONE)
    revision_number = publication.requested_revision
    try:
        revision = Revision.objects.get(group=group, number=revision_number)
        client = client_for(_connection(publication))
        body = outgoing_spec(publication, group, revision.spec)
        remote_id = publication.remote_id
        if remote_id and client.get(publication.kind, remote_id) is None:
            remote_id = ""  # deleted in Spot: made again below
        if not remote_id and publication.create_sent_at is not None:
            remote_id = _find_lost_create(client, publication, publication.create_sent_at) or ""
        if remote_id:
            update = {k: v for k, v in body.items() if k not in CREATE_ONLY_KEYS}
            answer = client.update(publication.kind, remote_id, update)
        else:
            # Committed before the create is sent, so a retry knows to look for it by name.
            Publication.objects.filter(pk=publication_id).update(create_sent_at=timezone.now())
            answer = client.create(publication.kind, body)
            remote_id = str(answer.items[0]["id"]) if answer.items else ""
            if not remote_id:
                raise SpotError(
                    "Spot accepted the create but returned no id.", code="NO_ID", retryable=True
                )
            Publication.objects.filter(pk=publication_id).update(remote_id=remote_id)
    except (SpotError, Refused, Revision.DoesNotExist) as error:
        if isinstance(error, Revision.DoesNotExist):
            error = Refused(f"Revision {revision_number} of {publication.name} no longer exists.")
        _release(publication_id, **_failure_fields(publication, error))
        _audit_outcome(publication, "publication.failed", {"error": str(error)})
        return _retry_result(publication, error)
    _release(
        publication_id,
        # A change applied meanwhile keeps it publishing (its task is queued); a delete
        # meanwhile keeps it deleting.
        state=Case(
            When(state=SyncState.DELETING, then=Value(SyncState.DELETING)),
            When(requested_revision__gt=revision_number, then=Value(SyncState.PUBLISHING)),
            default=Value(SyncState.IN_SYNC),
        ),
        remote_id=remote_id,
        published_revision=revision_number,
        published_at=timezone.now(),
        request_id=answer.request_id[:64],
        answer=without_password(answer.items[0]) if answer.items else None,
        create_sent_at=None,
        error_code="",
        error_message="",
        retryable=False,
        attempts=0,
        drift=[],
        drift_checked_at=None,
    )
    _audit_outcome(
        publication,
        "publication.published",
        {"remoteId": remote_id, "revision": revision_number, "requestId": answer.request_id},
    )
    return Result(Outcome.DONE)


def delete_remote(publication_id: int, holder: str) -> Result:
    """Delete the publication's group in Spot (it was deleted here); then forget it."""
    publication = _claim(publication_id, holder)
    if publication is None:
        return Result(Outcome.BUSY, 10)
    if publication.group_id is not None:  # not deleted here (any more)
        _release(publication_id)
        return Result(Outcome.DONE)
    try:
        client = client_for(_connection(publication))
        remote_id = publication.remote_id
        if not remote_id and publication.create_sent_at is not None:
            remote_id = _find_lost_create(client, publication, publication.create_sent_at) or ""
        request_id = (
            client.delete(publication.kind, remote_id, publication.deallocation_config)
            if remote_id
            else ""
        )
    except (SpotError, Refused) as error:
        _release(publication_id, **_failure_fields(publication, error, publishing=False))
        _audit_outcome(publication, "publication.delete_failed", {"error": str(error)})
        return _retry_result(publication, error)
    _audit_outcome(
        publication, "publication.deleted", {"remoteId": remote_id, "requestId": request_id}
    )
    Publication.objects.filter(pk=publication_id).delete()
    return Result(Outcome.DONE)


def _audit_outcome(publication: Publication, action: str, after: dict[str, Any]) -> None:
    record_audit(
        organization=publication.organization,
        actor=None,
        action=action,
        obj_type="publication",
        obj_id=publication.group_public_id,
        obj_repr=publication.name,
        after=after,
    )


# --- drift -----------------------------------------------------------------------------------


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
    publication = _claim(publication_id, holder)
    if publication is None:
        return Result(Outcome.BUSY, 30)
    group = publication.group
    if (
        group is None
        or group.status != Status.ACTIVE
        or publication.state != SyncState.IN_SYNC
        or not publication.remote_id
    ):
        _release(publication_id)
        return Result(Outcome.DONE)
    try:
        client = client_for(_connection(publication))
        ours = outgoing_spec(publication, group, without_password(group.spec))
        item = client.get(publication.kind, publication.remote_id)
    except (SpotError, Refused) as error:
        # Drift is read again at the next check; a failed read changes no sync state.
        _release(publication_id, drift_checked_at=timezone.now())
        _audit_outcome(publication, "publication.drift_unreadable", {"error": str(error)})
        return Result(Outcome.DONE)
    if item is None:
        label = Kind(publication.kind).label.lower()
        found = [f"The {label} {publication.remote_id} no longer exists in Spot."]
        _release(publication_id, drift=found, drift_checked_at=timezone.now(), remote_spec=None)
        return Result(Outcome.DONE)
    theirs = remote_spec(publication.kind, item)
    answered = publication.answer
    published = remote_spec(publication.kind, answered) if isinstance(answered, dict) else None
    _release(
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
        client = client_for(_connection(publication), interactive=True)
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

"""The calls to Spot behind publishing: publish a revision, delete in Spot (drift and the dry
run, which only read Spot, are in `drift`).

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

from galleries.crypto import SecretUnreadable, decrypt_secret
from groups.models import Group, Revision
from groups.spot.json import (
    LOGIN_PATH,
    dig,
    gallery_reference,
    with_gallery_reference,
    without_password,
)

from .client import SpotClient, SpotError
from .models import Publication, SpotConnection, SyncState
from .services import audit_publication, client_for

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


def claim(publication_id: int, holder: str) -> Publication | None:
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


def release(publication_id: int, **fields: Any) -> None:
    Publication.objects.filter(pk=publication_id).update(
        lease_until=None, lease_holder="", **fields
    )


def connection_of(publication: Publication) -> SpotConnection:
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
    publication = claim(publication_id, holder)
    if publication is None:
        return Result(Outcome.BUSY, 10)
    group = publication.group
    if group is None or publication.state == SyncState.DELETING:
        release(publication_id)
        return Result(Outcome.DONE)
    revision_number = publication.requested_revision
    try:
        revision = Revision.objects.get(group=group, number=revision_number)
        client = client_for(connection_of(publication))
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
        release(publication_id, **_failure_fields(publication, error))
        audit_outcome(publication, "publication.failed", {"error": str(error)})
        return _retry_result(publication, error)
    release(
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
    audit_outcome(
        publication,
        "publication.published",
        {"remoteId": remote_id, "revision": revision_number, "requestId": answer.request_id},
    )
    return Result(Outcome.DONE)


def delete_remote(publication_id: int, holder: str) -> Result:
    """Delete the publication's group in Spot (it was deleted here); then forget it."""
    publication = claim(publication_id, holder)
    if publication is None:
        return Result(Outcome.BUSY, 10)
    if publication.group_id is not None:  # not deleted here (any more)
        release(publication_id)
        return Result(Outcome.DONE)
    try:
        client = client_for(connection_of(publication))
        remote_id = publication.remote_id
        if not remote_id and publication.create_sent_at is not None:
            remote_id = _find_lost_create(client, publication, publication.create_sent_at) or ""
        request_id = (
            client.delete(publication.kind, remote_id, publication.deallocation_config)
            if remote_id
            else ""
        )
    except (SpotError, Refused) as error:
        release(publication_id, **_failure_fields(publication, error, publishing=False))
        audit_outcome(publication, "publication.delete_failed", {"error": str(error)})
        return _retry_result(publication, error)
    audit_outcome(
        publication, "publication.deleted", {"remoteId": remote_id, "requestId": request_id}
    )
    Publication.objects.filter(pk=publication_id).delete()
    return Result(Outcome.DONE)


def audit_outcome(publication: Publication, action: str, after: dict[str, Any]) -> None:
    """An audit entry of a task's outcome (no actor: the console did it)."""
    audit_publication(publication, actor=None, action=action, after=after)

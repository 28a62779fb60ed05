"""Writes of publishing: Spot connections, and the hooks that queue a publish when a change is
applied here (`applied`) or a group is deleted (`deleted`).

The calls to Spot themselves run in tasks (`groups.publish.sync`); this module only records
what is asked for and queues it, by task name, once the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, Unpack

from django.db import transaction
from django.utils import timezone

from console.celery import app as celery_app
from console.models import Account
from console.services import AuditChanges, AuditSubject
from galleries.crypto import SecretUnreadable, decrypt_secret, encrypt_secret
from groups.models import Group, Status

from .client import SpotClient, SpotError
from .models import Publication, SpotConnection, SyncState

PUBLISH_TASK = "groups.publish.tasks.publish_group_task"
DELETE_TASK = "groups.publish.tasks.delete_remote_group_task"
IMPORT_TASK = "groups.publish.tasks.import_account_task"
# Revisions written from Spot's own configuration (import, adopting drift) are not sent back.
FROM_SPOT = "spot"


def client_for(connection: SpotConnection, *, interactive: bool = False) -> SpotClient:
    try:
        token = decrypt_secret(connection.token_encrypted)
    except SecretUnreadable:
        raise SpotError(
            "The stored Spot token can't be decrypted with the configured keys; enter it "
            "again in Settings → Spot.",
            code="TOKEN_UNREADABLE",
        ) from None
    return SpotClient(
        connection.base_url, connection.spot_account_id, token, interactive=interactive
    )


# A group's publication (its actor None: the console's own task).
PUBLICATION_AUDIT = AuditSubject(
    "publication", attrgetter("name"), obj_id=attrgetter("group_public_id")
)
audit_publication = PUBLICATION_AUDIT.record
# An account's Spot connection (never its token).
CONNECTION_AUDIT = AuditSubject(
    "spot_connection",
    lambda connection: connection.account.name,
    obj_id=attrgetter("account_id"),
    organization=lambda connection: connection.account.organization,
)


def _connection_fields(connection: SpotConnection) -> dict[str, str]:
    """What the audit log keeps of a connection: never the token."""
    return {"baseUrl": connection.base_url, "spotAccountId": connection.spot_account_id}


def audit_connection(
    connection: SpotConnection, *, actor: Any, verb: str, **changes: Unpack[AuditChanges]
) -> None:
    """An audit entry `spot_connection.<verb>` about `connection`; `changes` are `before` and
    `after`."""
    CONNECTION_AUDIT.record(connection, actor=actor, action=f"spot_connection.{verb}", **changes)


def save_connection(
    *, actor: Any, account: Account, base_url: str, spot_account_id: str, token: str
) -> SpotConnection:
    """Create or change `account`'s Spot connection; an empty `token` keeps the stored one."""
    with transaction.atomic():
        connection = SpotConnection.objects.select_for_update().filter(account=account).first()
        before = _connection_fields(connection) if connection is not None else None
        if connection is None:
            connection = SpotConnection(account=account)
        connection.base_url = base_url.rstrip("/")
        connection.spot_account_id = spot_account_id
        if token:
            connection.token_encrypted = encrypt_secret(token)
        connection.test_ok = None
        connection.test_message = ""
        connection.tested_at = None
        connection.save()
        audit_connection(
            connection,
            actor=actor,
            verb="create" if before is None else "update",
            before=before,
            after={**_connection_fields(connection), "tokenChanged": bool(token)},
        )
    return connection


def remove_connection(*, actor: Any, connection: SpotConnection) -> None:
    """Stop publishing the account; what is in Spot stays there."""
    with transaction.atomic():
        audit_connection(
            connection, actor=actor, verb="delete", before=_connection_fields(connection)
        )
        connection.delete()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


def probe(client: SpotClient) -> Verdict:
    """Test connection: Spot's account listing, and whether the account is among them."""
    try:
        accounts = client.accounts()
    except SpotError as error:
        return Verdict(False, error.message)
    ids = [str(item.get("accountId") or item.get("id") or "") for item in accounts]
    if client.account_id not in ids:
        known = ", ".join(i for i in ids if i) or "none"
        return Verdict(
            False,
            f"Spot accepted the token, but account {client.account_id} is not one of its "
            f"accounts (it has: {known}).",
        )
    return Verdict(True, f"Connected: Spot knows account {client.account_id} for this token.")


def test_connection(connection: SpotConnection) -> Verdict:
    try:
        verdict = probe(client_for(connection, interactive=True))
    except SpotError as error:
        verdict = Verdict(False, error.message)
    SpotConnection.objects.filter(pk=connection.pk).update(
        tested_at=timezone.now(), test_ok=verdict.ok, test_message=verdict.message[:500]
    )
    return verdict


def _queue(task_name: str, publication_id: int) -> None:
    transaction.on_commit(partial(celery_app.send_task, task_name, args=[publication_id]))


def applied(*, group: Group, source: str) -> None:
    """A change of `group` went live: publish it to Spot, if its account is connected.

    Called inside the transaction that applies the change; the task is queued on commit.
    A revision that came from Spot (an import) is recorded as in sync, not sent back.
    """
    if not SpotConnection.objects.filter(account_id=group.account_id).exists():
        return
    now = timezone.now()
    publication, _ = Publication.objects.select_for_update().get_or_create(
        group=group,
        defaults={
            "organization_id": group.organization_id,
            "account_id": group.account_id,
            "group_public_id": group.id,
            "kind": group.kind,
            "state": SyncState.PUBLISHING,
        },
    )
    publication.name = group.name
    publication.requested_revision = group.revision
    publication.requested_at = now
    if source == FROM_SPOT:
        publication.state = SyncState.IN_SYNC
        publication.published_revision = group.revision
        publication.published_at = now
        publication.drift = []
        publication.save()
        return
    publication.state = SyncState.PUBLISHING
    publication.error_code = ""
    publication.error_message = ""
    publication.retryable = False
    publication.attempts = 0
    publication.save()
    _queue(PUBLISH_TASK, publication.pk)


def deleted(*, group: Group, deallocation_config: dict[str, Any] | None) -> None:
    """`group` is being deleted here: delete it in Spot too, once this transaction commits."""
    publication = Publication.objects.select_for_update().filter(group=group).first()
    if publication is None:
        return
    if not publication.remote_id and publication.create_sent_at is None:
        publication.delete()  # never reached Spot
        return
    publication.state = SyncState.DELETING
    publication.deallocation_config = deallocation_config
    publication.error_code = ""
    publication.error_message = ""
    publication.attempts = 0
    publication.save()
    _queue(DELETE_TASK, publication.pk)


def retry(*, actor: Any, publication: Publication) -> None:
    """Try a failed publish (or Spot-side delete) again, as the Retry button asks."""
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        deleting = locked.group_id is None
        locked.state = SyncState.DELETING if deleting else SyncState.PUBLISHING
        locked.error_code = ""
        locked.error_message = ""
        locked.attempts = 0
        if locked.group is not None and locked.group.status == Status.ACTIVE:
            locked.requested_revision = locked.group.revision
        locked.save()
        audit_publication(
            locked,
            actor=actor,
            action="publication.retry",
            after={"remoteId": locked.remote_id, "state": locked.state},
        )
        _queue(DELETE_TASK if deleting else PUBLISH_TASK, locked.pk)


def republish(*, actor: Any, group: Group) -> Publication:
    """Send the live revision again (over a drifted configuration in Spot)."""
    with transaction.atomic():
        applied(group=group, source="console")
        publication = Publication.objects.get(group=group)
        audit_publication(
            publication,
            actor=actor,
            action="publication.republish",
            after={"remoteId": publication.remote_id, "revision": group.revision},
        )
    return publication


def request_import(*, actor: Any, connection: SpotConnection) -> None:
    with transaction.atomic():
        audit_connection(
            connection, actor=actor, verb="import", after=_connection_fields(connection)
        )
        _queue(IMPORT_TASK, connection.pk)

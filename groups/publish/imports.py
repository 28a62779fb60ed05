"""Importing what a Spot account already runs, and adopting Spot's configuration after drift.

Each remote group or node becomes (or updates) a live group here with its remote id, its
gallery reference's `spotAccountId` translated from Spot's account ids to ours. What cannot go
live (an image the inventory does not know, a Windows login whose password Spot never returns)
is kept as a draft that says why. A re-import finds groups by remote id: it never duplicates.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from groups.edit_context import EditContext
from groups.models import Group, Kind, Status
from groups.reviews.models import ChangeRequest
from groups.reviews.refusals import ReviewRefused
from groups.reviews.selectors import open_change_of
from groups.reviews.services import comment, propose_change
from groups.services import ValidationFailed, save_group
from groups.spot.json import gallery_reference, with_gallery_reference, without_password

from .client import SpotError
from .drift import remote_spec
from .models import Publication, SpotConnection, SyncState
from .services import FROM_SPOT, audit_connection, client_for


def local_spec(connection: SpotConnection, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Spot's spec with the gallery's Spot account id replaced by our account's id, when one
    of the organization's connections names it (left as is otherwise: validation says so)."""
    ref = gallery_reference(kind, spec)
    if ref is None or not ref.spot_account_id:
        return spec
    local = (
        SpotConnection.objects.filter(
            account__organization_id=connection.account.organization_id,
            spot_account_id=ref.spot_account_id,
        )
        .values_list("account_id", flat=True)
        .first()
    )
    if local is None:
        return spec
    if local == connection.account_id:
        return with_gallery_reference(kind, spec, replace(ref, spot_account_id=""))
    return with_gallery_reference(kind, spec, replace(ref, spot_account_id=local))


def _problems_in_words(failure: ValidationFailed) -> str:
    return "; ".join(problem.message for problem in failure.problems[:3])


def _adopt_one(connection: SpotConnection, kind: str, item: dict[str, Any], actor: Any) -> str:
    """Create or update the group for one remote item; what happened, in words."""
    remote_id = str(item.get("id") or "")
    name = str(item.get("name") or remote_id)
    label = Kind(kind).label
    spec = local_spec(connection, kind, remote_spec(kind, item))
    account = connection.account
    organization = account.organization
    publication = (
        Publication.objects.select_related("group")
        .filter(account=account, remote_id=remote_id, group__isnull=False)
        .first()
    )
    group: Group | None = publication.group if publication is not None else None
    if group is not None and without_password(group.spec) == spec:
        return f"{label} {name} ({remote_id}): unchanged."

    def save(status: str) -> Group:
        saved, _ = save_group(
            EditContext(actor, organization, account, kind),
            spec,
            status=status,
            source=FROM_SPOT,
            group=group,
        )
        return saved

    try:
        with transaction.atomic():
            group = save(Status.ACTIVE)
            Publication.objects.filter(group=group).update(remote_id=remote_id)
        verb = "updated" if publication is not None else "imported"
        return f"{label} {name} ({remote_id}): {verb} as live {group.id}."
    except ValidationFailed as failure:
        reason = _problems_in_words(failure)
    if group is not None and group.status == Status.ACTIVE:
        return (
            f"{label} {name} ({remote_id}): not updated: Spot's configuration would be "
            f"refused here: {reason}"
        )
    try:
        with transaction.atomic():
            group = save(Status.DRAFT)
            Publication.objects.update_or_create(
                group=group,
                defaults={
                    "organization": organization,
                    "account": account,
                    "group_public_id": group.id,
                    "kind": kind,
                    "name": group.name,
                    "remote_id": remote_id,
                    "state": SyncState.FAILED,
                    "error_code": "IMPORTED_AS_DRAFT",
                    "error_message": f"Imported from Spot as a draft: {reason}",
                    "retryable": False,
                },
            )
    except ValidationFailed as failure:
        return f"{label} {name} ({remote_id}): skipped: {_problems_in_words(failure)}"
    return f"{label} {name} ({remote_id}): imported as draft {group.id}: {reason}"


def import_account(connection_id: int, actor: Any = None) -> list[str]:
    """Import every Azure group and stateful node of the connection's Spot account."""
    connection = (
        SpotConnection.objects.select_related("account__organization")
        .filter(pk=connection_id)
        .first()
    )
    if connection is None:
        return []
    client = client_for(connection)
    lines: list[str] = []
    for kind in (Kind.STATELESS, Kind.STATEFUL):
        try:
            items = client.listing(kind)
        except SpotError as error:
            lines.append(f"{Kind(kind).label}s could not be listed: {error.message}")
            continue
        lines.extend(_adopt_one(connection, kind, item, actor) for item in items)
    if not lines:
        lines.append("Spot's account has no Azure groups or stateful nodes.")
    SpotConnection.objects.filter(pk=connection.pk).update(
        imported_at=timezone.now(), import_summary=lines
    )
    audit_connection(connection, actor=actor, verb="imported", after={"summary": lines[:50]})
    return lines


def adopt_remote(*, actor: Any, publication: Publication) -> ChangeRequest:
    """Propose Spot's drifted configuration as the group's change: it goes live through review
    like any other change (validated at apply; publishing it then brings Spot back in sync).

    Refused while the group has an open change: adopting would overwrite someone's proposal.
    """
    group = publication.group
    if group is None or publication.remote_spec is None:
        raise ReviewRefused("There is no configuration read from Spot to adopt.")
    if open_change_of(group) is not None:
        raise ReviewRefused(
            f"{group.name} already has a change under review; apply or discard it before "
            "adopting Spot's configuration."
        )
    connection = SpotConnection.objects.get(account_id=publication.account_id)
    spec = local_spec(connection, group.kind, publication.remote_spec)
    with transaction.atomic():
        change, _ = propose_change(actor=actor, group=group, spec=spec)
        found = "\n".join(publication.drift or [])
        comment(
            actor=actor,
            change=change,
            text="Adopts the configuration found in Spot" + (f":\n{found}" if found else "."),
        )
    return change

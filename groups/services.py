"""Writes of groups and stateful nodes: validated, revisioned, audited; shared by console and API.

The login password never enters `spec`, a revision or an audit entry: it is split off and kept
encrypted in `Group.login_password_encrypted`.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from django.db import transaction

from console.models import Organization
from console.selectors import accounts_for
from console.services import AuditSubject
from galleries.crypto import encrypt_secret

from .edit_context import EditContext
from .models import Group, Kind, Revision, Status
from .publish import services as publishing
from .selectors import groups_for
from .spot.json import (
    LOGIN_PATH,
    dig,
    gallery_reference,
    login_password,
    merge_update,
    without_password,
)
from .validation.problems import VALIDATION_ERROR, Problem, errors_in
from .validation.rules import validate_spec

# "spot": a revision read from Spot (an import, or adopting what was changed there).
SOURCES = ("console", "api", "spot")
# Concurrent updates of one group merge onto the latest spec; give up after this many collisions.
UPDATE_ATTEMPTS = 3
# Spot's update schema has no place for these: a group stays where it was created.
IMMUTABLE_AFTER_CREATE = ("region", "resourceGroupName")
_AUDIT_TYPE = {Kind.STATELESS: "group", Kind.STATEFUL: "stateful_node"}
_AUDITED = {
    kind: AuditSubject(obj_type, attrgetter("name")) for kind, obj_type in _AUDIT_TYPE.items()
}


class ValidationFailed(Exception):
    """The spec has errors, so the group was not saved as active."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class RevisionConflict(Exception):
    """Someone saved the group since the revision the edit started from."""

    def __init__(self, current: Group) -> None:
        super().__init__(
            f"{current.name} was changed by someone else (now at revision {current.revision})."
        )
        self.current = current


def _audit_action(kind: str, verb: str) -> str:
    return f"{_AUDIT_TYPE[Kind(kind)]}.{verb}"


def _sync_columns(group: Group, organization: Organization) -> None:
    """Keep the list and lookup columns in step with the spec."""
    spec = group.spec
    group.name = str(spec.get("name") or "")[:200] or "(unnamed)"
    group.region = str(spec.get("region") or "")[:64]
    ref = gallery_reference(group.kind, spec)
    if ref is None:
        group.gallery_account = None
        group.gallery_resource_group_name = ""
        group.gallery_name = ""
        return
    account_id = ref.spot_account_id or group.account_id
    group.gallery_account = accounts_for(organization).filter(pk=account_id).first()
    group.gallery_resource_group_name = ref.resource_group_name[:200]
    group.gallery_name = ref.gallery_name[:200]


def _next_password(
    current: Group | None, spec: dict[str, Any], clear_password: bool
) -> tuple[str, bool]:
    """(encrypted password to store, whether the group then has one).

    A password in `spec` replaces the stored one; none keeps it while the spec still has a
    login (the editor and PUT bodies leave it out); no login, or `clear_password`, drops it.
    """
    new_password = login_password(spec)
    if new_password is not None:
        return encrypt_secret(new_password), True
    stored = current.login_password_encrypted if current is not None else ""
    if clear_password or not isinstance(dig(spec, LOGIN_PATH), dict):
        return "", False
    return stored, bool(stored)


def save_group(
    context: EditContext,
    spec: dict[str, Any],
    *,
    status: str,
    source: str,
    group: Group | None = None,
    expected_revision: int | None = None,
    clear_password: bool = False,
) -> tuple[Group, list[Problem]]:
    """Create or update a group; returns it with its remaining problems (warnings).

    Active: any error raises ValidationFailed and nothing is saved. Draft: saved anyway, with
    the problems returned, unless a value breaks a field rule (a hard error). A stale
    `expected_revision` raises RevisionConflict.
    """
    actor, organization, account = context.actor, context.organization, context.account
    kind = Kind(context.kind)
    status = Status(status)
    if source not in SOURCES:
        raise ValueError(f"Unknown source {source!r}")
    with transaction.atomic():
        current: Group | None = None
        if group is not None:
            current = Group.objects.select_for_update().get(
                pk=group.pk, organization=organization, kind=kind
            )
            if expected_revision is not None and current.revision != expected_revision:
                raise RevisionConflict(current)
            current.organization = organization  # found within it: no query to load it again
            account = current.account
        encrypted, has_password = _next_password(current, spec, clear_password)
        clean_spec = without_password(spec)
        previous = current.spec if current is not None and current.status == Status.ACTIVE else None
        problems = validate_spec(
            EditContext(actor, organization, account, kind),
            spec,
            has_stored_password=has_password,
            previous_spec=previous,
        )
        hard = [problem for problem in problems if problem.hard]
        if hard:  # never stored, not even in a draft
            raise ValidationFailed(hard)
        if status == Status.ACTIVE and errors_in(problems):
            raise ValidationFailed(errors_in(problems))
        before = without_password(current.spec) if current is not None else None
        target = current or Group(organization=organization, account=account, kind=kind)
        if current is None:
            target.created_by = actor if getattr(actor, "is_authenticated", False) else None
        target.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        target.spec = clean_spec
        target.status = status
        target.login_password_encrypted = encrypted
        target.revision += 1
        _sync_columns(target, organization)
        target.save()
        Revision.objects.create(
            group=target,
            number=target.revision,
            status=status,
            spec=clean_spec,
            author=target.updated_by,
            source=source,
        )
        _AUDITED[kind].record(
            target,
            actor=actor,
            action=_audit_action(kind, "create" if current is None else "update"),
            before=before,
            after={"status": status.value, "source": source, "spec": clean_spec},
        )
        if status == Status.ACTIVE:
            publishing.applied(group=target, source=source)
    return target, problems


def _password_cleared(patch: dict[str, Any]) -> bool:
    """An explicit `login.password: null` removes the stored password."""
    login = dig(patch, LOGIN_PATH)
    return isinstance(login, dict) and "password" in login and login["password"] is None


def active_group(context: EditContext, group_id: str) -> Group:
    """The context's active group `group_id`; Group.DoesNotExist for one its account lacks."""
    return groups_for(
        context.organization, account=context.account, kind=context.kind, status=Status.ACTIVE
    ).get(pk=group_id)


def check_immutable_fields(group: Group, patch: dict[str, Any]) -> None:
    """Raise ValidationFailed when `patch` changes a field fixed when the group was created."""
    for key in IMMUTABLE_AFTER_CREATE:
        if key in patch and patch[key] != group.spec.get(key):
            message = f"{key} can't be changed after creation."
            raise ValidationFailed([Problem(VALIDATION_ERROR, message, key)])


def update_group(
    context: EditContext, group_id: str, patch: dict[str, Any], *, source: str
) -> tuple[Group, list[Problem]]:
    """Apply a partial update (Spot's PUT) to an active group of the context's account and save
    it active.

    Objects merge, lists and scalars replace, null clears (groups.spot.json.merge_update). The
    update is merged onto the latest revision, retried when someone saved in between; after
    UPDATE_ATTEMPTS collisions RevisionConflict is raised. Raises Group.DoesNotExist for a group
    the account does not have, ValidationFailed for an immutable field or any error.
    """
    for attempt in range(UPDATE_ATTEMPTS):
        group = active_group(context, group_id)
        check_immutable_fields(group, patch)
        try:
            return save_group(
                context,
                merge_update(group.spec, patch),
                status=Status.ACTIVE,
                source=source,
                group=group,
                expected_revision=group.revision,
                clear_password=_password_cleared(patch),
            )
        except RevisionConflict:
            if attempt == UPDATE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def delete_group(
    *,
    actor: Any,
    group: Group,
    source: str,
    deallocation_config: dict[str, Any] | None = None,
) -> None:
    """Delete a group or node; the audit entry keeps its last spec and how it was deallocated."""
    with transaction.atomic():
        locked = Group.objects.select_for_update().get(pk=group.pk)
        before = {"status": locked.status, "spec": without_password(locked.spec)}
        after: dict[str, Any] = {"source": source}
        if deallocation_config is not None:
            after["deallocationConfig"] = deallocation_config
        _AUDITED[Kind(locked.kind)].record(
            locked,
            actor=actor,
            action=_audit_action(locked.kind, "delete"),
            before=before,
            after=after,
        )
        publishing.deleted(group=locked, deallocation_config=deallocation_config)
        locked.delete()


def save_copy_as_draft(context: EditContext, spec: dict[str, Any]) -> tuple[Group, list[Problem]]:
    """A new draft from a spec taken elsewhere (a clone, an old revision, imported Spot JSON):
    never active, so an inventory that moved on since is listed as the draft's problems."""
    return save_group(context, spec, status=Status.DRAFT, source="console")


def copy_name(name: str, suffix: str) -> str:
    """ "web" -> "web (copy)", cut so the name stays within the 200 characters a name may have."""
    return f"{name[: 200 - len(suffix) - 3]} ({suffix})"

"""Who is signed in: the user, their memberships and their organizations' accounts, read once
and then served from a cache every web process shares, so a request spends no query on it.

On a miss one query reads it all (the user joined to memberships, organizations and accounts).
The cache is settings.PRINCIPAL_CACHE: Redis when configured; without it, files under var/ on
SQLite (its processes share one machine); none with PostgreSQL and no Redis.

Invalidation: saving or deleting a user, a membership, an organization or an account gives the
users it concerns a new generation token, at once and again when the transaction commits. A
cached principal is used only while it carries its user's current token, so one built from rows
read before a change is never served after it, in any process. Changes must therefore go
through save() and delete() (which send the signals), never QuerySet.update().
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import BaseCache, caches
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.crypto import constant_time_compare

from .models import Account, Membership, Organization
from .process_memo import ProcessMemo

# The backend whose get_user() this module stands in for: an existing, active user.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PRINCIPAL_TIMEOUT = 60 * 60
GENERATION_TIMEOUT = 24 * 60 * 60

Row = tuple[Any, ...]


@cache
def _names(model: type[models.Model], *, without: str = "") -> tuple[str, ...]:
    """The model's column names in field order (fixed for the life of the process)."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname != without)


def _build(model: type[Any], names: tuple[str, ...], values: Row) -> Any:
    """A model instance from its column values in the model's field order, as a queryset would
    make it (fields left out, such as the user's password, stay deferred: loaded from the
    database if ever read)."""
    return model.from_db(model._default_manager.db, names, values)


def _ordered(rows: Iterable[Row], names: tuple[str, ...]) -> list[Row]:
    """Rows in the order the console lists them everywhere: oldest first."""
    created, pk = names.index("created_at"), names.index("id")
    return sorted(rows, key=lambda row: (row[created], row[pk]))


@dataclass(frozen=True)
class Principal:
    """A signed-in user as of `generation`: plain column values, rebuilt into model instances
    for each request (so no request shares an instance with another)."""

    generation: str
    user_values: Row  # the user model's concrete fields but the password
    session_auth_hash: str
    is_active: bool
    memberships: tuple[tuple[Row, Row], ...]  # (membership, its organization), oldest first
    accounts: dict[int, tuple[Row, ...]]  # organization id -> its accounts, oldest first

    def user(self) -> AbstractBaseUser:
        return _build(get_user_model(), _user_names(), self.user_values)

    def membership_list(self) -> list[Membership]:
        """The user's memberships with their organizations, oldest first (memberships_of)."""
        return [self._membership(pair) for pair in self.memberships]

    def accounts_of(self, organization_id: int) -> list[Account]:
        """The organization's accounts, oldest first (accounts_for)."""
        names = _names(Account)
        return [_build(Account, names, row) for row in self.accounts.get(organization_id, ())]

    def tenancy(
        self, organization_id: int | None, account_id: str | None
    ) -> tuple[Membership | None, Account | None]:
        """The membership of the session's organization (or the oldest), and the session's
        account in it (or the organization's oldest account)."""
        if not self.memberships:
            return None, None
        organization_column = _names(Membership).index("organization_id")
        pair = next(
            (pair for pair in self.memberships if pair[0][organization_column] == organization_id),
            self.memberships[0],
        )
        membership = self._membership(pair)
        accounts = self.accounts_of(membership.organization_id)
        account = next((a for a in accounts if account_id and a.pk == account_id), None)
        return membership, account or (accounts[0] if accounts else None)

    @staticmethod
    def _membership(pair: tuple[Row, Row]) -> Membership:
        membership = _build(Membership, _names(Membership), pair[0])
        membership.organization = _build(Organization, _names(Organization), pair[1])
        return membership


def _user_names() -> tuple[str, ...]:
    return _names(get_user_model(), without="password")


# --- reading -----------------------------------------------------------------------------------


def _cache() -> BaseCache | None:
    alias = settings.PRINCIPAL_CACHE
    return caches[alias] if alias else None


def _keys(user_id: Any) -> tuple[str, str]:
    return f"principal:{user_id}", generation_key(user_id)


def generation_key(user_id: Any) -> str:
    """The cache key of the user's generation token (console.sessions reads it with the
    session)."""
    return f"principal-generation:{user_id}"


# What principal_for() is told when the caller has not read the user's token.
_UNREAD: Any = object()


# The principals this process has served, by (user id, generation token). A token names one
# reading of the rows, so a principal built under it is the same wherever it is kept; each
# request still reads the user's current token from the shared cache, and a changed token
# misses here. It spares every request reading (and unpickling) the principal itself.
_seen: ProcessMemo[Principal] = ProcessMemo(max_entries=1000)


def principal_for(
    user_id: Any, *, fresh: bool = False, generation: str | None = _UNREAD
) -> Principal | None:
    """The user's principal, from the cache unless stale or `fresh`; None if there is no such
    user. `generation`: the user's token (None: it has none) as just read from the cache with
    the session, when it was."""
    cache = _cache()
    if cache is None:
        return _read(user_id, generation="")
    key, generation_key = _keys(user_id)
    if generation is _UNREAD or fresh:
        generation = cache.get(generation_key)
    if not fresh and generation is not None:
        seen = _seen.get((user_id, generation))
        if seen is not None:
            return seen
        cached = cache.get(key)
        if cached is not None and cached.generation == generation:
            _seen.put((user_id, generation), cached)
            return cached
    if generation is None:
        cache.add(generation_key, secrets.token_hex(8), GENERATION_TIMEOUT)
        generation = cache.get(generation_key)  # ours, or the one another process added first
    # The token is read before the rows: a change committed after this read gives the user a
    # new token, so what is stored below can't outlive it.
    principal = _read(user_id, generation=generation or "")
    if principal is not None and generation is not None:
        cache.set(key, principal, PRINCIPAL_TIMEOUT)
        _seen.put((user_id, generation), principal)
    return principal


def _read(user_id: Any, *, generation: str) -> Principal | None:
    """One query: the user, left-joined to memberships, their organizations and accounts."""
    user_model = get_user_model()
    parts = [
        (_names(user_model), ""),
        (_names(Membership), "memberships__"),
        (_names(Organization), "memberships__organization__"),
        (_names(Account), "memberships__organization__accounts__"),
    ]
    columns = [prefix + name for names, prefix in parts for name in names]
    rows = list(user_model._default_manager.filter(pk=user_id).values_list(*columns))
    if not rows:
        return None
    slices, start = [], 0
    for names, _ in parts:
        slices.append(slice(start, start + len(names)))
        start += len(names)
    user_part, membership_part, organization_part, account_part = slices
    user_values = rows[0][user_part]
    full_user = _build(user_model, _names(user_model), user_values)
    password_column = _names(user_model).index("password")
    memberships: dict[Any, tuple[Row, Row]] = {}
    accounts: dict[int, dict[Any, Row]] = {}
    for row in rows:
        membership, organization, account = (
            row[membership_part],
            row[organization_part],
            row[account_part],
        )
        if membership[0] is None:
            continue  # a user of no organization
        memberships[membership[0]] = (membership, organization)
        by_id = accounts.setdefault(organization[0], {})
        if account[0] is not None:
            by_id[account[0]] = account
    membership_names, account_names = _names(Membership), _names(Account)
    ordered = _ordered([pair[0] for pair in memberships.values()], membership_names)
    return Principal(
        generation=generation,
        user_values=user_values[:password_column] + user_values[password_column + 1 :],
        session_auth_hash=full_user.get_session_auth_hash(),
        is_active=getattr(full_user, "is_active", True),
        memberships=tuple(memberships[row[0]] for row in ordered),
        accounts={
            organization_id: tuple(_ordered(by_id.values(), account_names))
            for organization_id, by_id in accounts.items()
        },
    )


def from_session(session: Any) -> Principal | None:
    """The principal of the session's user, when Django's get_user() would accept the session
    as it stands (the model backend, an active user, the current session hash). None leaves it
    to Django, which knows the other cases (another backend, a key fallback, signing out)."""
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if backend_path != MODEL_BACKEND or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    if not session_hash:
        return None
    # console.sessions read the user's token along with the session, when it could.
    read = getattr(session, "generation_read", None)
    if read is not None and read[0] == user_id:
        principal = principal_for(user_id, generation=read[1])
    else:
        principal = principal_for(user_id)
    if principal is not None and not constant_time_compare(
        session_hash, principal.session_auth_hash
    ):
        # Built before a password change or under a rotated SECRET_KEY: read it again.
        principal = principal_for(user_id, fresh=True)
    if (
        principal is None
        or not principal.is_active
        or not constant_time_compare(session_hash, principal.session_auth_hash)
    ):
        return None
    return principal


# --- invalidation ------------------------------------------------------------------------------


def forget(user_ids: Iterable[Any]) -> None:
    """Give these users new generation tokens: their cached principals are no longer used."""
    cache = _cache()
    ids = {user_id for user_id in user_ids if user_id is not None}
    if cache is None or not ids:
        return

    def renew() -> None:
        tokens = {_keys(user_id)[1]: secrets.token_hex(8) for user_id in ids}
        cache.set_many(tokens, GENERATION_TIMEOUT)

    renew()
    # Again once committed: a request that read the old rows meanwhile may have stored them.
    transaction.on_commit(renew)


def _members_of(organization_id: Any) -> list[Any]:
    return list(
        Membership.objects.filter(organization_id=organization_id).values_list("user_id", flat=True)
    )


def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget([instance.pk])


def _membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    forget([instance.user_id])


def _organization_changed(sender: Any, instance: Organization, **kwargs: Any) -> None:
    forget(_members_of(instance.pk))


def _account_changed(sender: Any, instance: Account, **kwargs: Any) -> None:
    forget(_members_of(instance.organization_id))


def connect_signals() -> None:
    receivers: list[tuple[Callable[..., None], type[models.Model]]] = [
        (_user_changed, get_user_model()),
        (_membership_changed, Membership),
        (_organization_changed, Organization),
        (_account_changed, Account),
    ]
    for receiver, model in receivers:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"principals.{receiver.__name__}")

"""Django's cached_db sessions, whose read brings the signed-in user's generation token
(console.principals) along in the same round trip to the cache.

Every request reads its session and then its user's generation token: two round trips to
Redis, one after the other, since the user is named in the session. But a session key is only
ever one user's (signing in as someone else gives the session a new key), so once this process
has read a session it knows whose it is, and reads the session and that user's token together
(one MGET). The token is then as fresh as if read on its own a moment later: a revoked member or
a changed role still holds from the next request. Should the session name another user than
expected, the token read along is not used (console.principals reads the right one).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import cached_db

from . import principals
from .process_memo import ProcessMemo

# Session key -> the user it signs in, as last read in this process (a guess, checked on use).
_users: ProcessMemo[Any] = ProcessMemo(max_entries=10_000)


class SessionStore(cached_db.SessionStore):
    # Private in the stubs (_cache, _get_session_from_db), but the very ones Django's load() uses.

    # (user id, their generation token or None if there is none), when read with the session.
    generation_read: tuple[Any, str | None] | None = None

    def load(self) -> dict[str, Any]:
        session_key = self.session_key
        user_id = _users.get(session_key) if session_key else None
        same_cache = settings.PRINCIPAL_CACHE == settings.SESSION_CACHE_ALIAS
        if user_id is None or not same_cache:
            data = super().load()
        else:
            generation_key = principals.generation_key(user_id)
            try:
                found = self._cache.get_many([self.cache_key, generation_key])  # type: ignore[attr-defined]
            except Exception:  # as Django's load(): an unusable key is a new session
                found = {}
            data = found.get(self.cache_key)
            if data is None:
                data = self._load_from_database()
            else:
                self.generation_read = (user_id, found.get(generation_key))
        self._remember_user(data)
        return data

    def _load_from_database(self) -> dict[str, Any]:
        """Django's cached_db load() after a cache miss: the database, then into the cache."""
        stored = self._get_session_from_db()  # type: ignore[attr-defined]
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        expiry = self.get_expiry_age(expiry=stored.expire_date)
        self._cache.set(self.cache_key, data, expiry)  # type: ignore[attr-defined]
        return data

    def _remember_user(self, data: dict[str, Any]) -> None:
        raw = data.get(SESSION_KEY)
        if raw is None or not self.session_key:
            return
        try:
            user_id = get_user_model()._meta.pk.to_python(raw)
        except Exception:  # a malformed id: Django's get_user() deals with it
            return
        if _users.get(self.session_key) != user_id:
            _users.put(self.session_key, user_id)
        if self.generation_read is not None and self.generation_read[0] != user_id:
            self.generation_read = None  # read for the user this key used to sign in

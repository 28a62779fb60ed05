"""Rendered cascade fragments kept in the cache every web process shares (settings.PRINCIPAL_CACHE:
Redis, or files on SQLite; none with PostgreSQL and no Redis), so that asking again costs one
query and no rendering.

A fragment of the subscription's inventory is a function of: that subscription's row as the
fragment's first query reads it (its id, Azure subscription, account, name, Azure state and the
finish time of its last applied refresh), the request's parameters and the field that sent it,
whether the member may edit, and the clock, to the minute ("refreshed 5 minutes ago", versions
past their end of life). The key holds every one of them, so nothing is invalidated: the
inventory only changes through a refresh, which then records its finish time, and the next
request after that misses and renders anew. A change that somehow escaped that (a refresh's
outcome written late) lasts at most until the minute turns.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.urls import get_script_prefix
from django.utils import timezone

from console.process_memo import ProcessMemo

from .queries import SubscriptionAge

# Longer than the minute in the key: an entry outlives its minute by a little, never more.
FRAGMENT_TIMEOUT = 90
# The fragments this process served last, by key, in front of the shared cache: the key names
# everything a fragment shows, so an entry is never wrong, only unused once its minute has
# passed. It spares the hot fragments a read from Redis (or a file) and its unpickling.
# A 1,000-option level is about 100 kB of text; 8 M characters per process at most.
_served: ProcessMemo[str] = ProcessMemo(max_entries=500, max_size=8_000_000, size_of=len)


def _cache() -> BaseCache | None:
    alias = settings.PRINCIPAL_CACHE
    return caches[alias] if alias else None


def fragment_key(
    sub: SubscriptionAge,
    level: str,
    params: list[tuple[str, list[str]]],
    trigger: str | None,
    can_edit: bool,
) -> str:
    refreshed = sub.refreshed_at.isoformat() if sub.refreshed_at else ""
    minute = timezone.now().strftime("%Y-%m-%dT%H:%M")
    parts: list[Any] = [sub.pk, sub.subscription_id, sub.account_id, sub.display_name]
    parts += [sub.azure_state, refreshed, level, sorted(params), trigger or "", can_edit]
    parts += [get_script_prefix(), minute]
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return f"cascade-fragment:{digest}"


def rendered(key: str, render: Callable[[], str]) -> str:
    """The fragment stored under `key`, or `render()`'s, stored there for the next request."""
    cache = _cache()
    if cache is None:
        return render()
    html = _served.get(key)
    if html is not None:
        return html
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_TIMEOUT)
    _served.put(key, html)
    return html

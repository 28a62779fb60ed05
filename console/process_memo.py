"""A small least-recently-used memo kept in one web process, in front of the shared cache.

Only for values stored under a key that names them completely (a content address), so that a
key once bound never needs invalidating: a cached principal under its user's generation token,
a rendered fragment under the digest of everything it shows. Reading it costs no round trip to
Redis and no file read; a process holds at most `max_entries` values and `max_size` of their
sizes, the least recently used going first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ProcessMemo(Generic[Value]):
    def __init__(
        self,
        max_entries: int,
        *,
        max_size: int | None = None,
        size_of: Callable[[Value], int] = lambda value: 1,
    ) -> None:
        self.max_entries = max_entries
        self.max_size = max_size
        self._size_of = size_of
        self._entries: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._size = 0
        # The web server's threads share a process's memo.
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Value) -> None:
        size = self._size_of(value)
        if self.max_size is not None and size > self.max_size:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= previous[1]
            self._entries[key] = (value, size)
            self._size += size
            while len(self._entries) > self.max_entries or (
                self.max_size is not None and self._size > self.max_size
            ):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._entries)

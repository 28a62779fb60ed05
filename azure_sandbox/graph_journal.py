"""What Resource Graph has not seen yet: recent ARM writes, for its simulated lag."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

Row = dict[str, Any]


class GraphJournal:
    """Recent ARM writes, so Resource Graph can answer as it stood ``lag`` seconds ago.

    Each write records the resource's row before it (``None``: it did not exist). Within
    the lag, Resource Graph shows that earlier row (or nothing) instead of the current one.
    Only writes through the sandbox's ARM routes are recorded; edits of ``sandbox.world``
    from Python are visible at once.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: list[tuple[float, str, Row | None]] = []

    def record(self, resource_id: str, previous: Row | None, lag_seconds: float) -> None:
        if lag_seconds <= 0:
            return
        now = self._clock()
        with self._lock:
            self._entries = [e for e in self._entries if e[0] > now - lag_seconds]
            self._entries.append((now, resource_id.lower(), previous))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def hidden_changes(self, lag_seconds: float) -> dict[str, Row | None]:
        """Lower-cased id -> the row Resource Graph still shows (``None``: none yet)."""
        if lag_seconds <= 0:
            return {}
        horizon = self._clock() - lag_seconds
        overlay: dict[str, Row | None] = {}
        with self._lock:
            for moment, resource_id, previous in self._entries:
                if moment > horizon and resource_id not in overlay:
                    overlay[resource_id] = previous  # the oldest write in the window wins
        return overlay

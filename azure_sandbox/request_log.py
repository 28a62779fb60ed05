"""A bounded log of handled requests plus counters (per route, per status, throttled).

Entries hold method, path, route and status only: never headers, bodies, tokens or secrets.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class LogEntry:
    time: float
    method: str
    path: str
    route: str
    status: int  # 0 when the connection was dropped without an answer
    api_version: str | None
    client_id: str | None
    duration_ms: float
    faults: list[str]


class RequestLog:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[LogEntry] = deque(maxlen=max_entries)
        self.by_route: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.throttled_count = 0
        self.faults_fired = 0
        self.total = 0

    def record(self, entry: LogEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            self.by_route[entry.route] += 1
            self.by_status[entry.status] += 1
            self.total += 1
            self.faults_fired += len(entry.faults)
            if entry.status == 429 and not entry.faults:
                self.throttled_count += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.by_route.clear()
            self.by_status.clear()
            self.throttled_count = self.faults_fired = self.total = 0

    def entries(self, route: str | None = None) -> list[LogEntry]:
        with self._lock:
            return [e for e in self._entries if route is None or e.route == route]

    def count(self, route: str) -> int:
        with self._lock:
            return self.by_route[route]

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": self.total,
                "by_route": dict(self.by_route),
                "by_status": {str(k): v for k, v in self.by_status.items()},
                "throttled": self.throttled_count,
                "faults_fired": self.faults_fired,
            }

    def to_dicts(self, limit: int = 1000) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(e) for e in list(self._entries)[-limit:]]

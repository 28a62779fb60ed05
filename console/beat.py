"""A beat scheduler that also reports its own liveness, for /healthz and the compose check.

Enable with CELERY_BEAT_SCHEDULER = "console.beat.HeartbeatScheduler".
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import DatabaseError, close_old_connections

from .services import record_heartbeat

logger = logging.getLogger(__name__)

# Well inside the 3 x HEARTBEAT_INTERVAL staleness limit.
BEAT_HEARTBEAT_EVERY_SECONDS = 15.0


def heartbeat_every_seconds() -> float:
    return min(BEAT_HEARTBEAT_EVERY_SECONDS, settings.HEARTBEAT_INTERVAL.total_seconds())


class HeartbeatScheduler(PersistentScheduler):
    """PersistentScheduler that writes Heartbeat("beat") from tick(), at most every ~15 s
    (more often only when HEARTBEAT_INTERVAL is shorter)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._last_heartbeat: float | None = None
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        every = heartbeat_every_seconds()
        now = time.monotonic()
        if self._last_heartbeat is None or now - self._last_heartbeat >= every:
            self._write_heartbeat()
            self._last_heartbeat = now
        # Wake up often enough to keep the heartbeat fresh even when no task is due soon.
        return min(interval, every)

    def _write_heartbeat(self) -> None:

        # Beat runs for weeks: drop a connection the database has closed meanwhile.
        close_old_connections()
        try:
            record_heartbeat("beat")
        except DatabaseError:
            # A database outage must not stop scheduling; /healthz will show the stale beat.
            logger.warning("Could not record the beat heartbeat", exc_info=True)

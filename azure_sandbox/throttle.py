"""ARM-style token-bucket throttling per (scope, principal, operation kind), and Resource
Graph's per-user quota of queries per time window."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from azure_sandbox.world import BucketSettings, QuotaSettings


@dataclass
class BucketDecision:
    allowed: bool
    remaining: int
    retry_after_seconds: int


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, updated: float) -> None:
        self.tokens = tokens
        self.updated = updated


class Throttler:
    """Token buckets created lazily; a request takes one token or is refused with Retry-After."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._lock = threading.Lock()
        self.throttled_count = 0

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self.throttled_count = 0

    def take(
        self, scope: str, principal: str, kind: str, settings: BucketSettings
    ) -> BucketDecision:
        now = time.monotonic()
        key = (scope.lower(), principal.lower(), kind)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(settings.capacity), now)
            else:
                refill = (now - bucket.updated) * settings.refill_per_second
                bucket.tokens = min(float(settings.capacity), bucket.tokens + refill)
                bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return BucketDecision(True, int(bucket.tokens), 0)
            self.throttled_count += 1
            missing = 1 - bucket.tokens
            rate = settings.refill_per_second
            wait = math.ceil(missing / rate) if rate > 0 else 3600
            return BucketDecision(False, 0, max(1, wait))


@dataclass
class QuotaDecision:
    allowed: bool
    remaining: int
    resets_after_seconds: float

    @property
    def resets_after(self) -> str:
        """Resource Graph's ``hh:mm:ss`` form, rounded up to whole seconds."""
        seconds = math.ceil(max(0.0, self.resets_after_seconds))
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class GraphQuota:
    """Resource Graph's user quota: ``queries`` per window; the window opens at the first
    query after the previous one closed, and the quota is whole again when it closes."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}  # principal -> (opened, used)
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def take(self, principal: str, settings: QuotaSettings) -> QuotaDecision:
        now = time.monotonic()
        key = principal.lower()
        with self._lock:
            opened, used = self._windows.get(key, (now, 0))
            if now >= opened + settings.window_seconds:
                opened, used = now, 0
            left = opened + settings.window_seconds - now
            if used >= settings.queries:
                return QuotaDecision(False, 0, left)
            self._windows[key] = (opened, used + 1)
            return QuotaDecision(True, settings.queries - used - 1, left)

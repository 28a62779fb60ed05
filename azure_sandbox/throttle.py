"""ARM-style token-bucket throttling per (scope, principal, operation kind)."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from azure_sandbox.world import BucketSettings


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

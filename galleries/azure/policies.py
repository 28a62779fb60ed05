"""Pipeline policies every Azure client of the console gets: the call meter (counts calls and
throttled answers, slows down when ARM's read budget runs low) and a retry whose Retry-After
wait is capped."""

from __future__ import annotations

import threading
import time
from typing import Any

from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy

__all__ = ["CallMeter", "CappedRetryPolicy", "MeterPolicy"]


class CallMeter:
    """Thread-safe counts of HTTP attempts, and a pause when the read budget runs low."""

    # Below this many remaining reads, space requests out at about ARM's refill rate.
    LOW_READ_BUDGET = 40
    REFILL_PER_SECOND = 25.0
    MAX_PAUSE_SECONDS = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self.throttled = 0
        self.remaining_reads: int | None = None

    def pause_before_request(self) -> None:
        with self._lock:
            remaining = self.remaining_reads
        if remaining is not None and remaining < self.LOW_READ_BUDGET:
            deficit = self.LOW_READ_BUDGET - remaining
            time.sleep(min(deficit / self.REFILL_PER_SECOND, self.MAX_PAUSE_SECONDS))

    def record(self, status: int, remaining_reads: str | None) -> None:
        with self._lock:
            self.calls += 1
            if status == 429:
                self.throttled += 1
            if (
                remaining_reads
                and remaining_reads.strip().isascii()
                and remaining_reads.strip().isdigit()
            ):
                self.remaining_reads = int(remaining_reads)


class MeterPolicy(SansIOHTTPPolicy):
    """Runs once per attempt (placed after the retry policy)."""

    def __init__(self, meter: CallMeter) -> None:
        self.meter = meter

    def on_request(self, request: PipelineRequest) -> None:
        self.meter.pause_before_request()

    def on_response(
        self,
        request: PipelineRequest,
        response: PipelineResponse,
    ) -> None:
        http = response.http_response
        self.meter.record(
            http.status_code, http.headers.get("x-ms-ratelimit-remaining-subscription-reads")
        )


class CappedRetryPolicy(RetryPolicy):
    """azure-core's retry, except that one Retry-After may block at most `max_retry_after`.

    A longer Retry-After is not waited out: the call fails now and the refresh reports the
    throttling, rather than a worker sleeping for minutes.
    """

    def __init__(self, *, max_retry_after: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_retry_after = max_retry_after

    def is_retry(self, settings: dict[str, Any], response: PipelineResponse) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after is not None and retry_after > self.max_retry_after:
            return False
        return bool(super().is_retry(settings, response))

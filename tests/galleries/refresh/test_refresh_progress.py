"""The refresh's progress is written as the walk advances, not only with each heartbeat: a run
of a couple of seconds shows Running with a growing count instead of jumping from Queued 0% to
Succeeded."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connections

from galleries.models import RefreshRun
from galleries.refresh.request import request_refresh
from galleries.refresh.runs import execute_run


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_while_the_walk_runs(
    connect: Any, fresh_azure_sandbox: Any, settings: Any
) -> None:
    settings.INVENTORY_REFRESH_HEARTBEAT_SECONDS = 60  # no beat: only the walk writes
    subscription = connect("Shared Images")
    # Each version list takes a while, as a real subscription's do.
    fresh_azure_sandbox.faults.add(kind="latency", latency_ms=250, path_pattern="/versions$")
    run, _ = request_refresh(subscription, enqueue=False)

    def refresh() -> None:
        try:
            execute_run(run.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=refresh)
    worker.start()
    seen: list[tuple[str, int, int]] = []
    while worker.is_alive():
        row = RefreshRun.objects.values_list("status", "progress_done", "progress_total").get(
            pk=run.pk
        )
        seen.append(row)
        time.sleep(0.05)
    worker.join()
    assert RefreshRun.objects.get(pk=run.pk).status == "succeeded"
    midway = [(done, total) for status, done, total in seen if status == "running" and done]
    assert midway, seen
    assert any(done < total for done, total in midway)
    assert len({done for done, _ in midway}) >= 2  # it moved more than once

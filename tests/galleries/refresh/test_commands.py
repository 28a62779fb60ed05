"""manage.py refresh_inventory, and the read-budget pacing of the call meter."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from galleries.azure.clients import CallMeter
from galleries.models import RefreshRun

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # several subscriptions are refreshed in threads
def test_refresh_inventory_wait_runs_inline_and_prints_the_result(connect: Any) -> None:
    production = connect("Production")
    staging = connect("Staging")
    out = StringIO()
    call_command("refresh_inventory", "--wait", stdout=out)
    text = out.getvalue()
    assert "Production: succeeded in" in text
    assert "Staging: succeeded in" in text
    assert "versions +" in text
    assert RefreshRun.objects.filter(status="succeeded").count() == 2
    out = StringIO()
    call_command("refresh_inventory", "--subscription", staging.account_id, "--wait", stdout=out)
    assert "Staging: succeeded" in out.getvalue()
    assert "Production" not in out.getvalue()
    assert production.refresh_runs.count() == 1


def test_refresh_inventory_without_wait_queues(connect: Any, monkeypatch: Any) -> None:
    from galleries.refresh import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.refresh_subscription_task, "delay", sent.append)
    subscription = connect("Production")
    out = StringIO()
    call_command("refresh_inventory", "--subscription", subscription.subscription_id, stdout=out)
    assert "refresh queued" in out.getvalue()
    assert RefreshRun.objects.get().status == "queued"


def test_refresh_inventory_reports_failure(connect: Any, fresh_azure_sandbox: Any) -> None:
    subscription = connect("Production")
    fresh_azure_sandbox.principal("Production").client_secret = "changed"
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "refresh_inventory", "--subscription", str(subscription.pk), "--wait", stdout=out
        )
    assert "failed" in out.getvalue()
    assert "client secret" in out.getvalue()


def test_unknown_subscription_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="No connected subscription matches"):
        call_command("refresh_inventory", "--subscription", "nope")


def test_call_meter_slows_down_when_the_read_budget_runs_low() -> None:
    meter = CallMeter()
    meter.record(200, "200")
    started = time.monotonic()
    meter.pause_before_request()
    assert time.monotonic() - started < 0.05
    meter.record(429, "0")
    assert (meter.calls, meter.throttled, meter.remaining_reads) == (2, 1, 0)
    started = time.monotonic()
    meter.pause_before_request()
    assert time.monotonic() - started >= 1.5  # 40 reads short at 25 per second, capped at 2 s


def test_sovereign_clouds_get_their_own_endpoints_and_token_scope() -> None:
    from datetime import timedelta

    from galleries.azure.clients import ConnectionSettings
    from galleries.refresh.tasks import jitter_for

    def endpoints(cloud: str, **extra: str) -> tuple[str, str, str]:
        return ConnectionSettings("s", "t", "c", "secret", cloud=cloud, **extra).endpoints

    assert endpoints("usgov") == (
        "https://management.usgovcloudapi.net",
        "https://login.microsoftonline.us",
        "https://management.usgovcloudapi.net/.default",
    )
    assert endpoints("china")[2] == "https://management.chinacloudapi.cn/.default"
    assert endpoints("custom", arm_endpoint="https://arm.local/", authority_host="https://idp/")[
        :2
    ] == (
        "https://arm.local",
        "https://idp",
    )
    assert "secret" not in repr(ConnectionSettings("s", "t", "c", "secret"))
    interval = timedelta(minutes=15)
    offsets = {jitter_for(pk, interval) for pk in range(50)}
    assert len(offsets) > 40
    assert all(timedelta(0) <= o <= interval * 0.2 for o in offsets)

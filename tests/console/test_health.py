"""/healthz, the beat heartbeat scheduler and the container heartbeat check."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from console.beat import HeartbeatScheduler
from console.celery import app as celery_app
from console.models import Heartbeat

pytestmark = pytest.mark.django_db


def beat_and_worker_seen(ago: timedelta = timedelta(seconds=5)) -> None:
    for name in ("worker", "beat"):
        Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now() - ago})


def test_healthy_when_everything_reports(client):
    beat_and_worker_seen()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
    }
    assert 4 <= body["checks"]["worker"]["heartbeat_age_seconds"] < 30
    assert 4 <= body["checks"]["beat"]["last_tick_age_seconds"] < 30


def test_stale_worker_heartbeat_is_503(client, settings):
    beat_and_worker_seen()
    stale = 3 * settings.HEARTBEAT_INTERVAL + timedelta(seconds=5)
    Heartbeat.objects.filter(name="worker").update(seen_at=timezone.now() - stale)

    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["status"] == "down"
    assert body["checks"]["worker"]["heartbeat_age_seconds"] >= stale.total_seconds()
    assert body["checks"]["beat"]["status"] == "ok"


def test_missing_beat_heartbeat_is_503(client):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now())
    body = client.get("/healthz").json()
    assert body["checks"]["beat"] == {
        "status": "down",
        "last_tick_age_seconds": None,
        "stale_after_seconds": 90.0,
    }


def test_broker_down_is_503_quickly_and_leaks_no_url(client, settings):
    beat_and_worker_seen()
    # Nothing listens on port 1: the connection is refused.
    settings.CELERY_BROKER_URL = "redis://:hunter2@127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    started = timezone.now()
    response = client.get("/healthz")
    assert (timezone.now() - started).total_seconds() < 10
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "down"
    assert "hunter2" not in response.content.decode()


# Beat runs outside any request or transaction, and closes stale connections itself.
@pytest.mark.django_db(transaction=True)
def test_beat_scheduler_writes_its_heartbeat_from_tick(tmp_path):
    scheduler = HeartbeatScheduler(app=celery_app, schedule_filename=str(tmp_path / "schedule"))
    try:
        interval = scheduler.tick()
        assert interval <= 15
        first = Heartbeat.objects.get(name="beat").seen_at
        assert timezone.now() - first < timedelta(seconds=5)

        # Ticks in quick succession do not write every time.
        scheduler.tick()
        assert Heartbeat.objects.get(name="beat").seen_at == first
    finally:
        scheduler.close()


def test_check_heartbeat_command(capsys):
    with pytest.raises(CommandError, match="beat is down: never seen"):
        call_command("check_heartbeat", "beat")
    beat_and_worker_seen()
    call_command("check_heartbeat", "beat")
    assert "beat ok" in capsys.readouterr().out
    Heartbeat.objects.filter(name="worker").update(seen_at=timezone.now() - timedelta(hours=1))
    # 3600 s, or 3601 when a busy machine lets a second pass between the update and the check.
    with pytest.raises(CommandError, match=r"worker is down: last seen 360[01] s ago"):
        call_command("check_heartbeat", "worker")

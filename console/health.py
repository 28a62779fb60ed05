"""Liveness of the console's parts, for /healthz and the container health checks.

Each check returns a small dict with `status` ("ok" or "down"); an error is named by its
exception class only, so a connection string with a password can never appear in the output.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from kombu import Connection

from .models import Heartbeat

OK = "ok"
DOWN = "down"
BROKER_TIMEOUT_SECONDS = 2


def stale_after_seconds() -> float:
    """A heartbeat older than three intervals means its process has stopped."""
    return 3 * settings.HEARTBEAT_INTERVAL.total_seconds()


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"status": DOWN, "error": type(exc).__name__}
    return {"status": OK}


def check_broker() -> dict[str, Any]:
    broker = Connection(
        settings.CELERY_BROKER_URL,
        transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        connect_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # any transport error means "unreachable"
        return {"status": DOWN, "error": type(exc).__name__}
    finally:
        broker.release()
    return {"status": OK}


def heartbeat_age_seconds(name: str, *, now: datetime | None = None) -> float | None:
    """Seconds since `name` last reported, or None if it never has (or cannot be read)."""
    try:
        seen_at = Heartbeat.objects.filter(name=name).values_list("seen_at", flat=True).first()
    except DatabaseError:
        return None
    if seen_at is None:
        return None
    return max(0.0, ((now or timezone.now()) - seen_at).total_seconds())


def is_fresh(age_seconds: float | None) -> bool:
    return age_seconds is not None and age_seconds <= stale_after_seconds()


def check_heartbeat(name: str, age_key: str) -> dict[str, Any]:
    age = heartbeat_age_seconds(name)
    return {
        "status": OK if is_fresh(age) else DOWN,
        age_key: None if age is None else round(age, 1),
        "stale_after_seconds": stale_after_seconds(),
    }


def health_report() -> tuple[bool, dict[str, Any]]:
    """(healthy, body) for /healthz; healthy only when every check is ok."""
    checks = {
        "database": check_database(),
        "broker": check_broker(),
        "worker": check_heartbeat("worker", "heartbeat_age_seconds"),
        "beat": check_heartbeat("beat", "last_tick_age_seconds"),
    }
    healthy = all(check["status"] == OK for check in checks.values())
    return healthy, {"status": OK if healthy else "degraded", "checks": checks}

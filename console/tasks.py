from celery import shared_task
from celery.signals import worker_ready

from . import services


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    """Scheduled by beat every HEARTBEAT_INTERVAL; /healthz reads the row it writes."""
    services.record_heartbeat("worker")


@worker_ready.connect
def record_heartbeat_when_ready(**kwargs: object) -> None:
    """A worker that just started is alive: /healthz need not wait for beat's first heartbeat."""
    services.record_heartbeat("worker")

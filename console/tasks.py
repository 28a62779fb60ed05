from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    """Scheduled by beat every HEARTBEAT_INTERVAL; /healthz reads the row it writes."""
    services.record_heartbeat("worker")

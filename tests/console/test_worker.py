import pytest

from console.models import Heartbeat
from console.tasks import record_worker_heartbeat
from tests.worker import celery_worker  # noqa: F401  (fixture)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_its_heartbeat(celery_worker, client):  # noqa: F811
    # A worker that has just started says so at once, before beat's first heartbeat task.
    celery_worker.wait_for(lambda: Heartbeat.objects.filter(name="worker").exists())
    assert client.get("/healthz").json()["checks"]["worker"]["status"] == "ok"

    Heartbeat.objects.filter(name="worker").delete()
    record_worker_heartbeat.delay()

    # The row may be written before the worker's log line about the task is read.
    celery_worker.wait_for(
        lambda: (
            "Task console.tasks.record_worker_heartbeat" in celery_worker.log
            and Heartbeat.objects.filter(name="worker").exists()
        )
    )
    assert client.get("/healthz").json()["checks"]["worker"]["status"] == "ok"

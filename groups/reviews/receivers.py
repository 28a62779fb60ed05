"""What reviews do when galleries says the inventory moved (connected in GroupsConfig.ready)."""

from __future__ import annotations

from typing import Any

from celery import current_task
from django.db import transaction
from django.dispatch import receiver

from galleries.signals import inventory_changed

from .tasks import recompute_review_health_task


@receiver(inventory_changed, dispatch_uid="reviews-recompute-health")
def recompute_health_when_inventory_changed(
    sender: Any, organization_id: int, **kwargs: Any
) -> None:
    """Fan the health recomputation out as a task, on the queue the refresh's task came from."""
    delivery = (current_task.request.delivery_info or {}) if current_task else {}
    queue = delivery.get("routing_key")

    def enqueue() -> None:
        if queue:
            recompute_review_health_task.apply_async((organization_id,), queue=queue)
        else:
            recompute_review_health_task.delay(organization_id)

    transaction.on_commit(enqueue)

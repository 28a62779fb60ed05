"""Celery tasks of reviews: each fetches by id and calls a service; safe to run twice."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from console.models import Organization

from .health import recompute_health


@shared_task(name="groups.reviews.tasks.recompute_review_health_task")
def recompute_review_health_task(organization_id: int) -> dict[str, Any]:
    """The image health of the organization's open changes, after one of its refreshes."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return {}
    return asdict(recompute_health(organization))

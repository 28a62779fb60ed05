"""A refresh carried out by a real Celery worker subprocess."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from galleries.models import ImageVersion, RefreshRun, ShareCheck
from galleries.refresh.request import request_refresh
from galleries.refresh.tasks import refresh_gallery_task
from tests.worker import celery_worker  # noqa: F401  (the fixture)

from .inventory_helpers import cached_tree, world_tree


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_refreshes_then_checks_sharing(
    celery_worker: Any,  # noqa: F811
    connect: Any,
    fresh_azure_sandbox: Any,
) -> None:
    production = connect("Production")
    shared = connect("Shared Images")
    with transaction.atomic():
        run, created = request_refresh(shared)
    assert created
    celery_worker.wait_for(
        lambda: RefreshRun.objects.filter(pk=run.pk, status="succeeded").exists(), timeout=60
    )
    assert cached_tree(shared) == world_tree(fresh_azure_sandbox, "Shared Images")
    # After a refresh the worker checks every (subscription, other gallery) pair.
    celery_worker.wait_for(lambda: ShareCheck.objects.count() == 3, timeout=60)
    verdicts = {c.gallery.name: c.verdict for c in ShareCheck.objects.filter(reader=production)}
    assert verdicts == {
        "gal_shared_main": "readable",
        "gal_shared_archive": "not_shared",
        "gal_shared_build": "not_shared",
    }
    # A targeted refresh through the worker, too.
    gallery = shared.gallery_set.get(name="gal_shared_main")
    refresh_gallery_task.delay(gallery.pk)
    celery_worker.wait_for(
        lambda: RefreshRun.objects.filter(scope="gallery", status="succeeded").exists(),
        timeout=60,
    )
    assert ImageVersion.objects.filter(subscription=shared, deleted_at=None).exists()

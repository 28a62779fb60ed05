"""Through a real Celery worker: a change applied through this console's Spot API (as
Terraform applies one) is published, and a delete through it deletes in Spot."""

from __future__ import annotations

from typing import Any

import pytest

from console.services import create_api_token
from groups.publish.models import Publication, SyncState
from tests.groups.api.bodies import group_body
from tests.groups.api.http import call
from tests.worker import celery_worker  # noqa: F401  (the fixture)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_spot_api_write_here_is_published_by_the_worker(
    client,
    publisher,
    unique_name,
    celery_worker: Any,  # noqa: F811
):
    _, token = create_api_token(
        user=publisher.members["editor"].user, organization=publisher.organization, name="tf"
    )
    status, answer = call(
        client,
        "POST",
        f"/azure/compute/group?accountId={publisher.account.id}",
        {"group": {**group_body(), "name": unique_name}},
        token=token,
    )
    assert status == 200, answer
    group_id = answer["response"]["items"][0]["id"]

    def in_sync() -> bool:
        found = Publication.objects.filter(group_id=group_id).first()
        return found is not None and found.state == SyncState.IN_SYNC

    celery_worker.wait_for(in_sync, timeout=60)
    publication = Publication.objects.get(group_id=group_id)
    remote = publisher.remote.groups()
    assert remote.get_elastigroup(publication.remote_id)["name"] == unique_name

    status, _ = call(
        client,
        "DELETE",
        f"/azure/compute/group/{group_id}?accountId={publisher.account.id}",
        token=token,
    )
    assert status == 200
    celery_worker.wait_for(
        lambda: not Publication.objects.filter(pk=publication.pk).exists(), timeout=60
    )
    assert publication.remote_id not in {g["id"] for g in remote.get_elastigroups()}

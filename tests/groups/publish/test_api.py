"""Sync state in our own API: read by any member, retried by editors."""

from __future__ import annotations

import pytest

from console.services import create_api_token
from groups.publish import sync
from groups.publish.models import Publication
from tests.groups.api.bodies import group_body
from tests.groups.api.http import call, error_codes

from .remote import free_port


@pytest.fixture
def tokens(publisher):
    return {
        role: create_api_token(
            user=member.user, organization=publisher.organization, name=f"{role} ci"
        )[1]
        for role, member in publisher.members.items()
    }


def test_the_sync_state_is_readable_and_a_failed_publish_retried(
    client, publisher, tokens, unique_name
):
    group = publisher.apply({**group_body(), "name": unique_name})
    status, answer = call(client, "GET", f"/api/publishing/{group.id}", token=tokens["viewer"])
    assert status == 200
    assert answer["response"]["items"][0]["state"] == "publishing"

    publication = Publication.objects.get(group=group)
    publisher.connection.base_url = f"http://127.0.0.1:{free_port()}"
    publisher.connection.save()
    sync.publish(publication.pk, holder="test")
    _, answer = call(client, "GET", f"/api/publishing/{group.id}", token=tokens["viewer"])
    item = answer["response"]["items"][0]
    assert item["state"] == "failed"
    assert item["error"]["retryable"] is True
    assert "connection refused" in item["error"]["message"]

    status, answer = call(
        client, "POST", f"/api/publishing/{group.id}/retry", token=tokens["viewer"]
    )
    assert status == 403
    publisher.connection.base_url = publisher.remote.url
    publisher.connection.save()
    status, answer = call(
        client, "POST", f"/api/publishing/{group.id}/retry", token=tokens["editor"]
    )
    assert status == 200
    assert answer["response"]["items"][0]["state"] == "publishing"
    sync.publish(publication.pk, holder="test")

    _, answer = call(
        client,
        "GET",
        f"/api/publishing?accountId={publisher.account.id}",
        token=tokens["viewer"],
    )
    (listed,) = [i for i in answer["response"]["items"] if i["groupId"] == group.id]
    assert listed["state"] == "in_sync"
    assert listed["remoteId"].startswith("sig-")
    assert listed["lastPublish"]["revision"] == group.revision
    status, answer = call(
        client, "POST", f"/api/publishing/{group.id}/retry", token=tokens["editor"]
    )
    assert status == 409
    assert error_codes(answer) == ["NOT_FAILED"]


def test_another_organizations_group_is_not_found(client, publisher, tokens):
    status, answer = call(client, "GET", "/api/publishing/sig-00000000", token=tokens["admin"])
    assert status == 404
    assert error_codes(answer) == ["GROUP_DOESNT_EXIST"]


def test_the_publishing_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/publishing", "/api/publishing/{groupId}", "/api/publishing/{groupId}/retry"} <= (
        set(paths)
    )
    assert paths["/api/publishing/{groupId}/retry"]["post"]["summary"] == "Retry publishing"

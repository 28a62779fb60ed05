"""Publishing when Spot refuses, cannot be reached, is slow, rate limits or loses an answer:
the state says so in words, nothing is lost, and a retry never makes a second group."""

from __future__ import annotations

import time

from galleries.models import ConnectedSubscription
from groups.publish import services, sync
from groups.publish.models import Publication, SyncState
from groups.services import delete_group
from tests.groups.api.bodies import group_body
from tests.inventory_factories import gallery_image

from .remote import Relay, Silent, free_port


def _point_at(publisher, url: str) -> None:
    publisher.connection.base_url = url
    publisher.connection.save()


def _publish(publication: Publication) -> sync.Result:
    result = sync.publish(publication.pk, holder="test")
    publication.refresh_from_db()
    return result


def _named(publisher, name: str) -> list[dict]:
    return [g for g in publisher.remote.groups().get_elastigroups() if g["name"] == name]


def test_a_remote_validation_error_is_shown_in_words_and_not_retried(publisher, unique_name):
    # An image this console's inventory has and the Spot account's does not.
    subscription = ConnectedSubscription.objects.get(account=publisher.account)
    gallery_image(
        subscription,
        resource_group="rg-images",
        gallery="contosogallery",
        image="ubuntu-24",
        versions={"1.0.0": ["eastus"]},
    )
    group = publisher.apply({**group_body(imageName="ubuntu-24"), "name": unique_name})
    publication = Publication.objects.get(group=group)
    result = _publish(publication)
    assert result.outcome == sync.Outcome.DONE
    assert publication.state == SyncState.FAILED
    assert not publication.retryable
    assert publication.error_code == "GALLERY_IMAGE_NOT_FOUND"
    assert "Image ubuntu-24 was not found in gallery contosogallery" in publication.error_message
    assert "HTTP 400" in publication.error_message
    assert publication.request_id
    assert _named(publisher, unique_name) == []


def test_connection_refused_fails_retryably_and_nothing_is_lost(publisher, unique_name):
    _point_at(publisher, f"http://127.0.0.1:{free_port()}")
    group = publisher.apply({**group_body(), "name": unique_name})
    publication = Publication.objects.get(group=group)
    result = _publish(publication)
    assert publication.state == SyncState.FAILED
    assert publication.retryable
    assert "could not be reached: connection refused" in publication.error_message
    assert result.outcome == sync.Outcome.RETRY
    assert result.countdown >= sync.FIRST_RETRY_SECONDS
    group.refresh_from_db()
    assert group.revision == publication.requested_revision  # the applied change is kept

    _point_at(publisher, publisher.remote.url)
    services.retry(actor=publisher.members["editor"].user, publication=publication)
    publication.refresh_from_db()
    assert publication.state == SyncState.PUBLISHING
    _publish(publication)
    assert publication.state == SyncState.IN_SYNC, publication.error_message
    assert len(_named(publisher, unique_name)) == 1


def test_a_timeout_fails_retryably_and_the_retry_creates_one_group(
    publisher, unique_name, settings
):
    settings.SPOT_API_READ_TIMEOUT = 1.0
    silent = Silent()
    try:
        _point_at(publisher, silent.url)
        group = publisher.apply({**group_body(), "name": unique_name})
        publication = Publication.objects.get(group=group)
        started = time.monotonic()
        _publish(publication)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert publication.state == SyncState.FAILED
    assert publication.retryable
    assert "did not answer within 1 s" in publication.error_message
    assert elapsed < 5, "a create that timed out must not be sent again blindly"
    assert publication.create_sent_at is not None

    _point_at(publisher, publisher.remote.url)
    _publish(publication)
    assert publication.state == SyncState.IN_SYNC, publication.error_message
    assert len(_named(publisher, unique_name)) == 1


def test_a_create_whose_answer_was_lost_is_found_by_name_not_made_twice(publisher, unique_name):
    """The worker's view of a kill mid-publish: Spot made the group, the answer never came."""
    relay = Relay(
        publisher.remote.url,
        lambda method, path, n: ("drop",) if method == "POST" and n == 1 else None,
    )
    try:
        _point_at(publisher, relay.url)
        group = publisher.apply({**group_body(), "name": unique_name})
        publication = Publication.objects.get(group=group)
        _publish(publication)
        assert publication.state == SyncState.FAILED
        assert publication.retryable
        assert "closed without an answer" in publication.error_message
        assert publication.remote_id == ""
        assert len(_named(publisher, unique_name)) == 1  # Spot did make it

        _publish(publication)  # the task's retry
    finally:
        relay.close()
    assert publication.state == SyncState.IN_SYNC, publication.error_message
    remote = _named(publisher, unique_name)
    assert [g["id"] for g in remote] == [publication.remote_id]
    assert [method for method, _, _ in relay.seen].count("POST") == 1


def test_a_429_with_retry_after_is_waited_out(publisher, unique_name):
    envelope = {
        "request": {"id": "rate-limited"},
        "response": {
            "status": {"code": 429},
            "errors": [{"code": "TOO_MANY_REQUESTS", "message": "Rate limit exceeded"}],
        },
    }
    relay = Relay(
        publisher.remote.url,
        lambda method, path, n: ("answer", 429, {"Retry-After": "2"}, envelope) if n == 1 else None,
    )
    try:
        _point_at(publisher, relay.url)
        group = publisher.apply({**group_body(), "name": unique_name})
        publication = Publication.objects.get(group=group)
        _publish(publication)
    finally:
        relay.close()
    assert publication.state == SyncState.IN_SYNC, publication.error_message
    (first_method, _, first_at), (second_method, _, second_at) = relay.seen[:2]
    assert first_method == second_method == "POST"
    assert second_at - first_at >= 2.0
    assert len(_named(publisher, unique_name)) == 1


def test_a_retried_task_while_another_holds_the_lease_waits(publisher, unique_name):
    group = publisher.apply({**group_body(), "name": unique_name})
    publication = Publication.objects.get(group=group)
    assert sync._claim(publication.pk, "first worker") is not None
    assert sync.publish(publication.pk, holder="second worker").outcome == sync.Outcome.BUSY
    # The holder itself (a redelivered task keeps its id) carries on.
    assert sync.publish(publication.pk, holder="first worker").outcome == sync.Outcome.DONE
    publication.refresh_from_db()
    assert publication.state == SyncState.IN_SYNC
    assert len(_named(publisher, unique_name)) == 1


def test_a_failed_delete_in_spot_is_retried_until_it_is_gone(publisher, unique_name):
    group = publisher.apply({**group_body(), "name": unique_name})
    publication = Publication.objects.get(group=group)
    _publish(publication)
    remote_id = publication.remote_id
    _point_at(publisher, f"http://127.0.0.1:{free_port()}")
    delete_group(actor=publisher.members["editor"].user, group=group, source="console")
    result = sync.delete_remote(publication.pk, holder="test")
    publication.refresh_from_db()
    assert result.outcome == sync.Outcome.RETRY
    assert publication.state == SyncState.FAILED
    assert publication.group_id is None
    assert "connection refused" in publication.error_message
    assert len(_named(publisher, unique_name)) == 1

    _point_at(publisher, publisher.remote.url)
    assert sync.delete_remote(publication.pk, holder="test").outcome == sync.Outcome.DONE
    assert not Publication.objects.filter(pk=publication.pk).exists()
    assert remote_id not in {g["id"] for g in publisher.remote.groups().get_elastigroups()}

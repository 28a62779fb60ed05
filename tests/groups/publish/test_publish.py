"""Publishing applied groups and nodes to a Spot-compatible server, read back with spotinst-sdk2."""

from __future__ import annotations

import pytest
from spotinst_sdk2.client import SpotinstClientException

from groups.models import Kind
from groups.publish import sync
from groups.publish.models import Publication, SyncState
from groups.services import delete_group
from groups.spot.json import merge_update
from tests.groups.api.bodies import group_body, node_body


def run_publish(group) -> Publication:
    """What the queued task does, in this process."""
    publication = Publication.objects.get(group=group)
    sync.publish(publication.pk, holder="test")
    publication.refresh_from_db()
    return publication


def test_a_group_is_published_updated_and_deleted_in_spot(publisher, unique_name):
    remote = publisher.remote.groups()
    group = publisher.apply({**group_body(), "name": unique_name})
    publication = Publication.objects.get(group=group)
    assert publication.state == SyncState.PUBLISHING

    publication = run_publish(group)
    assert publication.state == SyncState.IN_SYNC, publication.error_message
    assert publication.remote_id.startswith("sig-")
    assert publication.published_revision == group.revision
    assert publication.request_id
    created = remote.get_elastigroup(publication.remote_id)
    assert created["name"] == unique_name
    assert created["compute"]["launch_specification"]["image"]["gallery"]["version"] == "1.0.0"

    changed = merge_update(
        group.spec,
        {
            "capacity": {"target": 2},
            "compute": {
                "launchSpecification": {
                    "image": {
                        "gallery": {
                            **group_body()["compute"]["launchSpecification"]["image"]["gallery"],
                            "version": "1.1.0",
                        }
                    }
                }
            },
        },
    )
    group = publisher.apply(changed, group=group)
    publication = run_publish(group)
    assert publication.state == SyncState.IN_SYNC, publication.error_message
    updated = remote.get_elastigroup(publication.remote_id)
    assert updated["capacity"]["target"] == 2
    assert updated["compute"]["launch_specification"]["image"]["gallery"]["version"] == "1.1.0"
    same_name = [g for g in remote.get_elastigroups() if g["name"] == unique_name]
    assert len(same_name) == 1

    delete_group(actor=publisher.members["editor"].user, group=group, source="console")
    publication.refresh_from_db()
    assert publication.state == SyncState.DELETING
    sync.delete_remote(publication.pk, holder="test")
    assert not Publication.objects.filter(pk=publication.pk).exists()
    with pytest.raises(SpotinstClientException):
        remote.get_elastigroup(publication.remote_id)
    assert publication.remote_id not in {g["id"] for g in remote.get_elastigroups()}


def test_a_stateful_node_is_published_with_its_version_name(publisher, unique_name):
    node = publisher.apply({**node_body(), "name": unique_name}, kind=Kind.STATEFUL)
    publication = run_publish(node)
    assert publication.state == SyncState.IN_SYNC, publication.error_message
    assert publication.remote_id.startswith("ssn-")
    remote = publisher.remote.nodes().get_stateful_node(publication.remote_id)
    assert remote["name"] == unique_name
    assert remote["compute"]["launch_specification"]["image"]["gallery"]["version_name"] == "latest"


def test_a_shared_gallery_names_the_spot_account_that_holds_it(publisher, unique_name):
    body = group_body(
        resourceGroupName="rg-shared",
        galleryName="sharedgallery",
        imageName="win-2022",
        version="3.0.0",
        spotAccountId=publisher.images_account.id,
    )
    body["name"] = unique_name
    body["compute"]["os"] = "Windows"
    body["compute"]["launchSpecification"]["login"] = {
        "userName": "winadmin",
        "password": "Pa55w0rd!Pa55",
    }
    group = publisher.apply(body)
    publication = run_publish(group)
    assert publication.state == SyncState.IN_SYNC, publication.error_message
    gallery = publisher.remote.groups().get_elastigroup(publication.remote_id)["compute"][
        "launch_specification"
    ]["image"]["gallery"]
    assert gallery["spot_account_id"] == publisher.remote.images_account
    assert "Pa55w0rd" not in str(publication.answer)


def test_a_group_whose_account_has_no_connection_is_never_published(publisher, unique_name):
    publisher.connection.delete()
    group = publisher.apply({**group_body(), "name": unique_name})
    assert not Publication.objects.filter(group=group).exists()

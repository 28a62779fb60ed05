"""Importing what a Spot account runs, and drift between Spot and the live revision here."""

from __future__ import annotations

import httpx

from groups.models import Group, Kind, Status
from groups.publish import imports, sync
from groups.publish.models import Publication, SyncState
from groups.publish.services import save_connection
from tests.factories import AccountFactory
from tests.groups.api.bodies import group_body, node_body

from .inventory import seed_inventory


def _remote_write(remote, method: str, path: str, body: dict, account: str) -> dict:
    """A change made in Spot itself (its console, another tool), not through us."""
    answer = httpx.request(
        method,
        f"{remote.url}{path}",
        params={"accountId": account},
        json=body,
        headers={"Authorization": f"Bearer {remote.token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["response"]["items"][0]


def test_import_brings_spot_groups_in_once_and_flags_unknown_images(publisher):
    remote = publisher.remote
    account = AccountFactory(organization=publisher.organization, name="Imported")
    seed_inventory(account, AccountFactory(organization=publisher.organization, name="Img 2"))
    connection = save_connection(
        actor=publisher.members["admin"].user,
        account=account,
        base_url=remote.url,
        spot_account_id=remote.import_account,
        token=remote.token,
    )
    web = _remote_write(
        remote,
        "POST",
        "/azure/compute/group",
        {"group": {**group_body(), "name": "imported-web"}},
        remote.import_account,
    )
    db = _remote_write(
        remote,
        "POST",
        "/azure/compute/statefulNode",
        {"statefulNode": {**node_body(), "name": "imported-db"}},
        remote.import_account,
    )
    legacy = _remote_write(
        remote,
        "POST",
        "/azure/compute/group",
        {"group": {**group_body(imageName="legacy-centos", version="7.9.0"), "name": "legacy"}},
        remote.import_account,
    )

    lines = imports.import_account(connection.pk)
    assert any(f"imported-web ({web['id']}): imported as live" in line for line in lines), lines
    assert any(f"imported-db ({db['id']}): imported as live" in line for line in lines), lines
    legacy_line = next(line for line in lines if legacy["id"] in line)
    assert "imported as draft" in legacy_line
    assert "Image legacy-centos was not found" in legacy_line

    live = Publication.objects.get(account=account, remote_id=web["id"])
    assert live.state == SyncState.IN_SYNC
    assert live.group.status == Status.ACTIVE
    assert live.group.spec["capacity"] == group_body()["capacity"]
    node = Publication.objects.get(account=account, remote_id=db["id"]).group
    assert node.kind == Kind.STATEFUL
    flagged = Publication.objects.get(account=account, remote_id=legacy["id"])
    assert flagged.group.status == Status.DRAFT
    assert flagged.error_code == "IMPORTED_AS_DRAFT"
    assert "legacy-centos" in flagged.error_message

    # A re-import changes what changed in Spot and never duplicates.
    _remote_write(
        remote,
        "PUT",
        f"/azure/compute/group/{web['id']}",
        {"group": {"capacity": {"minimum": 0, "maximum": 4, "target": 3}}},
        remote.import_account,
    )
    before = Group.objects.filter(account=account).count()
    revision = live.group.revision
    again = imports.import_account(connection.pk)
    assert Group.objects.filter(account=account).count() == before == 3
    assert any(f"imported-web ({web['id']}): updated" in line for line in again), again
    assert any(f"imported-db ({db['id']}): unchanged" in line for line in again), again
    live.refresh_from_db()
    assert live.group.revision == revision + 1
    assert live.group.spec["capacity"]["target"] == 3
    assert live.state == SyncState.IN_SYNC  # taken from Spot: not sent back


def _drifted(publisher, unique_name):
    group = publisher.apply({**group_body(), "name": unique_name})
    publication = Publication.objects.get(group=group)
    sync.publish(publication.pk, holder="test")
    publication.refresh_from_db()
    _remote_write(
        publisher.remote,
        "PUT",
        f"/azure/compute/group/{publication.remote_id}",
        {"group": {"capacity": {"minimum": 0, "maximum": 2, "target": 2}}},
        publisher.remote.account,
    )
    sync.check_drift(publication.pk, holder="test")
    publication.refresh_from_db()
    return group, publication


def test_drift_is_found_in_words_and_ours_can_be_published_again(publisher, unique_name, client):
    group, publication = _drifted(publisher, unique_name)
    assert publication.drift == ["capacity.target: 1 here, 2 in Spot"]
    assert publication.pk in sync.published_ids_due_for_drift()
    client.force_login(publisher.members["editor"].user)
    page = client.get(f"/groups/{group.id}/").content.decode()
    assert "capacity.target: 1 here, 2 in Spot" in page
    assert "Publish ours again" in page
    assert "Adopt Spot's configuration" in page

    client.post(f"/publications/{publication.pk}/republish/")
    sync.publish(publication.pk, holder="test")
    publication.refresh_from_db()
    assert publication.state == SyncState.IN_SYNC
    assert publication.drift == []
    remote = publisher.remote.groups().get_elastigroup(publication.remote_id)
    assert remote["capacity"]["target"] == 1
    sync.check_drift(publication.pk, holder="test")
    publication.refresh_from_db()
    assert publication.drift == []
    assert publication.drift_checked_at is not None


def test_spots_configuration_can_be_adopted_as_the_live_revision(publisher, unique_name, client):
    group, publication = _drifted(publisher, unique_name)
    client.force_login(publisher.members["editor"].user)
    client.post(f"/publications/{publication.pk}/adopt/")
    group.refresh_from_db()
    assert group.spec["capacity"]["target"] == 2
    assert group.revisions.first().source == "spot"
    publication.refresh_from_db()
    assert publication.state == SyncState.IN_SYNC
    assert publication.published_revision == group.revision
    assert publication.drift == []


def test_a_group_deleted_in_spot_is_reported_as_drift(publisher, unique_name):
    group = publisher.apply({**group_body(), "name": unique_name})
    publication = Publication.objects.get(group=group)
    sync.publish(publication.pk, holder="test")
    publication.refresh_from_db()
    publisher.remote.groups().delete_elastigroup(publication.remote_id)
    sync.check_drift(publication.pk, holder="test")
    publication.refresh_from_db()
    assert publication.drift == [
        f"The stateless group {publication.remote_id} no longer exists in Spot."
    ]
    # Publishing again makes it anew.
    sync.publish(publication.pk, holder="test")
    publication.refresh_from_db()
    assert publication.state == SyncState.IN_SYNC
    assert publisher.remote.groups().get_elastigroup(publication.remote_id)["name"] == unique_name


def test_a_dry_run_shows_what_would_be_sent_and_how_spot_differs(publisher, unique_name, client):
    client.force_login(publisher.members["viewer"].user)
    windows = group_body(
        resourceGroupName="rg-shared",
        galleryName="sharedgallery",
        imageName="win-2022",
        version="3.0.0",
        spotAccountId=publisher.images_account.id,
    )
    windows["name"] = unique_name
    windows["compute"]["os"] = "Windows"
    windows["compute"]["launchSpecification"]["login"] = {
        "userName": "winadmin",
        "password": "Pa55w0rd!Pa55",
    }
    group = publisher.apply(windows)
    page = client.get(f"/spot/preview/{group.id}/").content.decode()
    assert "A create: Spot has no copy of it yet." in page
    assert publisher.remote.images_account in page  # the Spot account id that will be sent
    assert "Pa55w0rd" not in page
    assert "(kept secret)" in page

    publication = Publication.objects.get(group=group)
    sync.publish(publication.pk, holder="test")
    publication.refresh_from_db()
    _remote_write(
        publisher.remote,
        "PUT",
        f"/azure/compute/group/{publication.remote_id}",
        {"group": {"capacity": {"minimum": 0, "maximum": 2, "target": 2}}},
        publisher.remote.account,
    )
    page = client.get(f"/spot/preview/{group.id}/").content.decode()
    assert f"An update of <code>{publication.remote_id}</code>" in page
    assert "capacity.target: 1 to send, 2 in Spot" in page

"""Two editors at once, and the console and the API agreeing on the same JSON."""

from __future__ import annotations

from typing import Any

from django.test import Client

from console.models import Role
from console.services import create_api_token
from groups.models import Group, Status
from groups.spot.json import to_item
from tests.factories import log_in_as
from tests.groups.api.bodies import SSH_KEY

from .conftest import valid_form


def _second_editor(world: Any) -> Client:
    other = Client()
    log_in_as(other, Role.EDITOR, organization=world.org)
    return other


def test_the_second_save_from_the_same_revision_gets_the_conflict_page(editor_client, world):
    editor_client.post("/groups/new/", valid_form(world))
    group = Group.objects.get()
    alice, bob = editor_client, _second_editor(world)
    # both opened revision 1
    assert 'name="revision" value="1"' in alice.get(f"/groups/{group.id}/").content.decode()
    assert 'name="revision" value="1"' in bob.get(f"/groups/{group.id}/").content.decode()
    first = alice.post(f"/groups/{group.id}/", valid_form(world, name="alice-web", revision="1"))
    assert first.status_code == 302
    second = bob.post(
        f"/groups/{group.id}/", valid_form(world, name="bob-web", subnet_name="b", revision="1")
    )
    page = second.content.decode()
    assert second.status_code == 409
    assert "was changed while you were editing" in page
    assert "Your changes were not saved" in page
    assert "-  &quot;name&quot;: &quot;web&quot;" in page  # what changed since revision 1
    assert "+  &quot;name&quot;: &quot;alice-web&quot;" in page
    assert "bob-web" in page  # bob's version is shown to copy from
    assert f'href="/groups/{group.id}/"' in page  # reload the latest
    group.refresh_from_db()
    assert group.name == "alice-web"
    assert group.revision == 2
    assert (
        group.spec["compute"]["launchSpecification"]["network"]["networkInterfaces"][0][
            "subnetName"
        ]
        == "default"
    )


def test_an_edit_without_its_revision_saves_nothing_and_keeps_what_was_typed(editor_client, world):
    editor_client.post("/groups/new/", valid_form(world))
    group = Group.objects.get()
    _second_editor(world).post(
        f"/groups/{group.id}/", valid_form(world, name="alice-web", revision="1")
    )
    # A form with no revision (an old page, a script) must not be last-writer-wins.
    response = editor_client.post(
        f"/groups/{group.id}/", valid_form(world, name="bob-web", subnet_name="b", revision=None)
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "did not say which revision of alice-web it was editing" in page
    assert "alice-web is at revision 2" in page
    assert 'value="bob-web"' in page  # nothing typed is lost
    assert 'value="b"' in page
    assert 'name="revision" value="2"' in page  # saving again is a knowing choice
    group.refresh_from_db()
    assert (group.name, group.revision) == ("alice-web", 2)
    again = editor_client.post(
        f"/groups/{group.id}/", valid_form(world, name="bob-web", subnet_name="b", revision="2")
    )
    assert again.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.revision) == ("bob-web", 3)


def test_a_console_saved_group_reads_back_through_the_api_as_review_shows(editor_client, world):
    editor_client.post("/groups/new/", valid_form(world, version_name="1.10.0"))
    group = Group.objects.get()
    membership = log_in_as(Client(), Role.VIEWER, organization=world.org)
    _, raw = create_api_token(user=membership.user, organization=world.org, name="ci")
    response = Client().get(
        f"/azure/compute/group/{group.id}",
        {"accountId": world.own.id},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    assert response.json()["response"]["items"] == [to_item(group)]


def test_a_group_created_by_post_through_the_api_opens_in_the_editor(editor_client, world):
    membership = log_in_as(Client(), Role.EDITOR, organization=world.org)
    _, raw = create_api_token(user=membership.user, organization=world.org, name="ci")
    body = {
        "group": {
            "name": "api-web",
            "region": "eastus",
            "resourceGroupName": "rg-app",
            "capacity": {"minimum": 0, "maximum": 2, "target": 1},
            "strategy": {"spotPercentage": 100, "fallbackToOd": True},
            "compute": {
                "os": "Linux",
                "vmSizes": {"odSizes": ["standard_a1_v2"], "spotSizes": ["standard_a1_v2"]},
                "launchSpecification": {
                    "image": {
                        "gallery": {
                            "galleryName": "gal",
                            "imageName": "ubuntu-22",
                            "resourceGroupName": "img-rg",
                            "version": "1.0.0",
                        }
                    },
                    "network": {
                        "resourceGroupName": "rg",
                        "virtualNetworkName": "vnet",
                        "networkInterfaces": [{"isPrimary": True, "subnetName": "default"}],
                    },
                    "login": {"userName": "azureuser", "sshPublicKey": SSH_KEY},
                },
            },
        }
    }
    response = Client().post(
        f"/azure/compute/group?accountId={world.own.id}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    group = Group.objects.get()
    assert group.status == Status.ACTIVE
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    for shown in (
        'value="img-rg" selected',
        'value="gal" selected',
        'value="ubuntu-22" selected',
        'value="1.0.0" selected',
        'value="standard_a1_v2" id="id_od_sizes_standard_a1_v2" checked',
        'value="eastus" selected',
        'value="azureuser"',
    ):
        assert shown in page

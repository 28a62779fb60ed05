"""The editor as a user meets it: create, draft, reload, read-only viewers, API round trips."""

from __future__ import annotations

import json
from typing import Any

from groups.edit_context import EditContext
from groups.models import Group, Kind, Revision, Status
from groups.services import save_group
from groups.spot.json import to_item
from tests.groups.api.bodies import SSH_KEY

from .conftest import valid_form


def test_new_group_page_shows_the_tabs_and_the_cascade(editor_client, editor_world):
    response = editor_client.get("/groups/new/")
    html = response.content.decode()
    assert response.status_code == 200
    for tab in ("General", "Compute", "Network", "Login", "Review"):
        assert f'id="tab-{tab.lower()}"' in html
    assert 'name="spot_account_id"' in html
    assert editor_world.own.id in html
    assert "img-rg" in html  # the resource groups of the group's own account are listed


def test_create_saves_an_active_group_and_every_choice_reads_back(editor_client, editor_world):
    response = editor_client.post("/groups/new/", valid_form(editor_world, version_name="1.10.0"))
    assert response.status_code == 302, response.content.decode()[:3000]
    group = Group.objects.get()
    assert group.status == Status.ACTIVE
    assert group.account == editor_world.own
    gallery = group.spec["compute"]["launchSpecification"]["image"]["gallery"]
    assert gallery == {
        "resourceGroupName": "img-rg",
        "galleryName": "gal",
        "imageName": "ubuntu-22",
        "version": "1.10.0",
    }
    page = editor_client.get(response["Location"]).content.decode()
    assert 'value="img-rg" selected' in page
    assert 'value="gal" selected' in page
    assert 'value="ubuntu-22" selected' in page
    assert 'value="1.10.0" selected' in page
    assert 'value="standard_d4s_v5" id="id_spot_sizes_standard_d4s_v5" checked' in page
    assert "created (revision 1)" in page


def test_review_shows_exactly_what_the_api_returns(editor_client, editor_world, client):
    editor_client.post("/groups/new/", valid_form(editor_world))
    group = Group.objects.get()
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    start = page.index('<pre id="review-json"')
    shown = page[page.index("<code>", start) + 6 : page.index("</code>", start)]
    import html as html_lib

    assert json.loads(html_lib.unescape(shown)) == to_item(group)


def test_another_accounts_gallery_sets_spot_account_id(editor_client, editor_world):
    form = valid_form(
        editor_world,
        spot_account_id=editor_world.other.id,
        gallery_resource_group_name="shared-rg",
        gallery_name="sharedgal",
        image_name="golden",
        version_name="5.0.0",
    )
    assert editor_client.post("/groups/new/", form).status_code == 302
    gallery = Group.objects.get().spec["compute"]["launchSpecification"]["image"]["gallery"]
    assert gallery["spotAccountId"] == editor_world.other.id


def test_save_draft_keeps_unfinished_work_and_lists_its_problems(editor_client, editor_world):
    response = editor_client.post(
        "/groups/new/",
        valid_form(editor_world, action="draft", virtual_network_name="", name="half"),
    )
    assert response.status_code == 302
    group = Group.objects.get()
    assert group.status == Status.DRAFT
    page = editor_client.get(response["Location"]).content.decode()
    assert "This draft has 1 problem to fix before it can be created" in page
    assert "Virtual network is required." in page


def test_every_save_writes_a_revision_and_an_audit_entry(editor_client, editor_world):
    editor_client.post("/groups/new/", valid_form(editor_world, action="draft"))
    group = Group.objects.get()
    editor_client.post(
        f"/groups/{group.id}/", valid_form(editor_world, action="save", name="web2", revision="1")
    )
    group.refresh_from_db()
    assert group.revision == 2
    assert group.name == "web2"
    assert group.status == Status.ACTIVE
    assert list(Revision.objects.filter(group=group).values_list("number", flat=True)) == [2, 1]
    actions = list(editor_world.org.audit_entries.values_list("action", flat=True))
    assert actions == ["group.update", "group.create"]


def test_password_is_write_only(editor_client, editor_world):
    form = valid_form(editor_world, os="Windows", image_name="win-2022", version_name="latest")
    form.update(login_ssh_public_key="", login_password="S3cret-Passw0rd!")
    assert editor_client.post("/groups/new/", form).status_code == 302
    group = Group.objects.get()
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert "S3cret-Passw0rd!" not in page
    assert "S3cret-Passw0rd!" not in json.dumps(group.spec)
    # Updating without typing it again keeps the stored password (no "password required").
    form.update(login_password="", revision="1", name="win-web")
    assert editor_client.post(f"/groups/{group.id}/", form).status_code == 302


def test_viewer_sees_the_editor_read_only_and_cannot_post(viewer_client, editor_world):
    context = EditContext(None, editor_world.org, editor_world.own, Kind.STATELESS)
    group, _ = save_group(context, {"name": "draft-one"}, status=Status.DRAFT, source="api")
    page = viewer_client.get(f"/groups/{group.id}/").content.decode()
    assert "shown read-only" in page
    assert 'value="save"' not in page
    assert 'value="draft"' not in page
    assert viewer_client.post(f"/groups/{group.id}/", valid_form(editor_world)).status_code == 403
    assert viewer_client.post("/groups/new/", valid_form(editor_world)).status_code == 403
    assert Group.objects.get().revision == 1


def test_another_organizations_group_is_a_404(editor_client, editor_world):
    from tests.factories import AccountFactory, OrganizationFactory

    stranger = AccountFactory(organization=OrganizationFactory(name="Fabrikam"))
    context = EditContext(None, stranger.organization, stranger, Kind.STATELESS)
    group, _ = save_group(context, {"name": "theirs"}, status=Status.DRAFT, source="api")
    assert editor_client.get(f"/groups/{group.id}/").status_code == 404
    assert editor_client.post(f"/groups/{group.id}/", valid_form(editor_world)).status_code == 404


def test_lists_show_image_summary_and_drafts_page_compares(editor_client, editor_world):
    editor_client.post("/groups/new/", valid_form(editor_world, action="draft"))
    group = Group.objects.get()
    editor_client.post(
        f"/groups/{group.id}/",
        valid_form(editor_world, action="draft", name="web-v2", revision="1"),
    )
    listing = editor_client.get("/groups/").content.decode()
    assert "gallery img-rg/gal/ubuntu-22 @ latest" in listing
    drafts = editor_client.get("/drafts/").content.decode()
    assert "web-v2" in drafts
    assert "Compare revisions" in drafts
    diff = editor_client.get(f"/drafts/{group.id}/compare/").content.decode()
    assert "-  &quot;name&quot;: &quot;web&quot;" in diff
    assert "+  &quot;name&quot;: &quot;web-v2&quot;" in diff


def _api_group(editor_world: Any) -> Group:
    spec = {
        "name": "from-api",
        "region": "eastus",
        "resourceGroupName": "rg-app",
        "capacity": {"minimum": 0, "maximum": 3, "target": 1},
        "strategy": {"spotPercentage": 100, "fallbackToOd": True},
        "compute": {
            "os": "Linux",
            "vmSizes": {"odSizes": ["standard_d2s_v5"], "spotSizes": ["standard_x9_custom"]},
            "launchSpecification": {
                "image": {
                    "gallery": {
                        "resourceGroupName": "shared-rg",
                        "galleryName": "sharedgal",
                        "imageName": "golden",
                        "version": "5.0.0",
                        "spotAccountId": editor_world.other.id,
                    }
                },
                "network": {
                    "resourceGroupName": "rg-net",
                    "virtualNetworkName": "vnet",
                    "networkInterfaces": [
                        {"isPrimary": True, "subnetName": "default", "assignPublicIp": False}
                    ],
                },
                "login": {"userName": "azureuser", "sshPublicKey": SSH_KEY},
            },
        },
    }
    context = EditContext(None, editor_world.org, editor_world.own, Kind.STATELESS)
    group, _ = save_group(context, spec, status=Status.ACTIVE, source="api")
    return group


def test_a_group_made_through_the_api_opens_with_every_choice_shown(editor_client, editor_world):
    group = _api_group(editor_world)
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert f'value="{editor_world.other.id}" selected' in page
    assert 'value="shared-rg" selected' in page
    assert 'value="sharedgal" selected' in page
    assert 'value="golden" selected' in page
    assert 'value="5.0.0" selected' in page
    # a size the shipped list lacks is kept selectable, not dropped
    assert 'value="standard_x9_custom" id="id_spot_sizes_standard_x9_custom" checked' in page
    # saving unchanged from the console keeps the API's JSON as it was
    form = valid_form(
        editor_world, name="from-api", spot_account_id=editor_world.other.id,
        gallery_resource_group_name="shared-rg", gallery_name="sharedgal", image_name="golden",
        version_name="5.0.0",
        spot_sizes=["standard_x9_custom"], capacity_maximum="3", revision="1",
        login_ssh_public_key=SSH_KEY,
    )  # fmt: skip
    before = group.spec
    assert editor_client.post(f"/groups/{group.id}/", form).status_code == 302
    group.refresh_from_db()
    assert group.spec == before


def test_a_draft_whose_gallery_vanished_keeps_it_flagged(editor_client, editor_world):
    from django.utils import timezone

    from galleries.models import Gallery

    editor_client.post("/groups/new/", valid_form(editor_world, action="draft"))
    group = Group.objects.get()
    Gallery.objects.filter(name="gal").update(deleted_at=timezone.now())
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert 'value="gal" selected>gal (no longer in the inventory)' in page
    assert "gal is no longer in the inventory; choose another." in page
    assert "Image ubuntu-22 was not found in gallery gal" in page  # the draft's warning

"""Deleting groups and nodes, discarding drafts, and reaching a group's history."""

from __future__ import annotations

import re

from console.models import AuditEntry
from groups.models import Group, Revision

from .conftest import valid_form
from .test_stateful_and_nojs import _stateful_form


def _create(client, world, path="/groups/new/", form=None):
    response = client.post(path, form or valid_form(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Group.objects.get()


def test_delete_confirms_what_goes_then_deletes_audits_and_says_so(editor_client, world):
    group = _create(editor_client, world)
    editor = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert f'href="/groups/{group.id}/delete/">Delete</a>' in editor
    confirm = editor_client.get(f"/groups/{group.id}/delete/").content.decode()
    assert "Delete stateless group web?" in confirm
    assert f"(<code>{group.id}</code>) in account Production, region eastus" in confirm
    assert "its 1 revision:" in confirm
    assert Group.objects.exists()  # looking is harmless

    response = editor_client.post(f"/groups/{group.id}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/groups/"
    assert "Stateless group web deleted." in response.content.decode()
    assert not Group.objects.exists()
    assert not Revision.objects.exists()
    entry = AuditEntry.objects.get(action="group.delete")
    assert (entry.object_id, entry.after["source"]) == (group.id, "console")


def test_deleting_a_node_offers_spots_deallocation_choices_keeping_everything(editor_client, world):
    node = _create(editor_client, world, "/nodes/new/", _stateful_form(world))
    confirm = editor_client.get(f"/nodes/{node.id}/delete/").content.decode()
    for label in (
        "Terminate the VM",
        "Delete its network interface",
        "Delete its OS and data disks",
        "Delete its disk snapshots",
        "Release its public IP",
    ):
        assert label in confirm
    assert "checked" not in confirm  # nothing is destroyed unless ticked
    editor_client.post(
        f"/nodes/{node.id}/delete/", {"terminate_vm": "on", "deallocate_public_ip": "on"}
    )
    entry = AuditEntry.objects.get(action="stateful_node.delete")
    assert entry.after["deallocationConfig"] == {
        "shouldTerminateVm": True,
        "networkDeallocationConfig": {"shouldDeallocate": False},
        "diskDeallocationConfig": {"shouldDeallocate": False},
        "snapshotDeallocationConfig": {"shouldDeallocate": False},
        "publicIpDeallocationConfig": {"shouldDeallocate": True},
    }
    assert not Group.objects.exists()


def test_drafts_page_discards_a_draft_and_comes_back(editor_client, world):
    draft = _create(editor_client, world, form=valid_form(world, action="draft", name="wip"))
    drafts = editor_client.get("/drafts/").content.decode()
    link = (
        f'href="/groups/{draft.id}/delete/?from=drafts" aria-label="Discard draft wip">Discard</a>'
    )
    assert link in drafts
    confirm = editor_client.get(f"/groups/{draft.id}/delete/?from=drafts").content.decode()
    assert "Discard the draft wip?" in confirm
    response = editor_client.post(f"/groups/{draft.id}/delete/", {"from": "drafts"}, follow=True)
    assert response.redirect_chain[-1][0] == "/drafts/"
    assert "Draft wip discarded." in response.content.decode()
    assert not Group.objects.exists()


def test_viewers_cannot_delete_and_see_no_delete_button(viewer_client, world):
    from django.test import Client

    from console.models import Role
    from tests.factories import log_in_as

    editor = Client()
    log_in_as(editor, Role.EDITOR, organization=world.org)
    group = _create(editor, world)
    assert viewer_client.get(f"/groups/{group.id}/delete/").status_code == 403
    assert viewer_client.post(f"/groups/{group.id}/delete/").status_code == 403
    page = viewer_client.get(f"/groups/{group.id}/").content.decode()
    assert "/delete/" not in page
    assert "Discard" not in viewer_client.get("/drafts/").content.decode()
    assert Group.objects.exists()


def test_another_organizations_group_cannot_be_deleted(client, world):
    from django.test import Client

    from console.models import Role
    from tests.factories import OrganizationFactory, log_in_as

    owner = Client()
    log_in_as(owner, Role.EDITOR, organization=world.org)
    group = _create(owner, world)
    log_in_as(client, Role.ADMIN, organization=OrganizationFactory(name="Fabrikam"))
    assert client.post(f"/groups/{group.id}/delete/").status_code == 404
    assert Group.objects.exists()


def test_history_is_reachable_from_lists_and_editor_and_the_diff_is_single_spaced(
    editor_client, world
):
    group = _create(editor_client, world)  # active, not a draft
    editor_client.post(f"/groups/{group.id}/", valid_form(world, name="web-v2", revision="1"))
    listing = editor_client.get("/groups/").content.decode()
    assert f'<a href="/drafts/{group.id}/compare/" aria-label="History of web-v2">History</a>' in (
        listing
    )
    editor = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert f'href="/drafts/{group.id}/compare/">History and compare</a>' in editor
    page = editor_client.get(f"/drafts/{group.id}/compare/").content.decode()
    diff = page[page.index('<pre class="diff') : page.index("</pre>")]
    # each line is a block-level span: a newline between them would show as an empty line
    assert "</span>\n" not in diff
    assert re.search(r'<span class="diff-del">-  &quot;name&quot;: &quot;web&quot;,?</span>', diff)

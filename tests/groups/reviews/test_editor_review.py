"""The group editor in an organization that reviews changes: a save edits the change, never
the live group; two editors at once get one clear refusal."""

from __future__ import annotations

from typing import Any

from django.test import Client

from console.models import Role
from groups.models import Group, Status
from groups.reviews.models import ChangeRequest, ChangeState, ReviewPolicy
from tests.factories import log_in_as
from tests.groups.editor.conftest import valid_form, world  # noqa: F401  (the fixture)


def _editor(world: Any) -> Client:  # noqa: F811
    client = Client()
    log_in_as(client, Role.EDITOR, organization=world.org)
    return client


def _reviewed_live_group(world: Any) -> tuple[Client, Group]:  # noqa: F811
    author = _editor(world)
    assert author.post("/groups/new/", valid_form(world)).status_code == 302
    ReviewPolicy.objects.filter(organization=world.org).update(approvals_required=1)
    return author, Group.objects.get()


def _version(spec: dict[str, Any]) -> str:
    return spec["compute"]["launchSpecification"]["image"]["gallery"]["version"]


def test_saving_a_live_group_proposes_a_change_and_the_editor_then_opens_it(world):  # noqa: F811
    author, group = _reviewed_live_group(world)
    saved = author.post(
        f"/groups/{group.id}/", valid_form(world, version_name="1.0.0", revision="1")
    )
    change = ChangeRequest.objects.get(group=group)
    assert saved.status_code == 302
    assert saved["Location"] == f"/reviews/{change.pk}/"
    live = Group.objects.get(pk=group.pk)
    assert (live.revision, live.status, _version(live.spec)) == (1, Status.ACTIVE, "latest")
    assert _version(change.proposed_spec) == "1.0.0"

    page = author.get(f"/groups/{group.id}/").content.decode()
    assert 'id="open-change"' in page
    assert 'name="change_version" value="1"' in page
    assert 'name="cascade_prev_version_name" value="1.0.0"' in page
    again = author.post(
        f"/groups/{group.id}/",
        valid_form(world, version_name="1.10.0", revision="1", change_version="1"),
    )
    assert again.status_code == 302
    change.refresh_from_db()
    assert change.version == 2
    assert _version(change.proposed_spec) == "1.10.0"
    assert _version(Group.objects.get(pk=group.pk).spec) == "latest"


def test_a_second_editor_from_an_older_page_is_refused_and_nothing_is_lost(world):  # noqa: F811
    alice, group = _reviewed_live_group(world)
    bob = _editor(world)
    first = alice.post(f"/groups/{group.id}/", valid_form(world, name="alice-web", revision="1"))
    assert first.status_code == 302
    second = bob.post(f"/groups/{group.id}/", valid_form(world, name="bob-web", revision="1"))
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone proposed a change to this group since you opened it" in page
    assert 'value="bob-web"' in page  # bob's edits come back to him
    change = ChangeRequest.objects.get(group=group)
    assert change.proposed_spec["name"] == "alice-web"
    stale = bob.post(
        f"/groups/{group.id}/",
        valid_form(world, name="bob-web", revision="1", change_version="0"),
    )
    assert stale.status_code == 409
    assert "edited since you opened it" in stale.content.decode()


def test_a_new_group_saved_to_go_live_waits_for_review_as_a_draft(world):  # noqa: F811
    author = _editor(world)
    ReviewPolicy.objects.filter(organization=world.org).update(approvals_required=1)
    saved = author.post("/groups/new/", valid_form(world))
    group = Group.objects.get()
    change = ChangeRequest.objects.get(group=group)
    assert saved["Location"] == f"/reviews/{change.pk}/"
    assert group.status == Status.DRAFT
    assert change.state == ChangeState.DRAFT
    assert change.base_revision == 0
    # A plain draft stays a draft, with no change to review.
    author.post("/groups/new/", valid_form(world, name="later", action="draft"))
    assert ChangeRequest.objects.count() == 1
    assert Group.objects.filter(name="later", status=Status.DRAFT).exists()

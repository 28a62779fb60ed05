"""Smaller editor behaviours: the zone select, the header's account, end-of-life marks."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from galleries.models import ImageVersion
from groups.models import Group

from .conftest import valid_form
from .test_fragments import level
from .test_stateful_and_nojs import _stateful_form


def test_preferred_zone_is_a_select_with_no_preference(editor_client, world):
    page = editor_client.get("/nodes/new/").content.decode()
    start = page.index('<select name="preferred_zone"')
    zone = page[start : page.index("</select>", start)]
    assert '<option value="" selected>No preference</option>' in zone
    assert '<option value="3">3</option>' in zone
    form = _stateful_form(world)
    form["preferred_zone"] = "3"
    editor_client.post("/nodes/new/", form)
    assert Group.objects.get().spec["compute"]["preferredZone"] == "3"


def test_opening_another_accounts_group_switches_the_header_to_it(editor_client, world):
    editor_client.post("/groups/new/", valid_form(world, action="draft"))
    group = Group.objects.get()
    Group.objects.filter(pk=group.pk).update(account=world.other)
    session = editor_client.session
    session["account_id"] = world.own.pk
    session.save()
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert f"Switched to account {world.other.name}, which web belongs to." in page
    assert editor_client.session["account_id"] == world.other.pk
    # the header's list now shows the group's account
    assert "in Images" in editor_client.get("/groups/").content.decode()


def test_end_of_life_passed_is_red_and_a_future_one_neutral(editor_client, world):
    past = timezone.now() - timedelta(days=2)
    ImageVersion.objects.filter(image=world.ubuntu, name="1.10.0").update(end_of_life_date=past)
    future = timezone.now() + timedelta(days=60)
    ImageVersion.objects.filter(image=world.ubuntu, name="1.0.0").update(end_of_life_date=future)
    params = dict(
        spot_account_id=world.own.id, gallery_resource_group_name="img-rg", gallery_name="gal",
        image_name="ubuntu-22", region="eastus", os="Linux",
    )  # fmt: skip
    versions = level(editor_client, "version_name", **params).content.decode()
    assert f"end of life passed {past:%Y-%m-%d}" in versions
    assert f"end of life {future:%Y-%m-%d}" in versions  # neutral: no "passed"
    details = level(editor_client, "details", version_name="1.10.0", **params).content.decode()
    assert (
        f'<span class="badge text-bg-danger">End of life passed {past:%Y-%m-%d}</span>' in details
    )


def test_creating_with_an_end_of_life_version_warns_but_saves(editor_client, world):
    ImageVersion.objects.filter(image=world.ubuntu, name="1.10.0").update(
        end_of_life_date=timezone.now() - timedelta(days=2)
    )
    response = editor_client.post(
        "/groups/new/", valid_form(world, version_name="1.10.0"), follow=True
    )
    page = response.content.decode()
    assert Group.objects.get().status == "active"
    assert "Warning: Version 1.10.0 of image ubuntu-22 passed its end of life" in page

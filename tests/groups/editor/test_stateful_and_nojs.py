"""The same editor for stateful nodes, and the cascade's full-page (no-JavaScript) reload."""

from __future__ import annotations

import re

from groups.models import Group, Kind

from .conftest import valid_form


def _stateful_form(world, **overrides):
    form = valid_form(world, **overrides)
    for stateless_only in ("capacity_minimum", "capacity_target", "capacity_maximum"):
        form.pop(stateless_only)
    form.update(
        preferred_zone="2",
        preferred_lifecycle="spot",
        should_persist_os_disk="on",
        should_persist_network="on",
    )
    return form


def test_a_stateful_node_saves_version_name_zone_and_persistence(editor_client, world):
    response = editor_client.post("/nodes/new/", _stateful_form(world, version_name="1.10.0"))
    assert response.status_code == 302, response.content.decode()[:2000]
    node = Group.objects.get()
    assert node.kind == Kind.STATEFUL
    assert node.id.startswith("ssn-")
    gallery = node.spec["compute"]["launchSpecification"]["image"]["gallery"]
    assert gallery["versionName"] == "1.10.0"
    assert "version" not in gallery
    assert node.spec["compute"]["preferredZone"] == "2"
    assert node.spec["persistence"] == {
        "shouldPersistOsDisk": True,
        "shouldPersistDataDisks": False,
        "shouldPersistNetwork": True,
    }
    page = editor_client.get(response["Location"]).content.decode()
    assert 'value="1.10.0" selected' in page
    assert re.search(r'<input type="checkbox" name="should_persist_os_disk"[^>]* checked', page)
    assert not re.search(
        r'<input type="checkbox" name="should_persist_data_disks"[^>]* checked', page
    )
    listing = editor_client.get("/nodes/").content.decode()
    assert "gallery img-rg/gal/ubuntu-22 @ 1.10.0" in listing


def test_no_javascript_reload_clears_children_of_a_changed_parent(editor_client, world):
    form = valid_form(world, action="reload", gallery_name="gal2")
    form.update(
        cascade_prev_spot_account_id=world.own.id,
        cascade_prev_gallery_resource_group_name="img-rg",
        cascade_prev_gallery_name="gal",
        cascade_prev_image_name="ubuntu-22",
        cascade_prev_version_name="latest",
    )
    page = editor_client.post("/groups/new/", form).content.decode()
    assert not Group.objects.exists()  # a reload saves nothing
    assert 'value="gal2" selected' in page
    assert 'value="debian-12"' in page  # the new gallery's images are offered
    assert 'value="ubuntu-22" selected' not in page
    assert 'name="version_name"' not in page  # no version until an image is chosen
    assert 'value="web"' in page  # everything else typed is kept


def test_no_javascript_reload_with_nothing_changed_fills_the_next_level(editor_client, world):
    form = valid_form(world, action="reload", image_name="", version_name="")
    form.update(
        cascade_prev_spot_account_id=world.own.id,
        cascade_prev_gallery_resource_group_name="img-rg",
        cascade_prev_gallery_name="gal",
    )
    page = editor_client.post("/groups/new/", form).content.decode()
    assert 'value="ubuntu-22"' in page
    assert 'value="appliance"' in page

"""The cascade's htmx fragments: what each level lists, and how htmx and direct loads differ."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from galleries.cascade.selection import FIELDS
from galleries.models import RefreshRun
from tests.factories import AccountFactory, OrganizationFactory
from tests.inventory_factories import connect_account, gallery_image

HX = {"HTTP_HX_REQUEST": "true"}


def level(client: Any, key: str, trigger: str | None = None, **params: Any) -> Any:
    headers = dict(HX)
    if trigger:
        headers["HTTP_HX_TRIGGER_NAME"] = trigger
    return client.get(f"/cascade/level/{key}/", params, **headers)


def options_of(response: Any, field: str) -> str:
    html = response.content.decode()
    start = html.index(f'name="{field}"')
    return html[start : html.index("</select>", start)]


def test_resource_groups_lists_groups_holding_galleries_and_inventory_age(
    editor_client, editor_world
):
    response = level(
        editor_client, "gallery_resource_group_name", spot_account_id=editor_world.own.id
    )
    assert response.status_code == 200
    assert "img-rg" in options_of(response, "gallery_resource_group_name")
    assert "Inventory refreshed 4\xa0minutes ago" in response.content.decode()
    assert response["Vary"].count("HX-Request") == 1


def test_the_inventory_age_is_the_last_applied_refresh_not_a_later_failed_one(
    editor_client, editor_world
):
    RefreshRun.objects.filter(subscription=editor_world.own_sub).delete()
    now = timezone.now()
    for minutes_ago, status in ((120, "succeeded"), (60, "partial"), (30, "failed")):
        RefreshRun.objects.create(
            subscription=editor_world.own_sub,
            status=status,
            started_at=now - timedelta(minutes=minutes_ago + 1),
            finished_at=now - timedelta(minutes=minutes_ago),
        )

    response = level(
        editor_client, "gallery_resource_group_name", spot_account_id=editor_world.own.id
    )

    # The partial run applied what it read: it counts; the failed one after it does not.
    assert "Inventory refreshed 1\xa0hour ago" in response.content.decode()


def test_galleries_of_the_chosen_resource_group(editor_client, editor_world):
    response = level(
        editor_client,
        "gallery_name",
        spot_account_id=editor_world.own.id,
        gallery_resource_group_name="IMG-RG",
    )
    select = options_of(response, "gallery_name")
    assert ">gal<" in select
    assert ">gal2<" in select


def test_images_are_filtered_by_os(editor_client, editor_world):
    params = {
        "spot_account_id": editor_world.own.id,
        "gallery_resource_group_name": "img-rg",
        "gallery_name": "gal",
    }
    linux = options_of(level(editor_client, "image_name", os="Linux", **params), "image_name")
    windows = options_of(level(editor_client, "image_name", os="Windows", **params), "image_name")
    assert "ubuntu-22" in linux
    assert "win-2022" not in linux
    assert "win-2022" in windows
    assert "ubuntu-22" not in windows


def _versions(client, editor_world, **extra):
    params = {
        "spot_account_id": editor_world.own.id,
        "gallery_resource_group_name": "img-rg",
        "gallery_name": "gal",
        "image_name": "ubuntu-22",
        "os": "Linux",
        "region": "eastus",
    }
    params.update(extra)
    return level(client, "version_name", **params)


def test_versions_in_region_newest_first_with_latest_resolved(editor_client, editor_world):
    select = options_of(_versions(editor_client, editor_world), "version_name")
    assert "Latest (currently 1.10.0)" in select
    positions = [select.index(f'value="{v}"') for v in ("latest", "1.11.0", "1.10.0", "1.1.0")]
    assert positions == sorted(positions)  # Latest first, then semantic order (1.10 > 1.1)
    assert select.index('value="1.1.0"') < select.index('value="1.0.0"')
    assert "1.2.0" not in select  # only in westus


def test_failed_versions_are_shown_disabled(editor_client, editor_world):
    select = options_of(_versions(editor_client, editor_world), "version_name")
    published = editor_world.ubuntu.versions.get(name="1.10.0").published_date
    assert f">1.10.0 · published {published:%Y-%m-%d}</option>" in select
    failed = select[select.index('value="1.11.0"') :].split("</option>")[0]
    assert "disabled" in failed
    assert "failed" in failed


def test_show_all_marks_versions_not_in_region(editor_client, editor_world):
    select = options_of(_versions(editor_client, editor_world, all_versions="1"), "version_name")
    assert "1.2.0" in select
    assert "not in East US" in select


def test_changing_the_region_keeps_a_version_only_if_replicated_there(editor_client, editor_world):
    kept = _versions(editor_client, editor_world, region="westus", version_name="1.0.0")
    assert 'value="1.0.0" selected' in options_of(kept, "version_name")
    dropped = _versions(editor_client, editor_world, region="westus", version_name="1.1.0")
    assert "selected" not in options_of(dropped, "version_name")
    assert "Version 1.1.0 is not available in West US" in dropped.content.decode()


def test_changing_a_parent_clears_the_children(editor_client, editor_world):
    response = level(
        editor_client,
        "image_name",
        trigger="gallery_name",
        spot_account_id=editor_world.own.id,
        gallery_resource_group_name="img-rg",
        gallery_name="gal2",
        image_name="ubuntu-22",
        version_name="1.0.0",
    )
    html = response.content.decode()
    assert "selected" not in options_of(response, "image_name")
    # the version level is emptied out of band, not left showing the old gallery's versions
    assert (
        '<div id="level-version_name" class="cascade-level" hx-swap-oob="outerHTML"></div>' in html
    )


def test_a_kept_selection_loads_its_children_lazily(editor_client, editor_world):
    response = level(
        editor_client,
        "image_name",
        spot_account_id=editor_world.own.id,
        gallery_resource_group_name="img-rg",
        gallery_name="gal",
        image_name="ubuntu-22",
        os="Linux",
    )
    html = response.content.decode()
    assert 'value="ubuntu-22" selected' in html
    assert 'hx-get="/cascade/level/version_name/" hx-trigger="load"' in html


def test_search_narrows_and_keeps_the_selected_option(editor_client, editor_world):
    response = level(
        editor_client,
        "image_name",
        trigger="image_name_q",
        spot_account_id=editor_world.own.id,
        gallery_resource_group_name="img-rg",
        gallery_name="gal",
        image_name="ubuntu-22",
        image_name_q="appl",
        part="options",
    )
    select = options_of(response, "image_name")
    assert "appliance" in select
    assert "ubuntu-22" in select
    assert "win-2022" not in select
    assert 'id="level-image_name"' not in response.content.decode()  # only the options part


def test_long_lists_are_capped_with_type_to_narrow(editor_client, editor_world):
    for n in range(105):
        gallery_image(
            editor_world.own_sub, resource_group="img-rg", gallery="big", image=f"img-{n:03d}"
        )
    response = level(
        editor_client,
        "image_name",
        spot_account_id=editor_world.own.id,
        gallery_resource_group_name="img-rg",
        gallery_name="big",
    )
    assert response.content.decode().count('<option value="img-') == 100
    assert "type to narrow" in response.content.decode()
    assert "100 image name options loaded (more: type to narrow)" in response.content.decode()


def test_share_check_verdict_for_another_subscriptions_gallery(editor_client, editor_world):
    response = level(
        editor_client,
        "image_name",
        group_account=editor_world.own.id,
        spot_account_id=editor_world.other.id,
        gallery_resource_group_name="shared-rg",
        gallery_name="sharedgal",
    )
    html = response.content.decode()
    assert "The group's subscription can read this gallery" in html


def test_details_show_regions_and_replica_counts(editor_client, editor_world):
    response = level(
        editor_client,
        "details",
        spot_account_id=editor_world.own.id,
        gallery_resource_group_name="img-rg",
        gallery_name="gal",
        image_name="ubuntu-22",
        version_name="latest",
        region="eastus",
    )
    html = response.content.decode()
    assert "Version 1.10.0" in html
    assert "what “Latest” means in East US now" in html
    assert "<td>East US</td><td>1</td>" in html


def test_direct_load_of_a_fragment_url_is_a_full_page(editor_client, editor_world):
    response = editor_client.get(
        "/cascade/level/version_name/",
        {
            "spot_account_id": editor_world.own.id,
            "gallery_resource_group_name": "img-rg",
            "gallery_name": "gal",
            "image_name": "ubuntu-22",
            "region": "eastus",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "Latest (currently 1.10.0)" in html
    assert "Load options" in html  # the no-JavaScript submit


def test_history_restore_gets_the_full_page(editor_client, editor_world):
    response = editor_client.get(
        "/cascade/level/gallery_name/",
        {"spot_account_id": editor_world.own.id, "gallery_resource_group_name": "img-rg"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()


def test_another_organizations_subscription_is_a_404(editor_client, editor_world):
    stranger = AccountFactory(organization=OrganizationFactory(name="Fabrikam"))
    stranger_sub = connect_account(stranger)
    gallery_image(stranger_sub, resource_group="secret-rg", gallery="secret")
    response = level(editor_client, "gallery_resource_group_name", spot_account_id=stranger.id)
    assert response.status_code == 404
    response = level(
        editor_client,
        "gallery_name",
        spot_account_id=stranger.id,
        gallery_resource_group_name="secret-rg",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("key", [*FIELDS[1:], "details"])
def test_every_fragment_stays_within_three_queries(editor_client, editor_world, key):
    params = {
        "group_account": editor_world.own.id,
        "spot_account_id": editor_world.own.id,
        "gallery_resource_group_name": "img-rg",
        "gallery_name": "gal",
        "image_name": "ubuntu-22",
        "version_name": "1.0.0",
        "os": "Linux",
        "region": "eastus",
    }
    # Session, user and tenancy queries come first: an empty level costs only those.
    with CaptureQueriesContext(connection) as baseline:
        level(editor_client, "gallery_name", group_account=editor_world.own.id)
    with CaptureQueriesContext(connection) as fragment:
        response = level(editor_client, key, **params)
    assert response.status_code == 200
    assert len(fragment) - len(baseline) <= 3, [q["sql"] for q in fragment.captured_queries]

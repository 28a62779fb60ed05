"""The cascade's fragments served again from the cache (galleries/cascade/fragment_cache.py):
one query when asked again, and never the inventory as it was before the last refresh."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from galleries.models import RefreshRun
from tests.inventory_factories import ImageVersionFactory, share

HX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


def _params(world: Any, **extra: str) -> dict[str, str]:
    return {
        "group_account": world.own.id,
        "spot_account_id": world.own.id,
        "gallery_resource_group_name": "img-rg",
        "gallery_name": "gal",
        "image_name": "ubuntu-22",
        "os": "Linux",
        **extra,
    }


def _versions(client: Any, params: dict[str, str]) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cascade/level/version_name/", params, **HX)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def _refreshed_with_version(world: Any, name: str) -> None:
    """What a finished refresh leaves: a new row, and the run's finish time."""
    ImageVersionFactory(image=world.ubuntu, subscription=world.own_sub, name=name)
    RefreshRun.objects.create(
        subscription=world.own_sub,
        status="succeeded",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )


def test_a_fragment_asked_again_costs_one_query_and_reads_the_same(editor_client, editor_world):
    params = _params(editor_world)
    editor_client.get("/cascade/level/gallery_name/", params, **HX)  # the session, read once
    first, first_queries = _versions(editor_client, params)
    again, again_queries = _versions(editor_client, params)

    assert "1.10.0" in first
    assert again == first
    assert first_queries == 3
    assert again_queries == 1  # the subscription's row, whose refresh time is in the key
    # Other parameters are another fragment.
    other, other_queries = _versions(editor_client, _params(editor_world, region="westus"))
    assert other != first
    assert other_queries == 3


def test_a_finished_refresh_shows_its_new_versions_at_once(editor_client, editor_world):
    params = _params(editor_world)
    before, _ = _versions(editor_client, params)
    assert "7.7.7" not in before

    _refreshed_with_version(editor_world, "7.7.7")

    after, queries = _versions(editor_client, params)
    assert "7.7.7" in after
    assert queries == 3


def test_a_row_written_without_a_refresh_shows_once_the_minute_turns(editor_client, editor_world):
    params = _params(editor_world)
    with time_machine.travel(timezone.now().replace(second=1), tick=False) as traveller:
        _versions(editor_client, params)
        ImageVersionFactory(
            image=editor_world.ubuntu, subscription=editor_world.own_sub, name="8.8.8"
        )
        assert "8.8.8" not in _versions(editor_client, params)[0]  # served from the cache
        traveller.shift(timedelta(minutes=1))
        assert "8.8.8" in _versions(editor_client, params)[0]


def test_the_inventory_age_follows_the_clock(editor_client, editor_world):
    params = _params(editor_world)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        groups = editor_client.get("/cascade/level/gallery_resource_group_name/", params, **HX)
        assert "Inventory refreshed 4\xa0minutes ago" in groups.content.decode()
        traveller.shift(timedelta(minutes=2))
        groups = editor_client.get("/cascade/level/gallery_resource_group_name/", params, **HX)
        assert "Inventory refreshed 6\xa0minutes ago" in groups.content.decode()


def test_the_image_level_asked_again_costs_one_query(editor_client, editor_world):
    params = _params(editor_world)
    editor_client.get("/cascade/level/gallery_name/", params, **HX)  # the session, read once
    with CaptureQueriesContext(connection) as first:
        before = editor_client.get("/cascade/level/image_name/", params, **HX)
    with CaptureQueriesContext(connection) as again:
        after = editor_client.get("/cascade/level/image_name/", params, **HX)

    assert "ubuntu-22" in before.content.decode()
    assert after.content == before.content
    assert len(first.captured_queries) == 2
    assert len(again.captured_queries) == 1


def test_another_subscriptions_gallery_shows_the_share_verdict_as_it_is_now(
    editor_client, editor_world
):
    params = _params(
        editor_world,
        spot_account_id=editor_world.other.id,
        gallery_resource_group_name="shared-rg",
        gallery_name="sharedgal",
        image_name="golden",
    )
    before = editor_client.get("/cascade/level/image_name/", params, **HX)
    assert "The group's subscription can read this gallery" in before.content.decode()

    share(editor_world.own_sub, editor_world.golden.gallery, "not_shared")  # "Check now"

    after = editor_client.get("/cascade/level/image_name/", params, **HX)
    assert "The group's subscription cannot read this gallery" in after.content.decode()


def test_without_a_shared_cache_every_fragment_is_rendered(editor_client, editor_world, settings):
    settings.PRINCIPAL_CACHE = None
    params = _params(editor_world)
    _versions(editor_client, params)
    ImageVersionFactory(image=editor_world.ubuntu, subscription=editor_world.own_sub, name="9.9.9")
    assert "9.9.9" in _versions(editor_client, params)[0]

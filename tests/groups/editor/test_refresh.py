"""“Refresh this gallery” from the cascade: a real targeted refresh against the Azure sandbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from azure_sandbox.world import ImageVersion, TargetRegion
from console.models import Role
from galleries.models import RefreshRun
from galleries.refresh.runs import execute_run, refresh_now
from galleries.subscriptions.services import connect_subscription
from tests.factories import OrganizationFactory, log_in_as
from tests.galleries.conftest import sandbox_connection

HX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


def _first_linux_image(sandbox: Any, display_name: str) -> tuple[Any, Any, Any, Any]:
    world_sub = next(
        s for s in sandbox.world.subscriptions.values() if s.display_name == display_name
    )
    for group in world_sub.resource_groups.values():
        for gallery in group.galleries.values():
            for image in gallery.images.values():
                if image.os_type == "Linux" and image.os_state == "Generalized":
                    return world_sub, group, gallery, image
    raise AssertionError("the default world has a generalized Linux image")


def test_refresh_this_gallery_swaps_in_a_version_published_since(client, fresh_azure_sandbox):
    organization = OrganizationFactory()
    subscription = connect_subscription(
        organization=organization,
        actor=None,
        display_name="Production",
        connection=sandbox_connection(fresh_azure_sandbox, "Production"),
        refresh=False,
    )
    refresh_now(subscription)
    log_in_as(client, Role.EDITOR, organization=organization)
    _, group, gallery, image = _first_linux_image(fresh_azure_sandbox, "Production")
    params = {
        "group_account": subscription.account_id,
        "spot_account_id": subscription.account_id,
        "gallery_resource_group_name": group.name,
        "gallery_name": gallery.name,
        "image_name": image.name,
        "os": "Linux",
        "region": "eastus",
    }
    before = client.get("/cascade/level/version_name/", params, **HX).content.decode()
    assert "9999.0.0" not in before

    image.add_version(
        ImageVersion(
            name="9999.0.0",
            location=gallery.location,
            published_date="2026-11-26T09:00:00Z",
            target_regions=[TargetRegion("eastus", 2)],
        )
    )
    fresh_azure_sandbox.world.touch()

    started = client.post("/cascade/refresh/", params, **HX)
    page = started.content.decode()
    assert started.status_code == 200
    # it polls while the run is queued or running, closely at first (a targeted run is quick)
    assert 'hx-trigger="load delay:150ms"' in page
    run = RefreshRun.objects.get(scope="gallery")
    assert run.target_gallery.name.lower() == gallery.name.lower()

    # a run still going after its first seconds (merged into a full one) is polled slowly
    RefreshRun.objects.filter(pk=run.pk).update(
        requested_at=run.requested_at - timedelta(seconds=30)
    )
    waiting = client.get(f"/cascade/refresh/{run.pk}/", params, **HX).content.decode()
    assert 'hx-trigger="load delay:2000ms"' in waiting

    execute_run(run.pk)  # what the worker does with the queued run
    done = client.get(f"/cascade/refresh/{run.pk}/", params, **HX).content.decode()
    assert "delay:" not in done  # polling stops
    assert 'hx-get="/cascade/level/image_name/" hx-trigger="load"' in done  # and the images reload
    assert """hx-vals='{"refreshed": "1"}'""" in done

    after = client.get("/cascade/level/version_name/", params, **HX).content.decode()
    assert "Latest (currently 9999.0.0)" in after
    # the image level reloads saying so, and keeps the chosen version for its lazy reload
    reloaded = client.get(
        "/cascade/level/image_name/", {**params, "version_name": "latest", "refreshed": "1"}, **HX
    ).content.decode()
    assert f"Gallery {gallery.name} refreshed just now" in reloaded
    assert "hx-vals='{&quot;version_name&quot;: &quot;latest&quot;}'" in reloaded
    assert "Inventory refreshed" not in reloaded  # said once, under the resource group
    groups = client.get(
        "/cascade/level/gallery_resource_group_name/", params, **HX
    ).content.decode()
    assert "Inventory refreshed just now" in groups


def test_viewers_cannot_start_a_refresh_and_other_organizations_runs_are_hidden(
    client, fresh_azure_sandbox
):
    organization = OrganizationFactory()
    subscription = connect_subscription(
        organization=organization,
        actor=None,
        display_name="Production",
        connection=sandbox_connection(fresh_azure_sandbox, "Production"),
        refresh=False,
    )
    run = refresh_now(subscription)
    log_in_as(client, Role.VIEWER, organization=organization)
    response = client.post("/cascade/refresh/", {"spot_account_id": subscription.account_id}, **HX)
    assert response.status_code == 403
    stranger = Client()
    log_in_as(stranger, Role.ADMIN, organization=OrganizationFactory(name="Fabrikam"))
    assert stranger.get(f"/cascade/refresh/{run.pk}/", **HX).status_code == 404

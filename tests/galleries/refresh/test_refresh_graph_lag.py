"""Resource Graph lags ARM: a scheduled full refresh (Resource Graph) does not undo, within
INVENTORY_GRAPH_LAG_GRACE_SECONDS, what "Refresh this gallery" (ARM) just found.

The sandbox's Resource Graph shows an ARM write only `resource_graph_lag_seconds` after it,
as Azure's does; the app's clock is moved past the grace window with time_machine (the
sandbox's lag runs on the monotonic clock, which it does not move)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from azure.mgmt.compute import ComputeManagementClient
from django.urls import reverse
from django.utils import timezone

from console.models import Role
from galleries import selectors
from galleries.models import Gallery, GalleryImage, ImageVersion
from galleries.refresh.batch import refresh_subscriptions
from galleries.refresh.runs import refresh_now
from tests.factories import log_in_as

pytestmark = pytest.mark.django_db

GRACE = 300
GRAPH_ROUTE = "resource_graph.resources"
ARM_LISTS = ("galleries.", "gallery_images.", "gallery_image_versions.")


@pytest.fixture
def lagging(fresh_azure_sandbox: Any, settings: Any) -> Any:
    """Resource Graph an hour behind ARM; the app's grace window five minutes."""
    settings.INVENTORY_GRAPH_LAG_GRACE_SECONDS = GRACE
    fresh_azure_sandbox.world.settings.resource_graph_lag_seconds = 3600
    return fresh_azure_sandbox


def _pipeline(sandbox: Any) -> tuple[Any, str, str, str]:
    """The image pipeline's compute client, and the resource group, gallery and image
    (names) it publishes to."""
    sub = sandbox.world.subscription_named("Shared Images")
    group = sub.resource_groups["rg-shared-images"]
    gallery = group.galleries["gal_shared_main"]
    image = next(iter(gallery.images.values()))
    credential = sandbox.credential("sp-image-pipeline")
    compute = ComputeManagementClient(credential, sub.id, **sandbox.client_kwargs())
    return compute, group.name, gallery.name, image.name


def _publish(sandbox: Any, version: str) -> None:
    compute, group, gallery, image = _pipeline(sandbox)
    body = {
        "location": "eastus",
        "properties": {
            "publishingProfile": {"targetRegions": [{"name": "East US"}]},
            "storageProfile": {"source": {"id": "/subscriptions/x/snapshots/s"}},
        },
    }
    compute.gallery_image_versions.begin_create_or_update(
        group, gallery, image, version, body
    ).result()


def _cached_image(subscription: Any, sandbox: Any) -> GalleryImage:
    _, _, gallery, image = _pipeline(sandbox)
    return GalleryImage.objects.get(
        subscription=subscription, gallery__name=gallery, name=image, deleted_at=None
    )


def _refresh_this_gallery(subscription: Any, sandbox: Any) -> None:
    _, _, gallery, _ = _pipeline(sandbox)
    cached = Gallery.objects.get(subscription=subscription, name=gallery)
    run = refresh_now(subscription, gallery=cached)
    assert run.status == "succeeded", run.error


def _scheduled_refresh(subscription: Any, sandbox: Any) -> Any:
    """A full refresh as beat runs it; asserts it listed through Resource Graph alone."""
    sandbox.request_log.clear()
    (run,) = refresh_subscriptions([subscription], through_graph=True)
    assert run.status == "succeeded", run.error
    assert sandbox.request_log.count(GRAPH_ROUTE) >= 1
    assert not [e for e in sandbox.request_log.entries() if e.route.startswith(ARM_LISTS)]
    return run


def test_a_version_refresh_this_gallery_found_stays_until_resource_graph_could_show_it(
    connect: Any, lagging: Any, client: Any, organization: Any
) -> None:
    subscription = connect("Shared Images")
    _scheduled_refresh(subscription, lagging)
    _publish(lagging, "99.0.0")
    _refresh_this_gallery(subscription, lagging)
    assert selectors.find_version(_cached_image(subscription, lagging), "99.0.0") is not None

    # A minute later the scheduled refresh lists through Resource Graph, which does not
    # show 99.0.0 yet: the version stays in the dropdown.
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        run = _scheduled_refresh(subscription, lagging)
    assert run.counts["versions"]["deleted"] == 0
    assert run.counts["versions"]["held"] == 1
    assert selectors.find_version(_cached_image(subscription, lagging), "99.0.0") is not None
    log_in_as(client, Role.ADMIN, organization=organization)
    page = client.get(reverse("galleries:run_detail", args=[subscription.pk, run.pk]))
    assert "+ 1 kept as ARM found it moments ago (Resource Graph lags)" in page.content.decode()

    # Past the grace window, Resource Graph is believed: still no 99.0.0 there, so it goes.
    with time_machine.travel(timezone.now() + timedelta(seconds=GRACE + 60)):
        run = _scheduled_refresh(subscription, lagging)
    assert run.counts["versions"]["deleted"] == 1
    assert selectors.find_version(_cached_image(subscription, lagging), "99.0.0") is None


def test_a_version_refresh_this_gallery_found_deleted_does_not_come_back_from_resource_graph(
    connect: Any, lagging: Any
) -> None:
    subscription = connect("Shared Images")
    _scheduled_refresh(subscription, lagging)
    compute, group, gallery, image = _pipeline(lagging)
    doomed = sorted(_cached_image(subscription, lagging).versions.values_list("name", flat=True))[0]
    compute.gallery_image_versions.begin_delete(group, gallery, image, doomed).result()
    _refresh_this_gallery(subscription, lagging)
    assert selectors.find_version(_cached_image(subscription, lagging), doomed) is None

    # Resource Graph still shows the deleted version: it is not restored.
    run = _scheduled_refresh(subscription, lagging)
    assert run.counts["versions"]["updated"] == 0
    assert run.counts["versions"]["held"] == 1
    assert selectors.find_version(_cached_image(subscription, lagging), doomed) is None

    # Once Resource Graph has caught up, past the window, it agrees: still gone.
    lagging.world.settings.resource_graph_lag_seconds = 0
    with time_machine.travel(timezone.now() + timedelta(seconds=GRACE + 60)):
        run = _scheduled_refresh(subscription, lagging)
    assert run.counts["versions"]["updated"] == 0
    assert selectors.find_version(_cached_image(subscription, lagging), doomed) is None


def test_an_image_refresh_this_gallery_found_is_kept_with_its_versions(
    connect: Any, lagging: Any
) -> None:
    """A new image definition and its first version, both unknown to Resource Graph yet;
    and an edit ARM saw is not undone by the older description Resource Graph shows."""
    subscription = connect("Shared Images")
    _scheduled_refresh(subscription, lagging)
    compute, group, gallery, image = _pipeline(lagging)
    definition = compute.gallery_images.get(group, gallery, image)
    definition.description = "Rebuilt with the 2027 baseline"
    compute.gallery_images.begin_create_or_update(group, gallery, image, definition).result()
    definition.identifier.sku = "new-sku"
    compute.gallery_images.begin_create_or_update(group, gallery, "new-image", definition).result()
    compute.gallery_image_versions.begin_create_or_update(
        group,
        gallery,
        "new-image",
        "1.0.0",
        {
            "location": "eastus",
            "properties": {"storageProfile": {"source": {"id": "/subscriptions/x/snapshots/s"}}},
        },
    ).result()
    _refresh_this_gallery(subscription, lagging)

    run = _scheduled_refresh(subscription, lagging)

    assert run.counts["images"]["deleted"] == run.counts["images"]["updated"] == 0
    edited = _cached_image(subscription, lagging)
    assert edited.description == "Rebuilt with the 2027 baseline"
    new = GalleryImage.objects.get(subscription=subscription, name="new-image", deleted_at=None)
    assert selectors.find_version(new, "1.0.0") is not None


def test_resource_graph_writes_nothing_over_what_arm_wrote_and_found_unchanged(
    connect: Any, lagging: Any
) -> None:
    """ "Refresh now" (ARM) then the scheduled refresh (Resource Graph), the world unchanged:
    nothing is written, whether the rows are held or past the window."""
    subscription = connect("Shared Images")
    assert refresh_now(subscription).status == "succeeded"
    versions = ImageVersion.objects.filter(subscription=subscription, deleted_at=None).count()

    held = _scheduled_refresh(subscription, lagging)
    with time_machine.travel(timezone.now() + timedelta(seconds=GRACE + 60)):
        after = _scheduled_refresh(subscription, lagging)

    for run in (held, after):
        assert all(c["created"] == c["updated"] == c["deleted"] == 0 for c in run.counts.values())
    assert held.counts["versions"]["held"] == versions
    assert after.counts["versions"]["unchanged"] == versions

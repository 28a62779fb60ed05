"""The inventory browser: galleries → images → versions, with filters, scoped to the org."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from console.celery import app as celery_app
from console.models import Account, Role
from galleries.demo import connect_demo_sandbox
from galleries.models import ConnectedSubscription, Gallery, GalleryImage, RefreshRun, ShareCheck
from galleries.refresh.runs import refresh_now
from galleries.refresh.tasks import BEAT_ENTRY, refresh_due_subscriptions_task
from tests.factories import log_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed_org(connect: Any, organization: Any) -> Any:
    for name in ("Production", "Shared Images"):
        assert refresh_now(connect(name)).status == "succeeded"
    return organization


def test_viewers_browse_galleries_images_and_versions(client: Any, refreshed_org: Any) -> None:
    log_in_as(client, Role.VIEWER, organization=refreshed_org)
    page = client.get(reverse("galleries:inventory")).content.decode()
    for name in ("gal_prod_apps", "gal_shared_main", "gal_shared_archive", "gal_shared_build"):
        assert name in page
    gallery = Gallery.objects.get(name="gal_shared_main")
    gallery_page = client.get(
        reverse("galleries:gallery_detail", args=[gallery.pk])
    ).content.decode()
    image = gallery.images.order_by("name").first()
    assert image is not None
    assert image.name in gallery_page
    image_page = client.get(reverse("galleries:image_detail", args=[image.pk])).content.decode()
    newest = image.versions.order_by("-sort_key").first()
    assert newest is not None
    assert newest.name in image_page
    assert "Latest per region" in image_page


def test_filters_narrow_the_lists(client: Any, refreshed_org: Any) -> None:
    log_in_as(client, Role.VIEWER, organization=refreshed_org)
    windows = GalleryImage.objects.filter(os_type="Windows", deleted_at=None)
    linux_only = {g.name for g in Gallery.objects.exclude(images__os_type="Windows")}
    page = client.get(reverse("galleries:inventory"), {"os": "windows"}).content.decode()
    for gallery in {i.gallery for i in windows}:
        assert gallery.name in page
    for name in linux_only:
        assert f">{name}<" not in page
    failed = client.get(reverse("galleries:inventory"), {"state": "failed"}).content.decode()
    with_failed = set(
        Gallery.objects.filter(images__versions__provisioning_state="Failed").values_list(
            "name", flat=True
        )
    )
    for gallery in Gallery.objects.all():
        assert (f">{gallery.name}<" in failed) == (gallery.name in with_failed)
    if not with_failed:
        assert "No gallery matches." in failed


def test_other_organizations_inventory_is_404(client: Any, refreshed_org: Any) -> None:
    log_in_as(client, Role.ADMIN)  # a member of another organization
    gallery = Gallery.objects.first()
    image = GalleryImage.objects.first()
    assert gallery is not None
    assert image is not None
    assert client.get(reverse("galleries:gallery_detail", args=[gallery.pk])).status_code == 404
    assert client.get(reverse("galleries:image_detail", args=[image.pk])).status_code == 404
    assert gallery.name not in client.get(reverse("galleries:inventory")).content.decode()


def test_connect_demo_sandbox_is_idempotent_and_follows_a_moved_sandbox(
    fresh_azure_sandbox: Any, organization: Any, tmp_path: Path
) -> None:
    info = dict(fresh_azure_sandbox.connection)
    (tmp_path / "connection.json").write_text(json.dumps(info))
    subscriptions = connect_demo_sandbox(organization, tmp_path, wait_seconds=1)
    assert [s.display_name for s in subscriptions] == ["Production", "Staging", "Shared Images"]
    assert {a.name for a in Account.objects.filter(organization=organization)} >= {
        "Production",
        "Staging",
        "Shared Images",
    }
    assert RefreshRun.objects.filter(status="succeeded").count() == 3
    # every subscription's view of every other subscription's galleries is checked
    cross_pairs = {
        (reader.pk, gallery.pk)
        for reader in subscriptions
        for gallery in Gallery.objects.exclude(subscription=reader)
    }
    checked = set(ShareCheck.objects.values_list("reader_id", "gallery_id"))
    assert cross_pairs
    assert checked == cross_pairs
    assert ShareCheck.objects.filter(verdict="readable").exists()
    info["arm_base_url"] = info["arm_base_url"].replace("127.0.0.1", "localhost")
    (tmp_path / "connection.json").write_text(json.dumps(info))
    again = connect_demo_sandbox(organization, tmp_path, wait_seconds=1)
    assert [s.pk for s in again] == [s.pk for s in subscriptions]
    assert ConnectedSubscription.objects.count() == 3
    assert {s.arm_endpoint for s in ConnectedSubscription.objects.all()} == {info["arm_base_url"]}


def test_connect_demo_sandbox_waits_then_gives_up(organization: Any, tmp_path: Path) -> None:
    with pytest.raises(TimeoutError):
        connect_demo_sandbox(organization, tmp_path, wait_seconds=0.3)


def test_beat_refreshes_due_subscriptions_only(
    connect: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from galleries.refresh import tasks

    monkeypatch.setattr(tasks.refresh_subscription_task, "delay", lambda run_id: None)
    assert BEAT_ENTRY in celery_app.conf.beat_schedule
    fresh = connect("Production")
    refresh_now(fresh)
    due = connect("Staging")
    assert refresh_due_subscriptions_task() == 1
    assert RefreshRun.objects.filter(subscription=due, status="queued").exists()
    assert not RefreshRun.objects.filter(subscription=fresh, status="queued").exists()

"""Image health computed from the cached inventory: each condition, re-approval, and a number
of queries that does not grow with the number of changes."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from galleries.arm_ids import version_sort_key
from galleries.models import ImageVersion, VersionRegion
from groups.edit_context import EditContext
from groups.models import Kind, Status
from groups.reviews.health import recompute_health
from groups.reviews.models import ChangeRequest, ChangeState, EventKind
from groups.reviews.policy import PolicyValues, update_policy
from groups.reviews.services import (
    approve,
    propose_change,
    request_review,
)
from groups.services import save_group
from tests.factories import AccountFactory
from tests.inventory_factories import connect_account, gallery_image, share


def _approved(world, version: str) -> ChangeRequest:
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body(version))
    change = request_review(actor=world.author, change=change)
    return approve(actor=world.reviewer, change=change)


def _codes(change: ChangeRequest) -> list[str]:
    change.refresh_from_db()
    return [condition["code"] for condition in change.health]


def _version(world, name: str) -> ImageVersion:
    return ImageVersion.objects.get(image=world.image, name=name)


def test_a_healthy_change_has_no_badge_and_no_timeline_entry(review_world):
    world = review_world
    change = _approved(world, "1.1.0")
    report = recompute_health(world.organization)
    assert (report.checked, report.changed) == (1, 0)
    assert _codes(change) == []
    assert not change.events.filter(kind=EventKind.HEALTH_CHANGED).exists()


def test_a_deleted_version_is_gone_and_asks_for_approval_again(review_world):
    world = review_world
    change = _approved(world, "1.1.0")
    ImageVersion.objects.filter(pk=_version(world, "1.1.0").pk).update(deleted_at=timezone.now())
    report = recompute_health(world.organization)
    assert report.dismissed == 1
    assert _codes(change) == ["gone"]
    assert change.health[0]["words"] == (
        "Image or version gone (version 1.1.0 is no longer in the gallery)"
    )
    assert change.state == ChangeState.IN_REVIEW
    assert change.verdicts.count() == 0
    kinds = list(change.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.HEALTH_CHANGED, EventKind.APPROVAL_DISMISSED]


def test_end_of_life_past_and_near_are_shown_but_keep_the_approval_by_default(review_world):
    world = review_world
    change = _approved(world, "1.1.0")
    version = _version(world, "1.1.0")
    version.end_of_life_date = timezone.now() + timedelta(days=10)
    version.save()
    recompute_health(world.organization)
    assert _codes(change) == ["end_of_life_soon"]
    assert change.state == ChangeState.APPROVED
    assert change.events.filter(kind=EventKind.HEALTH_CHANGED).count() == 1
    version.end_of_life_date = timezone.now() - timedelta(days=1)
    version.save()
    recompute_health(world.organization)
    assert _codes(change) == ["end_of_life"]
    assert change.state == ChangeState.APPROVED


def test_a_region_removed_from_the_version_is_not_replicated(review_world):
    world = review_world
    change = _approved(world, "1.1.0")
    VersionRegion.objects.filter(version=_version(world, "1.1.0"), region="eastus").delete()
    recompute_health(world.organization)
    assert _codes(change) == ["not_replicated"]
    assert change.state == ChangeState.IN_REVIEW


def test_a_failed_version_is_said(review_world):
    world = review_world
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    ImageVersion.objects.filter(pk=_version(world, "1.1.0").pk).update(provisioning_state="Failed")
    recompute_health(world.organization)
    assert _codes(change) == ["failed"]
    # A draft nobody was asked to review yet: a badge, no timeline entry.
    assert not change.events.filter(kind=EventKind.HEALTH_CHANGED).exists()


def test_latest_moving_after_approval_is_said_and_asks_for_approval_again(review_world):
    world = review_world
    change = _approved(world, "latest")
    assert change.approved_resolution == "1.1.0"
    recompute_health(world.organization)
    assert _codes(change) == []
    newer = ImageVersion.objects.create(
        image=world.image,
        subscription=world.subscription,
        name="1.3.0",
        arm_id=f"{world.image.arm_id}/versions/1.3.0",
        sort_key=version_sort_key("1.3.0"),
        provisioning_state="Succeeded",
        last_seen_at=timezone.now(),
    )
    VersionRegion.objects.create(version=newer, region="eastus")
    recompute_health(world.organization)
    assert _codes(change) == ["latest_moved"]
    assert "1.1.0 then, 1.3.0 now" in change.health[0]["words"]
    assert change.state == ChangeState.IN_REVIEW


def test_the_policy_decides_which_conditions_ask_for_approval_again(review_world):
    world = review_world
    update_policy(
        actor=world.admin,
        organization=world.organization,
        values=PolicyValues(1, ["admin", "editor"], False, False, ["end_of_life"]),
    )
    change = _approved(world, "1.1.0")
    VersionRegion.objects.filter(version=_version(world, "1.1.0")).delete()
    recompute_health(world.organization)
    assert _codes(change) == ["not_replicated"]
    assert change.state == ChangeState.APPROVED


def test_a_gallery_no_longer_shared_and_a_disconnected_subscription(review_world):
    world = review_world
    images_account = AccountFactory(organization=world.organization, name="Images")
    images_subscription = connect_account(images_account)
    golden = gallery_image(
        images_subscription, resource_group="rg-gold", gallery="gold", image="golden"
    )
    verdict = share(world.subscription, golden.gallery, "readable")
    spec = world.body("1.0.0")
    spec["compute"]["launchSpecification"]["image"]["gallery"] = {
        "spotAccountId": images_account.pk,
        "resourceGroupName": "rg-gold",
        "galleryName": "gold",
        "imageName": "golden",
        "version": "1.0.0",
    }
    change, _ = propose_change(actor=world.author, group=world.group, spec=spec)
    recompute_health(world.organization)
    assert _codes(change) == []
    verdict.verdict = "not_shared"
    verdict.save()
    recompute_health(world.organization)
    assert _codes(change) == ["not_shared"]
    images_subscription.delete()
    recompute_health(world.organization)
    assert _codes(change) == ["disconnected"]


def test_queries_do_not_grow_with_the_number_of_changes(review_world):
    world = review_world

    def add_changes(count: int) -> None:
        for index in range(count):
            group, _ = save_group(
                EditContext(world.admin, world.organization, world.account, Kind.STATELESS),
                world.body("1.0.0", name=f"web-{ChangeRequest.objects.count()}-{index}"),
                status=Status.ACTIVE,
                source="console",
            )
            version = ("1.1.0", "latest", "1.2.0")[index % 3]
            propose_change(actor=world.author, group=group, spec=world.body(version))

    def queries() -> int:
        ImageVersion.objects.filter(image=world.image).update(end_of_life_date=timezone.now())
        with CaptureQueriesContext(connection) as captured:
            recompute_health(world.organization)
        ImageVersion.objects.filter(image=world.image).update(end_of_life_date=None)
        recompute_health(world.organization)
        return len(captured)

    add_changes(3)
    few = queries()
    add_changes(30)
    assert ChangeRequest.objects.count() == 33
    assert queries() == few

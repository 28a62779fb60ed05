"""Each image health condition, produced in the Azure sandbox and noticed after a refresh
carried out by a real Celery worker (refresh -> share checks -> health recomputation)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from azure_sandbox.world import ImageVersion, TargetRegion
from console.models import Role
from galleries.models import ConnectedSubscription
from galleries.refresh.request import request_refresh
from galleries.refresh.runs import refresh_now
from galleries.sharing import check_sharing
from galleries.subscriptions.services import connect_subscription, disconnect_subscription
from groups.edit_context import EditContext
from groups.models import Group, Kind, Status
from groups.reviews.models import ChangeRequest, ChangeState, EventKind
from groups.reviews.services import approve, propose_change, request_review
from groups.services import save_group
from tests.factories import MembershipFactory, OrganizationFactory
from tests.galleries.conftest import sandbox_connection
from tests.groups.api.bodies import group_body
from tests.worker import celery_worker  # noqa: F401  (the fixture)

SHARED_GALLERY = "gal_shared_main"


def _connect(organization: Any, sandbox: Any, name: str) -> ConnectedSubscription:
    return connect_subscription(
        organization=organization,
        actor=None,
        display_name=name,
        connection=sandbox_connection(sandbox, name),
        refresh=False,
    )


def _sandbox_image(sandbox: Any, subscription: str, gallery: str, image: str) -> Any:
    world_sub = sandbox.world.subscription_named(subscription)
    for group in world_sub.resource_groups.values():
        if gallery in group.galleries:
            return group.galleries[gallery].images[image]
    raise AssertionError(f"{gallery}/{image} is in the default sandbox world")


def _approved_change(
    organization: Any, account: Any, people: dict[str, Any], name: str, gallery: dict[str, str]
) -> ChangeRequest:
    spec = group_body(**gallery)
    spec["name"] = name
    group, _ = save_group(
        EditContext(people["author"], organization, account, Kind.STATELESS),
        spec,
        status=Status.DRAFT,
        source="console",
    )
    change, _ = propose_change(actor=people["author"], group=group, spec=spec)
    change = request_review(actor=people["author"], change=change)
    return approve(actor=people["reviewer"], change=change)


def _refresh_through_the_worker(worker: Any, subscription: ConnectedSubscription) -> None:
    with transaction.atomic():
        run, _ = request_refresh(subscription)
    worker.wait_for(
        lambda: run.__class__.objects.filter(pk=run.pk, status="succeeded").exists(), timeout=90
    )


def _codes(change: ChangeRequest) -> list[str]:
    return [condition["code"] for condition in ChangeRequest.objects.get(pk=change.pk).health]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_each_health_condition_reaches_the_draft_after_a_worker_refresh(
    celery_worker: Any,  # noqa: F811
    fresh_azure_sandbox: Any,
) -> None:
    sandbox = fresh_azure_sandbox
    organization = OrganizationFactory(name="Contoso health")
    production = _connect(organization, sandbox, "Production")
    shared = _connect(organization, sandbox, "Shared Images")
    refresh_now(production)
    refresh_now(shared)
    check_sharing(organization)
    people = {
        name: MembershipFactory(organization=organization, role=Role.EDITOR).user
        for name in ("author", "reviewer")
    }
    prod_image = {"resourceGroupName": "rg-prod-images", "galleryName": "gal_prod_apps"}
    web = {**prod_image, "imageName": "web-frontend"}
    changes = {
        "gone": _approved_change(
            organization, production.account, people, "g-gone", {**web, "version": "2024.1.18"}
        ),
        "end_of_life": _approved_change(
            organization, production.account, people, "g-eol", {**web, "version": "2024.2.9"}
        ),
        "not_replicated": _approved_change(
            organization, production.account, people, "g-region", {**web, "version": "2024.3.8"}
        ),
        "latest_moved": _approved_change(
            organization,
            production.account,
            people,
            "g-latest",
            {**prod_image, "imageName": "api-backend", "version": "latest"},
        ),
        "not_shared": _approved_change(
            organization,
            production.account,
            people,
            "g-shared",
            {
                "spotAccountId": shared.account_id,
                "resourceGroupName": "rg-shared-images",
                "galleryName": SHARED_GALLERY,
                "imageName": "ubuntu-22.04-lts",
                "version": "1.0.0",
            },
        ),
    }
    assert changes["latest_moved"].approved_resolution == "2024.6.5"
    assert all(change.state == ChangeState.APPROVED for change in changes.values())

    # What moves in Azure while the changes wait.
    web_frontend = _sandbox_image(sandbox, "Production", "gal_prod_apps", "web-frontend")
    del web_frontend.versions["2024.1.18"]
    web_frontend.versions["2024.2.9"].end_of_life_date = "2025-01-31T00:00:00+00:00"
    replicated = web_frontend.versions["2024.3.8"]
    replicated.target_regions = [r for r in replicated.target_regions if r.name != "eastus"]
    api_backend = _sandbox_image(sandbox, "Production", "gal_prod_apps", "api-backend")
    api_backend.add_version(
        ImageVersion(
            name="2024.9.1",
            location="eastus",
            published_date="2026-11-30T09:00:00Z",
            target_regions=[TargetRegion("eastus")],
        )
    )
    sandbox.world.role_assignments = [
        assignment
        for assignment in sandbox.world.role_assignments
        if not assignment.scope.endswith(f"/galleries/{SHARED_GALLERY}")
    ]
    sandbox.world.touch()

    _refresh_through_the_worker(celery_worker, production)
    celery_worker.wait_for(
        lambda: all(_codes(change) == [code] for code, change in changes.items()), timeout=90
    )
    states = {
        code: ChangeRequest.objects.get(pk=change.pk).state for code, change in changes.items()
    }
    # The review policy's defaults ask for approval again for gone, not replicated, latest moved.
    assert states == {
        "gone": ChangeState.IN_REVIEW,
        "end_of_life": ChangeState.APPROVED,
        "not_replicated": ChangeState.IN_REVIEW,
        "latest_moved": ChangeState.IN_REVIEW,
        "not_shared": ChangeState.APPROVED,
    }
    for code, change in changes.items():
        kinds = list(change.events.values_list("kind", flat=True))
        assert EventKind.HEALTH_CHANGED in kinds, code
        assert (EventKind.APPROVAL_DISMISSED in kinds) == (states[code] == ChangeState.IN_REVIEW)
    latest_words = ChangeRequest.objects.get(pk=changes["latest_moved"].pk).health[0]["words"]
    assert "2024.6.5 then, 2024.9.1 now" in latest_words

    # The images' subscription is disconnected; the next refresh of the group's own says so.
    disconnect_subscription(shared, actor=None)
    _refresh_through_the_worker(celery_worker, production)
    celery_worker.wait_for(lambda: _codes(changes["not_shared"]) == ["disconnected"], timeout=90)
    assert Group.objects.filter(organization=organization).count() == 5

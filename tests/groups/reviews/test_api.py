"""The review API (/api/reviews/…) and what Spot's own paths do in a reviewed organization."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.services import create_api_token
from groups.models import Group, Status
from groups.reviews.models import ChangeRequest, ChangeState, EventKind, ReviewPolicy
from groups.reviews.services import propose_change
from tests.factories import MembershipFactory
from tests.groups.api.http import call, error_codes, error_fields

GROUPS = "/azure/compute/group"
CHANGES = "/api/reviews/changes"


@pytest.fixture
def tokens(review_world) -> dict[str, str]:
    world = review_world
    return {
        name: create_api_token(
            user=getattr(world, name), organization=world.organization, name=name
        )[1]
        for name in ("author", "reviewer", "viewer", "admin")
    }


def _gallery_version(item: dict[str, Any]) -> str:
    return item["compute"]["launchSpecification"]["image"]["gallery"]["version"]


def _version_patch(version: str) -> dict[str, Any]:
    gallery = {
        "resourceGroupName": "rg-images",
        "galleryName": "contosogallery",
        "imageName": "ubuntu-22",
        "version": version,
    }
    return {"group": {"compute": {"launchSpecification": {"image": {"gallery": gallery}}}}}


def test_spots_paths_apply_at_once_and_say_so_on_the_timeline(client: Client, review_world, tokens):
    world = review_world
    status, body = call(
        client, "PUT", f"{GROUPS}/{world.group.pk}", _version_patch("1.1.0"), token=tokens["author"]
    )
    assert status == 200
    assert _gallery_version(body["response"]["items"][0]) == "1.1.0"
    event = world.group.timeline.get(kind=EventKind.APPLIED_API)
    assert event.actor == world.author
    assert event.data["revision"] == 2
    assert event.change is None


def test_an_organization_that_reviews_api_changes_gets_a_clear_error_and_a_change(
    client: Client, review_world, tokens
):
    world = review_world
    ReviewPolicy.objects.create(organization=world.organization, api_requires_review=True)
    url = f"{GROUPS}/{world.group.pk}"
    status, body = call(client, "PUT", url, _version_patch("1.1.0"), token=tokens["author"])
    assert status == 409
    assert error_codes(body) == ["CHANGE_AWAITS_REVIEW"]
    change = ChangeRequest.objects.get(group=world.group)
    assert f"awaits review as change {change.pk}" in body["response"]["errors"][0]["message"]
    assert _gallery_version(change.proposed_spec) == "1.1.0"
    status, live = call(client, "GET", url, token=tokens["viewer"])
    assert _gallery_version(live["response"]["items"][0]) == "1.0.0"
    # A second update joins the same change.
    call(client, "PUT", url, _version_patch("1.2.0"), token=tokens["author"])
    change.refresh_from_db()
    assert change.version == 2
    assert _gallery_version(change.proposed_spec) == "1.2.0"
    # A create waits as a draft with its change.
    status, body = call(
        client,
        "POST",
        GROUPS,
        {"group": world.body("1.0.0", name="new-web")},
        token=tokens["author"],
    )
    assert status == 409
    assert error_codes(body) == ["CHANGE_AWAITS_REVIEW"]
    draft = Group.objects.get(name="new-web")
    assert draft.status == Status.DRAFT
    assert draft.change_requests.count() == 1


def test_the_whole_review_through_the_api(client: Client, review_world, tokens):
    world = review_world
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    url = f"{CHANGES}/{change.pk}"

    status, body = call(client, "GET", f"{CHANGES}?state=open", token=tokens["viewer"])
    assert status == 200
    assert [item["id"] for item in body["response"]["items"]] == [change.pk]

    status, body = call(
        client,
        "POST",
        f"{url}/requestReview",
        {"version": 1, "reviewers": [world.reviewer.username]},
        token=tokens["author"],
    )
    item = body["response"]["items"][0]
    assert status == 200
    assert item["state"] == "in_review"
    assert item["reviewers"] == [world.reviewer.username]
    assert item["diff"] == [
        {
            "path": "compute.launchSpecification.image.gallery.version",
            "label": "Image > Gallery > Version",
            "words": "Image > Gallery > Version: 1.0.0 → 1.1.0",
        }
    ]
    assert '+          "version": "1.1.0"' in item["jsonDiff"]

    status, body = call(client, "POST", f"{url}/approve", {"version": 1}, token=tokens["viewer"])
    assert status == 403
    assert error_codes(body) == ["REVIEW_REFUSED"]
    status, body = call(client, "POST", f"{url}/approve", {"version": 1}, token=tokens["author"])
    assert status == 403
    assert "your own change" in body["response"]["errors"][0]["message"]
    status, body = call(
        client, "POST", f"{url}/comments", {"text": "Staging is green"}, token=tokens["viewer"]
    )
    assert status == 200
    status, body = call(
        client, "POST", f"{url}/approve", {"version": 1, "text": "ok"}, token=tokens["reviewer"]
    )
    assert status == 200
    assert body["response"]["items"][0]["state"] == "approved"

    status, body = call(
        client, "GET", f"/api/reviews/groups/{world.group.pk}", token=tokens["viewer"]
    )
    assert body["response"]["items"][0]["openChange"]["id"] == change.pk

    status, body = call(client, "POST", f"{url}/apply", {"version": 1}, token=tokens["author"])
    item = body["response"]["items"][0]
    assert status == 200
    assert item["state"] == "applied"
    assert item["appliedRevision"] == 2
    assert [event["kind"] for event in item["timeline"]] == [
        "proposed",
        "requested",
        "commented",
        "approved",
        "applied",
    ]
    status, body = call(client, "GET", f"{GROUPS}/{world.group.pk}", token=tokens["viewer"])
    assert _gallery_version(body["response"]["items"][0]) == "1.1.0"


def test_refusals_are_a_conflict_or_problems_at_their_field(client: Client, review_world, tokens):
    world = review_world
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.2.0"))
    url = f"{CHANGES}/{change.pk}"
    call(client, "POST", f"{url}/requestReview", {}, token=tokens["author"])
    status, body = call(client, "POST", f"{url}/approve", {"version": 7}, token=tokens["reviewer"])
    assert status == 409
    assert error_codes(body) == ["CONFLICT"]
    call(client, "POST", f"{url}/approve", {"version": 1}, token=tokens["reviewer"])
    status, body = call(client, "POST", f"{url}/apply", {"version": 1}, token=tokens["author"])
    assert status == 400
    assert any("version" in field for field in error_fields(body))
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.APPROVED


def test_another_organizations_change_is_not_found(client: Client, review_world, tokens):
    world = review_world
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    stranger = MembershipFactory(role="admin")
    _, raw = create_api_token(user=stranger.user, organization=stranger.organization, name="x")
    status, body = call(client, "GET", f"{CHANGES}/{change.pk}", token=raw)
    assert status == 404
    assert error_codes(body) == ["NOT_FOUND"]
    status, body = call(client, "GET", CHANGES, token=raw)
    assert body["response"]["items"] == []


def test_the_review_api_is_in_the_openapi_document(client: Client, review_world):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/reviews/changes",
        "/api/reviews/changes/{changeId}",
        "/api/reviews/changes/{changeId}/requestReview",
        "/api/reviews/changes/{changeId}/approve",
        "/api/reviews/changes/{changeId}/requestChanges",
        "/api/reviews/changes/{changeId}/comments",
        "/api/reviews/changes/{changeId}/apply",
        "/api/reviews/groups/{groupId}",
    ):
        assert path in paths, path


def test_an_empty_request_for_changes_is_a_400_at_its_field(client: Client, review_world, tokens):
    world = review_world
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    call(client, "POST", f"{CHANGES}/{change.pk}/requestReview", {}, token=tokens["author"])
    status, body = call(
        client,
        "POST",
        f"{CHANGES}/{change.pk}/requestChanges",
        {"text": ""},
        token=tokens["reviewer"],
    )
    assert status == 400
    assert body["response"]["errors"] == [
        {"code": "VALIDATION_ERROR", "message": "Write what should change.", "field": "text"}
    ]

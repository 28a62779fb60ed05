"""Terraform's request shapes (terraform_bodies.py beside it) are accepted, and what
Terraform reads back is what it sent: otherwise every `terraform plan` shows a change."""

from __future__ import annotations

from typing import Any

import pytest

from .http import call, go_kind
from .round_trip import differences, merged
from .terraform_bodies import terraform_group, terraform_node
from .terraform_changes import (
    DEALLOCATION,
    terraform_group_update,
    terraform_minimal_group,
    terraform_minimal_node,
    terraform_node_update,
)

GROUPS = "/azure/compute/group"
NODES = "/azure/compute/statefulNode"


@pytest.fixture
def editor(api_world):
    return api_world.tokens["editor"]


def _item(answer: dict[str, Any]) -> dict[str, Any]:
    items = answer["response"]["items"]
    assert len(items) == 1, answer
    return items[0]


def _round_trip(client, decoder, token, path, wrapper, body, update, delete_body=None):
    status, answer = call(client, "POST", path, {wrapper: body}, token=token)
    assert status == 200, answer["response"].get("errors")
    created = _item(answer)
    assert differences(body, created) == []
    # What Terraform's client reads: the Go SDK's typed structs, every key spelled as its tags.
    seen = decoder.decode(answer, kind=go_kind(path), keys=True)
    assert differences(body, seen["items"][0]) == []
    object_id = created["id"]

    status, answer = call(client, "GET", f"{path}/{object_id}", token=token)
    assert status == 200
    assert differences(body, _item(answer)) == []
    status, answer = call(client, "GET", path, token=token)
    (listed,) = [item for item in answer["response"]["items"] if item["id"] == object_id]
    assert differences(body, listed) == []

    # The SDK sends no id in an update's body (it is in the path).
    status, answer = call(client, "PUT", f"{path}/{object_id}", {wrapper: update}, token=token)
    assert status == 200, answer["response"].get("errors")
    expected = merged(body, update)
    assert differences(expected, _item(answer)) == []
    seen = decoder.decode(answer, kind=go_kind(path), keys=True)
    assert differences(expected, seen["items"][0]) == []
    status, answer = call(client, "GET", f"{path}/{object_id}", token=token)
    assert differences(expected, _item(answer)) == []

    status, answer = call(client, "DELETE", f"{path}/{object_id}", delete_body, token=token)
    assert status == 200, answer
    assert call(client, "GET", f"{path}/{object_id}", token=token)[0] == 404


def test_terraform_group_round_trips_every_field(client, go_decoder, editor):
    _round_trip(
        client, go_decoder, editor, GROUPS, "group", terraform_group(), terraform_group_update()
    )


def test_terraform_node_round_trips_every_field(client, go_decoder, editor):
    _round_trip(
        client,
        go_decoder,
        editor,
        NODES,
        "statefulNode",
        terraform_node(),
        terraform_node_update(),
        {"deallocationConfig": DEALLOCATION},
    )


@pytest.mark.parametrize(
    ("path", "wrapper", "body"),
    [
        (GROUPS, "group", terraform_minimal_group()),
        (NODES, "statefulNode", terraform_minimal_node()),
    ],
    ids=["group", "node"],
)
def test_a_minimal_hcls_nulls_are_accepted_and_read_back_as_absent(
    client, go_decoder, editor, path, wrapper, body
):
    status, answer = call(client, "POST", path, {wrapper: body}, token=editor)
    assert status == 200, answer["response"].get("errors")
    assert differences(body, _item(answer)) == []
    status, answer = call(client, "GET", f"{path}/{_item(answer)['id']}", token=editor)
    seen = go_decoder.decode(answer, kind=go_kind(path), keys=True)
    assert differences(body, seen["items"][0]) == []


def test_terraform_shapes_with_a_gallery_shared_from_another_subscription(
    client, api_world, editor
):
    shared = {
        "resourceGroupName": "rg-shared",
        "galleryName": "sharedgallery",
        "imageName": "win-2022",
        "spotAccountId": api_world.other_account.id,
    }
    for path, wrapper, body, version in (
        (GROUPS, "group", terraform_group(), {"version": "3.1.0"}),
        (NODES, "statefulNode", terraform_node(), {"versionName": "3.0.0"}),
    ):
        body["compute"]["os"] = "Windows"
        launch = body["compute"]["launchSpecification"]
        launch["image"] = {"gallery": {**shared, **version}}
        launch["login"] = {"userName": "winadmin", "password": "Pa55w0rd!Pa55"}
        status, answer = call(client, "POST", path, {wrapper: body}, token=editor)
        assert status == 200, answer["response"].get("errors")
        item = _item(answer)
        # The password is write-only: everything else comes back as sent.
        assert "password" not in item["compute"]["launchSpecification"]["login"]
        del launch["login"]["password"]
        assert differences(body, item) == []


def test_differences_sees_a_changed_spelling_type_or_value():
    sent = {"a": {"b": 1, "c": [{"d": "x"}]}, "e": None}
    assert differences(sent, {"a": {"b": 1, "c": [{"d": "x"}]}, "id": "sig-1"}) == []
    assert differences(sent, {"a": {"b": "1", "c": [{"d": "x"}]}}) == ["a.b: sent 1, got '1'"]
    assert differences(sent, {"a": {"b": 1, "c": [{"D": "x"}]}}) == ["a.c.0.d: missing"]
    assert differences(sent, {"a": {"b": 1, "c": []}, "e": 2}) == [
        "a.c: sent [{'d': 'x'}], got []",
        "e: sent null, got 2",
    ]

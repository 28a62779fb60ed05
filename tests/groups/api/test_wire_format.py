"""Spot's wire format as spotinst-sdk-go reads it: times, JSON types, per-kind spellings,
the account kind and one error-field convention (issue 10, Terraform's client)."""

from __future__ import annotations

import pytest

from groups.models import Group

from .bodies import group_body, node_body
from .http import RFC3339_MS, call, error_codes, error_fields

GROUPS = "/azure/compute/group"
NODES = "/azure/compute/statefulNode"


@pytest.fixture
def editor(api_world):
    return api_world.tokens["editor"]


def _created(answer):
    return answer["response"]["items"][0]


def test_group_times_are_rfc3339_with_milliseconds_and_go_reads_them(client, editor, go_decoder):
    status, answer = call(client, "POST", GROUPS, {"group": group_body()}, token=editor)
    assert status == 200
    item = _created(answer)
    assert RFC3339_MS.fullmatch(item["createdAt"])
    assert RFC3339_MS.fullmatch(item["updatedAt"])
    status, listed = call(client, "GET", GROUPS, token=editor)
    seen = go_decoder.decode(listed, kind="group", keys=True)
    assert [group["id"] for group in seen["items"]] == [item["id"]]


def test_a_signal_timeout_sent_as_text_is_stored_and_answered_as_a_number(
    client, editor, go_decoder
):
    body = group_body()
    body["strategy"]["signals"] = [{"type": "vmReady", "timeout": "180"}]
    body["scaling"] = {
        "up": [
            {
                "policyName": "cpu-high",
                "metricName": "Percentage CPU",
                "namespace": "Microsoft.Compute",
                "statistic": "average",
                "threshold": 75,
                "period": 300,
                "evaluationPeriods": 2,
                "cooldown": 300,
                "operator": "gte",
                "action": {"type": "updateCapacity", "minimum": 1, "maximum": 6, "target": "3"},
            }
        ]
    }
    status, answer = call(client, "POST", GROUPS, {"group": body}, token=editor)
    assert status == 200, answer
    item = _created(answer)
    assert item["strategy"]["signals"] == [{"type": "vmReady", "timeout": 180}]
    assert item["scaling"]["up"][0]["action"] == {
        "type": "updateCapacity",
        "minimum": "1",
        "maximum": "6",
        "target": "3",
    }
    assert Group.objects.get(pk=item["id"]).spec["strategy"]["signals"][0]["timeout"] == 180
    status, listed = call(client, "GET", GROUPS, token=editor)
    go_decoder.decode(listed, kind="group", keys=True)  # the whole account's list reads


def test_a_signal_timeout_that_is_no_number_is_refused_at_its_field(client, editor):
    body = group_body()
    body["strategy"]["signals"] = [{"type": "vmReady", "timeout": "three minutes"}]
    status, answer = call(client, "POST", GROUPS, {"group": body}, token=editor)
    assert status == 400
    assert error_fields(answer) == {"strategy.signals.0.timeout"}
    assert answer["response"]["errors"][0]["message"] == "Signal timeout must be a whole number."
    assert not Group.objects.exists()


def test_a_node_reads_back_with_the_spellings_spot_answers(client, editor, go_decoder):
    body = node_body()
    launch = body["compute"]["launchSpecification"]
    launch["bootDiagnostics"] = {"isEnabled": True, "type": "unmanaged", "storageUri": "https://d/"}
    launch["network"]["networkInterfaces"][0]["enableIPForwarding"] = True
    launch["osDisk"] = {"size": 64, "type": "Premium_LRS"}
    status, answer = call(client, "POST", NODES, {"statefulNode": body}, token=editor)
    assert status == 200, answer
    seen = go_decoder.decode(answer, kind="statefulNode", keys=True)["items"][0]
    launch_seen = seen["compute"]["launchSpecification"]
    assert launch_seen["bootDiagnostics"]["storageUrl"] == "https://d/"
    assert launch_seen["network"]["networkInterfaces"][0]["enableIpForwarding"] is True
    assert launch_seen["osDisk"] == {"sizeGB": 64, "type": "Premium_LRS"}


def test_a_group_reads_back_with_the_spellings_spot_answers(client, editor, go_decoder):
    body = group_body()
    launch = body["compute"]["launchSpecification"]
    launch["bootDiagnostics"] = {"isEnabled": True, "type": "unmanaged", "storageUrl": "https://d/"}
    launch["network"]["networkInterfaces"][0]["enableIpForwarding"] = True
    launch["osDisk"] = {"size": 64, "type": "Premium_LRS"}
    status, answer = call(client, "POST", GROUPS, {"group": body}, token=editor)
    assert status == 200, answer
    seen = go_decoder.decode(answer, kind="group", keys=True)["items"][0]
    launch_seen = seen["compute"]["launchSpecification"]
    assert launch_seen["bootDiagnostics"]["storageUri"] == "https://d/"
    assert launch_seen["network"]["networkInterfaces"][0]["enableIPForwarding"] is True
    assert launch_seen["osDisk"] == {"sizeGB": 64, "type": "Premium_LRS"}


def test_setup_account_answers_spots_kind(client, api_world, go_decoder):
    status, answer = call(client, "GET", "/setup/account", token=api_world.tokens["admin"])
    assert status == 200
    assert answer["response"]["kind"] == "spotinst:setup:account"
    seen = go_decoder.decode(answer, kind="account", keys=True)["items"]
    assert {account["name"] for account in seen} == {"Production", "Shared images"}
    assert all(
        RFC3339_MS.fullmatch(account["createdAt"]) for account in answer["response"]["items"]
    )


def test_error_fields_follow_one_convention_whatever_found_the_problem(client, editor):
    # The request models (a wrong type, a missing field) ...
    body = group_body()
    body["capacity"]["target"] = "one"
    del body["compute"]["launchSpecification"]["image"]["gallery"]["imageName"]
    status, answer = call(client, "POST", GROUPS, {"group": body}, token=editor)
    assert status == 400
    by_field = {e["field"]: e for e in answer["response"]["errors"]}
    assert by_field["capacity.target"]["message"] == "Target must be a whole number."
    image_name = "compute.launchSpecification.image.gallery.imageName"
    assert by_field[image_name] == {
        "code": "MISSING_REQUIRED_FIELD",
        "message": "Image name is required.",
        "field": image_name,
    }
    # ... the console's own checks ...
    status, answer = call(
        client, "POST", GROUPS, {"group": group_body(galleryName="nope")}, token=editor
    )
    assert status == 400
    assert all(not f.startswith("group.") for f in error_fields(answer))
    assert error_fields(answer) <= {
        "compute.launchSpecification.image.gallery",
        "compute.launchSpecification.image.gallery.galleryName",
        "compute.launchSpecification.image.gallery.imageName",
        "compute.launchSpecification.image.gallery.version",
    }
    # ... and the JSON parser, all relative to the object.
    status, answer = call(
        client, "POST", NODES, raw='{"statefulNode": {"name": "a\\u0000b"}}', token=editor
    )
    assert status == 400
    assert error_codes(answer) == ["VALIDATION_ERROR"]
    assert error_fields(answer) == {"name"}

"""Spot's whole schema at work: every block a client may send is typed and answered as sent (and
read by the Go decoder, tests/groups/api/http.py), a wrong type, enum value or bound is refused
at its field in Spot's envelope, and unknown fields are kept where Spot's schema leaves objects
open and refused where it closes them."""

from __future__ import annotations

import copy

import pytest

from .bodies import group_body, node_body
from .http import call, error_codes, error_fields

GROUPS = "/azure/compute/group"
NODES = "/azure/compute/statefulNode"
LAUNCH = "compute.launchSpecification"
NAMED = {"name": "kv-web", "resourceGroupName": "rg-web"}

# Blocks both kinds share, filled in as Spot's schema and the Go SDK spell them.
SHARED_LAUNCH = {
    "osDisk": {"sizeGB": 64, "type": "Premium_LRS"},
    "bootDiagnostics": {"isEnabled": True, "type": "managed"},
    "security": {
        "securityType": "TrustedLaunch",
        "secureBootEnabled": True,
        "vTpmEnabled": True,
        "encryptionAtHost": False,
        "confidentialOsDiskEncryption": False,
    },
    "extensions": [
        {
            "name": "health",
            "type": "ApplicationHealthLinux",
            "publisher": "Microsoft.ManagedServices",
            "apiVersion": "1.0",
            "minorVersionAutoUpgrade": True,
            "publicSettings": {"protocol": "http", "port": 80},
        }
    ],
    "secrets": [
        {
            "sourceVault": NAMED,
            "vaultCertificates": [{"certificateUrl": "https://kv/cert", "certificateStore": "My"}],
        }
    ],
    "managedServiceIdentities": [NAMED],
    "proximityPlacementGroups": [NAMED],
    "tags": [{"tagKey": "team", "tagValue": "web"}],
    "userData": "ZWNobyBoaQ==",
    "shutdownScript": "ZWNobyBieWU=",
}
SHARED = {
    "health": {"autoHealing": True, "healthCheckTypes": ["vmState"], "gracePeriod": 300},
    "strategy": {
        "fallbackToOd": True,
        "drainingTimeout": 120,
        "revertToSpot": {"performAt": "always"},
        "signals": [{"type": "vmReady", "timeout": 180}],
        "capacityReservation": {
            "shouldUtilize": True,
            "utilizationStrategy": "utilizeOverSpot",
            "capacityReservationGroups": [{**NAMED, "shouldPrioritize": True}],
        },
    },
    "integrations": {"insights": {"isEnabled": True, "dataCollectionRuleId": "dcr-1"}},
}
SCALE_POLICY = {
    "policyName": "cpu-high",
    "metricName": "Percentage CPU",
    "namespace": "Microsoft.Compute",
    "statistic": "average",
    "unit": "percent",
    "threshold": 80.5,
    "period": 300,
    "evaluationPeriods": 2,
    "cooldown": 300,
    "operator": "gte",
    "isEnabled": True,
    "dimensions": [{"name": "resourceName", "value": "web"}],
    "action": {"type": "adjustment", "adjustment": "1"},
}


def full_group():
    body = group_body()
    body["compute"]["launchSpecification"].update(copy.deepcopy(SHARED_LAUNCH))
    body["compute"]["vmSizes"]["excludedVmSizes"] = ["standard_b1s"]
    body.update(copy.deepcopy(SHARED))
    body["strategy"].update({"spotPercentage": 50, "availabilityVsCost": 60})
    down = {**copy.deepcopy(SCALE_POLICY), "operator": "lte"}
    body["scaling"] = {"up": [copy.deepcopy(SCALE_POLICY)], "down": [down]}
    body["scheduling"] = {
        "tasks": [
            {"isEnabled": True, "cronExpression": "0 8 * * 1-5", "type": "scale",
             "scaleMinCapacity": 1, "scaleMaxCapacity": 2, "scaleTargetCapacity": 2}
        ]
    }  # fmt: skip
    return body


def full_node():
    body = node_body()
    launch = body["compute"]["launchSpecification"]
    launch.update(copy.deepcopy(SHARED_LAUNCH))
    launch["osDisk"]["caching"] = "ReadWrite"
    launch["dataDisks"] = [{"sizeGB": 128, "lun": 0, "type": "Premium_LRS", "caching": "None"}]
    launch["purchasePlan"] = {"name": "plan", "product": "offer", "publisher": "vendor"}
    launch["licenseType"] = "RHEL_BYOS"
    body.update(copy.deepcopy(SHARED))
    body["strategy"].update(
        {
            "preferredLifecycle": "spot",
            "odWindows": ["Mon:01:00-Mon:02:00"],
            "interruptionToleration": {
                "isEnabled": True, "cooldown": 240, "evaluationPeriod": 60, "threshold": 5,
            },
        }
    )  # fmt: skip
    body["scheduling"] = {
        "tasks": [{"isEnabled": True, "cronExpression": "0 1 * * *", "type": "pause"}]
    }
    return body


@pytest.fixture
def editor(api_world):
    return api_world.tokens["editor"]


def _item(answer):
    """The answered item without what Spot adds (id and times)."""
    item = dict(answer["response"]["items"][0])
    for key in ("id", "createdAt", "updatedAt"):
        item.pop(key)
    return item


@pytest.mark.parametrize(
    ("path", "wrapper", "build"),
    [(GROUPS, "group", full_group), (NODES, "statefulNode", full_node)],
)
def test_every_block_is_accepted_and_read_back_unchanged(
    client, editor, go_decoder, path, wrapper, build
):
    body = build()
    status, answer = call(client, "POST", path, {wrapper: body}, token=editor)
    assert status == 200, answer
    assert _item(answer) == body
    item_id = answer["response"]["items"][0]["id"]
    _status, fetched = call(client, "GET", f"{path}/{item_id}", token=editor)
    assert _item(fetched) == body
    # Every key as spotinst-sdk-go spells it (or one only Spot's OpenAPI has), every value typed.
    go_decoder.decode(fetched, kind=wrapper, keys=True)


def _set(body, dotted, value):
    *parents, key = dotted.split(".")
    data = body
    for step in parents:
        data = data[int(step)] if isinstance(data, list) else data[step]
    data[key] = value


@pytest.mark.parametrize(
    ("kind", "field", "value", "words"),
    [
        ("group", f"{LAUNCH}.osDisk.type", "Fast_LRS", "must be"),  # Spot's enum
        ("group", f"{LAUNCH}.security.encryptionAtHost", "yes", "true or false"),
        ("group", "scaling.up.0.period", 61, "must be"),  # 60, 300, 900, ... only
        ("group", "scaling.up.0.threshold", "80", "a number"),
        ("group", "health.gracePeriod", 2**40, "between"),  # past a 32-bit integer
        ("group", f"{LAUNCH}.secrets.0.sourceVault.name", None, "is required"),
        ("node", "strategy.interruptionToleration.cooldown", 60, "between 120 and 10,080"),
        ("node", f"{LAUNCH}.dataDisks.0.type", "Tape", "must be"),
        ("node", "strategy.revertToSpot.performAt", "sometimes", "must be"),
    ],
)
def test_a_wrong_value_is_refused_at_its_field(client, editor, kind, field, value, words):
    path, wrapper, body = (
        (GROUPS, "group", full_group()) if kind == "group" else (NODES, "statefulNode", full_node())
    )
    if value is None:
        *parents, key = field.split(".")
        _set(body, ".".join(parents), {k: v for k, v in NAMED.items() if k != key})
    else:
        _set(body, field, value)
    status, answer = call(client, "POST", path, {wrapper: body}, token=editor)
    assert status == 400, answer
    assert field in error_fields(answer)
    assert words in str(answer["response"]["errors"])


def test_unknown_fields_are_kept_where_spots_schema_leaves_objects_open(client, editor):
    body = full_node()
    body["compute"]["launchSpecification"]["security"]["futureSetting"] = {"on": True}
    body["futureBlock"] = [1, "two"]
    status, answer = call(client, "POST", NODES, {"statefulNode": body}, token=editor)
    assert status == 200, answer
    assert _item(answer) == body


def test_unknown_fields_are_refused_where_spots_schema_closes_the_object(client, editor):
    body = full_node()
    body["compute"]["launchSpecification"]["purchasePlan"]["promotionCode"] = "FREE"
    status, answer = call(client, "POST", NODES, {"statefulNode": body}, token=editor)
    assert status == 400
    assert error_codes(answer) == ["VALIDATION_ERROR"]
    assert error_fields(answer) == {f"{LAUNCH}.purchasePlan.promotionCode"}
    assert '"promotionCode" is not a field of' in answer["response"]["errors"][0]["message"]


def test_a_spelling_from_spots_schema_is_answered_as_the_go_sdk_spells_it(client, editor):
    body = full_node()
    body["compute"]["vmSizes"]["spotSizeAttributes"] = {"minCpu": 2, "MaxStorage": 512}
    status, answer = call(client, "POST", NODES, {"statefulNode": body}, token=editor)
    assert status == 200, answer
    assert _item(answer)["compute"]["vmSizes"]["spotSizeAttributes"] == {
        "minCpu": 2,
        "maxStorage": 512,
    }

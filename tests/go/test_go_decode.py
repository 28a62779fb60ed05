"""The Go decode check reads answers exactly as spotinst-sdk-go does.

Hand-written answers: what the check accepts and refuses is pinned here; wiring it to every
answer of the API is the job of the API's own tests.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.go_decode import GoDecoder

GALLERY_GROUP: dict[str, Any] = {
    "id": "sig-4f2a9c1e",
    "name": "web",
    "description": "web tier",
    "region": "eastus",
    "resourceGroupName": "rg-web",
    "capacity": {"minimum": 0, "maximum": 4, "target": 2},
    "strategy": {
        "spotPercentage": 100,
        "fallbackToOd": True,
        "drainingTimeout": 120,
        "signals": [{"type": "vmReady", "timeout": 180}],
    },
    "compute": {
        "os": "Linux",
        "zones": ["1", "2"],
        "vmSizes": {"odSizes": ["standard_d2s_v5"], "spotSizes": ["standard_d2s_v5"]},
        "launchSpecification": {
            "image": {
                "gallery": {
                    "resourceGroupName": "rg-images",
                    "galleryName": "shared",
                    "imageName": "ubuntu-web",
                    "version": "1.4.0",
                    "spotAccountId": "act-7c0ffee1",
                }
            },
            "network": {
                "resourceGroupName": "rg-net",
                "virtualNetworkName": "vnet",
                "networkInterfaces": [
                    {
                        "subnetName": "default",
                        "isPrimary": True,
                        "assignPublicIp": False,
                        "enableIPForwarding": False,
                    }
                ],
            },
            "login": {"userName": "azureuser", "sshPublicKey": "ssh-ed25519 AAAA"},
            "osDisk": {"sizeGB": 30, "type": "Premium_LRS"},
            "dataDisks": [{"lun": 0, "sizeGB": 64, "type": "StandardSSD_LRS"}],
        },
    },
    "scaling": {
        "up": [
            {
                "policyName": "cpu-high",
                "metricName": "Percentage CPU",
                "namespace": "Microsoft.Compute",
                "statistic": "average",
                "threshold": 75.5,
                "period": 300,
                "evaluationPeriods": 2,
                "cooldown": 300,
                "operator": "gte",
                "action": {"type": "updateCapacity", "minimum": "1", "maximum": "6", "target": "3"},
            }
        ]
    },
    "createdAt": "2026-12-01T08:24:05.179Z",
    "updatedAt": "2026-12-01T09:00:00.431Z",  # Go re-encodes times without trailing zeros
}

GALLERY_NODE: dict[str, Any] = {
    "id": "ssn-0a1b2c3d",
    "name": "db",
    "region": "eastus",
    "resourceGroupName": "rg-db",
    "strategy": {"fallbackToOd": True, "preferredLifecycle": "spot"},
    "persistence": {
        "shouldPersistOsDisk": True,
        "osDiskPersistenceMode": "reattach",
        "shouldPersistDataDisks": True,
        "dataDisksPersistenceMode": "reattach",
        "shouldPersistNetwork": True,
    },
    "compute": {
        "os": "Linux",
        "preferredZone": "1",
        "vmSizes": {"odSizes": ["standard_e4s_v5"]},
        "launchSpecification": {
            "image": {
                "gallery": {
                    "resourceGroupName": "rg-images",
                    "galleryName": "shared",
                    "imageName": "postgres",
                    "versionName": "latest",
                }
            },
            "network": {
                "resourceGroupName": "rg-net",
                "virtualNetworkName": "vnet",
                "networkInterfaces": [{"subnetName": "db", "isPrimary": True}],
            },
            "bootDiagnostics": {
                "isEnabled": True,
                "type": "unmanaged",
                "storageUrl": "https://diag.blob.core.windows.net/",
            },
        },
    },
    "createdAt": "2026-12-01T08:24:05.179Z",
    "updatedAt": "2026-12-01T08:24:05.179Z",
}


def answer(*items: dict[str, Any], kind: str = "spotinst:azure:compute:group") -> dict[str, Any]:
    return {
        "request": {
            "id": "9b1f7d2e-0c4a-4e57-8d0b-2f6c1a9e3b11",
            "url": "/azure/compute/group",
            "method": "GET",
            "timestamp": "2026-12-01T08:24:05.179Z",
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "kind": kind,
            "items": list(items),
            "count": len(items),
        },
    }


def test_a_gallery_group_answer_reads_back_unchanged(go_decoder: GoDecoder) -> None:
    seen = go_decoder.decode(answer(GALLERY_GROUP), kind="group", keys=True)

    assert seen["requestId"] == "9b1f7d2e-0c4a-4e57-8d0b-2f6c1a9e3b11"
    assert seen["items"] == [GALLERY_GROUP]


def test_todays_plus_0000_timestamps_are_refused(go_decoder: GoDecoder) -> None:
    group = {**GALLERY_GROUP, "createdAt": "2026-12-01T08:24:05.179+0000"}

    message = go_decoder.rejects(answer(group), kind="group")

    assert 'parsing time "\\"2026-12-01T08:24:05.179+0000\\""' in message


def test_a_signal_timeout_sent_as_a_string_is_refused(go_decoder: GoDecoder) -> None:
    group = copy.deepcopy(GALLERY_GROUP)
    group["strategy"]["signals"][0]["timeout"] = "180"

    message = go_decoder.rejects(answer(group), kind="group")

    assert "cannot unmarshal string" in message
    assert "strategy.signals.timeout of type int" in message


def test_one_bad_group_fails_the_whole_list(go_decoder: GoDecoder) -> None:
    bad = {**GALLERY_GROUP, "id": "sig-00000002", "updatedAt": "2026-12-01 09:00:00"}

    message = go_decoder.rejects(answer(GALLERY_GROUP, bad), kind="group")

    assert "response.items[1]" in message


def test_scaling_action_bounds_must_be_strings(go_decoder: GoDecoder) -> None:
    group = copy.deepcopy(GALLERY_GROUP)
    group["scaling"]["up"][0]["action"]["maximum"] = 6

    message = go_decoder.rejects(answer(group), kind="group")

    assert "scaling.up.action.maximum of type string" in message


@pytest.mark.parametrize(
    ("spelled", "problem"),
    [
        (
            "storageUri",
            "bootDiagnostics.storageUri: no such field in the SDK, a Go client drops it",
        ),
        ("StorageUrl", 'bootDiagnostics.StorageUrl: the SDK spells it "storageUrl"'),
    ],
)
def test_a_node_key_spelled_otherwise_is_caught_by_the_key_check(
    go_decoder: GoDecoder, spelled: str, problem: str
) -> None:
    node = copy.deepcopy(GALLERY_NODE)
    diagnostics = node["compute"]["launchSpecification"]["bootDiagnostics"]
    diagnostics[spelled] = diagnostics.pop("storageUrl")
    node_answer = answer(node, kind="spotinst:azure:statefulNode")

    go_decoder.decode(node_answer, kind="statefulNode")  # the SDK itself reads on, silently
    message = go_decoder.rejects(node_answer, kind="statefulNode", keys=True)

    assert problem in message


def test_a_gallery_node_answer_reads_back_unchanged(go_decoder: GoDecoder) -> None:
    node_answer = answer(GALLERY_NODE, kind="spotinst:azure:statefulNode")

    seen = go_decoder.decode(node_answer, kind="statefulNode", keys=True)

    assert seen["items"] == [GALLERY_NODE]


def test_setup_account_items(go_decoder: GoDecoder) -> None:
    account = {
        "accountId": "act-7c0ffee1",
        "name": "Production",
        "organizationId": "606079871234",
        "providerExternalId": "00000000-0000-0000-0000-000000000001",
        "createdAt": "2026-12-01T08:24:05.179Z",
    }
    setup_answer = answer(account, kind="spotinst:setup:account")

    assert go_decoder.decode(setup_answer, kind="account", keys=True)["items"] == [account]
    account["createdAt"] = "2026-12-01T08:24:05.179+0000"
    assert "parsing time" in go_decoder.rejects(setup_answer, kind="account")


def test_error_answers_carry_code_message_and_field(go_decoder: GoDecoder) -> None:
    error_answer = {
        "request": {"id": "3c9e1a77-5d0f-4b1e-9a2c-7e8f6d5c4b3a"},
        "response": {
            "status": {"code": 400, "message": "Bad Request"},
            "errors": [
                {
                    "code": "ValidationError",
                    "message": '"timeout" must be a number',
                    "field": "strategy.signals[0].timeout",
                }
            ],
        },
    }

    seen = go_decoder.decode(error_answer, kind="group", status=400)

    assert seen["errors"] == error_answer["response"]["errors"]
    error_answer["response"]["errors"][0]["code"] = 400
    assert "cannot unmarshal number" in go_decoder.rejects(error_answer, kind="group", status=400)
    assert "not Spot's envelope" in go_decoder.rejects(
        "<html><body>Not Found</body></html>", kind="group", status=404
    )

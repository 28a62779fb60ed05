"""Every call of spotinst-sdk-go's Azure v3 group service and stateful-node service (what
Terraform's provider uses) is answered: configuration calls work, calls about running VMs
answer Spot's envelope with VM_OPERATIONS_NOT_SUPPORTED, never a bare 404; and each is in the
OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest

from groups.api.vm_routes import VM_OPERATIONS_NOT_SUPPORTED

from .bodies import group_body, node_body
from .http import call, error_codes

GROUPS = "/azure/compute/group"
NODES = "/azure/compute/statefulNode"

# Each method of the two services (service/elastigroup/providers/azure/v3/service.go,
# service/stateful/providers/azure/service.go): method, path template, body, and whether it
# works here (True) or is a VM operation (False). The bodies are the SDK's input structs.
GO_SDK_CALLS: dict[str, tuple[str, str, Any, bool]] = {
    "v3.Create": ("POST", GROUPS, {"group": group_body()}, True),
    "v3.Read": ("GET", f"{GROUPS}/{{groupId}}", None, True),
    # Terraform's update of one field: the provider's wrapper sends its other blocks empty.
    "v3.Update": (
        "PUT",
        f"{GROUPS}/{{groupId}}",
        {
            "group": {
                "description": "edited",
                "capacity": {},
                "strategy": {},
                "scaling": {},
                "scheduling": {},
                "compute": {"launchSpecification": {"loadBalancersConfig": {}}},
            }
        },
        True,
    ),
    "v3.Delete": ("DELETE", f"{GROUPS}/{{groupId}}", None, True),
    "v3.List": ("GET", GROUPS, None, True),
    "azure.Create": ("POST", NODES, {"statefulNode": node_body()}, True),
    "azure.Read": ("GET", f"{NODES}/{{nodeId}}", None, True),
    "azure.Update": (
        "PUT",
        f"{NODES}/{{nodeId}}",
        {
            "statefulNode": {
                "description": "edited",
                "strategy": {},
                "persistence": {},
                "scheduling": {},
                "compute": {"launchSpecification": {"loadBalancersConfig": {}}},
            }
        },
        True,
    ),
    "azure.Delete": (
        "DELETE",
        f"{NODES}/{{nodeId}}",
        {"deallocationConfig": {"shouldTerminateVm": True}},
        True,
    ),
    "azure.List": ("GET", NODES, None, True),
    "azure.UpdateState": ("PUT", f"{NODES}/{{nodeId}}/state", {"state": "pause"}, False),
    "azure.DetachDataDisk": (
        "PUT",
        f"{NODES}/{{nodeId}}/dataDisk/detach",
        {"dataDiskName": "disk1", "dataDiskResourceGroupName": "rg-db", "shouldDeallocate": True},
        False,
    ),
    "azure.AttachDataDisk": (
        "PUT",
        f"{NODES}/{{nodeId}}/dataDisk/attach",
        {
            "dataDiskName": "disk1",
            "dataDiskResourceGroupName": "rg-db",
            "storageAccountType": "Standard_LRS",
            "sizeGB": 8,
            "lun": 1,
            "zone": "1",
        },
        False,
    ),
    "azure.ImportVM": (
        "POST",
        f"{NODES}/import",
        {"statefulNodeImport": {"resourceGroupName": "rg-db", "originalVmName": "vm-db"}},
        False,
    ),
    "azure.GetState": ("GET", f"{NODES}/{{nodeId}}/status", None, False),
}


@pytest.fixture
def editor(api_world):
    return api_world.tokens["editor"]


def _create(client, token, path, wrapper, body) -> str:
    status, answer = call(client, "POST", path, {wrapper: body}, token=token)
    assert status == 200, answer
    return str(answer["response"]["items"][0]["id"])


@pytest.mark.parametrize("name", list(GO_SDK_CALLS))
def test_each_go_sdk_call_is_answered(client, editor, name):
    method, template, body, works = GO_SDK_CALLS[name]
    path = template
    if template in (GROUPS, NODES) and method == "GET":  # a list: one object to list
        wrapper, made = (
            ("group", group_body()) if template == GROUPS else ("statefulNode", node_body())
        )
        _create(client, editor, template, wrapper, made)
    if "{groupId}" in template:
        path = template.replace("{groupId}", _create(client, editor, GROUPS, "group", group_body()))
    if "{nodeId}" in template:
        node_id = _create(client, editor, NODES, "statefulNode", node_body())
        path = template.replace("{nodeId}", node_id)

    status, answer = call(client, method, path, body, token=editor)

    if works:
        assert status == 200, answer
        assert answer["response"]["status"]["code"] == 200
        if method != "DELETE":
            assert answer["response"]["items"], answer
        if method == "PUT":
            assert answer["response"]["items"][0]["description"] == "edited"
    else:
        assert status == 400, answer
        assert error_codes(answer) == [VM_OPERATIONS_NOT_SUPPORTED]
        assert "runs no VMs" in answer["response"]["errors"][0]["message"]


def test_an_update_and_delete_of_an_unknown_object_is_spots_404(client, editor):
    for method, path, body in (
        ("PUT", f"{GROUPS}/sig-00000000", {"group": {"description": "edited"}}),
        ("DELETE", f"{NODES}/ssn-00000000", {}),
    ):
        status, answer = call(client, method, path, body, token=editor)
        assert status == 404, answer
        assert error_codes(answer) == ["GROUP_DOESNT_EXIST"]


def test_every_go_sdk_call_is_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").json()
    documented = {
        (method.upper(), path.replace("{nodeId}", "{id}").replace("{groupId}", "{id}"))
        for path, operations in document["paths"].items()
        for method in operations
    }
    for name, (method, template, _, works) in GO_SDK_CALLS.items():
        path = template.replace("{nodeId}", "{id}").replace("{groupId}", "{id}")
        assert (method, path) in documented, name
        if not works:
            operation = document["paths"][template][method.lower()]
            assert VM_OPERATIONS_NOT_SUPPORTED in operation["description"], name

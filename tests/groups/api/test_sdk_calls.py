"""Every call of spotinst-sdk2's Azure v3 group and stateful-node clients is answered: the
capacity call works, calls about running VMs answer Spot's envelope with a clear code."""

from __future__ import annotations

import pytest

from groups.api.vm_routes import VM_OPERATIONS_NOT_SUPPORTED, _operations
from groups.models import Group

from .bodies import group_body, node_body
from .http import call, error_codes, error_fields

GROUPS = "/azure/compute/group"
NODES = "/azure/compute/statefulNode"
OPERATIONS = list(_operations())


@pytest.fixture
def editor(world):
    return world.tokens["editor"]


def _create(client, token, path, wrapper, body):
    status, answer = call(client, "POST", path, {wrapper: body}, token=token)
    assert status == 200, answer
    return answer["response"]["items"][0]["id"]


def test_capacity_changes_only_the_bounds_sent(client, editor):
    group_id = _create(client, editor, GROUPS, "group", group_body())
    capacity = f"{GROUPS}/{group_id}/capacity"

    status, answer = call(
        client, "PUT", capacity, {"capacity": {"maximum": 5, "target": 3}}, token=editor
    )

    assert status == 200, answer
    assert answer["response"]["items"][0]["capacity"] == {"minimum": 0, "maximum": 5, "target": 3}
    assert Group.objects.get(pk=group_id).spec["capacity"]["target"] == 3
    status, answer = call(client, "GET", f"{GROUPS}/{group_id}", token=editor)
    assert answer["response"]["items"][0]["capacity"]["maximum"] == 5


def test_capacity_is_validated_and_needs_an_editor(client, world, editor):
    group_id = _create(client, editor, GROUPS, "group", group_body())
    capacity = f"{GROUPS}/{group_id}/capacity"

    status, answer = call(client, "PUT", capacity, {"capacity": {"target": 9}}, token=editor)
    assert status == 400
    assert "capacity.target" in error_fields(answer)
    status, answer = call(client, "PUT", capacity, {"capacity": {"target": "2"}}, token=editor)
    assert status == 400
    assert error_fields(answer) == {"capacity.target"}
    status, answer = call(
        client, "PUT", capacity, {"capacity": {"target": 2}}, token=world.tokens["viewer"]
    )
    assert status == 403
    status, answer = call(
        client, "PUT", f"{GROUPS}/sig-00000000/capacity", {"capacity": {"target": 2}}, token=editor
    )
    assert status == 404
    assert error_codes(answer) == ["GROUP_DOESNT_EXIST"]
    assert Group.objects.get(pk=group_id).spec["capacity"]["target"] == 1


@pytest.mark.parametrize(
    ("method", "path", "resource", "what"),
    OPERATIONS,
    ids=[f"{m} {p}" for m, p, _, _ in OPERATIONS],
)
def test_vm_calls_answer_spots_envelope_with_a_clear_code(
    client, editor, method, path, resource, what
):
    concrete = path
    if resource is not None:
        wrapper, body = (
            ("group", group_body()) if resource.path == GROUPS else ("statefulNode", node_body())
        )
        object_id = _create(client, editor, resource.path, wrapper, body)
        concrete = concrete.replace(f"{{{resource.id_param}}}", object_id)
    for name, value in (
        ("{vmName}", "vm-1"),
        ("{deploymentId}", "dp-1"),
        ("{path:rest}", "resourceGroup/rg/scaleSet/vmss"),
        ("{importId}", "imp-1"),
        ("{resourceGroupName}", "rg"),
        ("{virtualMachineName}", "vm"),
    ):
        concrete = concrete.replace(name, value)

    status, answer = call(client, method, concrete, {}, token=editor)

    assert status == 400, (concrete, answer)
    assert error_codes(answer) == [VM_OPERATIONS_NOT_SUPPORTED]
    assert what in answer["response"]["errors"][0]["message"]
    assert call(client, method, concrete, {})[0] == 401


def test_a_vm_call_on_an_unknown_node_is_a_404(client, editor):
    status, answer = call(client, "GET", f"{NODES}/ssn-00000000/status", token=editor)
    assert status == 404
    assert error_codes(answer) == ["GROUP_DOESNT_EXIST"]


def test_the_node_list_still_answers_beside_the_status_list(client, editor):
    node_id = _create(client, editor, NODES, "statefulNode", node_body())
    status, answer = call(client, "GET", NODES, token=editor)
    assert status == 200
    assert [item["id"] for item in answer["response"]["items"]] == [node_id]
    status, answer = call(client, "GET", f"{NODES}/status", token=editor)
    assert status == 400
    assert error_codes(answer) == [VM_OPERATIONS_NOT_SUPPORTED]

"""Spot's own Python SDK (spotinst-sdk2), unchanged, against the live server: create, get,
list, update, capacity and delete of a group and of a stateful node, with a gallery of the
same subscription and one shared from another connected subscription. Each read equals what
was written, and every answer the SDK receives is also read as spotinst-sdk-go reads it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from spotinst_sdk2 import SpotinstSession
from spotinst_sdk2.client import SpotinstClientException
from spotinst_sdk2.models import stateful_node as sn
from spotinst_sdk2.models.elastigroup import azure_v3 as eg

from groups.models import Group

from .bodies import SSH_KEY
from .round_trip import differences, merged
from .sdk_wire import Exchange, record


@pytest.fixture
def wire(monkeypatch, go_decoder, live_server) -> list[Exchange]:
    return record(monkeypatch, go_decoder, live_server.url)


@pytest.fixture
def session(api_world, live_server, wire):
    return SpotinstSession(
        base_url=live_server.url,
        auth_token=api_world.tokens["editor"],
        account_id=api_world.account.id,
    )


def as_answered(written: dict[str, Any]) -> dict[str, Any]:
    """What was written, as Spot answers it: spotinst-sdk2 sends a group's OS disk size as
    `size` (answered `sizeGB`), a node's boot diagnostics URL as `storageUri` (answered
    `storageUrl`) and signal timeouts as text (answered as integers); a password is
    write-only."""
    expected = copy.deepcopy(written)
    launch = expected.get("compute", {}).get("launchSpecification", {})
    if "size" in launch.get("osDisk", {}):
        launch["osDisk"]["sizeGB"] = launch["osDisk"].pop("size")
    if "storageUri" in launch.get("bootDiagnostics", {}):
        launch["bootDiagnostics"]["storageUrl"] = launch["bootDiagnostics"].pop("storageUri")
    launch.get("login", {}).pop("password", None)
    for signal in expected.get("strategy", {}).get("signals") or []:
        signal["timeout"] = int(signal["timeout"])
    return expected


def _gallery(shared: bool, api_world, version_key: str, version: str) -> dict[str, Any]:
    if shared:
        return {
            "resource_group_name": "rg-shared",
            "gallery_name": "sharedgallery",
            "image_name": "win-2022",
            version_key: version,
            "spot_account_id": api_world.other_account.id,
        }
    return {
        "resource_group_name": "rg-images",
        "gallery_name": "contosogallery",
        "image_name": "ubuntu-22",
        version_key: version,
    }


def _group(shared: bool, api_world) -> eg.Elastigroup:
    version = "3.0.0" if shared else "1.0.0"
    login = (
        eg.Login(user_name="winadmin", password="Pa55w0rd!Pa55")
        if shared
        else eg.Login(user_name="azureuser", ssh_public_key=SSH_KEY)
    )
    return eg.Elastigroup(
        name="web",
        description="through spotinst-sdk2",
        region="eastus",
        resource_group_name="rg-web",
        capacity=eg.Capacity(minimum=0, maximum=2, target=1),
        strategy=eg.Strategy(
            spot_percentage=100,
            fallback_to_od=True,
            draining_timeout=120,
            signals=[eg.Signal(type="vmReady", timeout="180")],
        ),
        health=eg.Health(health_check_types=["vmState"], grace_period=300, auto_healing=True),
        compute=eg.Compute(
            os="Windows" if shared else "Linux",
            zones=["1", "2"],
            vm_sizes=eg.VmSizes(od_sizes=["standard_d2s_v5"], spot_sizes=["standard_d2s_v5"]),
            launch_specification=eg.LaunchSpecification(
                image=eg.Image(
                    gallery=eg.Gallery(**_gallery(shared, api_world, "version", version))
                ),
                network=eg.Network(
                    resource_group_name="rg-net",
                    virtual_network_name="vnet",
                    network_interfaces=[
                        eg.NetworkInterface(is_primary=True, subnet_name="default")
                    ],
                ),
                login=login,
                os_disk=eg.OsDisk(size=64, type="Premium_LRS"),
                tags=[eg.Tag(tag_key="team", tag_value="web")],
            ),
        ),
    )


def _node(shared: bool, api_world) -> sn.StatefulNode:
    version = "3.0.0" if shared else "latest"
    login = (
        sn.Login(user_name="winadmin", password="Pa55w0rd!Pa55")
        if shared
        else sn.Login(user_name="azureuser", ssh_public_key=SSH_KEY)
    )
    return sn.StatefulNode(
        name="db",
        description="through spotinst-sdk2",
        region="eastus",
        resource_group_name="rg-db",
        strategy=sn.Strategy(
            fallback_to_od=True,
            preferred_lifecycle="spot",
            signals=[sn.Signal(type="vmReady", timeout=240)],
        ),
        persistence=sn.Persistence(
            should_persist_os_disk=False,
            should_persist_data_disks=True,
            data_disks_persistence_mode="reattach",
            should_persist_network=True,
        ),
        compute=sn.Compute(
            os="Windows" if shared else "Linux",
            preferred_zone="1",
            zones=["1"],
            vm_sizes=sn.VmSizes(od_sizes=["standard_d2s_v5"], spot_sizes=["standard_d2s_v5"]),
            launch_specification=sn.LaunchSpecification(
                image=sn.Image(
                    gallery=sn.Gallery(**_gallery(shared, api_world, "version_name", version))
                ),
                network=sn.Network(
                    resource_group_name="rg-net",
                    virtual_network_name="vnet",
                    network_interfaces=[
                        sn.NetworkInterface(is_primary=True, subnet_name="default")
                    ],
                ),
                login=login,
                boot_diagnostics=sn.BootDiagnostics(
                    is_enabled=True,
                    type="unmanaged",
                    storage_uri="https://diagdb.blob.core.windows.net/",
                ),
                tags=[sn.Tag(tag_key="team", tag_value="db")],
            ),
        ),
    )


SUBSCRIPTIONS = pytest.mark.parametrize("shared", [False, True], ids=["same", "cross"])


@SUBSCRIPTIONS
def test_group_round_trips_through_the_sdk(session, api_world, wire, shared):
    client = session.client("elastigroup_azure_v3", print_output=False)

    created = client.create_elastigroup(_group(shared, api_world))
    written = as_answered(wire[-1].sent["group"])
    assert differences(written, wire[-1].item) == []
    group_id = created["id"]
    assert group_id.startswith("sig-")
    assert "password" not in created["compute"]["launch_specification"]["login"]
    if shared:
        gallery = created["compute"]["launch_specification"]["image"]["gallery"]
        assert gallery["spot_account_id"] == api_world.other_account.id

    assert client.get_elastigroup(group_id) == created
    assert [g for g in client.get_elastigroups() if g["id"] == group_id] == [created]

    new_version = "3.1.0" if shared else "1.1.0"
    update = eg.Elastigroup(
        description="updated",
        compute=eg.Compute(
            launch_specification=eg.LaunchSpecification(
                image=eg.Image(
                    gallery=eg.Gallery(**_gallery(shared, api_world, "version", new_version))
                ),
                tags=[
                    eg.Tag(tag_key="team", tag_value="web"),
                    eg.Tag(tag_key="env", tag_value="prod"),
                ],
            )
        ),
    )
    updated = client.update_elastigroup(update, group_id)
    written = merged(written, as_answered(wire[-1].sent["group"]))
    assert differences(written, wire[-1].item) == []
    assert client.get_elastigroup(group_id) == updated
    assert Group.objects.get(pk=group_id).revision == 2

    client.update_elastigroup_capacity(group_id, eg.Capacity(minimum=1, maximum=3, target=2))
    assert wire[-1].item["capacity"] == {"minimum": 1, "maximum": 3, "target": 2}
    written["capacity"] = {"minimum": 1, "maximum": 3, "target": 2}
    read = client.get_elastigroup(group_id)
    assert differences(written, wire[-1].item) == []
    assert read["capacity"] == {"minimum": 1, "maximum": 3, "target": 2}

    assert client.delete_elastigroup(group_id) is True
    assert not Group.objects.filter(pk=group_id).exists()
    with pytest.raises(SpotinstClientException) as failure:
        client.get_elastigroup(group_id)
    assert "GROUP_DOESNT_EXIST" in failure.value.message
    assert {e.method for e in wire} == {"POST", "GET", "PUT", "DELETE"}


@SUBSCRIPTIONS
def test_stateful_node_round_trips_through_the_sdk(session, api_world, wire, shared):
    client = session.client("stateful_node_azure", print_output=False)

    created = client.create_stateful_node(_node(shared, api_world))
    written = as_answered(wire[-1].sent["statefulNode"])
    assert differences(written, wire[-1].item) == []
    node_id = created["id"]
    assert node_id.startswith("ssn-")

    assert client.get_stateful_node(node_id) == created
    assert client.get_all_stateful_nodes() == [created]
    assert client.get_all_stateful_nodes(name="nope") == []

    new_version = "3.1.0" if shared else "1.0.0"
    update = sn.StatefulNode(
        description="updated",
        compute=sn.Compute(
            launch_specification=sn.LaunchSpecification(
                image=sn.Image(
                    gallery=sn.Gallery(**_gallery(shared, api_world, "version_name", new_version))
                )
            )
        ),
    )
    updated = client.update_stateful_node(update, node_id)
    written = merged(written, as_answered(wire[-1].sent["statefulNode"]))
    assert differences(written, wire[-1].item) == []
    assert client.get_stateful_node(node_id) == updated

    deallocation = sn.DeallocationConfig(should_terminate_vm=True)
    assert client.delete_stateful_node(node_id, deallocation) is True
    assert wire[-1].sent == {"deallocationConfig": {"shouldTerminateVm": True}}
    assert not Group.objects.filter(pk=node_id).exists()
    assert {e.method for e in wire} == {"POST", "GET", "PUT", "DELETE"}


def test_bad_gallery_reference_raises_with_our_error_code(session, api_world, wire):
    client = session.client("elastigroup_azure_v3", print_output=False)
    group = _group(False, api_world)
    group.region = "westeurope"
    group.compute.launch_specification.image.gallery.version = "1.1.0"  # only in eastus
    with pytest.raises(SpotinstClientException) as failure:
        client.create_elastigroup(group)
    assert "GALLERY_VERSION_NOT_IN_REGION" in failure.value.message
    assert "is not replicated to westeurope" in failure.value.message
    with pytest.raises(SpotinstClientException) as failure:
        client.get_elastigroup("sig-00000000")
    assert "GROUP_DOESNT_EXIST" in failure.value.message
    # Both error answers were decoded as the Go SDK decodes them (the wire fixture).
    assert [e.status for e in wire] == [400, 404]

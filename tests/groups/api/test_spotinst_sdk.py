"""Spot's own Python SDK (spotinst-sdk2), unchanged, against the live server."""

from __future__ import annotations

import pytest
from spotinst_sdk2 import SpotinstSession
from spotinst_sdk2.client import SpotinstClientException
from spotinst_sdk2.models import stateful_node as sn
from spotinst_sdk2.models.elastigroup import azure_v3 as eg

from groups.models import Group

from .bodies import SSH_KEY


@pytest.fixture
def session(world, live_server):
    return SpotinstSession(
        base_url=live_server.url,
        auth_token=world.tokens["editor"],
        account_id=world.account.id,
    )


def _group(name: str, gallery: eg.Gallery, os: str = "Linux", login: eg.Login | None = None):
    return eg.Elastigroup(
        name=name,
        region="eastus",
        resource_group_name="rg-web",
        capacity=eg.Capacity(minimum=0, maximum=2, target=1),
        strategy=eg.Strategy(spot_percentage=100, fallback_to_od=True),
        compute=eg.Compute(
            os=os,
            vm_sizes=eg.VmSizes(od_sizes=["standard_d2s_v5"], spot_sizes=["standard_d2s_v5"]),
            launch_specification=eg.LaunchSpecification(
                image=eg.Image(gallery=gallery),
                network=eg.Network(
                    resource_group_name="rg-net",
                    virtual_network_name="vnet",
                    network_interfaces=[
                        eg.NetworkInterface(is_primary=True, subnet_name="default")
                    ],
                ),
                login=login or eg.Login(user_name="azureuser", ssh_public_key=SSH_KEY),
            ),
        ),
    )


def test_stateless_group_lifecycle_through_the_sdk(session, world):
    client = session.client("elastigroup_azure_v3", print_output=False)
    own = client.create_elastigroup(
        _group(
            "web",
            eg.Gallery(
                resource_group_name="rg-images",
                gallery_name="contosogallery",
                image_name="ubuntu-22",
                version="1.0.0",
            ),
        )
    )
    assert own["id"].startswith("sig-")
    gallery = own["compute"]["launch_specification"]["image"]["gallery"]
    assert gallery["version"] == "1.0.0"

    shared = client.create_elastigroup(
        _group(
            "win",
            eg.Gallery(
                resource_group_name="rg-shared",
                gallery_name="sharedgallery",
                image_name="win-2022",
                version="latest",
                spot_account_id=world.other_account.id,
            ),
            os="Windows",
            login=eg.Login(user_name="winadmin", password="Pa55w0rd!Pa55"),
        )
    )
    assert shared["compute"]["launch_specification"]["image"]["gallery"]["spot_account_id"] == (
        world.other_account.id
    )
    assert "password" not in shared["compute"]["launch_specification"]["login"]

    fetched = client.get_elastigroup(own["id"])
    assert fetched["name"] == "web"
    assert {g["id"] for g in client.get_elastigroups()} == {own["id"], shared["id"]}

    update = eg.Elastigroup(
        compute=eg.Compute(
            launch_specification=eg.LaunchSpecification(
                image=eg.Image(
                    gallery=eg.Gallery(
                        resource_group_name="rg-images",
                        gallery_name="contosogallery",
                        image_name="ubuntu-22",
                        version="1.1.0",
                    )
                )
            )
        )
    )
    updated = client.update_elastigroup(update, own["id"])
    assert updated["compute"]["launch_specification"]["image"]["gallery"]["version"] == "1.1.0"
    assert Group.objects.get(pk=own["id"]).revision == 2

    assert client.delete_elastigroup(own["id"]) is True
    assert not Group.objects.filter(pk=own["id"]).exists()


def test_stateful_node_lifecycle_through_the_sdk(session, world):
    client = session.client("stateful_node_azure", print_output=False)

    def node(version_name: str, **gallery: str) -> sn.StatefulNode:
        return sn.StatefulNode(
            name="db",
            region="eastus",
            resource_group_name="rg-db",
            strategy=sn.Strategy(fallback_to_od=True, preferred_lifecycle="spot"),
            persistence=sn.Persistence(
                should_persist_os_disk=False,
                should_persist_data_disks=True,
                data_disks_persistence_mode="reattach",
                should_persist_network=True,
            ),
            compute=sn.Compute(
                os="Linux",
                preferred_zone="1",
                vm_sizes=sn.VmSizes(od_sizes=["standard_d2s_v5"], spot_sizes=["standard_d2s_v5"]),
                launch_specification=sn.LaunchSpecification(
                    image=sn.Image(
                        gallery=sn.Gallery(
                            resource_group_name=gallery.get("rg", "rg-images"),
                            gallery_name=gallery.get("gallery", "contosogallery"),
                            image_name=gallery.get("image", "ubuntu-22"),
                            version_name=version_name,
                            **(
                                {"spot_account_id": gallery["account"]}
                                if "account" in gallery
                                else {}
                            ),
                        )
                    ),
                    network=sn.Network(
                        resource_group_name="rg-net",
                        virtual_network_name="vnet",
                        network_interfaces=[
                            sn.NetworkInterface(is_primary=True, subnet_name="default")
                        ],
                    ),
                    login=sn.Login(user_name="azureuser", ssh_public_key=SSH_KEY),
                ),
            ),
        )

    created = client.create_stateful_node(node("latest"))
    assert created["id"].startswith("ssn-")
    assert (
        created["compute"]["launch_specification"]["image"]["gallery"]["version_name"] == "latest"
    )
    assert created["compute"]["preferred_zone"] == "1"

    shared_node = node(
        "3.0.0",
        rg="rg-shared",
        gallery="sharedgallery",
        image="win-2022",
        account=world.other_account.id,
    )
    shared_node.compute.os = "Windows"
    shared_node.compute.launch_specification.login = sn.Login(
        user_name="winadmin", password="Pa55w0rd!"
    )
    shared = client.create_stateful_node(shared_node)
    assert shared["compute"]["launch_specification"]["image"]["gallery"]["spot_account_id"] == (
        world.other_account.id
    )

    assert client.get_stateful_node(created["id"])["name"] == "db"
    assert len(client.get_all_stateful_nodes()) == 2
    assert client.get_all_stateful_nodes(name="nope") == []

    update = sn.StatefulNode(
        compute=sn.Compute(
            launch_specification=sn.LaunchSpecification(
                image=sn.Image(
                    gallery=sn.Gallery(
                        resource_group_name="rg-images",
                        gallery_name="contosogallery",
                        image_name="ubuntu-22",
                        version_name="1.0.0",
                    )
                )
            )
        )
    )
    updated = client.update_stateful_node(update, created["id"])
    assert updated["compute"]["launch_specification"]["image"]["gallery"]["version_name"] == "1.0.0"

    deallocation = sn.DeallocationConfig(should_terminate_vm=True)
    assert client.delete_stateful_node(created["id"], deallocation) is True
    assert not Group.objects.filter(pk=created["id"]).exists()


def test_bad_gallery_reference_raises_with_our_error_code(session):
    client = session.client("elastigroup_azure_v3", print_output=False)
    wrong_version = eg.Gallery(
        resource_group_name="rg-images",
        gallery_name="contosogallery",
        image_name="ubuntu-22",
        version="1.1.0",
    )
    group = _group("web", wrong_version)
    group.region = "westeurope"
    with pytest.raises(SpotinstClientException) as failure:
        client.create_elastigroup(group)
    assert "GALLERY_VERSION_NOT_IN_REGION" in failure.value.message
    assert "is not replicated to westeurope" in failure.value.message
    with pytest.raises(SpotinstClientException) as failure:
        client.get_elastigroup("sig-00000000")
    assert "GROUP_DOESNT_EXIST" in failure.value.message

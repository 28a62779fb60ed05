"""Terraform's other request shapes, built for these tests: the update bodies (only the blocks
whose HCL changed, each whole, `null` for a removed block), a node's DELETE body, and the
minimal configurations (the wrapper's empty blocks and little else). The full create bodies and
the habits they follow are in terraform_bodies.py.
"""

from __future__ import annotations

import copy
from typing import Any

from .bodies import SSH_KEY
from .terraform_bodies import GALLERY, REGION, network_block, terraform_group, terraform_node


def terraform_group_update() -> dict[str, Any]:
    """The update after an HCL edit: capacity, a new image version, a NIC change (the whole
    network), data disks, proximity placement groups, load balancer and signals removed
    (null), one more tag; the wrapper's untouched blocks empty."""
    body = terraform_group()
    launch = body["compute"]["launchSpecification"]
    network = copy.deepcopy(launch["network"])
    network["networkInterfaces"][0]["assignPublicIp"] = False
    return {
        "capacity": {"minimum": 1, "maximum": 6, "target": 2},
        "compute": {
            "launchSpecification": {
                "image": {"gallery": {**GALLERY, "version": "1.1.0"}},
                "network": network,
                "dataDisks": None,
                "proximityPlacementGroups": None,
                "tags": [*launch["tags"], {"tagKey": "owner", "tagValue": "platform"}],
                "loadBalancersConfig": {"loadBalancers": None},  # load_balancer removed
            }
        },
        "strategy": {"spotPercentage": 80, "signals": None},
        "scaling": {},
        "scheduling": {},  # the wrapper's empty task list, left out by omitempty
    }


def terraform_node_update() -> dict[str, Any]:
    """The node's update: strategy (sent whole by the provider), a data disk fewer, health and
    scheduling tasks removed; the wrapper's untouched blocks empty."""
    strategy = terraform_node()["strategy"]
    strategy["drainingTimeout"] = 120
    strategy["optimizationWindows"] = ["Sat:01:00-Sat:03:00"]
    return {
        "strategy": strategy,
        "compute": {
            "launchSpecification": {
                "dataDisks": [{"sizeGB": 1, "lun": 1, "type": "Standard_LRS"}],
                "loadBalancersConfig": {},
            }
        },
        "health": None,
        "scheduling": {"tasks": None},
        "persistence": {},
    }


DEALLOCATION = {
    "shouldTerminateVm": True,
    "networkDeallocationConfig": {"shouldDeallocate": True, "ttlInHours": 0},
    "diskDeallocationConfig": {"shouldDeallocate": True, "ttlInHours": 0},
    "snapshotDeallocationConfig": {"shouldDeallocate": True, "ttlInHours": 0},
    "publicIpDeallocationConfig": {"shouldDeallocate": True, "ttlInHours": 0},
    "shouldDeregisterFromLb": True,
    "shouldRevertToOd": False,
}


def _minimal_vm_sizes() -> dict[str, Any]:
    """vm_sizes with only the required sizes: the optional lists and attributes sent as null."""
    return {
        "odSizes": ["standard_d2s_v5"],
        "spotSizes": ["standard_d2s_v5"],
        "preferredSpotSizes": None,
        "excludedVmSizes": None,
        "spotSizeAttributes": None,
    }


def terraform_minimal_group() -> dict[str, Any]:
    """The create body of an HCL with only the required blocks: the expand functions send null
    for the optional members of the blocks they build (vm_sizes, boot_diagnostics)."""
    return {
        "name": "tf-min",
        "resourceGroupName": "rg-web",
        "region": REGION,
        "capacity": {"minimum": 0, "maximum": 1, "target": 0},
        "strategy": {"spotPercentage": 100, "fallbackToOd": True},
        "compute": {
            "os": "Linux",
            "vmSizes": _minimal_vm_sizes(),
            "launchSpecification": {
                "image": {"gallery": {**GALLERY, "version": "latest"}},
                "network": {
                    "virtualNetworkName": "vnet",
                    "resourceGroupName": "rg-net",
                    "networkInterfaces": [
                        {"subnetName": "default", "isPrimary": True, "assignPublicIp": False}
                    ],
                },
                "login": {"userName": "azureuser", "sshPublicKey": SSH_KEY},
                "bootDiagnostics": None,
                "loadBalancersConfig": {},
            },
        },
        "scaling": {},
        "scheduling": {},
    }


def terraform_minimal_node() -> dict[str, Any]:
    """A node's minimal create body: its strategy block sends null for every optional list and
    object left out of the HCL."""
    return {
        "name": "tf-min-db",
        "resourceGroupName": "rg-db",
        "region": REGION,
        "strategy": {
            "fallbackToOd": True,
            "preferredLifecycle": "spot",
            "availabilityVsCost": None,
            "capacityReservation": None,
            "interruptionToleration": None,
            "optimizationWindows": None,
            "odWindows": None,
            "vmAdmins": None,
        },
        "compute": {
            "os": "Linux",
            "vmSizes": _minimal_vm_sizes(),
            "launchSpecification": {
                "image": {"gallery": {**GALLERY, "versionName": "latest"}},
                "network": network_block("node"),
                "login": {"userName": "azureuser", "sshPublicKey": SSH_KEY},
                "loadBalancersConfig": {},
            },
        },
        "scheduling": {},
        "persistence": {
            "shouldPersistOsDisk": False,
            "shouldPersistDataDisks": True,
            "shouldPersistNetwork": True,
        },
    }

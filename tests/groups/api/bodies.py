"""Spot request bodies the tests send: valid ones, to be spoiled one field at a time."""

from __future__ import annotations

import copy
from typing import Any

SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzL5wDNo7Gp2uW6O0lqRzPbIhTeS4Lz3v6gJ6e0V9yX test"


def group_body(**gallery: Any) -> dict[str, Any]:
    """A valid stateless group body (the inside of {"group": …}) with a gallery image."""
    image = {
        "resourceGroupName": "rg-images",
        "galleryName": "contosogallery",
        "imageName": "ubuntu-22",
        "version": "1.0.0",
        **gallery,
    }
    return {
        "name": "web",
        "region": "eastus",
        "resourceGroupName": "rg-web",
        "capacity": {"minimum": 0, "maximum": 2, "target": 1},
        "strategy": {"spotPercentage": 100, "fallbackToOd": True},
        "compute": {
            "os": "Linux",
            "vmSizes": {"odSizes": ["standard_d2s_v5"], "spotSizes": ["standard_d2s_v5"]},
            "launchSpecification": {
                "image": {"gallery": image},
                "network": {
                    "resourceGroupName": "rg-net",
                    "virtualNetworkName": "vnet",
                    "networkInterfaces": [{"isPrimary": True, "subnetName": "default"}],
                },
                "login": {"userName": "azureuser", "sshPublicKey": SSH_KEY},
            },
        },
    }


def node_body(**gallery: Any) -> dict[str, Any]:
    """A valid stateful node body (the inside of {"statefulNode": …}) with a gallery image."""
    body = group_body()
    del body["capacity"]
    body["name"] = "db"
    body["strategy"] = {"fallbackToOd": True, "preferredLifecycle": "spot"}
    body["persistence"] = {
        "shouldPersistOsDisk": False,
        "shouldPersistDataDisks": True,
        "dataDisksPersistenceMode": "reattach",
        "shouldPersistNetwork": True,
    }
    body["compute"]["preferredZone"] = "1"
    image = {
        "resourceGroupName": "rg-images",
        "galleryName": "contosogallery",
        "imageName": "ubuntu-22",
        "versionName": "latest",
        **gallery,
    }
    body["compute"]["launchSpecification"]["image"] = {"gallery": image}
    return copy.deepcopy(body)

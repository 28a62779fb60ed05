"""Request bodies as Terraform's spotinst provider sends them, built for these tests.

`spotinst_elastigroup_azure_v3` and `spotinst_stateful_node_azure` turn their HCL blocks into
spotinst-sdk-go structs (the provider's expand functions) and the SDK marshals them with its
json tags. The bodies below follow that shape for the provider's documented examples, with a
gallery image instead of the marketplace one and every block except those about running VMs
(a node's attach/detach data disk, its state, VM import). Four habits of the provider show:
- the create sends each block it has, whole, and `null` where a block's expand function sets
  an unset member to nil (an OS disk without `type`);
- every body starts from the provider's empty wrapper, so `scaling`, `scheduling`, a
  group's `capacity` and `strategy`, a node's `persistence` and
  `compute.launchSpecification.loadBalancersConfig` are sent, as `{}` when nothing set them;
- the update sends only the blocks whose HCL changed, each whole (a changed NIC sends the whole
  `network`), and `null` for a block removed from the HCL;
- a node's delete sends `deallocationConfig` in the body of the DELETE.
Values are this test's own (names, sizes, windows), chosen to pass the console's rules (the
example's signal timeouts of 20 and 40 s are below Spot's 60 s minimum, so 120 and 240 here).
"""

from __future__ import annotations

from typing import Any

from .bodies import SSH_KEY

REGION = "eastus"
GALLERY = {
    "resourceGroupName": "rg-images",
    "galleryName": "contosogallery",
    "imageName": "ubuntu-22",
}


def network_block(kind: str) -> dict[str, Any]:
    """The network block; a group spells the NIC's security group and IP forwarding one way,
    a node another (the SDK's json tags)."""
    security_group = {"name": "nsg-web", "resourceGroupName": "rg-net"}
    nic: dict[str, Any] = {
        "subnetName": "default",
        "assignPublicIp": True,
        "isPrimary": True,
        "publicIpSku": "Standard",
        "privateIpAddresses": ["10.0.0.20"],
        "additionalIpConfigurations": [{"name": "secondary", "privateIpAddressVersion": "IPv4"}],
        "applicationSecurityGroups": [{"name": "asg-web", "resourceGroupName": "rg-net"}],
        "publicIps": [{"name": "pip-web", "resourceGroupName": "rg-net"}],
    }
    if kind == "group":
        nic["enableIPForwarding"] = True
        nic["securityGroup"] = security_group
    else:
        nic["enableIpForwarding"] = True
        nic["networkSecurityGroup"] = security_group
    return {
        "virtualNetworkName": "vnet",
        "resourceGroupName": "rg-net",
        "networkInterfaces": [nic],
    }


def _launch_specification(kind: str) -> dict[str, Any]:
    """What both resources share below compute.launchSpecification."""
    return {
        "image": {"gallery": {**GALLERY}},
        "network": network_block(kind),
        "login": {"userName": "azureuser", "sshPublicKey": SSH_KEY},
        "customData": "IyEvYmluL2Jhc2gKZWNobyAidGVzdCI=",
        "shutdownScript": "IlRlc3RpbmcgRUci",
        "vmNamePrefix": "webvm",
        "managedServiceIdentities": [{"resourceGroupName": "rg-identity", "name": "web-identity"}],
        "tags": [
            {"tagKey": "team", "tagValue": "web"},
            {"tagKey": "env", "tagValue": "prod"},
        ],
        "dataDisks": [{"sizeGB": 8, "lun": 2, "type": "Premium_LRS"}],
        "proximityPlacementGroups": [{"name": "ppg-web", "resourceGroupName": "rg-web"}],
        "secrets": [
            {
                "sourceVault": {"name": "kv-web", "resourceGroupName": "rg-web"},
                "vaultCertificates": [
                    {
                        "certificateUrl": "https://kv-web.vault.azure.net/secrets/cert/1",
                        "certificateStore": "My",
                    }
                ],
            }
        ],
        "extensions": [
            {
                "name": "custom-script",
                "type": "customScript",
                "publisher": "Microsoft.Azure.Extensions",
                "apiVersion": "2.0",
                "minorVersionAutoUpgrade": True,
                "protectedSettings": {"script": "IyEvYmluL2Jhc2gK"},
                "publicSettings": {"fileUris": "https://example.blob.core.windows.net/run.sh"},
            }
        ],
    }


def _strategy_common() -> dict[str, Any]:
    return {
        "drainingTimeout": 300,
        "fallbackToOd": True,
        "availabilityVsCost": 100,
        "optimizationWindows": ["Mon:19:46-Tue:20:46"],
        "revertToSpot": {"performAt": "timeWindow"},
        "capacityReservation": {
            "shouldUtilize": True,
            "utilizationStrategy": "utilizeOverOD",
            "capacityReservationGroups": [
                {"name": "crg-web", "resourceGroupName": "rg-web", "shouldPrioritize": True}
            ],
        },
    }


def _vm_sizes() -> dict[str, Any]:
    return {
        "odSizes": ["standard_d2s_v5", "standard_d4s_v5"],
        "spotSizes": ["standard_d2s_v5", "standard_d4s_v5"],
        "preferredSpotSizes": ["standard_d4s_v5"],
        "excludedVmSizes": ["standard_ds2_v2"],
        "spotSizeAttributes": {
            "maxCpu": 16,
            "minCpu": 2,
            "maxMemory": 64,
            "minMemory": 8,
            "maxStorage": 512,
            "minStorage": 32,
        },
    }


def _health(types: list[str]) -> dict[str, Any]:
    return {
        "healthCheckTypes": types,
        "unhealthyDuration": 240,
        "gracePeriod": 420,
        "autoHealing": False,
    }


def terraform_group(**gallery: Any) -> dict[str, Any]:
    """spotinst_elastigroup_azure_v3's create body (the inside of {"group": …})."""
    launch = _launch_specification("group")
    launch["image"]["gallery"].update(version="1.0.0", **gallery)
    launch.update(
        osDisk={"sizeGB": 32, "type": None},  # `type` left out of the HCL: sent as null
        bootDiagnostics={
            "isEnabled": True,
            "type": "unmanaged",
            "storageUri": "https://diagweb.blob.core.windows.net/",
        },
        security={
            "securityType": "Standard",
            "secureBootEnabled": False,
            "vTpmEnabled": False,
            "confidentialOsDiskEncryption": False,
            "encryptionAtHost": False,
        },
        loadBalancersConfig={
            "loadBalancers": [
                {
                    "type": "loadBalancer",
                    "resourceGroupName": "rg-net",
                    "name": "lb-web",
                    "sku": "Standard",
                    "backendPoolNames": ["lb-web-pool"],
                }
            ]
        },
    )
    # A group's extensions also take settings from a key vault; left out, they are sent as null.
    launch["extensions"][0].update(enableAutomaticUpgrade=False, protectedSettingsFromKeyVault=None)
    launch["extensions"].append(
        {
            "name": "vault-script",
            "type": "customScript",
            "publisher": "Microsoft.Azure.Extensions",
            "apiVersion": "2.1",
            "minorVersionAutoUpgrade": False,
            "enableAutomaticUpgrade": True,
            "protectedSettingsFromKeyVault": {
                "secretUrl": "https://kv-web.vault.azure.net/secrets/script/1",
                "sourceVault": "/subscriptions/x/resourceGroups/rg-web/providers/"
                "Microsoft.KeyVault/vaults/kv-web",
            },
        }
    )
    return {
        "name": "tf-web",
        "description": "Azure Elastigroup Resource through TF",
        "resourceGroupName": "rg-web",
        "region": REGION,
        "capacity": {"minimum": 0, "maximum": 4, "target": 1},
        "strategy": {
            **_strategy_common(),
            "spotPercentage": 65,
            "signals": [{"type": "vmReadyToShutdown", "timeout": 60}],
        },
        "compute": {
            "os": "Linux",
            "zones": ["1", "2", "3"],
            "preferredZones": ["1", "3"],
            "vmSizes": _vm_sizes(),
            "launchSpecification": launch,
        },
        "health": _health(["applicationGateway"]),
        "scheduling": {
            "tasks": [
                {
                    "isEnabled": True,
                    "type": "scale",
                    "cronExpression": "52 10 * * *",
                    "scaleMaxCapacity": 8,
                    "scaleMinCapacity": 0,
                    "scaleTargetCapacity": 2,
                },
                {
                    "isEnabled": True,
                    "type": "scaleUp",
                    "cronExpression": "52 11 * * *",
                    "adjustment": 1,
                },
            ]
        },
        "scaling": {
            "up": [
                {
                    "policyName": "cpu-high",
                    "metricName": "Percentage CPU",
                    "namespace": "Microsoft.Compute",
                    "statistic": "average",
                    "unit": "percent",
                    "threshold": 80.5,
                    "evaluationPeriods": 2,
                    "period": 300,
                    "cooldown": 300,
                    "operator": "gte",
                    "isEnabled": True,
                    "source": "azureMonitor",
                    "dimensions": [{"name": "resourceName", "value": "tf-web"}],
                    "action": {"type": "adjustment", "adjustment": "1"},
                }
            ],
            "down": [
                {
                    "policyName": "cpu-low",
                    "metricName": "Percentage CPU",
                    "namespace": "Microsoft.Compute",
                    "statistic": "average",
                    "unit": "percent",
                    "threshold": 20,
                    "evaluationPeriods": 2,
                    "period": 300,
                    "cooldown": 300,
                    "operator": "lte",
                    "action": {
                        "type": "updateCapacity",
                        "minimum": "0",
                        "maximum": "3",
                        "target": "1",
                    },
                }
            ],
        },
    }


def terraform_node(**gallery: Any) -> dict[str, Any]:
    """spotinst_stateful_node_azure's create body (the inside of {"statefulNode": …})."""
    launch = _launch_specification("node")
    launch["image"]["gallery"].update(versionName="1.1.0", **gallery)
    launch["managedServiceIdentities"][0]["subscriptionId"] = "12345678-abcd-1234-abcd-123456789abc"
    launch.update(
        osDisk={"sizeGB": 30, "type": "Standard_LRS", "caching": "ReadOnly"},
        bootDiagnostics={
            "isEnabled": True,
            "type": "unmanaged",
            "storageUrl": "https://diagdb.blob.core.windows.net/test",
        },
        security={
            "securityType": "ConfidentialVM",
            "secureBootEnabled": True,
            "vTpmEnabled": True,
            "encryptionAtHost": False,
            "confidentialOsDiskEncryption": True,
        },
        loadBalancersConfig={
            "loadBalancers": [
                {
                    "type": "loadBalancer",
                    "resourceGroupName": "rg-net",
                    "name": "lb-db",
                    "loadBalancerSku": "Standard",
                    "backendPoolNames": ["lb-db-pool1", "lb-db-pool2"],
                }
            ]
        },
        vmName="db-vm",
        licenseType="SLES_BYOS",
    )
    launch["dataDisks"].append({"sizeGB": 10, "lun": 3, "type": "Standard_LRS"})
    return {
        "name": "tf-db",
        "description": "example_stateful_node_azure_description",
        "resourceGroupName": "rg-db",
        "region": REGION,
        "strategy": {
            **_strategy_common(),
            "preferredLifecycle": "od",
            "odWindows": ["Wed:19:46-Wed:21:46"],
            "vmAdmins": ["ubuntuuser", "testuser"],
            "interruptionToleration": {
                "isEnabled": True,
                "threshold": 3,
                "evaluationPeriod": 30,
                "cooldown": 120,
            },
            "signals": [
                {"type": "vmReady", "timeout": 120},
                {"type": "vmReadyToShutdown", "timeout": 240},
            ],
        },
        "compute": {
            "os": "Linux",
            "zones": ["1", "3"],
            "preferredZone": "1",
            "vmSizes": _vm_sizes(),
            "launchSpecification": launch,
        },
        "persistence": {
            "shouldPersistOsDisk": False,
            "osDiskPersistenceMode": "reattach",
            "shouldPersistDataDisks": True,
            "dataDisksPersistenceMode": "reattach",
            "shouldPersistNetwork": True,
        },
        "health": _health(["vmState"]),
        "scheduling": {
            "tasks": [
                {"isEnabled": True, "type": "pause", "cronExpression": "44 10 * * *"},
                {"isEnabled": True, "type": "resume", "cronExpression": "48 10 * * *"},
                {"isEnabled": True, "type": "recycle", "cronExpression": "52 10 * * *"},
            ]
        },
    }

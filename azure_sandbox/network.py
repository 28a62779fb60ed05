"""Microsoft.Network virtual networks and subnets, read-only, as ``azure-mgmt-network`` reads them.

- ``virtual_networks.list_all()``: ``GET /subscriptions/{sub}/providers/Microsoft.Network/virtualNetworks``
- ``virtual_networks.list(rg)``: ``GET .../resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks``
- ``virtual_networks.get(rg, vnet)``: ``GET .../virtualNetworks/{vnet}``, subnets embedded in
  ``properties.subnets``
- ``subnets.list(rg, vnet)`` / ``subnets.get(rg, vnet, subnet)``: ``.../virtualNetworks/{vnet}/subnets[/{subnet}]``

Lists are paged with ``nextLink`` like every sandbox list; RBAC filters them as ARM does.
"""  # noqa: E501

from __future__ import annotations

from typing import Any

from azure_sandbox import arm_json
from azure_sandbox.arm_lookup import ArmContext, find_group, find_subscription, not_found
from azure_sandbox.arm_paging import paged, visible
from azure_sandbox.messages import ArmError, Response
from azure_sandbox.world import ResourceGroup, Subnet, Subscription, VirtualNetwork

VIRTUAL_NETWORK_TYPE = "Microsoft.Network/virtualNetworks"
SUBNET_TYPE = "Microsoft.Network/virtualNetworks/subnets"
READ_NETWORKS = "Microsoft.Network/virtualNetworks/read"
READ_SUBNETS = "Microsoft.Network/virtualNetworks/subnets/read"


def _etag(seed: str) -> str:
    # ARM's weak etag, stable per resource in the sandbox (nothing here changes a network).
    return f'W/"{seed}"'


def virtual_network_id(sub: Subscription, group: ResourceGroup, network: VirtualNetwork) -> str:
    return (
        f"{arm_json.resource_group_id(sub, group)}/providers/Microsoft.Network/virtualNetworks/"
        f"{network.name}"
    )


def render_subnet(
    network_arm_id: str, network: VirtualNetwork, subnet: Subnet, group_arm_id: str
) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "addressPrefix": subnet.address_prefix,
        "delegations": [
            {
                "name": f"delegation-{index}",
                "id": f"{network_arm_id}/subnets/{subnet.name}/delegations/delegation-{index}",
                "etag": _etag(network.resource_guid),
                "type": f"{SUBNET_TYPE}/delegations",
                "properties": {"provisioningState": "Succeeded", "serviceName": service},
            }
            for index, service in enumerate(subnet.delegations)
        ],
        "privateEndpointNetworkPolicies": "Disabled",
        "privateLinkServiceNetworkPolicies": "Enabled",
    }
    if subnet.network_security_group:
        properties["networkSecurityGroup"] = {
            "id": f"{group_arm_id}/providers/Microsoft.Network/networkSecurityGroups/"
            f"{subnet.network_security_group}"
        }
    if subnet.service_endpoints:
        properties["serviceEndpoints"] = [
            {"service": service, "locations": [network.location], "provisioningState": "Succeeded"}
            for service in subnet.service_endpoints
        ]
    return {
        "name": subnet.name,
        "id": f"{network_arm_id}/subnets/{subnet.name}",
        "etag": _etag(network.resource_guid),
        "type": SUBNET_TYPE,
        "properties": properties,
    }


def render_virtual_network(
    network_arm_id: str, network: VirtualNetwork, group_arm_id: str
) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "resourceGuid": network.resource_guid,
        "addressSpace": {"addressPrefixes": list(network.address_prefixes)},
        "subnets": [
            render_subnet(network_arm_id, network, subnet, group_arm_id)
            for subnet in list(network.subnets.values())
        ],
        "virtualNetworkPeerings": [],
        "enableDdosProtection": False,
        "privateEndpointVNetPolicies": "Disabled",
    }
    if network.dns_servers:
        properties["dhcpOptions"] = {"dnsServers": list(network.dns_servers)}
    return {
        "name": network.name,
        "id": network_arm_id,
        "etag": _etag(network.resource_guid),
        "type": VIRTUAL_NETWORK_TYPE,
        "location": network.location,
        "tags": network.tags,
        "properties": properties,
    }


def _render(sub: Subscription) -> Any:
    def render(entry: tuple[str, tuple[ResourceGroup, VirtualNetwork]]) -> dict[str, Any]:
        arm_id, (group, network) = entry
        return render_virtual_network(arm_id, network, arm_json.resource_group_id(sub, group))

    return render


def list_all(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    pairs = [
        (virtual_network_id(sub, group, network), (group, network))
        for group in list(sub.resource_groups.values())
        for network in list(group.virtual_networks.values())
    ]
    readable = visible(ctx, READ_NETWORKS, arm_json.subscription_id(sub), pairs)
    return paged(ctx, readable, _render(sub))


def list_by_group(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    scope = f"{arm_json.subscription_id(sub)}/resourceGroups/{params['rg']}"
    if not ctx.access.has_any_below(scope):
        raise ctx.access.denied(READ_NETWORKS, scope)
    group = find_group(sub, params["rg"])
    pairs = [
        (virtual_network_id(sub, group, network), (group, network))
        for network in list(group.virtual_networks.values())
    ]
    return paged(ctx, visible(ctx, READ_NETWORKS, scope, pairs), _render(sub))


def _network_scope(sub: Subscription, params: dict[str, str]) -> str:
    return (
        f"/subscriptions/{sub.id}/resourceGroups/{params['rg']}"
        f"/providers/Microsoft.Network/virtualNetworks/{params['vnet']}"
    )


def _find_network(
    ctx: ArmContext, params: dict[str, str], action: str, below: str = ""
) -> tuple[Subscription, ResourceGroup, VirtualNetwork]:
    """The network of the path, after checking ``action`` on it (or on ``below`` under it)."""
    sub = find_subscription(ctx, params["sub"])
    ctx.access.require(action, _network_scope(sub, params) + below)
    group = find_group(sub, params["rg"])
    network = group.virtual_networks.get(params["vnet"].lower())
    if network is None:
        raise not_found(f"Microsoft.Network/virtualNetworks/{params['vnet']}", group.name)
    return sub, group, network


def get(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub, group, network = _find_network(ctx, params, READ_NETWORKS)
    arm_id = virtual_network_id(sub, group, network)
    return Response.json(
        200, render_virtual_network(arm_id, network, arm_json.resource_group_id(sub, group))
    )


def list_subnets(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub, group, network = _find_network(ctx, params, READ_SUBNETS)
    arm_id = virtual_network_id(sub, group, network)
    group_id = arm_json.resource_group_id(sub, group)
    return paged(
        ctx,
        list(network.subnets.values()),
        lambda subnet: render_subnet(arm_id, network, subnet, group_id),
    )


def get_subnet(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub, group, network = _find_network(ctx, params, READ_SUBNETS, f"/subnets/{params['subnet']}")
    subnet = network.subnets.get(params["subnet"].lower())
    arm_id = virtual_network_id(sub, group, network)
    if subnet is None:
        # The network provider's own 404 (not ARM's ResourceNotFound).
        raise ArmError(404, "NotFound", f"Resource {arm_id}/subnets/{params['subnet']} not found.")
    return Response.json(
        200, render_subnet(arm_id, network, subnet, arm_json.resource_group_id(sub, group))
    )

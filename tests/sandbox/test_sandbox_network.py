"""Virtual networks and subnets, read by the real NetworkManagementClient as from ARM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient

from azure_sandbox import Sandbox
from tests.sandbox.conftest import FAST_RETRY

NetworkFactory = Callable[..., NetworkManagementClient]


@pytest.fixture
def network(sandbox: Sandbox) -> NetworkFactory:
    """``network(who, subscription_name=None, **kwargs)`` -> NetworkManagementClient."""

    def make(who: str, subscription_name: str | None = None, **kwargs: Any) -> Any:
        subscription = sandbox.world.subscription_named(subscription_name or who)
        assert subscription is not None
        options = {**sandbox.client_kwargs(), **FAST_RETRY, **kwargs}
        return NetworkManagementClient(sandbox.credential(who), subscription.id, **options)

    return make


def test_sdk_lists_every_virtual_network_of_a_subscription_across_pages(
    sandbox: Sandbox, network: NetworkFactory
) -> None:
    sandbox.world.settings.page_size = 2
    client = network("Production")
    networks = list(client.virtual_networks.list_all())
    assert sorted(n.name for n in networks) == [
        "vnet-prod-eastus",
        "vnet-prod-hub-eastus",
        "vnet-prod-westus2",
    ]
    assert sandbox.request_log.count("virtual_networks.list_all") == 2  # followed nextLink
    by_name = {n.name: n for n in networks}
    main = by_name["vnet-prod-eastus"]
    assert main.type == "Microsoft.Network/virtualNetworks"
    assert main.location == "eastus"
    assert by_name["vnet-prod-westus2"].location == "westus2"
    assert main.id.endswith(
        "/resourceGroups/rg-prod-network/providers/Microsoft.Network/virtualNetworks/vnet-prod-eastus"
    )
    assert main.address_space.address_prefixes == ["10.10.0.0/16"]
    assert main.provisioning_state == "Succeeded"
    subnets = {s.name: s for s in main.subnets}
    assert list(subnets) == ["snet-web", "snet-api", "snet-data", "snet-workers", "snet-appservice"]
    assert subnets["snet-api"].address_prefix == "10.10.2.0/24"
    assert subnets["snet-api"].network_security_group.id.endswith(
        "/resourceGroups/rg-prod-network/providers/Microsoft.Network/networkSecurityGroups/nsg-prod-api"
    )
    assert [e.service for e in subnets["snet-api"].service_endpoints] == [
        "Microsoft.Storage",
        "Microsoft.Sql",
    ]
    assert [d.service_name for d in subnets["snet-appservice"].delegations] == [
        "Microsoft.Web/serverFarms"
    ]
    assert subnets["snet-appservice"].network_security_group is None
    api_versions = {e.api_version for e in sandbox.request_log.entries("virtual_networks.list_all")}
    assert api_versions == {"2026-03-01"}  # what azure-mgmt-network 33.1.0 sends


def test_sdk_lists_networks_of_a_group_gets_one_and_pages_its_subnets(
    sandbox: Sandbox, network: NetworkFactory
) -> None:
    client = network("Staging")
    assert [n.name for n in client.virtual_networks.list("rg-staging-sandbox")] == [
        "vnet-staging-eastus2",
        "vnet-staging-westus2",
    ]
    assert list(client.virtual_networks.list("rg-staging-images")) == []
    fetched = client.virtual_networks.get("rg-staging-sandbox", "VNET-STAGING-EASTUS2")
    assert fetched.name == "vnet-staging-eastus2"
    assert [s.name for s in fetched.subnets] == ["snet-web", "snet-api", "snet-batch"]

    production = network("Production")
    subnets = list(production.subnets.list("rg-prod-network", "vnet-prod-eastus"))
    assert len(subnets) == 5  # page size 4 in the default world
    assert sandbox.request_log.count("subnets.list") == 2
    assert subnets[0].type == "Microsoft.Network/virtualNetworks/subnets"
    one = production.subnets.get("rg-prod-network", "vnet-prod-eastus", "snet-data")
    assert (one.name, one.address_prefix) == ("snet-data", "10.10.3.0/24")
    assert one.id == f"{subnets[0].id.rsplit('/', 1)[0]}/snet-data"


def test_missing_networks_and_subnets_are_404s_with_the_providers_codes(
    network: NetworkFactory,
) -> None:
    client = network("Production")
    with pytest.raises(ResourceNotFoundError) as no_network:
        client.virtual_networks.get("rg-prod-network", "vnet-nowhere")
    assert no_network.value.error.code == "ResourceNotFound"
    with pytest.raises(ResourceNotFoundError) as no_subnet:
        client.subnets.get("rg-prod-network", "vnet-prod-eastus", "snet-nowhere")
    assert no_subnet.value.error.code == "NotFound"
    with pytest.raises(ResourceNotFoundError) as no_group:
        list(client.virtual_networks.list("rg-nowhere"))
    assert no_group.value.error.code == "ResourceGroupNotFound"


def test_networks_are_filtered_and_denied_by_role_assignments(
    sandbox: Sandbox, network: NetworkFactory
) -> None:
    # Production's principal reads one gallery in Shared Images, none of its networks.
    assert list(network("Production", "Shared Images").virtual_networks.list_all()) == []
    with pytest.raises(HttpResponseError) as denied:
        network("Production", "Shared Images").virtual_networks.get(
            "rg-image-build", "vnet-image-build"
        )
    assert denied.value.status_code == 403
    assert "Microsoft.Network/virtualNetworks/read" in denied.value.message
    with pytest.raises(HttpResponseError) as nothing_there:
        list(network("Staging", "Shared Images").virtual_networks.list_all())
    assert nothing_there.value.error.code == "AuthorizationFailed"

    # Reader on one network makes it (and only it) visible.
    shared = sandbox.world.subscription_named("Shared Images")
    assert shared is not None
    sandbox.world.grant(
        sandbox.principal("Staging").client_id,
        f"/subscriptions/{shared.id}/resourceGroups/rg-image-build/providers/"
        "Microsoft.Network/virtualNetworks/vnet-image-build",
    )
    client = network("Staging", "Shared Images")
    assert [n.name for n in client.virtual_networks.list_all()] == ["vnet-image-build"]
    assert len(list(client.subnets.list("rg-image-build", "vnet-image-build"))) == 2


def test_faults_arm_on_the_network_routes(sandbox: Sandbox, network: NetworkFactory) -> None:
    sandbox.faults.add(kind="throttle", path_pattern=r"/virtualnetworks$", count=1, retry_after=1)
    sandbox.faults.add(kind="error", status=503, path_pattern=r"/subnets/snet-web$", count=5)
    client = network("Production", retry_total=1)
    assert len(list(client.virtual_networks.list_all())) == 3  # retried after Retry-After
    statuses = [e.status for e in sandbox.request_log.entries("virtual_networks.list_all")]
    assert statuses == [429, 200]
    with pytest.raises(HttpResponseError) as unavailable:
        client.subnets.get("rg-prod-network", "vnet-prod-eastus", "snet-web")
    assert unavailable.value.status_code == 503

"""The refresh lists virtual networks and subnets (the Network tab's suggestions) with the
inventory's rules: only changes are written, deletions need a whole listing."""

from __future__ import annotations

from typing import Any

import pytest

from galleries.models import Subnet, VirtualNetwork
from galleries.refresh.runs import refresh_now

pytestmark = pytest.mark.django_db


def _live(model: Any, **scope: Any) -> set[str]:
    return set(model.objects.filter(deleted_at=None, **scope).values_list("name", flat=True))


def test_full_refresh_stores_virtual_networks_and_their_subnets(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Production")
    run = refresh_now(subscription)
    assert run.status == "succeeded", run.error
    networks = {n.name: n for n in VirtualNetwork.objects.filter(subscription=subscription)}
    assert set(networks) == {"vnet-prod-eastus", "vnet-prod-hub-eastus", "vnet-prod-westus2"}
    main = networks["vnet-prod-eastus"]
    assert (main.resource_group_name, main.location) == ("rg-prod-network", "eastus")
    assert main.address_prefixes == "10.10.0.0/16"
    assert networks["vnet-prod-westus2"].location == "westus2"
    subnets = {s.name: s for s in main.subnets.all()}
    assert set(subnets) == {"snet-web", "snet-api", "snet-data", "snet-workers", "snet-appservice"}
    assert subnets["snet-api"].address_prefixes == "10.10.2.0/24"
    assert run.counts["virtual_networks"]["created"] == 3


def test_removed_network_and_subnet_are_soft_deleted_and_come_back(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Production")
    refresh_now(subscription)
    group = fresh_azure_sandbox.world.subscription_named("Production").resource_groups[
        "rg-prod-network"
    ]
    hub = group.virtual_networks.pop("vnet-prod-hub-eastus")
    web = group.virtual_networks["vnet-prod-eastus"].subnets.pop("snet-web")
    run = refresh_now(subscription)
    assert run.status == "succeeded", run.error
    assert "vnet-prod-hub-eastus" not in _live(VirtualNetwork)
    assert "snet-web" not in _live(Subnet, virtual_network__name="vnet-prod-eastus")
    assert run.counts["virtual_networks"]["deleted"] == 1
    # The hub's own subnets go with it.
    assert not _live(Subnet, virtual_network__name="vnet-prod-hub-eastus")

    group.virtual_networks["vnet-prod-hub-eastus"] = hub
    group.virtual_networks["vnet-prod-eastus"].subnets["snet-web"] = web
    refresh_now(subscription)
    assert "vnet-prod-hub-eastus" in _live(VirtualNetwork)
    assert "snet-web" in _live(Subnet, virtual_network__name="vnet-prod-eastus")
    assert _live(Subnet, virtual_network__name="vnet-prod-hub-eastus")


def test_a_failed_network_list_keeps_every_cached_network(
    connect: Any, fresh_azure_sandbox: Any
) -> None:
    subscription = connect("Production")
    refresh_now(subscription)
    before = _live(VirtualNetwork)
    fresh_azure_sandbox.faults.add(kind="error", status=403, path_pattern="/virtualnetworks$")
    run = refresh_now(subscription)
    assert run.status == "partial"
    assert "Listing the virtual networks failed" in run.error
    assert _live(VirtualNetwork) == before
    # The galleries were listed whole all the same.
    assert run.counts["versions"]["unchanged"] > 0


def test_unchanged_networks_are_not_written_again(connect: Any, fresh_azure_sandbox: Any) -> None:
    subscription = connect("Production")
    refresh_now(subscription)
    run = refresh_now(subscription)
    for kind in ("virtual_networks", "subnets"):
        counts = run.counts[kind]
        assert counts["created"] == counts["updated"] == counts["deleted"] == 0
        assert counts["unchanged"] > 0

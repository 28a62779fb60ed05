"""Reads of the cached virtual networks and subnets for the Network tab, scoped to one
organization's subscription and narrowed to the group's region, as Spot's console offers them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from console.models import Organization
from galleries.models import ConnectedSubscription, Subnet, VirtualNetwork
from galleries.regions import normalize_region, region_display_name
from galleries.selectors import subscription_for_account

# The editor's inputs the suggestions follow.
NETWORK_INPUTS = ("region", "network_resource_group_name", "virtual_network_name")
# Longer lists are cut (the field stays free text: typing narrows nothing, but any name goes).
CAP = 200


@dataclass
class NetworkChoices:
    subscription: ConnectedSubscription | None = None
    region: str = ""
    resource_groups: list[str] = field(default_factory=list)
    # (name, resource group, address prefixes)
    networks: list[tuple[str, str, str]] = field(default_factory=list)
    # (name, address prefixes)
    subnets: list[tuple[str, str]] = field(default_factory=list)
    # what was typed that the inventory does not know (kept: the inventory may lag Azure)
    unknown: list[str] = field(default_factory=list)

    @property
    def region_name(self) -> str:
        return region_display_name(self.region) if self.region else ""


def network_choices(
    organization: Organization,
    account_id: str,
    subscriptions: Iterable[ConnectedSubscription] | None = None,
    /,
    *,
    region: str = "",
    network_resource_group_name: str = "",
    virtual_network_name: str = "",
) -> NetworkChoices:
    """Resource groups holding virtual networks in `region` (every region when blank), the
    networks of the resource group typed (or of all of them), the subnets of the network typed.
    The keywords are the editor's input names (NETWORK_INPUTS); `subscriptions`: the
    organization's (subscriptions_for), when the caller has read them."""
    resource_group, network = network_resource_group_name, virtual_network_name
    subscription = (
        subscription_for_account(organization, account_id, subscriptions) if account_id else None
    )
    region = normalize_region(region)
    choices = NetworkChoices(subscription=subscription, region=region)
    if subscription is None:
        return choices
    live = VirtualNetwork.objects.filter(subscription=subscription, deleted_at=None)
    if region:
        live = live.filter(location=region)
    choices.resource_groups = sorted(
        set(live.values_list("resource_group_name", flat=True)), key=str.lower
    )[:CAP]
    in_group = live.filter(resource_group_name__iexact=resource_group) if resource_group else live
    choices.networks = list(
        in_group.order_by("name").values_list("name", "resource_group_name", "address_prefixes")[
            :CAP
        ]
    )
    if resource_group and resource_group.lower() not in {
        name.lower() for name in choices.resource_groups
    }:
        choices.unknown.append(f"resource group {resource_group}")
    if network:
        chosen = in_group.filter(name__iexact=network)
        choices.subnets = list(
            Subnet.objects.filter(virtual_network__in=chosen, deleted_at=None)
            .order_by("name")
            .values_list("name", "address_prefixes")[:CAP]
        )
        # Listed already unless the list was cut short: then it takes a look-up.
        listed = any(name.lower() == network.lower() for name, _, _ in choices.networks)
        if not listed and (len(choices.networks) < CAP or not chosen.exists()):
            choices.unknown.append(f"virtual network {network}")
    return choices

"""Apply a full refresh's virtual networks and subnets to the cache, with the rules of the
galleries' rows: only changed rows are written, a network is soft-deleted only when the
subscription's network list answered whole without it, a subnet when its network was listed
without it (ARM lists a network's subnets inside it) or the network is gone."""

from __future__ import annotations

from galleries.models import Subnet, VirtualNetwork

from .row_sync import RowSync
from .snapshot import Snapshot

NETWORK_FIELDS = ("name", "resource_group_name", "location", "address_prefixes")
SUBNET_FIELDS = ("name", "virtual_network_id", "address_prefixes")


def apply_networks(rows: RowSync, snapshot: Snapshot) -> None:
    if not snapshot.networks_complete:
        return  # the list failed: every cached network and subnet is kept as it was
    networks = rows.existing(VirtualNetwork, NETWORK_FIELDS)
    subnets = rows.existing(Subnet, SUBNET_FIELDS)
    network_pk = rows.sync(
        "virtual_networks",
        VirtualNetwork,
        networks,
        (
            (n.arm_id, (n.name, n.resource_group_name, n.location, n.address_prefixes))
            for n in snapshot.virtual_networks.values()
        ),
        NETWORK_FIELDS,
        {},
    )
    seen_subnets = {
        s.arm_id: (s.name, network_pk[s.network_id], s.address_prefixes)
        for n in snapshot.virtual_networks.values()
        for s in n.subnets
    }
    rows.sync("subnets", Subnet, subnets, seen_subnets.items(), SUBNET_FIELDS, {})
    gone_networks = [
        row.pk for arm_id, row in networks.items() if arm_id not in snapshot.virtual_networks
    ]
    rows.soft_delete(
        "subnets", Subnet, (row.pk for arm_id, row in subnets.items() if arm_id not in seen_subnets)
    )
    rows.soft_delete("virtual_networks", VirtualNetwork, gone_networks)

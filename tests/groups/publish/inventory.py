"""The gallery inventory both consoles know: the same images in each one's own accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.models import Account
from galleries.models import ConnectedSubscription
from tests.inventory_factories import connect_account, gallery_image, share


@dataclass
class Inventory:
    account: Account
    images_account: Account
    subscription: ConnectedSubscription


def seed_inventory(account: Account, images_account: Account) -> Inventory:
    """ubuntu-22 (1.0.0, 1.1.0) in `account`'s gallery; win-2022 in `images_account`'s,
    shared with `account`'s subscription."""
    subscription = connect_account(account, display_name=f"{account.name} subscription")
    images_subscription = connect_account(
        images_account, display_name=f"{images_account.name} subscription"
    )
    gallery_image(
        subscription,
        resource_group="rg-images",
        gallery="contosogallery",
        image="ubuntu-22",
        versions={"1.0.0": ["eastus"], "1.1.0": ["eastus"]},
    )
    shared: Any = gallery_image(
        images_subscription,
        resource_group="rg-shared",
        gallery="sharedgallery",
        image="win-2022",
        os_type="Windows",
        versions={"3.0.0": ["eastus"]},
    )
    share(subscription, shared.gallery, "readable")
    return Inventory(account, images_account, subscription)

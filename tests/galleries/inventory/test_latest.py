"""THE "latest in region" rule, every case once, through both of its users: the ORM callers
(validation, the inventory API and pages) and the cascade's SQL (the Version dropdown)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from galleries.cascade.queries import chosen_image, subscription_with_age
from galleries.cascade.selection import selection_from
from galleries.inventory.latest import latest_version
from galleries.models import ImageVersion, VersionRegion
from tests.factories import AccountFactory
from tests.inventory_factories import connect_account, gallery_image

pytestmark = pytest.mark.django_db

BOTH = ["eastus", "westeurope"]

# (case, versions and the regions they are replicated to, what is done to "2.0.0", region
# asked about, the latest expected there)
CASES = [
    ("the highest version wins", {"1.9.0": BOTH, "1.10.0": BOTH}, None, "eastus", "1.10.0"),
    ("a failed version never counts", {"1.0.0": BOTH, "2.0.0": BOTH}, "failed", "eastus", "1.0.0"),
    ("excluded from latest", {"1.0.0": BOTH, "2.0.0": BOTH}, "excluded", "eastus", "1.0.0"),
    (
        "excluded in that region",
        {"1.0.0": BOTH, "2.0.0": BOTH},
        "excluded in eastus",
        "eastus",
        "1.0.0",
    ),
    (
        "excluded in another region",
        {"1.0.0": BOTH, "2.0.0": BOTH},
        "excluded in eastus",
        "westeurope",
        "2.0.0",
    ),
    (
        "not replicated to the region",
        {"1.0.0": BOTH, "2.0.0": ["westeurope"]},
        None,
        "eastus",
        "1.0.0",
    ),
    ("deleted from the gallery", {"1.0.0": BOTH, "2.0.0": BOTH}, "deleted", "eastus", "1.0.0"),
    ("end of life passed still counts", {"1.0.0": BOTH, "2.0.0": BOTH}, "eol", "eastus", "2.0.0"),
    ("a region's display name", {"1.0.0": BOTH, "2.0.0": BOTH}, None, "West Europe", "2.0.0"),
    ("nothing eligible", {"2.0.0": ["westeurope"]}, None, "eastus", None),
]


def _mark(image: Any, change: str | None) -> None:
    if change is None:
        return
    version = ImageVersion.objects.get(image=image, name="2.0.0")
    if change == "failed":
        ImageVersion.objects.filter(pk=version.pk).update(provisioning_state="Failed")
    elif change == "excluded":
        ImageVersion.objects.filter(pk=version.pk).update(exclude_from_latest=True)
    elif change == "excluded in eastus":
        VersionRegion.objects.filter(version=version, region="eastus").update(
            exclude_from_latest=True
        )
    elif change == "deleted":
        ImageVersion.objects.filter(pk=version.pk).update(deleted_at=timezone.now())
    elif change == "eol":
        yesterday = timezone.now() - timedelta(days=1)
        ImageVersion.objects.filter(pk=version.pk).update(end_of_life_date=yesterday)


@pytest.mark.parametrize(
    ("versions", "change", "region", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_latest_in_region(versions: dict, change: str | None, region: str, expected: Any) -> None:
    subscription = connect_account(AccountFactory())
    image = gallery_image(subscription, versions=versions)
    _mark(image, change)

    with CaptureQueriesContext(connection) as queries:
        found = latest_version(image, region)
    assert (found.name if found else None) == expected
    assert len(queries) == 1

    # The Version dropdown's "Latest (currently …)" reads the same rule inside its own SQL.
    sub = subscription_with_age(subscription.organization, subscription.account_id)
    selection = selection_from(
        {
            "spot_account_id": subscription.account_id,
            "gallery_resource_group_name": "rg-images",
            "gallery_name": "contosogallery",
            "image_name": image.name,
            "region": region,
        }
    )
    chosen = chosen_image(sub, selection)
    assert chosen is not None
    assert chosen.latest_name == expected
    assert chosen.latest_id == (found.pk if found else None)

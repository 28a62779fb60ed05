"""The read contract other apps build on: scoping, case-insensitivity, single queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from galleries import selectors
from galleries.arm_ids import version_sort_key
from galleries.inventory.latest import latest_version
from galleries.regions import AZURE_REGIONS, normalize_region
from tests.factories import AccountFactory
from tests.inventory_factories import connect_account, gallery_image

pytestmark = pytest.mark.django_db


def test_version_sort_key_orders_like_versions() -> None:
    assert version_sort_key("1.2.10") == "000001.000002.000010"
    names = ["1.10.0", "1.2.10", "1.2.9", "10.0.0", "2.0.0"]
    assert sorted(names, key=version_sort_key) == ["1.2.9", "1.2.10", "1.10.0", "2.0.0", "10.0.0"]
    assert version_sort_key("1.0.beta") > version_sort_key("1.0.9")  # odd names never raise


def test_regions() -> None:
    assert normalize_region("East US 2") == "eastus2"
    assert ("westeurope", "West Europe") in AZURE_REGIONS
    assert len(AZURE_REGIONS) >= 40
    assert all(normalize_region(display) == name for name, display in AZURE_REGIONS)


@pytest.fixture
def subscription() -> Any:
    return connect_account(AccountFactory())


def test_lookups_ignore_case_and_deleted_rows(subscription: Any) -> None:
    image = gallery_image(
        subscription,
        resource_group="RG-Images",
        gallery="MyGallery",
        image="Ubuntu",
        os_type="Linux",
    )
    organization = subscription.organization
    found = selectors.find_image(
        organization,
        account_id=subscription.account_id,
        resource_group_name="rg-images",
        gallery_name="MYGALLERY",
        image_name="ubuntu",
    )
    assert found == image
    assert [g.name for g in selectors.galleries_for(subscription, "rg-IMAGES")] == ["MyGallery"]
    assert list(selectors.images_for(subscription, "rg-images", "mygallery", "linux")) == [image]
    assert list(selectors.images_for(subscription, "rg-images", "mygallery", "Windows")) == []
    assert [rg.name for rg in selectors.resource_groups_for(subscription)] == ["RG-Images"]
    image.gallery.deleted_at = timezone.now()
    image.gallery.save()
    assert list(selectors.resource_groups_for(subscription)) == []
    assert list(selectors.images_for(subscription, "rg-images", "mygallery")) == []
    other_org = AccountFactory().organization
    assert (
        selectors.find_image(
            other_org,
            account_id=subscription.account_id,
            resource_group_name="rg-images",
            gallery_name="mygallery",
            image_name="ubuntu",
        )
        is None
    )


def test_versions_newest_first_and_by_region(subscription: Any) -> None:
    image = gallery_image(
        subscription,
        versions={"1.2.9": ["eastus"], "1.2.10": ["westeurope"], "1.10.0": ["eastus"]},
    )
    assert [v.name for v in selectors.versions_for(image)] == ["1.10.0", "1.2.10", "1.2.9"]
    assert [v.name for v in selectors.versions_for(image, "East US")] == ["1.10.0", "1.2.9"]
    assert selectors.find_version(image, "1.2.10") is not None
    assert selectors.find_version(image, "9.9.9") is None


def test_dropdown_selectors_are_single_queries(subscription: Any) -> None:
    image = gallery_image(subscription, versions={"1.0.0": ["eastus"], "1.1.0": ["eastus"]})
    with CaptureQueriesContext(connection) as captured:
        list(selectors.images_for(subscription, "rg-images", "contosogallery"))
        list(selectors.versions_for(image, "eastus"))
        latest_version(image, "eastus")
    assert len(captured) == 3


def test_inventory_regions_are_the_organizations_live_versions_regions(subscription: Any) -> None:
    image = gallery_image(
        subscription,
        versions={"1.0.0": ["westus", "eastus"], "1.1.0": ["northeurope"], "1.2.0": ["uksouth"]},
    )
    image.versions.filter(name="1.2.0").update(deleted_at=timezone.now())
    other = connect_account(AccountFactory())
    gallery_image(other, versions={"2.0.0": ["japaneast", "eastus"]})

    regions = selectors.inventory_regions(subscription.organization)

    # Sorted by code, another organization's (japaneast) and a deleted version's (uksouth) left out.
    assert [code for code, _ in regions] == ["eastus", "northeurope", "westus"]
    assert regions[0] == ("eastus", "East US")
    assert selectors.inventory_regions(AccountFactory().organization) == []

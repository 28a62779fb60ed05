"""A subscription that Azure reports as Disabled or Warned is said so wherever it is used:
on its own page, on the groups that deploy to it or take their image from it, in the cascade.
(The refresh reads the state from Azure: see the fault matrix in tests/galleries.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.models import Role
from groups.models import Group
from tests.factories import log_in_as

from .conftest import valid_form

pytestmark = pytest.mark.django_db


def _disable(subscription: Any, state: str = "Disabled") -> None:
    subscription.azure_state = state
    subscription.save(update_fields=["azure_state"])


def test_groups_using_a_disabled_subscription_say_so(editor_client: Client, world: Any) -> None:
    assert editor_client.post("/groups/new/", valid_form(world)).status_code == 302
    group = Group.objects.get()
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert "Azure reports subscription" not in page
    _disable(world.own_sub)
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert (
        "Azure reports subscription Production subscription as Disabled "
        "(it deploys there and its image comes from there)"
    ) in page
    assert "nothing new can be deployed until it is re-enabled" in page
    listing = editor_client.get("/groups/").content.decode()
    assert "Disabled in Azure" in listing


def test_a_warned_image_subscription_is_named_as_the_images_home(
    editor_client: Client, world: Any
) -> None:
    form = valid_form(
        world,
        spot_account_id=world.other.id,
        gallery_resource_group_name="shared-rg",
        gallery_name="sharedgal",
        image_name="golden",
    )
    assert editor_client.post("/groups/new/", form).status_code == 302
    _disable(world.other_sub, "Warned")
    group = Group.objects.get()
    page = editor_client.get(f"/groups/{group.id}/").content.decode()
    assert (
        "Azure reports subscription Images subscription as Warned (its image comes from there)"
        in page
    )
    assert "alert-warning" in page
    drafts_and_lists = editor_client.get("/groups/").content.decode()
    assert "Warned in Azure" in drafts_and_lists


def test_the_cascade_says_so_under_the_first_level(editor_client: Client, world: Any) -> None:
    params = {"spot_account_id": world.own.id, "group_account": world.own.id}
    fragment = editor_client.get(
        "/cascade/level/gallery_resource_group_name/", params, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "azure-state-note" not in fragment
    _disable(world.own_sub)
    fragment = editor_client.get(
        "/cascade/level/gallery_resource_group_name/", params, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Azure reports Production subscription as Disabled" in fragment


def test_the_subscription_pages_show_the_state(client: Client, world: Any) -> None:
    log_in_as(client, Role.ADMIN, organization=world.org)
    _disable(world.own_sub, "PastDue")
    listing = client.get("/settings/subscriptions/").content.decode()
    assert "Past due in Azure" in listing
    detail = client.get(f"/settings/subscriptions/{world.own_sub.pk}/").content.decode()
    assert "Payment for this subscription is past due" in detail
    other = client.get(f"/settings/subscriptions/{world.other_sub.pk}/").content.decode()
    assert "not read yet" in other

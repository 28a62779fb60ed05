"""The Network tab's resource group, virtual network and subnet suggestions, from the cached
inventory of the group's own subscription, narrowed to the group's region."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from galleries.models import ConnectedSubscription, Subnet, VirtualNetwork
from groups.models import Group
from tests.factories import AccountFactory, OrganizationFactory
from tests.groups.editor.conftest import valid_form
from tests.groups.editor.test_browser import open_tab
from tests.inventory_factories import connect_account

OPTIONS = reverse("galleries:network_options")


def add_network(
    subscription: ConnectedSubscription,
    rg: str,
    name: str,
    location: str,
    subnets: tuple[str, ...] = ("default",),
    deleted: bool = False,
) -> VirtualNetwork:
    arm_id = (
        f"/subscriptions/{subscription.subscription_id}/resourcegroups/{rg.lower()}"
        f"/providers/microsoft.network/virtualnetworks/{name.lower()}"
    )
    now = timezone.now()
    network = VirtualNetwork.objects.create(
        subscription=subscription, arm_id=arm_id, name=name, resource_group_name=rg,
        location=location, address_prefixes="10.0.0.0/16", last_seen_at=now,
        deleted_at=now if deleted else None,
    )  # fmt: skip
    for n, subnet in enumerate(subnets):
        Subnet.objects.create(
            subscription=subscription, virtual_network=network, name=subnet,
            arm_id=f"{arm_id}/subnets/{subnet.lower()}", address_prefixes=f"10.0.{n}.0/24",
            last_seen_at=now,
        )  # fmt: skip
    return network


@pytest.fixture
def networks(editor_world: SimpleNamespace) -> SimpleNamespace:
    add_network(editor_world.own_sub, "rg-net", "vnet-east", "eastus", ("snet-web", "snet-api"))
    add_network(editor_world.own_sub, "rg-net", "vnet-east-2", "eastus", ("snet-other",))
    add_network(editor_world.own_sub, "rg-hub", "vnet-hub", "eastus", ("snet-hub",))
    add_network(editor_world.own_sub, "rg-west", "vnet-west", "westus", ("snet-west",))
    add_network(editor_world.own_sub, "rg-old", "vnet-gone", "eastus", deleted=True)
    # Another account of the organization, and another organization: never offered.
    add_network(editor_world.other_sub, "rg-images-net", "vnet-images", "eastus")
    stranger = connect_account(AccountFactory(organization=OrganizationFactory(), name="X"))
    add_network(stranger, "rg-theirs", "vnet-theirs", "eastus")
    return editor_world


def options(html: str, which: str) -> list[str]:
    block = re.search(rf'<datalist id="network-{which}-options">(.*?)</datalist>', html, re.S)
    assert block is not None
    return re.findall(r'<option value="([^"]+)"', block.group(1))


@pytest.mark.django_db
def test_suggestions_follow_region_resource_group_and_network(
    editor_client: Any, networks: SimpleNamespace
) -> None:
    account = networks.own.id
    east = editor_client.get(OPTIONS, {"group_account": account, "region": "East US"})
    html = east.content.decode()
    assert options(html, "rg") == ["rg-hub", "rg-net"]
    assert options(html, "vnet") == ["vnet-east", "vnet-east-2", "vnet-hub"]
    assert options(html, "subnet") == []
    narrowed = editor_client.get(
        OPTIONS,
        {"group_account": account, "region": "eastus", "network_resource_group_name": "RG-NET",
         "virtual_network_name": "vnet-east"},
    ).content.decode()  # fmt: skip
    assert options(narrowed, "vnet") == ["vnet-east", "vnet-east-2"]
    assert options(narrowed, "subnet") == ["snet-api", "snet-web"]
    every = editor_client.get(OPTIONS, {"group_account": account}).content.decode()
    assert "rg-west" in options(every, "rg")
    assert "rg-old" not in options(every, "rg")  # soft-deleted


@pytest.mark.django_db
def test_names_the_inventory_does_not_know_are_kept_and_said(
    editor_client: Any, networks: SimpleNamespace
) -> None:
    html = editor_client.get(
        OPTIONS,
        {"group_account": networks.own.id, "region": "eastus",
         "network_resource_group_name": "rg-new", "virtual_network_name": "vnet-new"},
    ).content.decode()  # fmt: skip
    assert "does not know the resource group rg-new" in html
    assert "does not know the virtual network vnet-new" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"group_account": "act-nope"},
        {"group_account": ""},
        {"group_account": "x" * 5000, "region": "Atlantis"},
        {"virtual_network_name": "%%%", "network_resource_group_name": "_"},
    ],
)
def test_another_organizations_account_or_bad_input_offers_nothing(
    editor_client: Any, networks: SimpleNamespace, params: dict[str, str]
) -> None:
    response = editor_client.get(OPTIONS, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert options(html, "vnet") == []
    assert "vnet-theirs" not in html


@pytest.mark.django_db
def test_viewer_sees_suggestions_signed_out_does_not(
    viewer_client: Any, networks: SimpleNamespace
) -> None:
    html = viewer_client.get(OPTIONS, {"group_account": networks.own.id}).content.decode()
    assert "vnet-west" in options(html, "vnet")
    viewer_client.logout()
    assert viewer_client.get(OPTIONS, {"group_account": networks.own.id}).status_code == 302


@pytest.mark.django_db
def test_editor_renders_the_suggestions_with_the_inputs(
    editor_client: Any, networks: SimpleNamespace
) -> None:
    html = editor_client.get(reverse("groups:stateless_create")).content.decode()
    assert re.search(r'id="id_virtual_network_name"[^>]*list="network-vnet-options"', html) or (
        re.search(r'list="network-vnet-options"[^>]*id="id_virtual_network_name"', html)
    )
    assert "vnet-west" in options(html, "vnet")  # no region chosen yet: every region


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_network_tab_offers_the_inventory_and_keeps_free_text(page, live_server, networks):
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Region").select_option("westus")
    open_tab(page, "Network")
    summary = page.locator("#network-summary")
    expect(summary).to_contain_text("in West US: 1 resource group, 1 virtual network")
    expect(page.locator("#network-vnet-options option")).to_have_count(1)
    open_tab(page, "General")
    page.get_by_label("Region").select_option("eastus")
    open_tab(page, "Network")
    expect(summary).to_contain_text("in East US: 2 resource groups, 3 virtual networks")
    page.get_by_label("Network resource group").fill("rg-net")
    expect(page.locator("#network-vnet-options option")).to_have_count(2)
    page.get_by_label("Virtual network").fill("vnet-east")
    expect(page.locator("#network-subnet-options option")).to_have_count(2)
    expect(page.locator("#network-subnet-options option").first).to_have_attribute(
        "value", "snet-api"
    )
    # A name the inventory does not know yet stays possible, and is saved as typed.
    page.get_by_label("Subnet").fill("snet-brand-new")
    page.get_by_label("Virtual network").fill("vnet-made-today")
    expect(page.locator("#network-options")).to_contain_text(
        "does not know the virtual network vnet-made-today"
    )
    expect(page.get_by_label("Virtual network")).to_have_value("vnet-made-today")


@pytest.mark.django_db
def test_free_text_network_names_save(editor_client: Any, networks: SimpleNamespace) -> None:
    data = valid_form(networks, virtual_network_name="vnet-made-today", subnet_name="snet-new")
    response = editor_client.post(reverse("groups:stateless_create"), data)
    assert response.status_code == 302
    spec = Group.objects.get().spec
    assert "vnet-made-today" in str(spec)
    assert "snet-new" in str(spec)

"""Data for the groups core and API tests: an organization with two connected accounts,
a gallery in each, members by role with real API tokens, and Spot bodies to send."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from console.models import Account, Membership, Organization, Role
from console.services import create_api_token
from galleries.models import ConnectedSubscription, GalleryImage
from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory
from tests.go_decode import GoDecoder
from tests.inventory_factories import connect_account, gallery_image, share

from .http import Decoding


@dataclass
class World:
    organization: Organization
    account: Account  # the oldest account: the API's default
    other_account: Account  # a second subscription whose gallery is shared with the first
    subscription: ConnectedSubscription
    other_subscription: ConnectedSubscription
    image: GalleryImage  # ubuntu-22 in the account's own gallery: 1.0.0, 1.1.0 in eastus
    shared_image: GalleryImage  # win-2022 (Windows) in the other account's gallery
    tokens: dict[str, str]  # role -> raw bearer token
    members: dict[str, Membership]


@pytest.fixture
def world(db: Any) -> World:
    organization = OrganizationFactory(name="Contoso")
    account = AccountFactory(organization=organization, name="Production")
    other_account = AccountFactory(organization=organization, name="Shared images")
    subscription = connect_account(account, display_name="Contoso Production")
    other_subscription = connect_account(other_account, display_name="Contoso Images")
    image = gallery_image(
        subscription,
        resource_group="rg-images",
        gallery="contosogallery",
        image="ubuntu-22",
        versions={"1.0.0": ["eastus", "westeurope"], "1.1.0": ["eastus"], "0.9.0": ["eastus"]},
        failed=("0.9.0",),
    )
    gallery_image(
        subscription,
        resource_group="rg-images",
        gallery="contosogallery",
        image="appliance",
        os_state="Specialized",
        versions={"2.0.0": ["eastus"]},
    )
    shared_image = gallery_image(
        other_subscription,
        resource_group="rg-shared",
        gallery="sharedgallery",
        image="win-2022",
        os_type="Windows",
        versions={"3.0.0": ["eastus"], "3.1.0": ["eastus"]},
    )
    share(subscription, shared_image.gallery, "readable")
    tokens: dict[str, str] = {}
    members: dict[str, Membership] = {}
    for role in (Role.ADMIN, Role.EDITOR, Role.VIEWER):
        member = MembershipFactory(organization=organization, role=role)
        _, raw = create_api_token(user=member.user, organization=organization, name=f"{role} ci")
        tokens[str(role)] = raw
        members[str(role)] = member
    return World(
        organization,
        account,
        other_account,
        subscription,
        other_subscription,
        image,
        shared_image,
        tokens,
        members,
    )


@pytest.fixture
def sandbox_cloud(settings: Any, fresh_azure_sandbox: Any) -> Any:
    """The deployment's default cloud is the Azure sandbox, as in the demo."""
    settings.AZURE_DEFAULT_CLOUD = "custom"
    settings.AZURE_DEFAULT_ARM_ENDPOINT = fresh_azure_sandbox.base_url
    settings.AZURE_DEFAULT_AUTHORITY_HOST = fresh_azure_sandbox.base_url
    settings.AZURE_DEFAULT_CA_BUNDLE = str(fresh_azure_sandbox.ca_file)
    return fresh_azure_sandbox


@pytest.fixture(autouse=True)
def every_answer_go_decoded(go_decoder: GoDecoder) -> Iterator[None]:
    """Each answer `call` gets is decoded as spotinst-sdk-go does (tests/groups_api/http.py)."""
    Decoding.decoder = go_decoder
    yield
    Decoding.decoder = None

"""End to end against the Azure sandbox: connect two subscriptions, refresh their inventory and
check sharing for real, then drive the API with spotinst-sdk2 on images that exist there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spotinst_sdk2 import SpotinstSession
from spotinst_sdk2.client import SpotinstClientException
from spotinst_sdk2.models.elastigroup import azure_v3 as eg

from console.models import Role
from console.services import create_api_token
from galleries import selectors as inventory
from galleries.azure.clients import ConnectionSettings
from galleries.inventory.latest import latest_version
from galleries.models import Cloud
from galleries.refresh.runs import refresh_now
from galleries.sharing import check_sharing
from galleries.subscriptions.services import connect_subscription
from tests.factories import MembershipFactory, OrganizationFactory

from .bodies import SSH_KEY


def _connect(sandbox: Any, organization: Any, display_name: str) -> Any:
    info = sandbox.connection
    sub = next(s for s in info["subscriptions"] if s["display_name"] == display_name)
    principal = next(p for p in info["principals"] if p["client_id"] == sub["principal_client_id"])
    connection = ConnectionSettings(
        subscription_id=sub["id"],
        tenant_id=sub["tenant_id"],
        client_id=principal["client_id"],
        client_secret=principal["client_secret"],
        cloud=Cloud.CUSTOM,
        arm_endpoint=info["arm_base_url"],
        authority_host=info["authority_host"],
        ca_bundle_pem=Path(info["ca_file"]).read_text(),
    )
    subscription = connect_subscription(
        organization=organization,
        actor=None,
        display_name=display_name,
        connection=connection,
        refresh=False,
    )
    assert refresh_now(subscription).status == "succeeded"
    return subscription


@pytest.fixture
def connected(transactional_db, fresh_azure_sandbox, live_server):
    organization = OrganizationFactory(name="Contoso sandbox")
    production = _connect(fresh_azure_sandbox, organization, "Production")
    shared = _connect(fresh_azure_sandbox, organization, "Shared Images")
    check_sharing(organization)
    member = MembershipFactory(organization=organization, role=Role.EDITOR)
    _, token = create_api_token(user=member.user, organization=organization, name="e2e")
    session = SpotinstSession(
        base_url=live_server.url, auth_token=token, account_id=production.account_id
    )
    return (
        organization,
        production,
        shared,
        session.client("elastigroup_azure_v3", print_output=False),
    )


def _latest_region(organization, subscription, rg, gallery, image) -> str:
    found = inventory.find_image(
        organization,
        account_id=subscription.account_id,
        resource_group_name=rg,
        gallery_name=gallery,
        image_name=image,
    )
    assert found is not None
    regions = {r.region for v in inventory.versions_for(found) for r in v.regions.all()}
    return next(r for r in sorted(regions) if latest_version(found, r) is not None)


def _group(name: str, region: str, gallery: eg.Gallery) -> eg.Elastigroup:
    return eg.Elastigroup(
        name=name,
        region=region,
        resource_group_name="rg-prod-network",
        capacity=eg.Capacity(minimum=0, maximum=2, target=1),
        strategy=eg.Strategy(spot_percentage=100, fallback_to_od=True),
        compute=eg.Compute(
            os="Linux",
            vm_sizes=eg.VmSizes(od_sizes=["standard_d2s_v5"], spot_sizes=["standard_d2s_v5"]),
            launch_specification=eg.LaunchSpecification(
                image=eg.Image(gallery=gallery),
                network=eg.Network(
                    resource_group_name="rg-prod-network",
                    virtual_network_name="vnet-prod",
                    network_interfaces=[eg.NetworkInterface(is_primary=True, subnet_name="app")],
                ),
                login=eg.Login(user_name="azureuser", ssh_public_key=SSH_KEY),
            ),
        ),
    )


def test_groups_on_refreshed_sandbox_images(connected):
    organization, production, shared, client = connected
    region = _latest_region(
        organization, production, "rg-prod-images", "gal_prod_apps", "web-frontend"
    )
    own = client.create_elastigroup(
        _group(
            "web",
            region,
            eg.Gallery(
                resource_group_name="rg-prod-images",
                gallery_name="gal_prod_apps",
                image_name="web-frontend",
                version="latest",
            ),
        )
    )
    assert own["id"].startswith("sig-")

    # gal_shared_main is shared with Production's principal; gal_shared_archive is not.
    region = _latest_region(
        organization, shared, "rg-shared-images", "gal_shared_main", "ubuntu-22.04-lts"
    )
    cross = client.create_elastigroup(
        _group(
            "cross",
            region,
            eg.Gallery(
                resource_group_name="rg-shared-images",
                gallery_name="gal_shared_main",
                image_name="ubuntu-22.04-lts",
                version="latest",
                spot_account_id=shared.account_id,
            ),
        )
    )
    assert cross["compute"]["launch_specification"]["image"]["gallery"]["spot_account_id"] == (
        shared.account_id
    )

    region = _latest_region(
        organization, shared, "rg-shared-images", "gal_shared_archive", "ubuntu-20.04-lts"
    )
    with pytest.raises(SpotinstClientException) as failure:
        client.create_elastigroup(
            _group(
                "archive",
                region,
                eg.Gallery(
                    resource_group_name="rg-shared-images",
                    gallery_name="gal_shared_archive",
                    image_name="ubuntu-20.04-lts",
                    version="latest",
                    spot_account_id=shared.account_id,
                ),
            )
        )
    assert "GALLERY_NOT_SHARED" in failure.value.message
    assert {g["name"] for g in client.get_elastigroups()} == {"web", "cross"}

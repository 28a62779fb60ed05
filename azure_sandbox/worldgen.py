"""Deterministic worlds: the realistic default world (the large benchmark world: worldgen_large).

Everything derives from a seeded ``random.Random`` and fixed dates, so every call
returns the same world (ids, secrets, versions, dates) for the same arguments.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from azure_sandbox.world import (
    Gallery,
    ImageDefinition,
    ImageVersion,
    Principal,
    ResourceGroup,
    Settings,
    Subnet,
    Subscription,
    TargetRegion,
    Tenant,
    VirtualNetwork,
    World,
)

_EPOCH = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
_EOL_PAST = datetime(2025, 6, 30, tzinfo=UTC)
_EOL_FUTURE = datetime(2028, 12, 31, tzinfo=UTC)
_REGIONS = ["eastus", "eastus2", "westus2", "westeurope", "northeurope"]
_STORAGE = ["Standard_LRS", "Standard_LRS", "Standard_ZRS", "Premium_LRS"]


@dataclass(frozen=True)
class _ImageTemplate:
    name: str
    os_type: str
    os_state: str
    generation: str
    architecture: str
    publisher: str
    offer: str
    sku: str
    trusted_launch: bool
    description: str


# The default world's 30 image definitions, per gallery. Columns: name, osType, osState,
# hyperVGeneration, architecture, offer, sku, TrustedLaunch (y/n), description.
_DEFAULT_IMAGE_TABLE = """
gal_shared_main | ubuntu-22.04-lts | Linux | Generalized | V2 | x64 | ubuntu-server | 22_04-lts-gen2 | y | Hardened Ubuntu 22.04 LTS base
gal_shared_main | ubuntu-24.04-lts | Linux | Generalized | V2 | x64 | ubuntu-server | 24_04-lts-gen2 | y | Hardened Ubuntu 24.04 LTS base
gal_shared_main | ubuntu-24.04-lts-arm64 | Linux | Generalized | V2 | Arm64 | ubuntu-server | 24_04-lts-arm64 | n | Ubuntu 24.04 for Ampere
gal_shared_main | rhel-9 | Linux | Generalized | V2 | x64 | rhel | 9-gen2 | y | Red Hat Enterprise Linux 9
gal_shared_main | rhel-8 | Linux | Generalized | V1 | x64 | rhel | 8-gen1 | n | Red Hat Enterprise Linux 8
gal_shared_main | win2022-datacenter | Windows | Generalized | V2 | x64 | windows-server | 2022-datacenter-g2 | y | Windows Server 2022 Datacenter
gal_shared_main | win2019-datacenter | Windows | Generalized | V1 | x64 | windows-server | 2019-datacenter | n | Windows Server 2019 Datacenter
gal_shared_main | win2025-datacenter | Windows | Generalized | V2 | x64 | windows-server | 2025-datacenter-g2 | y | Windows Server 2025 Datacenter
gal_shared_main | debian-12 | Linux | Generalized | V2 | x64 | debian | 12-gen2 | n | Debian 12 bookworm
gal_shared_main | win11-23h2-avd | Windows | Generalized | V2 | x64 | windows-11 | win11-23h2-avd | y | Windows 11 multi-session for AVD
gal_shared_archive | ubuntu-18.04-lts | Linux | Generalized | V1 | x64 | ubuntu-server | 18_04-lts | n | Retired Ubuntu 18.04
gal_shared_archive | ubuntu-20.04-lts | Linux | Generalized | V1 | x64 | ubuntu-server | 20_04-lts | n | Ubuntu 20.04 (archive)
gal_shared_archive | centos-7 | Linux | Generalized | V1 | x64 | centos | 7_9 | n | CentOS 7.9 (end of life)
gal_shared_archive | win2016-datacenter | Windows | Generalized | V1 | x64 | windows-server | 2016-datacenter | n | Windows Server 2016
gal_shared_archive | win2012r2-datacenter | Windows | Specialized | V1 | x64 | windows-server | 2012-r2 | n | Legacy app server snapshot
gal_shared_build | build-agent-ubuntu | Linux | Generalized | V2 | x64 | build-agents | ubuntu-2204 | y | CI build agent
gal_shared_build | build-agent-ubuntu-arm64 | Linux | Generalized | V2 | Arm64 | build-agents | ubuntu-2204-arm64 | n | CI build agent on Arm64
gal_shared_build | build-agent-windows | Windows | Generalized | V2 | x64 | build-agents | win2022 | y | Windows CI build agent
gal_shared_build | packer-base-linux | Linux | Specialized | V2 | x64 | packer | linux-base | n | Packer intermediate image
gal_shared_build | mariner-2 | Linux | Generalized | V2 | Arm64 | mariner | 2-arm64 | n | CBL-Mariner 2.0 Arm64
gal_prod_apps | web-frontend | Linux | Generalized | V2 | x64 | apps | web-frontend | y | Web tier golden image
gal_prod_apps | api-backend | Linux | Generalized | V2 | x64 | apps | api-backend | y | API tier golden image
gal_prod_apps | sql-server-2022 | Windows | Specialized | V2 | x64 | sql | 2022-enterprise | y | SQL Server 2022 node
gal_prod_apps | iis-legacy | Windows | Generalized | V1 | x64 | apps | iis-legacy | n | IIS app server
gal_prod_apps | worker-arm64 | Linux | Generalized | V2 | Arm64 | apps | worker-arm64 | n | Queue workers on Arm64
gal_staging | web-frontend | Linux | Generalized | V2 | x64 | apps | web-frontend | y | Web tier candidate
gal_staging | api-backend | Linux | Generalized | V2 | x64 | apps | api-backend | y | API tier candidate
gal_staging | batch-node | Linux | Specialized | V1 | x64 | apps | batch-node | n | Batch node snapshot
gal_staging | win2022-test | Windows | Generalized | V2 | x64 | windows-server | 2022-test | y | Windows test image
gal_staging | worker-arm64 | Linux | Generalized | V2 | Arm64 | apps | worker-arm64 | n | Worker candidate
"""  # noqa: E501


def _parse_image_table(text: str) -> dict[str, list[_ImageTemplate]]:
    by_gallery: dict[str, list[_ImageTemplate]] = {}
    for line in text.strip().splitlines():
        gallery, name, os_type, state, gen, arch, offer, sku, tl, text_ = (
            cell.strip() for cell in line.split("|")
        )
        template = _ImageTemplate(
            name, os_type, state, gen, arch, "Contoso", offer, sku, tl == "y", text_
        )
        by_gallery.setdefault(gallery, []).append(template)
    return by_gallery


_DEFAULT_IMAGES = _parse_image_table(_DEFAULT_IMAGE_TABLE)


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _secret(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-"
    return "".join(rng.choice(alphabet) for _ in range(40))


def arm_time(moment: datetime) -> str:
    return (
        moment.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond:06d}{moment.microsecond % 10}+00:00"
    )


def _version_names(rng: random.Random, count: int, date_based: bool) -> list[str]:
    names: list[str] = []
    if date_based:
        day = _EPOCH
        for _ in range(count):
            day += timedelta(days=rng.randint(7, 40))
            names.append(f"{day.year}.{day.month}.{day.day}")
        return names
    major, minor, patch = 1, 0, 0
    for _ in range(count):
        names.append(f"{major}.{minor}.{patch}")
        roll = rng.random()
        if roll < 0.06:
            major, minor, patch = major + 1, 0, 0
        elif roll < 0.3:
            minor, patch = minor + 1, 0
        else:
            patch += 1
    return names


def _make_versions(
    rng: random.Random, image: ImageDefinition, count: int, regions: list[str], date_based: bool
) -> None:
    published = _EPOCH + timedelta(days=rng.randint(0, 60), seconds=rng.randint(0, 86_399))
    names = _version_names(rng, count, date_based)
    for index, name in enumerate(names):
        published += timedelta(days=rng.randint(3, 30), seconds=rng.randint(0, 86_399))
        published = published.replace(microsecond=rng.randint(0, 999_999))
        is_latest = index == len(names) - 1
        others = [r for r in regions if r != image.location]
        chosen = [image.location, *rng.sample(others, rng.randint(0, len(others)))]
        target_regions = []
        for region in chosen:
            state, progress = "Completed", 100
            if is_latest and region != image.location and rng.random() < 0.35:
                state, progress = (
                    ("Replicating", rng.randint(5, 95)) if rng.random() < 0.8 else ("Failed", 0)
                )
            target_regions.append(
                TargetRegion(
                    name=region,
                    regional_replica_count=rng.choice([1, 1, 2, 3]),
                    storage_account_type=rng.choice(_STORAGE),
                    exclude_from_latest=rng.random() < 0.05,
                    replication_state=state,
                    replication_progress=progress,
                )
            )
        end_of_life = None
        if index < len(names) // 3 and rng.random() < 0.5:
            end_of_life = arm_time(_EOL_PAST - timedelta(days=rng.randint(0, 300)))
        elif rng.random() < 0.15:
            end_of_life = arm_time(_EOL_FUTURE - timedelta(days=rng.randint(0, 300)))
        image.add_version(
            ImageVersion(
                name=name,
                location=image.location,
                published_date=arm_time(published),
                target_regions=target_regions,
                replica_count=rng.choice([1, 1, 2]),
                storage_account_type=target_regions[0].storage_account_type,
                exclude_from_latest=rng.random() < 0.08,
                end_of_life_date=end_of_life,
                os_disk_size_gb=128 if image.os_type == "Windows" else rng.choice([30, 30, 64]),
                data_disk_sizes_gb=[rng.choice([32, 64, 128])] if rng.random() < 0.2 else [],
            )
        )


def _image_from_template(
    rng: random.Random, template: _ImageTemplate, location: str
) -> ImageDefinition:
    features = (
        [{"name": "SecurityType", "value": "TrustedLaunch"}] if template.trusted_launch else []
    )
    if template.os_type == "Linux" and rng.random() < 0.5:
        features.append({"name": "IsAcceleratedNetworkSupported", "value": "True"})
    retired = (
        "retired" in template.description.lower() or "end of life" in template.description.lower()
    )
    small = template.architecture == "Arm64" or template.os_type == "Linux"
    return ImageDefinition(
        name=template.name,
        location=location,
        os_type=template.os_type,
        os_state=template.os_state,
        publisher=template.publisher,
        offer=template.offer,
        sku=template.sku,
        hyper_v_generation=template.generation,
        architecture=template.architecture,
        features=features,
        description=template.description,
        end_of_life_date=arm_time(_EOL_PAST) if retired else arm_time(_EOL_FUTURE),
        recommended_vcpus=(2, 16) if small else (4, 32),
        recommended_memory_gb=(4, 64) if small else (16, 128),
        tags={"owner": "platform-team"},
    )


def default_world() -> World:
    """One tenant; Production, Staging, Shared Images; 5 galleries, 30 images, ~200 versions."""
    rng = random.Random(20240108)
    tenant = Tenant(_guid(rng), "contoso.onmicrosoft.com")
    world = World(settings=Settings(page_size=4), tenants=[tenant])
    subs: dict[str, Subscription] = {}
    for display_name, slug in [
        ("Production", "production"),
        ("Staging", "staging"),
        ("Shared Images", "shared-images"),
    ]:
        principal = Principal(
            f"sp-gallery-console-{slug}", tenant.id, _guid(rng), _guid(rng), _secret(rng)
        )
        world.principals.append(principal)
        sub = world.add_subscription(
            Subscription(_guid(rng), display_name, tenant.id, principal.client_id)
        )
        world.grant(principal.client_id, f"/subscriptions/{sub.id}", "Reader")
        subs[slug] = sub
    pipeline = Principal("sp-image-pipeline", tenant.id, _guid(rng), _guid(rng), _secret(rng))
    world.principals.append(pipeline)
    world.grant(pipeline.client_id, f"/subscriptions/{subs['shared-images'].id}", "Contributor")

    layout = {
        "production": [
            ("rg-prod-images", "eastus", ["gal_prod_apps"]),
            ("rg-prod-network", "eastus", []),
        ],
        "staging": [
            ("rg-staging-images", "eastus2", ["gal_staging"]),
            ("rg-staging-sandbox", "westus2", []),
        ],
        "shared-images": [
            ("rg-shared-images", "eastus", ["gal_shared_main", "gal_shared_archive"]),
            ("rg-image-build", "westeurope", ["gal_shared_build"]),
            ("rg-shared-logs", "westeurope", []),
        ],
    }
    for slug, groups in layout.items():
        sub = subs[slug]
        for group_name, location, gallery_names in groups:
            group = sub.add_resource_group(ResourceGroup(group_name, location, {"env": slug}))
            for gallery_name in gallery_names:
                gallery = group.add_gallery(
                    Gallery(
                        gallery_name,
                        location,
                        f"{gallery_name.replace('_', ' ')} images",
                        {"env": slug},
                    )
                )
                for template in _DEFAULT_IMAGES[gallery_name]:
                    image = gallery.add_image(_image_from_template(rng, template, location))
                    count = rng.randint(4, 9)
                    _make_versions(rng, image, count, _REGIONS, date_based=template.offer == "apps")
    main = subs["shared-images"].resource_groups["rg-shared-images"].galleries["gal_shared_main"]
    main.description = "Golden images shared with Production"
    shared_scope = (
        f"/subscriptions/{subs['shared-images'].id}/resourceGroups/rg-shared-images"
        "/providers/Microsoft.Compute/galleries/gal_shared_main"
    )
    world.grant(subs["production"].principal_client_id or "", shared_scope, "Reader")
    _mark_one_failed(rng, world)
    _add_default_networks(world, subs)
    return world


# The default world's virtual networks: (subscription, resource group, name, location,
# address space, subnets as (name, prefix, NSG, service endpoints, delegations)).
_DEFAULT_NETWORKS: list[
    tuple[str, str, str, str, str, list[tuple[str, str, str | None, list[str], list[str]]]]
] = [
    ("production", "rg-prod-network", "vnet-prod-eastus", "eastus", "10.10.0.0/16", [
        ("snet-web", "10.10.1.0/24", "nsg-prod-web", ["Microsoft.Storage"], []),
        ("snet-api", "10.10.2.0/24", "nsg-prod-api", ["Microsoft.Storage", "Microsoft.Sql"], []),
        ("snet-data", "10.10.3.0/24", "nsg-prod-data", ["Microsoft.Sql"], []),
        ("snet-workers", "10.10.4.0/23", "nsg-prod-api", [], []),
        ("snet-appservice", "10.10.8.0/26", None, [], ["Microsoft.Web/serverFarms"]),
    ]),
    ("production", "rg-prod-network", "vnet-prod-hub-eastus", "eastus", "10.0.0.0/22", [
        ("AzureFirewallSubnet", "10.0.0.0/26", None, [], []),
        ("AzureBastionSubnet", "10.0.1.0/26", None, [], []),
        ("GatewaySubnet", "10.0.2.0/27", None, [], []),
    ]),
    ("production", "rg-prod-network", "vnet-prod-westus2", "westus2", "10.11.0.0/16", [
        ("snet-web", "10.11.1.0/24", "nsg-prod-web-westus2", [], []),
        ("snet-api", "10.11.2.0/24", "nsg-prod-api-westus2", [], []),
    ]),
    ("staging", "rg-staging-sandbox", "vnet-staging-eastus2", "eastus2", "10.20.0.0/16", [
        ("snet-web", "10.20.1.0/24", "nsg-staging", [], []),
        ("snet-api", "10.20.2.0/24", "nsg-staging", [], []),
        ("snet-batch", "10.20.16.0/20", None, [], []),
    ]),
    ("staging", "rg-staging-sandbox", "vnet-staging-westus2", "westus2", "10.21.0.0/16", [
        ("snet-sandbox", "10.21.0.0/24", None, [], []),
    ]),
    ("shared-images", "rg-image-build", "vnet-image-build", "westeurope", "10.30.0.0/24", [
        ("snet-packer", "10.30.0.0/26", "nsg-packer", ["Microsoft.Storage"], []),
        ("snet-build-agents", "10.30.0.64/26", "nsg-packer", [], []),
    ]),
]  # fmt: skip


def _add_default_networks(world: World, subs: dict[str, Subscription]) -> None:
    """A few virtual networks per subscription, in the regions its groups are used in.

    Their own random stream, so the gallery part of the default world is unchanged.
    """
    rng = random.Random(20240109)
    for slug, group_name, name, location, space, subnets in _DEFAULT_NETWORKS:
        group = subs[slug].resource_groups[group_name]
        network = group.add_virtual_network(
            VirtualNetwork(name, location, [space], _guid(rng), tags={"env": slug})
        )
        for subnet_name, prefix, nsg, endpoints, delegations in subnets:
            network.add_subnet(Subnet(subnet_name, prefix, nsg, endpoints, delegations))


def _mark_one_failed(rng: random.Random, world: World) -> None:
    """Exactly one version of the world ends in provisioning state Failed."""
    versions = [
        v
        for s in world.subscriptions.values()
        for g in s.resource_groups.values()
        for gal in g.galleries.values()
        for i in gal.images.values()
        for v in i.versions.values()
    ]
    failed = rng.choice(versions)
    failed.provisioning_state = "Failed"
    failed.target_regions = [
        failed.target_regions[0],
        *(
            replace(region, replication_state="Failed", replication_progress=0)
            for region in failed.target_regions[1:]
        ),
    ]

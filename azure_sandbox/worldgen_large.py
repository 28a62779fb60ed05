"""The large generated world for benchmarks (``generate_world``): many subscriptions, each with
its own principal, plus ``sp-reader-all`` reading them all.

Deterministic like the default world (``worldgen``), whose image table and helpers it uses.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

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
    ThrottleSettings,
    VirtualNetwork,
    World,
    no_cycle_collection,
)
from azure_sandbox.worldgen import (
    _DEFAULT_IMAGES,
    _EOL_FUTURE,
    _EOL_PAST,
    _EPOCH,
    _REGIONS,
    _STORAGE,
    _guid,
    _image_from_template,
    _secret,
    _version_names,
    arm_time,
)

_REPLICA_COUNTS = (1, 1, 2, 3)
_DAY = 86_400


def _time_table(anchor: datetime, days: int) -> list[str]:
    return [arm_time(anchor - timedelta(days=day)) for day in range(days + 1)]


_EOL_PAST_TIMES = _time_table(_EOL_PAST, 300)
_EOL_FUTURE_TIMES = _time_table(_EOL_FUTURE, 300)


def _fast_arm_time(moment: datetime) -> str:
    text = moment.isoformat(timespec="microseconds")  # ...:SS.ffffff+00:00
    return f"{text[:26]}{moment.microsecond % 10}{text[26:]}"


def _generated_versions(
    rng: random.Random, image: ImageDefinition, count: int, regions: list[str]
) -> None:
    """``count`` semantic versions of ``image``, drawn with few random calls each.

    The same kinds of variety as ``_make_versions`` (several target regions, replication in
    progress or failed on the newest version, exclusions, end-of-life dates, data disks),
    at a fraction of the cost, for worlds of hundreds of thousands of versions.
    """
    location = image.location
    others = [r for r in regions if r != location]
    published = _EPOCH + timedelta(seconds=int(rng.random() * 60 * _DAY))
    disk_size = 128 if image.os_type == "Windows" else 0
    names = _version_names(rng, count, date_based=False)
    third = count // 3
    for index, name in enumerate(names):
        bits = rng.getrandbits(64)
        published += timedelta(seconds=3 * _DAY + int(rng.random() * 27 * _DAY))
        published = published.replace(microsecond=(bits & 0xFFFFF) % 1_000_000)
        mask = bits >> 20
        chosen = [location, *(r for i, r in enumerate(others) if mask >> i & 1)]
        is_latest = index == count - 1
        target_regions = []
        for region in chosen:
            region_bits = rng.getrandbits(24)
            state, progress = "Completed", 100
            if is_latest and region != location and region_bits & 0xFF < 90:  # about 35%
                progress = 5 + (region_bits >> 8 & 0x3F) + (region_bits >> 14 & 0x1F)
                state = "Replicating" if region_bits >> 19 & 0x7 else "Failed"
                progress = progress if state == "Replicating" else 0
            target_regions.append(
                TargetRegion.shared(
                    region,
                    _REPLICA_COUNTS[region_bits >> 20 & 3],
                    _STORAGE[region_bits >> 22 & 3],
                    (region_bits >> 8 & 0x1F) == 0,  # about 3%
                    state,
                    progress,
                )
            )
        roll = (bits >> 40 & 0xFFFF) / 0x10000
        end_of_life = None
        if index < third and roll < 0.5:
            end_of_life = _EOL_PAST_TIMES[bits >> 56 & 0xFF]
        elif roll > 0.85:
            end_of_life = _EOL_FUTURE_TIMES[bits >> 56 & 0xFF]
        image.versions[name.lower()] = ImageVersion.build(
            name=name,
            location=location,
            published_date=_fast_arm_time(published),
            target_regions=target_regions,
            replica_count=_REPLICA_COUNTS[bits >> 24 & 1],
            storage_account_type=target_regions[0].storage_account_type,
            exclude_from_latest=(bits >> 36 & 0xF) == 0,  # about 6%
            end_of_life_date=end_of_life,
            os_disk_size_gb=disk_size or (30, 30, 64, 30)[bits >> 25 & 3],
            data_disk_sizes_gb=[(32, 64, 128, 64)[bits >> 27 & 3]] if roll < 0.2 else [],
        )


def _generated_networks(rng: random.Random, sub: Subscription, sub_index: int, count: int) -> None:
    if count <= 0:
        return
    group = sub.add_resource_group(
        ResourceGroup("rg-network", _REGIONS[sub_index % len(_REGIONS)], {"role": "network"})
    )
    for index in range(count):
        location = _REGIONS[(sub_index + index) % len(_REGIONS)]
        second_octet = (sub_index * 8 + index) % 250
        network = group.add_virtual_network(
            VirtualNetwork(
                f"vnet-{sub_index:04d}-{index:02d}-{location}",
                location,
                [f"10.{second_octet}.0.0/16"],
                _guid(rng),
                tags={"role": "spoke" if index else "main"},
            )
        )
        for subnet_index, purpose in enumerate(("app", "data", "mgmt")):
            network.add_subnet(
                Subnet(
                    f"snet-{purpose}",
                    f"10.{second_octet}.{subnet_index}.0/24",
                    f"nsg-{purpose}" if purpose != "mgmt" else None,
                    ["Microsoft.Storage"] if purpose == "data" else [],
                )
            )


def generate_world(
    subscriptions: int = 20,
    galleries_per_subscription: int = 5,
    images_per_gallery: int = 20,
    versions_per_image: int = 20,
    page_size: int = 100,
    seed: int = 0,
    latency_ms: float = 0,
    throttling: bool = True,
    virtual_networks_per_subscription: int = 2,
) -> World:
    """A large world for benchmarks; one principal per subscription plus ``sp-reader-all``.

    ``sp-reader-all`` has Reader on every subscription, so one credential can walk everything.
    Each subscription also gets a ``rg-network`` group with its virtual networks (3 subnets
    each). Deterministic for the same arguments; 1,000 subscriptions or 40,000 versions take
    a few seconds and about a kilobyte per version.
    """
    with no_cycle_collection():
        return _generate(
            subscriptions,
            galleries_per_subscription,
            images_per_gallery,
            versions_per_image,
            Settings(
                page_size=page_size,
                latency_ms=latency_ms,
                throttle=ThrottleSettings(enabled=throttling),
            ),
            seed,
            virtual_networks_per_subscription,
        )


def _generate(
    subscriptions: int,
    galleries_per_subscription: int,
    images_per_gallery: int,
    versions_per_image: int,
    settings: Settings,
    seed: int,
    networks_per_subscription: int,
) -> World:
    rng = random.Random(seed)
    tenant = Tenant(_guid(rng), "fabrikam.onmicrosoft.com")
    world = World(settings=settings, tenants=[tenant])
    reader_all = Principal("sp-reader-all", tenant.id, _guid(rng), _guid(rng), _secret(rng))
    world.principals.append(reader_all)
    templates = [t for group in _DEFAULT_IMAGES.values() for t in group]
    # One image definition per template and region, copied (renamed) into each gallery.
    definitions = {
        (t.name, region): _image_from_template(rng, t, region)
        for t in templates
        for region in _REGIONS
    }
    for sub_index in range(subscriptions):
        principal = Principal(
            f"sp-sub-{sub_index:03d}", tenant.id, _guid(rng), _guid(rng), _secret(rng)
        )
        world.principals.append(principal)
        sub = world.add_subscription(
            Subscription(
                _guid(rng), f"Subscription {sub_index:03d}", tenant.id, principal.client_id
            )
        )
        for client_id in (principal.client_id, reader_all.client_id):
            world.grant(client_id, f"/subscriptions/{sub.id}", "Reader")
        for gallery_index in range(galleries_per_subscription):
            location = _REGIONS[gallery_index % len(_REGIONS)]
            group = sub.resource_groups.get(f"rg-images-{gallery_index % 3}")
            if group is None:
                group = sub.add_resource_group(
                    ResourceGroup(f"rg-images-{gallery_index % 3}", location)
                )
            gallery = group.add_gallery(
                Gallery(f"gallery_{sub_index:03d}_{gallery_index:02d}", location)
            )
            for image_index in range(images_per_gallery):
                template = templates[image_index % len(templates)]
                definition = definitions[(template.name, location)]
                image = replace(
                    definition,
                    name=f"{template.name}-{image_index:03d}",
                    features=[dict(f) for f in definition.features],
                    tags=dict(definition.tags),
                    versions={},
                )
                gallery.add_image(image)
                _generated_versions(rng, image, versions_per_image, _REGIONS)
        _generated_networks(rng, sub, sub_index, networks_per_subscription)
    return world

"""The world model: deterministic default world, JSON round trip, fast generator, world files."""

from __future__ import annotations

from pathlib import Path

from azure_sandbox import Sandbox, World, default_world, generate_world


def test_default_world_is_deterministic_and_realistic() -> None:
    world = default_world()
    assert world.to_dict() == default_world().to_dict()
    assert [s.display_name for s in world.subscriptions.values()] == [
        "Production",
        "Staging",
        "Shared Images",
    ]
    counts = world.counts()
    assert counts["galleries"] == 5
    assert counts["images"] == 30
    assert 180 <= counts["versions"] <= 220
    assert world.settings.page_size <= 5
    empty_groups = [
        g.name
        for s in world.subscriptions.values()
        for g in s.resource_groups.values()
        if not g.galleries
    ]
    assert len(empty_groups) >= 2


def test_world_round_trips_through_json(tmp_path: Path) -> None:
    world = default_world()
    path = tmp_path / "world.json"
    world.save(path)
    assert World.load(path).to_dict() == world.to_dict()


def test_generator_builds_forty_thousand_versions() -> None:
    world = generate_world(seed=7, page_size=50, latency_ms=50)
    counts = world.counts()
    assert (counts["subscriptions"], counts["galleries"], counts["images"]) == (20, 100, 2000)
    assert counts["versions"] == 40_000
    assert world.settings.latency_ms == 50
    assert (
        generate_world(2, 1, 2, 3, seed=1).to_dict() == generate_world(2, 1, 2, 3, seed=1).to_dict()
    )


def test_a_custom_world_with_faults_armed_from_the_file(tmp_path: Path) -> None:
    world = generate_world(1, 1, 1, 3, page_size=2)
    world.faults.append({"kind": "error", "status": 503, "path_pattern": "/versions$", "count": 1})
    with Sandbox(world, state_dir=tmp_path) as sandbox:
        [rule] = sandbox.faults.list()
        assert (rule.kind, rule.count) == ("error", 1)
        assert sandbox.connection["subscriptions"][0]["display_name"] == "Subscription 000"


def test_a_world_factory_builds_the_world_again_on_reset(tmp_path: Path) -> None:
    builds: list[World] = []

    def build() -> World:
        builds.append(generate_world(2, 1, 1, 2, virtual_networks_per_subscription=1))
        return builds[-1]

    with Sandbox(state_dir=tmp_path, world_factory=build) as sandbox:
        assert sandbox.world is builds[0]  # adopted, not copied
        sandbox.world.subscriptions.clear()
        sandbox.reset()
        assert sandbox.world is builds[1]
        assert sandbox.world.counts()["virtual_networks"] == 2


def test_the_generator_builds_a_thousand_subscriptions_with_networks() -> None:
    world = generate_world(1000, 1, 4, 10)
    counts = world.counts()
    assert counts["subscriptions"] == 1000
    assert (counts["galleries"], counts["images"], counts["versions"]) == (1000, 4000, 40_000)
    assert (counts["virtual_networks"], counts["subnets"]) == (2000, 6000)
    sub = next(iter(world.subscriptions.values()))
    network = next(iter(sub.resource_groups["rg-network"].virtual_networks.values()))
    assert [s.name for s in network.subnets.values()] == ["snet-app", "snet-data", "snet-mgmt"]
    versions = [
        v
        for g in sub.resource_groups.values()
        for gallery in g.galleries.values()
        for image in gallery.images.values()
        for v in image.versions.values()
    ]
    # The variety the cascade needs: several regions, exclusions, end of life, replication.
    assert len({len(v.target_regions) for v in versions}) > 1
    states = {r.replication_state for v in world_versions(world) for r in v.target_regions}
    assert {"Completed", "Replicating"} <= states
    assert any(v.end_of_life_date for v in world_versions(world))
    assert any(v.exclude_from_latest for v in world_versions(world))


def world_versions(world: World) -> list:
    return [
        v
        for s in world.subscriptions.values()
        for g in s.resource_groups.values()
        for gallery in g.galleries.values()
        for image in gallery.images.values()
        for v in image.versions.values()
    ]

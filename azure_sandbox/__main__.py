"""Command line: ``python -m azure_sandbox serve --port 0 --state-dir DIR [--world FILE]``.

``serve --generate [--subscriptions N ...]`` serves a generated estate without a world file
(1,000 subscriptions start in seconds). ``python -m azure_sandbox world --out FILE`` writes
the default world (or a generated one) as JSON, a starting point for a custom ``--world``.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from azure_sandbox.sandbox import Sandbox
from azure_sandbox.world import World
from azure_sandbox.worldgen import default_world
from azure_sandbox.worldgen_large import generate_world


def _generated(args: argparse.Namespace) -> World:
    return generate_world(
        subscriptions=args.subscriptions,
        galleries_per_subscription=args.galleries,
        images_per_gallery=args.images,
        versions_per_image=args.versions,
        virtual_networks_per_subscription=args.networks,
        page_size=args.page_size,
        seed=args.seed,
        latency_ms=args.latency_ms,
        throttling=not args.no_throttling,
    )


def _serve(args: argparse.Namespace) -> int:
    if args.world and args.generate:
        raise SystemExit("give --world or --generate, not both")

    def build() -> World:
        """The served world, built again (not copied) on every reset: cheap for large ones."""
        if args.generate:
            world = _generated(args)
        else:
            world = World.load(args.world) if args.world else default_world()
        if args.resource_graph_lag_seconds is not None:
            world.settings.resource_graph_lag_seconds = args.resource_graph_lag_seconds
        return world

    sandbox = Sandbox(state_dir=args.state_dir, port=args.port, host=args.host, world_factory=build)
    # The world lives as long as the server: keep the cyclic GC from rescanning its objects.
    gc.collect()
    gc.freeze()
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    sandbox.start()
    print(
        f"Azure sandbox listening on {sandbox.base_url} (connection: {sandbox.connection_file})",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
    print("Azure sandbox stopped", flush=True)
    return 0


def _write_world(args: argparse.Namespace) -> int:
    world = _generated(args) if args.generate else default_world()
    world.save(args.out)
    print(f"wrote {args.out}: {world.counts()}")
    return 0


def _generator_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--generate", action="store_true", help="a large generated world")
    group = parser.add_argument_group("generated world (with --generate)")
    group.add_argument("--subscriptions", type=int, default=20)
    group.add_argument("--galleries", type=int, default=5, help="per subscription")
    group.add_argument("--images", type=int, default=20, help="per gallery")
    group.add_argument("--versions", type=int, default=20, help="per image")
    group.add_argument("--networks", type=int, default=2, help="virtual networks per subscription")
    group.add_argument("--page-size", type=int, default=100, help="ARM list page size")
    group.add_argument("--seed", type=int, default=0)
    group.add_argument("--latency-ms", type=float, default=0, help="added to every ARM call")
    group.add_argument("--no-throttling", action="store_true", help="no ARM or Graph throttling")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m azure_sandbox")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve ARM + Entra ID over HTTPS")
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--state-dir", type=Path, required=True, help="CA, keys, connection.json")
    serve.add_argument("--world", type=Path, help="world JSON (default: the built-in world)")
    serve.add_argument(
        "--resource-graph-lag-seconds",
        type=float,
        help="Resource Graph sees ARM writes this long after them (default: the world's)",
    )
    _generator_arguments(serve)
    serve.set_defaults(run=_serve)
    world = commands.add_parser("world", help="write a world JSON file")
    world.add_argument("--out", type=Path, required=True)
    _generator_arguments(world)
    world.set_defaults(run=_write_world)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())

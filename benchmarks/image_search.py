"""Server time and SQL queries of the image search (the results as the editor's dialog and the
search page's htmx swaps get them), with one organization holding 1k and 100k cached versions.

    python benchmarks/image_search.py [--sizes 1000,100000] [--database sqlite|postgres|both]

The world is inventory_world.py's (10 versions per image, three regions), with every
subscription moved into the first organization, so that the search walks the whole inventory;
one image in ten carries a tag. Each (database, size) runs in a child process on a fresh
database of its own.

Goals: p50 <= 25 ms per search at 100k versions; at most 8 queries per search.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from inventory_world import ROOT, drop_database, fresh_database_url, seed

SEARCHES: list[tuple[str, dict[str, str]]] = [
    ("everything, page 1", {}),
    ("everything, page 20", {"page": "20"}),
    ("name", {"q": "img-07"}),
    ("name, no match", {"q": "nothing-like-this"}),
    ("OS + architecture", {"os": "Linux", "architecture": "x64"}),
    ("tag", {"tag": "team=web"}),
    ("region", {"region": "northeurope"}),
    ("name + region", {"q": "img-0", "region": "westus"}),
]
GOALS = {"p50": 25.0, "queries": 8}
REQUESTS = 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.database, args.size)))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(
        f"{'database':9} {'versions':>9} {'search':22} {'p50 ms':>7} {'p99 ms':>7} {'queries':>7}"
    )
    failures = []
    results: dict[tuple[str, int], dict[str, Any]] = {}
    for database in databases:
        for size in sizes:
            command = [sys.executable, __file__, "--child", "--database", database]
            command += ["--size", str(size)]
            output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
            result = json.loads(output.stdout.strip().splitlines()[-1])
            results[database, size] = result
            for name, figures in result["searches"].items():
                print(
                    f"{database:9} {result['seeded']:>9,} {name:22} {figures['p50']:7.2f}"
                    f" {figures['p99']:7.2f} {figures['queries']:7d}"
                )
                if figures["p50"] > GOALS["p50"] or figures["queries"] > GOALS["queries"]:
                    failures.append(f"{database} {size:,} {name}")
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\np50 ratio {large:,} / {small:,} versions")
        for database in databases:
            for name in results[database, small]["searches"]:
                ratio = (
                    results[database, large]["searches"][name]["p50"]
                    / results[database, small]["searches"][name]["p50"]
                )
                print(f"{database:9} {name:22} {ratio:6.2f}")
    print(f"\nGoals: p50 <= {GOALS['p50']} ms, <= {GOALS['queries']} queries per search.")
    print("All goals met." if not failures else "Over goal:\n  " + "\n  ".join(failures))


def run_child(database: str, size: int) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = fresh_database_url(database, f"image_search_{size}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "console.settings_test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from galleries.models import ConnectedSubscription, GalleryImage

    call_command("migrate", verbosity=0)
    world = seed(size)
    organization = world["membership"].organization
    ConnectedSubscription.objects.update(organization=organization)
    for pk in GalleryImage.objects.values_list("pk", flat=True)[::10]:
        GalleryImage.objects.filter(pk=pk).update(tags={"team": "web"})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    gc.collect()
    searches = {name: measure(world, params) for name, params in SEARCHES}
    drop_database(database, f"image_search_{size}")
    return {"seeded": world["versions"], "searches": searches}


def measure(world: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django_htmx.middleware import HtmxDetails

    from galleries.inventory.views import image_search

    membership = world["membership"]
    factory = RequestFactory()

    def call() -> None:
        request = factory.get(
            "/inventory/images/", {**params, "mode": "pick"}, HTTP_HX_REQUEST="true"
        )
        request.user = membership.user
        request.membership = membership  # type: ignore[attr-defined]
        request.organization = membership.organization  # type: ignore[attr-defined]
        request.account = world["account"]  # type: ignore[attr-defined]
        request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
        response = image_search(request)
        assert response.status_code == 200, response.status_code

    for _ in range(10):
        call()
    with CaptureQueriesContext(connection) as queries:
        call()
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p99": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        "queries": len(queries),
    }


if __name__ == "__main__":
    main()

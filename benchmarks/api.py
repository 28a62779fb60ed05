"""Create and get a stateless group with a gallery image through the Spot-compatible API.

    python benchmarks/api.py [--requests 300] [--database sqlite|postgres]

Runs the full Django stack (middleware, token auth, pydantic, validation against the cached
inventory, revision and audit writes) through Django's test client on a fresh database of its
own (SQLite: a file under /tmp; PostgreSQL: `gallery_console_bench_api` next to `test`), with
a few thousand inventory versions around the image used. Prints p50/p95/p99 latency and
requests per second for POST /azure/compute/group and GET /azure/compute/group/{id}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "gallery_console_bench_api"


def configure(database: str) -> None:
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
            connection.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
        os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
    else:
        path = Path(tempfile.mkdtemp(prefix="bench-api-")) / "db.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "console.settings_test"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def seed() -> tuple[str, str]:
    """An organization with a connected account, its inventory, and an editor's API token."""
    from console.services import create_api_token
    from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory
    from tests.inventory_factories import connect_account, gallery_image

    organization = OrganizationFactory(name="Bench")
    account = AccountFactory(organization=organization, name="Production")
    subscription = connect_account(account)
    for gallery in range(5):
        for image in range(10):
            versions = {f"1.{minor}.0": ["eastus", "westeurope"] for minor in range(40)}
            gallery_image(
                subscription,
                gallery=f"gallery{gallery}",
                image=f"image-{image}",
                versions=versions,
            )
    member = MembershipFactory(organization=organization, role="editor")
    _, token = create_api_token(user=member.user, organization=organization, name="bench")
    return account.id, token


def body(index: int) -> dict:
    from tests.groups.api.bodies import group_body

    group = group_body(galleryName="gallery3", imageName="image-7", version="1.20.0")
    group["name"] = f"bench-{index}"
    return {"group": group}


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(label: str, samples: list[float], elapsed: float) -> None:
    print(
        f"{label:<34} n={len(samples):<5} p50={statistics.median(samples):6.2f} ms  "
        f"p95={percentile(samples, 0.95):6.2f} ms  p99={percentile(samples, 0.99):6.2f} ms  "
        f"{len(samples) / elapsed:7.1f} req/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    configure(args.database)
    account_id, token = seed()

    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {token}"})
    query = f"?accountId={account_id}"
    payloads = [json.dumps(body(i)) for i in range(args.requests)]
    created: list[str] = []
    create_ms: list[float] = []
    started = time.perf_counter()
    for payload in payloads:
        t0 = time.perf_counter()
        response = client.post(f"/azure/compute/group{query}", payload, "application/json")
        create_ms.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"create failed: {response.status_code} {response.content[:300]!r}")
        created.append(response.json()["response"]["items"][0]["id"])
    create_elapsed = time.perf_counter() - started

    get_ms: list[float] = []
    started = time.perf_counter()
    for group_id in created:
        t0 = time.perf_counter()
        response = client.get(f"/azure/compute/group/{group_id}{query}")
        get_ms.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"get failed: {response.status_code}")
    get_elapsed = time.perf_counter() - started

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as create_queries:
        client.post(f"/azure/compute/group{query}", payloads[0], "application/json")
    with CaptureQueriesContext(connection) as get_queries:
        client.get(f"/azure/compute/group/{created[0]}{query}")

    print(f"Spot-compatible API on {args.database}, Django test client, one process")
    report("POST /azure/compute/group", create_ms, create_elapsed)
    report("GET  /azure/compute/group/{id}", get_ms, get_elapsed)
    print(f"SQL queries: create {len(create_queries)}, get {len(get_queries)}")


if __name__ == "__main__":
    main()

"""The benchmarks' shared world: a fresh database, seeded in bulk with `size` cached versions.

Used by dropdowns.py (fragments timed in-process) and end_to_end.py (the same fragments through
gunicorn). The path the fragments read has the same shape at every size (one resource group,
one gallery of 10 images, an image of 200 versions); what grows is the inventory around it
(more subscriptions, galleries, images and versions), which is what the indexes must absorb.

PostgreSQL databases are created next to `test` as `<prefix>_<label>`; the prefix is
`gallery_console_bench` unless BENCHMARK_DATABASE_PREFIX says otherwise (so that benchmarks
run side by side on one server don't drop each other's database).
"""

from __future__ import annotations

import os
import random
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = os.environ.get("BENCHMARK_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE_PREFIX = os.environ.get("BENCHMARK_DATABASE_PREFIX", "gallery_console_bench")
VERSIONS_PER_SUBSCRIPTION = 1000  # 5 resource groups x 2 galleries x 10 images x 10 versions
HOT_VERSIONS = 200
REGIONS = [("eastus", 0.8), ("westus", 0.5), ("northeurope", 0.3)]


def fresh_database_url(database: str, label: str) -> str:
    """An empty database of its own for one benchmark run: a SQLite file under /tmp, or a
    PostgreSQL database dropped and created again."""
    if database == "postgres":
        import psycopg

        name = f"{DATABASE_PREFIX}_{label}"
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"{POSTGRES_SERVER}/{name}"
    path = Path(tempfile.gettempdir()) / f"{DATABASE_PREFIX}-{label}.sqlite3"
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return f"sqlite:///{path}"


def drop_database(database: str, label: str) -> None:
    """Remove what fresh_database_url made (a 1M-version database takes about 1 GB)."""
    from django.db import connections

    connections.close_all()
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE_PREFIX}_{label}" WITH (FORCE)')
        return
    path = Path(tempfile.gettempdir()) / f"{DATABASE_PREFIX}-{label}.sqlite3"
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()


def hot_path(world: dict[str, Any]) -> dict[str, str]:
    """The cascade's query parameters down to the hot image and one of its versions."""
    hot = world["hot"]
    return {
        "group_account": world["account"].pk,
        "spot_account_id": world["account"].pk,
        "gallery_resource_group_name": hot.gallery.resource_group.name,
        "gallery_name": hot.gallery.name,
        "image_name": hot.name,
        "version_name": "1.1.0",
        "os": "Linux",
        "region": "eastus",
    }


def seed(size: int) -> dict[str, Any]:
    """Bulk-insert `size` versions: subscriptions of 1,000 versions each, the first one hot.

    Returns the number of versions and regions, the first organization's editor membership
    (a user named "bench" without a password), its account and the hot image.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from console.models import Account, Membership, Organization
    from galleries import arm_ids
    from galleries.crypto import encrypt_secret
    from galleries.models import (
        ConnectedSubscription,
        Gallery,
        GalleryImage,
        RefreshRun,
        ResourceGroup,
    )

    rng = random.Random(7)
    now = timezone.now()
    subscription_count = max(1, size // VERSIONS_PER_SUBSCRIPTION)
    secret = encrypt_secret("bench")
    with transaction.atomic():
        organizations = Organization.objects.bulk_create(
            [
                Organization(name=f"Org {n}", public_id=f"ou-{n:08x}")
                for n in range(subscription_count)
            ]
        )
        accounts = Account.objects.bulk_create(
            [
                Account(id=f"act-{n:08x}", organization=o, name="Main")
                for n, o in enumerate(organizations)
            ]
        )
        subscriptions = ConnectedSubscription.objects.bulk_create(
            [
                ConnectedSubscription(
                    organization=o, account=a, display_name=f"Sub {n}",
                    subscription_id=f"00000000-0000-0000-0000-{n:012d}", tenant_id="t",
                    client_id="c", client_secret_encrypted=secret,
                )
                for n, (o, a) in enumerate(zip(organizations, accounts, strict=True))
            ]
        )  # fmt: skip
        RefreshRun.objects.bulk_create(
            [
                RefreshRun(
                    subscription=s, status="succeeded", finished_at=now - timedelta(minutes=4)
                )
                for s in subscriptions
            ]
        )
        groups = ResourceGroup.objects.bulk_create(
            [
                ResourceGroup(
                    subscription=s, name=f"rg-{r}", last_seen_at=now,
                    arm_id=arm_ids.resource_group_arm_id(s.subscription_id, f"rg-{r}"),
                )
                for s in subscriptions for r in range(5)
            ],
            batch_size=5000,
        )  # fmt: skip
        galleries = Gallery.objects.bulk_create(
            [
                Gallery(
                    subscription=rg.subscription, resource_group=rg, name=f"gal{g}",
                    last_seen_at=now,
                    arm_id=arm_ids.gallery_arm_id(
                        rg.subscription.subscription_id, rg.name, f"gal{g}"
                    ),
                )
                for rg in groups for g in range(2)
            ],
            batch_size=5000,
        )  # fmt: skip
        images = GalleryImage.objects.bulk_create(
            [
                GalleryImage(
                    subscription=g.subscription, gallery=g, name=f"img-{i:02d}",
                    os_type="Linux", os_state="Generalized", last_seen_at=now,
                    arm_id=arm_ids.image_arm_id(
                        g.subscription.subscription_id, g.resource_group.name, g.name,
                        f"img-{i:02d}",
                    ),
                )
                for g in galleries for i in range(10)
            ],
            batch_size=5000,
        )  # fmt: skip
        hot = images[0]
        version_rows, region_rows = [], []
        version_id = 0
        budget = size
        for image in images:
            count = HOT_VERSIONS if image is hot else 10
            count = min(count, budget)
            budget -= count
            for n in range(count):
                version_id += 1
                name = f"1.{n // 10}.{n % 10}"
                failed = rng.random() < 0.02
                version_rows.append(
                    (
                        version_id, image.subscription_id, image.pk, name,
                        arm_ids.version_arm_id(image.arm_id, name), arm_ids.version_sort_key(name),
                        now, now, now, rng.random() < 0.05, "Failed" if failed else "Succeeded", 0,
                    )
                )  # fmt: skip
                for region, share in REGIONS:
                    if rng.random() < share:
                        region_rows.append((version_id, region, 1, "Standard_LRS", False))
            if budget <= 0:
                break
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO galleries_imageversion (id, subscription_id, image_id, name, arm_id,"
                " sort_key, first_seen_at, last_seen_at, published_date, exclude_from_latest,"
                " provisioning_state, data_disk_count)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                version_rows,
            )
            cursor.executemany(
                "INSERT INTO galleries_versionregion (version_id, region, replica_count,"
                " storage_account_type, exclude_from_latest) VALUES (%s, %s, %s, %s, %s)",
                region_rows,
            )
    with connection.cursor() as cursor:
        # Fresh statistics (and, on PostgreSQL, a visibility map), as autovacuum would leave them.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    user = get_user_model().objects.create(username="bench")
    membership = Membership.objects.create(user=user, organization=organizations[0], role="editor")
    return {
        "versions": version_id,
        "regions": len(region_rows),
        "membership": membership,
        "account": accounts[0],
        "hot": hot,
    }

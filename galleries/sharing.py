"""Share checks: can a group's subscription read a gallery of another subscription?

Each check GETs the gallery with the reader's OWN credential, exactly as a deployment
from that subscription would: readable, not shared (403/404) or unknown (anything else).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azure.core.exceptions import HttpResponseError
from django.utils import timezone

from console.models import Organization

from .azure_clients import AzureClients, clients_for
from .errors import describe_failure
from .models import ConnectedSubscription, Gallery, ShareCheck, ShareVerdict

logger = logging.getLogger(__name__)
CONCURRENCY = 8


def _verdict(compute: Any, gallery: Gallery) -> tuple[str, str]:
    try:
        compute.galleries.get(gallery.resource_group.name, gallery.name)
    except HttpResponseError as exc:
        if exc.status_code in (403, 404):
            return ShareVerdict.NOT_SHARED, describe_failure(exc).message
        return ShareVerdict.UNKNOWN, describe_failure(exc).message
    except Exception as exc:
        return ShareVerdict.UNKNOWN, describe_failure(exc).message
    return ShareVerdict.READABLE, ""


def check_sharing(organization: Organization) -> int:
    """Check every (subscription, live gallery of another subscription) pair of the org."""
    readers = list(ConnectedSubscription.objects.filter(organization=organization))
    galleries = list(
        Gallery.objects.filter(
            subscription__organization=organization, deleted_at=None
        ).select_related("resource_group", "subscription")
    )
    pairs = [(r, g) for r in readers for g in galleries if g.subscription_id != r.pk]
    results: list[tuple[ConnectedSubscription, Gallery, str, str]] = []
    clients: dict[int, AzureClients] = {}
    computes: dict[tuple[int, str], Any] = {}
    for reader, gallery in pairs:
        if reader.pk not in clients:
            try:
                clients[reader.pk] = clients_for(reader)
            except Exception as exc:  # e.g. a secret that no configured key decrypts
                results.append(
                    (reader, gallery, ShareVerdict.UNKNOWN, describe_failure(exc).message)
                )
                continue
        key = (reader.pk, gallery.subscription.subscription_id)
        if key not in computes:
            computes[key] = clients[reader.pk].compute_in(key[1])

    def run(pair: tuple[ConnectedSubscription, Gallery]) -> None:
        compute = computes.get((pair[0].pk, pair[1].subscription.subscription_id))
        if compute is not None:
            verdict, detail = _verdict(compute, pair[1])
            results.append((pair[0], pair[1], verdict, detail))

    try:
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            list(pool.map(run, pairs))
    finally:
        for compute in computes.values():
            compute.close()
        for client in clients.values():
            client.close()
    now = timezone.now()
    for reader, gallery, verdict, detail in results:
        ShareCheck.objects.update_or_create(
            reader=reader,
            gallery=gallery,
            defaults={"verdict": verdict, "detail": detail, "checked_at": now},
        )
    logger.info("Checked %s share pairs of organization %s", len(pairs), organization.pk)
    return len(pairs)

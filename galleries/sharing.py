"""Share checks: can a group's subscription read a gallery of another subscription?

Each check GETs the gallery with the reader's OWN credential, exactly as a deployment
from that subscription would: readable, not shared (403/404) or unknown (anything else).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from django.utils import timezone

from console.models import Organization

from .azure.errors import AzureCallFailed
from .azure.gateway import AzureGateway, gateway_for
from .models import ConnectedSubscription, Gallery, ShareCheck, ShareVerdict

logger = logging.getLogger(__name__)
CONCURRENCY = 8


def _verdict(reader: AzureGateway, gallery: Gallery) -> tuple[str, str]:
    try:
        reader.read_gallery_in(
            gallery.subscription.subscription_id, gallery.resource_group.name, gallery.name
        )
    except AzureCallFailed as exc:
        if exc.status in (403, 404):
            return ShareVerdict.NOT_SHARED, exc.failure.message
        return ShareVerdict.UNKNOWN, exc.failure.message
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
    gateways: dict[int, AzureGateway] = {}
    checked: list[tuple[ConnectedSubscription, Gallery]] = []
    for reader, gallery in pairs:
        if reader.pk not in gateways:
            try:
                gateways[reader.pk] = gateway_for(reader)
            except AzureCallFailed as exc:  # e.g. a secret that no configured key decrypts
                results.append((reader, gallery, ShareVerdict.UNKNOWN, exc.failure.message))
                continue
        checked.append((reader, gallery))

    def run(pair: tuple[ConnectedSubscription, Gallery]) -> None:
        verdict, detail = _verdict(gateways[pair[0].pk], pair[1])
        results.append((pair[0], pair[1], verdict, detail))

    try:
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            list(pool.map(run, checked))
    finally:
        for gateway in gateways.values():
            gateway.close()
    now = timezone.now()
    for reader, gallery, verdict, detail in results:
        ShareCheck.objects.update_or_create(
            reader=reader,
            gallery=gallery,
            defaults={"verdict": verdict, "detail": detail, "checked_at": now},
        )
    logger.info("Checked %s share pairs of organization %s", len(pairs), organization.pk)
    return len(pairs)


def check_pair(reader: ConnectedSubscription, gallery: Gallery) -> ShareCheck:
    """Check now whether `reader` can read `gallery` (the editor's "Check now"), and keep it."""
    verdict: str
    try:
        gateway = gateway_for(reader)
    except AzureCallFailed as exc:
        verdict, detail = ShareVerdict.UNKNOWN, exc.failure.message
    else:
        try:
            verdict, detail = _verdict(gateway, gallery)
        finally:
            gateway.close()
    check, _ = ShareCheck.objects.update_or_create(
        reader=reader,
        gallery=gallery,
        defaults={"verdict": verdict, "detail": detail, "checked_at": timezone.now()},
    )
    return check

"""Collect a subscription's galleries, images and versions through the real SDK.

The walk is breadth-first over a bounded thread pool: one gallery list, then the image list
of every gallery, then the version list of every image, each call in flight as soon as its
parent has answered. Failures are recorded per branch (nothing below a failed list may be
deleted later); a 404 below the top means the parent is gone, not that the call failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from django.conf import settings

from . import arm_lists
from .azure_clients import AzureClients
from .errors import AzureFailure, describe_failure
from .inventory_data import Snapshot, parse_gallery, parse_image, parse_version

logger = logging.getLogger(__name__)


class CollectionFailed(Exception):
    """The subscription itself could not be listed: nothing was collected."""

    def __init__(self, failure: AzureFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


@dataclass
class Progress:
    done: int = 0
    total: int = 0


ProgressCallback = Callable[[Progress], None]


class _Walk:
    def __init__(self, clients: AzureClients, on_progress: ProgressCallback | None) -> None:
        self.clients = clients
        self.snapshot = Snapshot()
        self.progress = Progress()
        self.on_progress = on_progress
        workers = getattr(settings, "INVENTORY_REFRESH_CONCURRENCY", 8)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inventory")
        self.pending: dict[Future[list[dict[str, Any]]], tuple[str, Any]] = {}

    # -- submitting -------------------------------------------------------------------------
    def _submit(self, kind: str, key: Any, call: Callable[[], Any]) -> None:
        future = self.pool.submit(call)
        self.pending[future] = (kind, key)
        self.progress.total += 1

    def _list_images(self, gallery_id: str, rg: str, gallery: str) -> None:
        compute = self.clients.compute
        self._submit(
            "images",
            (gallery_id, rg, gallery),
            lambda: arm_lists.list_images(compute, rg, gallery),
        )

    def _list_versions(self, image_id: str, rg: str, gallery: str, image: str) -> None:
        compute = self.clients.compute
        self._submit(
            "versions",
            (image_id, rg, gallery, image),
            lambda: arm_lists.list_versions(compute, rg, gallery, image),
        )

    # -- handling answers -------------------------------------------------------------------
    def _galleries_listed(self, items: list[dict[str, Any]], _key: Any) -> None:
        self.snapshot.galleries_complete = True
        for data in items:
            gallery = parse_gallery(data)
            self.snapshot.add_gallery(gallery)
            self._list_images(gallery.arm_id, gallery.resource_group_name, gallery.name)

    def _gallery_fetched(self, items: list[dict[str, Any]], _key: Any) -> None:
        gallery = parse_gallery(items[0])
        self.snapshot.add_gallery(gallery)
        self._list_images(gallery.arm_id, gallery.resource_group_name, gallery.name)

    def _images_listed(self, items: list[dict[str, Any]], key: Any) -> None:
        gallery_id, rg, gallery_name = key
        self.snapshot.complete_galleries.add(gallery_id)
        for data in items:
            image = parse_image(data, gallery_id)
            self.snapshot.images[image.arm_id] = image
            self._list_versions(image.arm_id, rg, gallery_name, image.name)

    def _versions_listed(self, items: list[dict[str, Any]], key: Any) -> None:
        image_id = key[0]
        self.snapshot.complete_images.add(image_id)
        for data in items:
            version = parse_version(data, image_id)
            self.snapshot.versions[version.arm_id] = version

    def _failed(self, kind: str, key: Any, exc: BaseException) -> None:
        if kind in ("galleries", "gallery") and not isinstance(exc, ResourceNotFoundError):
            raise CollectionFailed(describe_failure(exc)) from exc
        if isinstance(exc, ResourceNotFoundError):
            if kind == "gallery":
                # The one gallery of a targeted refresh no longer exists.
                self.snapshot.gone_galleries.add(key)
                return
            if kind == "galleries":
                raise CollectionFailed(describe_failure(exc)) from exc
            if kind == "images":
                self.snapshot.gone_galleries.add(key[0])
                self.snapshot.galleries.pop(key[0], None)
                return
            if kind == "versions":
                self.snapshot.gone_images.add(key[0])
                self.snapshot.images.pop(key[0], None)
                return
        failure = describe_failure(exc)
        where = {"images": "images of gallery", "versions": "versions of image"}[kind]
        path = "/".join(key[2:]) if kind == "versions" else key[2]
        self.snapshot.errors.append(f"Listing the {where} {path} failed: {failure.message}")
        logger.warning("Inventory branch incomplete: %s %s: %s", kind, path, failure.code)

    _handlers = {
        "galleries": _galleries_listed,
        "gallery": _gallery_fetched,
        "images": _images_listed,
        "versions": _versions_listed,
    }

    def run(self, first: tuple[str, Any, Callable[[], Any]]) -> Snapshot:
        try:
            self._submit(*first)
            while self.pending:
                done, _ = wait(self.pending, timeout=1.0, return_when=FIRST_COMPLETED)
                for future in done:
                    kind, key = self.pending.pop(future)
                    self.progress.done += 1
                    exc = future.exception()
                    if exc is not None:
                        self._failed(kind, key, exc)
                    else:
                        self._handlers[kind](self, future.result(), key)
                if self.on_progress is not None:
                    self.on_progress(self.progress)
        finally:
            for future in self.pending:
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
        return self.snapshot


def collect_subscription(
    clients: AzureClients, on_progress: ProgressCallback | None = None
) -> Snapshot:
    """Every gallery of the subscription, with its images and versions."""
    compute = clients.compute
    return _Walk(clients, on_progress).run(
        ("galleries", None, lambda: arm_lists.list_galleries(compute))
    )


def collect_gallery(
    clients: AzureClients,
    resource_group_name: str,
    gallery_name: str,
    gallery_id: str,
    on_progress: ProgressCallback | None = None,
) -> Snapshot:
    """One gallery (targeted refresh): GET it, then its images and their versions."""
    compute = clients.compute
    return _Walk(clients, on_progress).run(
        (
            "gallery",
            gallery_id,
            lambda: [compute.galleries.get(resource_group_name, gallery_name).as_dict()],
        )
    )

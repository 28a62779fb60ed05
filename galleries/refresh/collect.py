"""Collect a subscription's galleries, images and versions (and, on a full refresh, its
virtual networks with their subnets) through the real SDK.

The walk is breadth-first over a bounded thread pool: one gallery list, then the image list
of every gallery, then the version list of every image, each call in flight as soon as its
parent has answered; the subscription's own state (Enabled, Warned, Disabled...) is read
beside the first list. Failures are recorded per branch: nothing below a failed list may be
deleted later.

A 404 is read from ARM's error code, and a deletion needs evidence:
- `SubscriptionNotFound`, anywhere: the subscription vanished mid-walk; the run fails and
  every cached row is kept.
- A code naming a missing resource (`ResourceNotFound`, `ParentResourceNotFound`,
  `ResourceGroupNotFound`, `GalleryNotFound`...) on the first page of a child list: the
  parent may be gone. Once the walk is over, the parent's own parent is listed again; if that
  listing succeeds without naming it, it is gone (soft-deleted with everything below it);
  if it still names it, the branch is incomplete (run partial, rows kept).
- Any other 404 (a generic code, or a page after the first): the branch is incomplete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings

from galleries.azure.errors import (
    AzureFailure,
    NotFoundMeaning,
    Verdict,
    describe_failure,
    not_found_meaning,
)
from galleries.azure.gateway import AzureGateway

from .snapshot import (
    Snapshot,
    parse_gallery,
    parse_image,
    parse_version,
    parse_virtual_network,
)

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


@dataclass
class _Doubt:
    """A child list answered 404 naming a missing resource: is its parent really gone?"""

    rg: str
    gallery: str
    image: str = ""
    reason: str = ""
    fetched: bool = False  # the gallery's own GET (targeted refresh), not its image list


def _subscription_vanished(exc: BaseException) -> CollectionFailed:
    failure = describe_failure(exc)
    return CollectionFailed(
        AzureFailure(
            Verdict.SUBSCRIPTION_NOT_FOUND,
            "The subscription was not found in the middle of the refresh (HTTP 404 "
            "SubscriptionNotFound): it may have been deleted, cancelled or moved to another "
            "tenant. Nothing was changed; every cached gallery, image and version was kept."
            if failure.code == Verdict.SUBSCRIPTION_NOT_FOUND
            else failure.message,
        )
    )


def _mark_gone(arm_id: str, gone: set[str], rows: dict[str, Any], complete: set[str]) -> None:
    """Record a row as gone: it leaves the snapshot's rows and its complete listings."""
    gone.add(arm_id)
    rows.pop(arm_id, None)
    complete.discard(arm_id)


class _Walk:
    def __init__(self, gateway: AzureGateway, on_progress: ProgressCallback | None) -> None:
        self.gateway = gateway
        self.snapshot = Snapshot()
        self.progress = Progress()
        self.on_progress = on_progress
        workers = getattr(settings, "INVENTORY_REFRESH_CONCURRENCY", 8)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inventory")
        self.pending: dict[Future[Any], tuple[str, Any]] = {}
        self.doubted_galleries: dict[str, _Doubt] = {}
        self.doubted_images: dict[str, tuple[str, _Doubt]] = {}  # image -> (gallery, doubt)

    # -- submitting -------------------------------------------------------------------------
    def _submit(self, kind: str, key: Any, call: Callable[[], Any]) -> None:
        future = self.pool.submit(call)
        self.pending[future] = (kind, key)
        self.progress.total += 1

    def _read_subscription_state(self) -> None:
        self._submit("subscription", None, self.gateway.subscription_state)

    def _list_images(self, gallery_id: str, rg: str, gallery: str) -> None:
        self._submit(
            "images", (gallery_id, rg, gallery), partial(self.gateway.list_images, rg, gallery)
        )

    def _list_versions(self, image_id: str, rg: str, gallery: str, image: str) -> None:
        self._submit(
            "versions",
            (image_id, rg, gallery, image),
            partial(self.gateway.list_versions, rg, gallery, image),
        )

    # -- handling answers -------------------------------------------------------------------
    def _state_read(self, state: Any, _key: Any) -> None:
        self.snapshot.subscription_state = str(state)[:16]

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

    def _networks_listed(self, items: list[dict[str, Any]], _key: Any) -> None:
        self.snapshot.networks_complete = True
        for data in items:
            network = parse_virtual_network(data)
            self.snapshot.virtual_networks[network.arm_id] = network

    def _failed(self, kind: str, key: Any, exc: BaseException) -> None:
        if kind == "subscription":
            # Not fatal: the lists decide (a principal without access gets 404 here).
            logger.info("Subscription state not read: %s", describe_failure(exc).code)
            return
        meaning = not_found_meaning(exc)
        if meaning == NotFoundMeaning.SUBSCRIPTION_GONE:
            if kind == "galleries":
                raise CollectionFailed(describe_failure(exc)) from exc
            raise _subscription_vanished(exc) from exc
        if kind == "galleries":
            raise CollectionFailed(describe_failure(exc)) from exc
        failure = describe_failure(exc)
        if kind == "networks":
            # The galleries stand on their own; the cached networks are kept as they were.
            self.snapshot.errors.append(f"Listing the virtual networks failed: {failure.message}")
            return
        if kind == "gallery":
            if meaning == NotFoundMeaning.PARENT_MISSING:
                rg, name = key[1], key[2]
                doubt = _Doubt(rg, name, reason=failure.message, fetched=True)
                self.doubted_galleries[key[0]] = doubt
                return
            raise CollectionFailed(failure) from exc
        if meaning == NotFoundMeaning.PARENT_MISSING:
            if kind == "images":
                gallery_id, rg, gallery = key
                self.doubted_galleries[gallery_id] = _Doubt(rg, gallery, reason=failure.message)
            else:
                image_id, rg, gallery, image = key
                gallery_id = self.snapshot.images[image_id].gallery_id
                doubt = _Doubt(rg, gallery, image, reason=failure.message)
                self.doubted_images[image_id] = (gallery_id, doubt)
            return
        self._incomplete(kind, key, failure.message)
        logger.warning("Inventory branch incomplete: %s %s: %s", kind, key[0], failure.code)

    def _incomplete(self, kind: str, key: Any, message: str) -> None:
        where = {"images": "images of gallery", "versions": "versions of image"}[kind]
        path = "/".join(key[2:]) if kind == "versions" else key[2]
        self.snapshot.errors.append(f"Listing the {where} {path} failed: {message}")

    _handlers = {
        "subscription": _state_read,
        "galleries": _galleries_listed,
        "gallery": _gallery_fetched,
        "images": _images_listed,
        "versions": _versions_listed,
        "networks": _networks_listed,
    }

    # -- confirming 404s --------------------------------------------------------------------
    def _relist(self, call: Callable[[], list[dict[str, Any]]]) -> set[str] | BaseException:
        """Ids named by one more listing, or what it raised (a subscription gone is fatal)."""
        self.progress.total += 1
        try:
            items = call()
        except Exception as exc:
            if not_found_meaning(exc) == NotFoundMeaning.SUBSCRIPTION_GONE:
                raise _subscription_vanished(exc) from exc
            return exc
        finally:
            self.progress.done += 1
        return {str(item.get("id", "")).lower() for item in items}

    def _confirm(self) -> None:
        """Settle each 404 with the listing of the parent of what answered it."""
        by_gallery: dict[str, list[tuple[str, _Doubt]]] = {}
        for image_id, (gallery_id, doubt) in self.doubted_images.items():
            by_gallery.setdefault(gallery_id, []).append((image_id, doubt))
        for gallery_id, doubts in by_gallery.items():
            rg, gallery = doubts[0][1].rg, doubts[0][1].gallery
            named = self._relist(partial(self.gateway.list_images, rg, gallery))
            if isinstance(named, BaseException):
                if not_found_meaning(named) == NotFoundMeaning.PARENT_MISSING:
                    reason = describe_failure(named).message
                    self.doubted_galleries.setdefault(gallery_id, _Doubt(rg, gallery, "", reason))
                    continue
                self._keep_images(
                    doubts,
                    f"listing the gallery's images again failed too: "
                    f"{describe_failure(named).message}",
                )
                continue
            for image_id, doubt in doubts:
                if image_id in named:
                    self._keep_images(
                        [(image_id, doubt)],
                        "the gallery still lists the image, so its versions were kept",
                    )
                else:
                    self._forget_image(image_id)
        if self.doubted_galleries:
            named = self._relist(self.gateway.list_galleries)
            for gallery_id, doubt in self.doubted_galleries.items():
                if isinstance(named, BaseException):
                    self._keep_gallery(
                        doubt,
                        "listing the subscription's galleries again "
                        f"failed too: {describe_failure(named).message}",
                    )
                elif gallery_id in named:
                    self._keep_gallery(
                        doubt, "the subscription still lists the gallery, so its images were kept"
                    )
                else:
                    self._forget_gallery(gallery_id)

    def _keep_images(self, doubts: list[tuple[str, _Doubt]], why: str) -> None:
        for image_id, doubt in doubts:
            if doubt.rg and self.snapshot.images.get(image_id) is not None:
                key = (image_id, doubt.rg, doubt.gallery, doubt.image)
                self._incomplete("versions", key, f"{doubt.reason.rstrip('.')}; {why}.")

    def _keep_gallery(self, doubt: _Doubt, why: str) -> None:
        message = f"{doubt.reason.rstrip('.')}; {why}."
        if doubt.fetched:
            self.snapshot.errors.append(f"Reading the gallery {doubt.gallery} failed: {message}")
        else:
            self._incomplete("images", ("", doubt.rg, doubt.gallery), message)
        for image_id, (_gallery, image_doubt) in self.doubted_images.items():
            if image_doubt.gallery == doubt.gallery and image_doubt.rg == doubt.rg:
                self._keep_images([(image_id, image_doubt)], why)

    def _forget_image(self, image_id: str) -> None:
        """Gone, by its gallery's listing: delete it (and its versions) from the cache."""
        snapshot = self.snapshot
        _mark_gone(image_id, snapshot.gone_images, snapshot.images, snapshot.complete_images)
        for version_id in [v for v, data in snapshot.versions.items() if data.image_id == image_id]:
            del snapshot.versions[version_id]

    def _forget_gallery(self, gallery_id: str) -> None:
        """Gone, by the subscription's gallery listing: delete it and all below it."""
        snapshot = self.snapshot
        _mark_gone(
            gallery_id, snapshot.gone_galleries, snapshot.galleries, snapshot.complete_galleries
        )
        for image_id in [i for i, data in snapshot.images.items() if data.gallery_id == gallery_id]:
            self._forget_image(image_id)
            snapshot.gone_images.discard(image_id)  # the gallery's deletion covers it

    # -- driving ----------------------------------------------------------------------------
    def _drain(self) -> None:
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

    def run(
        self, first: tuple[str, Any, Callable[[], Any]], *beside: tuple[str, Any, Callable[[], Any]]
    ) -> Snapshot:
        try:
            self._read_subscription_state()
            self._submit(*first)
            for call in beside:
                self._submit(*call)
            self._drain()
            if self.doubted_galleries or self.doubted_images:
                self._confirm()
                if self.on_progress is not None:
                    self.on_progress(self.progress)
        finally:
            for future in self.pending:
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
        return self.snapshot


def collect_subscription(
    gateway: AzureGateway, on_progress: ProgressCallback | None = None
) -> Snapshot:
    """Every gallery of the subscription, with its images and versions, and its virtual
    networks with their subnets."""
    return _Walk(gateway, on_progress).run(
        ("galleries", None, gateway.list_galleries),
        ("networks", None, gateway.list_virtual_networks),
    )


def collect_gallery(
    gateway: AzureGateway,
    resource_group_name: str,
    gallery_name: str,
    gallery_id: str,
    on_progress: ProgressCallback | None = None,
) -> Snapshot:
    """One gallery (targeted refresh): GET it, then its images and their versions."""
    snapshot = _Walk(gateway, on_progress).run(
        (
            "gallery",
            (gallery_id, resource_group_name, gallery_name),
            lambda: [gateway.get_gallery(resource_group_name, gallery_name)],
        )
    )
    if gallery_id not in snapshot.galleries and gallery_id not in snapshot.gone_galleries:
        # Its GET answered 404, yet the subscription still lists it: nothing was refreshed.
        raise CollectionFailed(
            AzureFailure(Verdict.NOT_FOUND, snapshot.errors[0] if snapshot.errors else "")
        )
    return snapshot

"""Injected faults as the real SDK (azure-core retry policy and transport) experiences them."""

from __future__ import annotations

import threading
import time

import pytest
from azure.core.exceptions import (
    AzureError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceResponseError,
)

from azure_sandbox import Sandbox
from tests.sandbox.conftest import ComputeFactory, http_client

GALLERIES_LIST = r"/providers/microsoft\.compute/galleries$"
VERSIONS_LIST = r"/images/ubuntu-22\.04-lts/versions$"
IMAGE = ("rg-shared-images", "gal_shared_main", "ubuntu-22.04-lts")


def test_throttle_burst_is_retried_after_retry_after(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    sandbox.faults.add(kind="throttle", path_pattern=GALLERIES_LIST, count=1, retry_after=1)
    client = compute("Shared Images")
    started = time.monotonic()
    galleries = list(client.galleries.list())
    elapsed = time.monotonic() - started
    assert len(galleries) == 3
    assert elapsed >= 1.0
    assert sandbox.request_log.count("galleries.list") == 2
    assert sandbox.request_log.stats()["by_status"]["429"] == 1


def test_errors_beyond_the_retry_budget_raise(sandbox: Sandbox, compute: ComputeFactory) -> None:
    sandbox.faults.add(kind="error", status=500, path_pattern=GALLERIES_LIST)  # always
    client = compute("Shared Images", retry_total=2)
    with pytest.raises(HttpResponseError) as failed:
        list(client.galleries.list())
    assert failed.value.status_code == 500
    assert sandbox.request_log.count("galleries.list") == 3  # 1 try + 2 retries


def test_a_few_503s_within_the_budget_are_transparent(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    rule = sandbox.faults.add(kind="error", status=503, path_pattern=GALLERIES_LIST, count=2)
    assert len(list(compute("Shared Images").galleries.list())) == 3
    assert rule.fired == 2


def test_connection_reset_raises_quickly(sandbox: Sandbox, compute: ComputeFactory) -> None:
    sandbox.faults.add(kind="reset", path_pattern=GALLERIES_LIST)
    client = compute("Shared Images", retry_total=0)
    started = time.monotonic()
    with pytest.raises(AzureError):
        list(client.galleries.list())
    assert time.monotonic() - started < 5


def test_hang_past_the_client_timeout_raises(sandbox: Sandbox, compute: ComputeFactory) -> None:
    sandbox.faults.add(kind="hang", hang_seconds=5, path_pattern=GALLERIES_LIST, count=1)
    client = compute("Shared Images", retry_total=0, read_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(ServiceResponseError):
        list(client.galleries.list())
    assert time.monotonic() - started < 3


def test_failure_on_page_two_after_page_one_was_served(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    sandbox.faults.add(kind="fail_page", page=2, status=500, path_pattern=VERSIONS_LIST)
    client = compute("Shared Images", retry_total=1)
    pages = client.gallery_image_versions.list_by_gallery_image(*IMAGE).by_page()
    received = [version.name for version in next(pages)]
    with pytest.raises(HttpResponseError) as failed:
        next(pages)
    assert failed.value.status_code == 500
    assert len(received) == sandbox.world.settings.page_size  # exactly page 1
    statuses = [e.status for e in sandbox.request_log.entries()]
    assert statuses.count(200) >= 1
    assert statuses.count(500) == 2


def test_latency_sleeps_only_the_handling_thread(sandbox: Sandbox, compute: ComputeFactory) -> None:
    sandbox.faults.add(kind="latency", latency_ms=1000, path_pattern=GALLERIES_LIST)
    slow, fast = compute("Shared Images"), compute("Production")
    list(fast.gallery_images.list_by_gallery("rg-prod-images", "gal_prod_apps"))  # warm up
    slow_result: list[int] = []
    slow_call = threading.Thread(
        target=lambda: slow_result.append(len(list(slow.galleries.list())))
    )
    started = time.monotonic()
    slow_call.start()
    time.sleep(0.1)
    list(fast.gallery_images.list_by_gallery("rg-prod-images", "gal_prod_apps"))
    assert slow_call.is_alive()  # the fast call finished while the slow one was sleeping
    slow_call.join()
    assert slow_result == [3]
    assert time.monotonic() - started >= 1.0


def test_faults_can_target_one_principal(sandbox: Sandbox, compute: ComputeFactory) -> None:
    staging = sandbox.principal("Staging")
    sandbox.faults.add(
        kind="error", status=500, client_id=staging.client_id, path_pattern=GALLERIES_LIST
    )
    assert list(compute("Production").galleries.list())
    with pytest.raises(HttpResponseError):
        list(compute("Staging", retry_total=0).galleries.list())


def test_control_endpoint_arms_lists_and_clears_faults(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    with http_client(sandbox) as http:
        added = http.post(
            f"{sandbox.control_url}/faults",
            json={"kind": "error", "status": 503, "path_pattern": GALLERIES_LIST, "count": 5},
        )
        assert added.status_code == 201
        [rule] = added.json()
        assert [r["id"] for r in http.get(f"{sandbox.control_url}/faults").json()] == [rule["id"]]
        with pytest.raises(HttpResponseError) as failed:
            list(compute("Shared Images", retry_total=1).galleries.list())
        assert failed.value.status_code == 503
        assert http.delete(f"{sandbox.control_url}/faults/{rule['id']}").status_code == 204
        assert http.get(f"{sandbox.control_url}/faults").json() == []
        assert len(list(compute("Shared Images").galleries.list())) == 3
        stats = http.get(f"{sandbox.control_url}/stats").json()
        assert stats["by_route"]["galleries.list"] == 3
        assert stats["faults_fired"] == 2
        log = http.get(f"{sandbox.control_url}/requests").json()
        assert {"method", "path", "route", "status", "api_version"} <= log[-1].keys()
        assert log[-1]["api_version"] == "2026-03-03"
        assert http.post(f"{sandbox.control_url}/faults", json={"kind": "nope"}).status_code == 400


def test_a_404_carries_the_chosen_arm_error_code(sandbox: Sandbox, compute: ComputeFactory) -> None:
    sandbox.faults.add(
        kind="fail_page",
        page=2,
        status=404,
        code="SubscriptionNotFound",
        path_pattern=VERSIONS_LIST,
    )
    pages = compute("Shared Images").gallery_image_versions.list_by_gallery_image(*IMAGE).by_page()
    assert len(list(next(pages))) == sandbox.world.settings.page_size
    with pytest.raises(ResourceNotFoundError) as failed:
        next(pages)
    assert failed.value.error is not None
    assert failed.value.error.code == "SubscriptionNotFound"


def test_a_404_without_a_chosen_code_says_not_found(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    sandbox.faults.add(kind="error", status=404, path_pattern=GALLERIES_LIST)
    with pytest.raises(ResourceNotFoundError) as failed:
        list(compute("Shared Images").galleries.list())
    assert failed.value.error is not None
    assert failed.value.error.code == "NotFound"


def test_after_lets_matching_requests_through_first(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    rule = sandbox.faults.add(kind="error", status=503, path_pattern=GALLERIES_LIST, after=1)
    client = compute("Shared Images", retry_total=0)
    assert len(list(client.galleries.list())) == 3
    with pytest.raises(HttpResponseError):
        list(client.galleries.list())
    assert (rule.passed, rule.fired) == (1, 1)


def test_omit_hides_an_item_from_lists_from_the_second_listing_on(
    sandbox: Sandbox, compute: ComputeFactory
) -> None:
    sandbox.faults.add(
        kind="omit", path_pattern=GALLERIES_LIST, item_pattern="/gal_shared_archive$", after=1
    )
    client = compute("Shared Images")
    first = sorted(g.name for g in client.galleries.list())
    second = sorted(g.name for g in client.galleries.list())
    assert "gal_shared_archive" in first
    assert second == [name for name in first if name != "gal_shared_archive"]
    # Only lists are filtered; the gallery itself still answers.
    assert client.galleries.get("rg-shared-images", "gal_shared_archive").name


def test_an_injected_401_carries_a_bearer_challenge(sandbox: Sandbox) -> None:
    sandbox.faults.add(kind="error", status=401, code="ExpiredAuthenticationToken")
    sub = sandbox.world.subscription_named("Production")
    assert sub is not None
    with http_client(sandbox) as http:
        response = http.get(f"{sandbox.base_url}/subscriptions/{sub.id}?api-version=2022-12-01")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "ExpiredAuthenticationToken"
    assert response.headers["www-authenticate"].startswith("Bearer ")

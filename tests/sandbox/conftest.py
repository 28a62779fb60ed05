"""Helpers shared by the sandbox tests: real SDK clients pointed at the session sandbox."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resourcegraph import ResourceGraphClient

from azure_sandbox import Sandbox
from azure_sandbox.world import QuotaSettings

# Small backoff so retried calls keep the suite fast; Retry-After is still honoured.
FAST_RETRY: dict[str, Any] = {"retry_backoff_factor": 0.01, "retry_backoff_max": 0.05}

ComputeFactory = Callable[..., ComputeManagementClient]


@pytest.fixture
def sandbox(fresh_azure_sandbox: Sandbox) -> Sandbox:
    return fresh_azure_sandbox


@pytest.fixture
def compute(sandbox: Sandbox) -> ComputeFactory:
    """``compute(who, subscription_name=None, **client_kwargs)`` -> ComputeManagementClient."""

    def make(
        who: str, subscription_name: str | None = None, **kwargs: Any
    ) -> ComputeManagementClient:
        subscription = sandbox.world.subscription_named(subscription_name or who)
        assert subscription is not None
        options = {**sandbox.client_kwargs(), **FAST_RETRY, **kwargs}
        return ComputeManagementClient(sandbox.credential(who), subscription.id, **options)

    return make


GraphFactory = Callable[..., ResourceGraphClient]


@pytest.fixture
def graph(sandbox: Sandbox) -> GraphFactory:
    """``graph(who, **kwargs)`` -> ResourceGraphClient; a roomy quota unless a test sets one."""
    sandbox.world.settings.throttle.resource_graph = QuotaSettings(queries=10_000)

    def make(who: str, **kwargs: Any) -> ResourceGraphClient:
        options = {**sandbox.client_kwargs(), **FAST_RETRY, **kwargs}
        return ResourceGraphClient(sandbox.credential(who), **options)

    return make


def resource_group_of(arm_id: str) -> str:
    return arm_id.split("/")[4]


def http_client(sandbox: Sandbox) -> httpx.Client:
    """A raw HTTPS client that trusts the sandbox CA, for wire-level assertions."""
    return httpx.Client(verify=ssl.create_default_context(cafile=str(sandbox.ca_file)))

"""Pytest fixtures for testing against the Azure sandbox.

Enable with ``pytest_plugins = ["azure_sandbox.pytest_plugin"]`` (done in ``tests/conftest.py``).

``azure_sandbox`` (session scope)
    A running :class:`azure_sandbox.Sandbox` with the default world, on a free port,
    with a temporary state dir. Useful attributes and methods:

    - ``connection``: the connection.json dict (``arm_base_url``, ``authority_host``,
      ``ca_file``, ``control_url``, ``tenants``, ``principals``, ``subscriptions``)
    - ``credential("Production")``: a real ``ClientSecretCredential`` for the principal
      of a subscription (or by principal name / client id)
    - ``client_kwargs()`` -> ``{"base_url", "connection_verify"}`` for any mgmt client;
      ``credential_kwargs()`` -> ``{"authority", "disable_instance_discovery",
      "connection_verify"}``
    - ``world``: the live, mutable :class:`azure_sandbox.World`
    - ``faults.add(kind=..., path_pattern=..., count=...)``: inject faults
    - ``request_log.count(route)``, ``request_log.stats()``, ``request_log.entries()``
    - ``reset(world=None)``: start over with ``world`` or the default world; clears
      faults, throttle buckets and the request log

``fresh_azure_sandbox`` (function scope)
    The same session sandbox, reset to the default world with no faults, empty log
    and full throttle buckets before and after the test, so tests don't leak into each
    other. Mutate ``fresh_azure_sandbox.world`` or arm faults freely inside a test.
    Clients' connection pools survive, since the server keeps running.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azure_sandbox.sandbox import Sandbox


@pytest.fixture(scope="session")
def azure_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    sandbox = Sandbox(state_dir=tmp_path_factory.mktemp("azure-sandbox"))
    with sandbox:
        yield sandbox


@pytest.fixture
def fresh_azure_sandbox(azure_sandbox: Sandbox) -> Iterator[Sandbox]:
    azure_sandbox.reset()
    yield azure_sandbox
    azure_sandbox.reset()

"""Fixtures for the galleries tests: an organization connected to the Azure sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from galleries.azure.clients import ConnectionSettings
from galleries.models import Cloud, ConnectedSubscription
from galleries.subscriptions.services import connect_subscription
from tests.factories import OrganizationFactory

# test_refresh_faults records each row's figures under this name (pytest's record_property), so
# that the summary below has them from every xdist worker: (database, row, figure, seconds).
FIGURE_PROPERTY = "refresh fault figure"


def sandbox_connection(sandbox: Any, display_name: str, **overrides: Any) -> ConnectionSettings:
    """Connection settings for one of the sandbox's subscriptions, with its own principal."""
    info = sandbox.connection
    sub = next(s for s in info["subscriptions"] if s["display_name"] == display_name)
    principal = next(p for p in info["principals"] if p["client_id"] == sub["principal_client_id"])
    values: dict[str, Any] = {
        "subscription_id": sub["id"],
        "tenant_id": sub["tenant_id"],
        "client_id": principal["client_id"],
        "client_secret": principal["client_secret"],
        "cloud": Cloud.CUSTOM,
        "arm_endpoint": info["arm_base_url"],
        "authority_host": info["authority_host"],
        "ca_bundle_pem": Path(info["ca_file"]).read_text(),
    }
    values.update(overrides)
    return ConnectionSettings(**values)


@pytest.fixture
def organization() -> Any:
    return OrganizationFactory()


@pytest.fixture
def connect(fresh_azure_sandbox: Any, organization: Any) -> Any:
    """connect("Production") -> a ConnectedSubscription (no refresh queued)."""

    def _connect(display_name: str, **overrides: Any) -> ConnectedSubscription:
        return connect_subscription(
            organization=organization,
            actor=None,
            display_name=display_name,
            connection=sandbox_connection(fresh_azure_sandbox, display_name, **overrides),
            refresh=False,
        )

    return _connect


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fault matrix's measured figures (how soon a refresh runs again), if it ran: read
    from the test reports, which xdist brings back from every worker."""
    figures = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == FIGURE_PROPERTY
    ]
    if not figures:
        return
    terminalreporter.section("refresh fault matrix: measured figures")
    after_run: dict[str, list[float]] = {}
    for database, row, name, seconds in figures:
        if name == "new refresh accepted after the run (s)":
            after_run.setdefault(database, []).append(seconds)
        else:
            label = name.removesuffix(" (s)")
            terminalreporter.write_line(f"{database:10} {seconds:6.2f} s  {label}  [{row}]")
    for database, values in after_run.items():
        terminalreporter.write_line(
            f"{database:10} {max(values):6.2f} s  longest wait for a new refresh right after "
            f"each of {len(values)} faulted runs"
        )

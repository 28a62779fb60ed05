"""Package fixtures: two organizations' data, committed once; the production server; one walk.

The data is committed (a subprocess serves it) and flushed when the package is done, as
pytest-django's transactional tests do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.test import Client

from .catalog import VIEWERS, Visit, visits
from .production import Gunicorn, collect_static, production_server
from .world import Tenant, build_two_tenants


@dataclass
class Tenants:
    walked: Tenant  # Contoso: every page of it is walked
    other: Tenant  # Fabrikam: nothing of it may show on Contoso's pages


@dataclass(frozen=True)
class Answer:
    visit: Visit
    status: int
    headers: httpx.Headers
    text: str

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


@pytest.fixture(scope="package")
def tenants(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Tenants]:
    with django_db_blocker.unblock():
        contoso, fabrikam = build_two_tenants()
    yield Tenants(walked=contoso, other=fabrikam)
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="package")
def session_cookies(tenants: Tenants, django_db_blocker: Any) -> dict[str | None, dict[str, str]]:
    """viewer -> the cookies of a session signed in as the walked organization's member."""
    cookies: dict[str | None, dict[str, str]] = {None: {}}
    with django_db_blocker.unblock():
        for role, membership in tenants.walked.members.items():
            client = Client()
            client.force_login(membership.user)
            cookies[role] = {"sessionid": client.cookies["sessionid"].value}
    return cookies


@pytest.fixture(scope="package")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    collect_static(root)
    return root


@pytest.fixture(scope="package")
def server(tenants: Tenants, static_root: Path) -> Iterator[Gunicorn]:
    with production_server(static_root) as running:
        yield running


@pytest.fixture(scope="package")
def walk(
    server: Gunicorn,
    tenants: Tenants,
    session_cookies: dict[str | None, dict[str, str]],
    django_db_blocker: Any,
) -> list[Answer]:
    """Every visit of the catalog for the walked organization, answered by the server."""
    with django_db_blocker.unblock():
        planned = [(viewer, list(visits(tenants.walked, viewers=(viewer,)))) for viewer in VIEWERS]
    answers: list[Answer] = []
    for viewer, viewer_visits in planned:
        with httpx.Client(
            base_url=server.url, cookies=session_cookies[viewer], timeout=30
        ) as client:
            for visit in viewer_visits:
                response = client.get(visit.url, headers=visit.headers)
                answers.append(Answer(visit, response.status_code, response.headers, response.text))
    return answers

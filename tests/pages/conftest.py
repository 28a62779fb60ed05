"""Package fixtures: two organizations' data, committed once; the production server; one walk.

The data is committed (a subprocess serves it) and flushed when the package is done, as
pytest-django's transactional tests do.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.test import Client

from .browser import ProbeResult, Rendered, render_in_chromium
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

    def answer_all(viewer: str | None, viewer_visits: list[Visit]) -> list[Answer]:
        answers = []
        with httpx.Client(
            base_url=server.url, cookies=session_cookies[viewer], timeout=30
        ) as client:
            for visit in viewer_visits:
                response = client.get(visit.url, headers=visit.headers)
                answers.append(Answer(visit, response.status_code, response.headers, response.text))
        return answers

    # One client per viewer, all at once, as several users would.
    with ThreadPoolExecutor(max_workers=len(planned)) as pool:
        answered = pool.map(lambda item: answer_all(*item), planned)
    return [answer for answers in answered for answer in answers]


@dataclass(frozen=True)
class BrowserWalk:
    rendered: list[Rendered]
    probes: list[ProbeResult]  # an inline-script probe on each context's last page


BROWSER_CONTEXTS = 4


def browser_plan(tenant: Tenant) -> list[Visit]:
    """Each full page once, as the first viewer (admin, editor, viewer, signed out) it renders
    for; the error pages once each (a 403, a 404). Every role's markup of every page and
    fragment is checked for code the policy refuses by test_content_security_policy's HTML
    check."""
    chosen: dict[str, Visit] = {}
    for visit in visits(tenant):
        if visit.entry.kind != "page":
            continue
        status = visit.expected.status
        key = visit.entry.id if status == 200 else f"answer {status}"
        if status in (200, 403, 404) and key not in chosen:
            chosen[key] = visit
    return list(chosen.values())


@pytest.fixture(scope="package")
def browser_walk(
    server: Gunicorn,
    tenants: Tenants,
    session_cookies: dict[str | None, dict[str, str]],
    django_db_blocker: Any,
) -> BrowserWalk:
    """The catalog's pages in Chromium on the production server, in signed-in contexts at once.

    Done here, before any test opens a transaction: on SQLite a test's transaction holds the
    write lock, and the server writes (sessions, stale-run sweeps) while pages load.
    """
    with django_db_blocker.unblock():
        planned = browser_plan(tenants.walked)
    # Round-robin over the contexts, each viewer's pages in contexts signed in as them.
    chunks: list[tuple[dict[str, str], list[Visit]]] = []
    for viewer in VIEWERS:
        own = [visit for visit in planned if visit.viewer == viewer]
        contexts = max(1, round(BROWSER_CONTEXTS * len(own) / len(planned)))
        chunks += [(session_cookies[viewer], own[n::contexts]) for n in range(contexts) if own]
    results = render_in_chromium(server.url, chunks)
    return BrowserWalk(
        rendered=[page for pages, _ in results for page in pages],
        probes=[probe for _, probe in results],
    )

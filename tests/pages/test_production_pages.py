"""The production build: collectstatic with the manifest storage, gunicorn with DEBUG off, and
every page of the console rendered for each role and signed out, with its static files."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx
import pytest

from .catalog import EXCLUDED_NAMESPACES, uncovered_url_names

# Reads only: the data is the package's, committed (see conftest.py); this marker makes
# pytest-django set up the test database even when this package runs on its own.
pytestmark = pytest.mark.django_db

HASHED_STATIC = re.compile(r"^/static/.+\.[0-9a-f]{12}\.[a-z0-9]+$")
ONE_YEAR = 365 * 24 * 3600
CONTENT_TYPES = {
    "css": "text/css",
    "js": "text/javascript",
    "svg": "image/svg+xml",
    "map": "application/json",
}


def test_every_url_pattern_is_in_the_page_catalog():
    assert uncovered_url_names() == set(), (
        "Add these URL patterns to tests/pages/catalog.py (or a namespace to "
        f"EXCLUDED_NAMESPACES with a reason): {EXCLUDED_NAMESPACES}"
    )


def test_every_page_answers_each_role_exactly_as_expected(walk):
    wrong = [
        f"{answer.visit.id} {answer.visit.url}: got {answer.status} {answer.location or ''}, "
        f"expected {answer.visit.expected}"
        for answer in walk
        if not answer.visit.expected.matches(answer.status, answer.location)
    ]
    assert not wrong, "\n".join(wrong)
    rendered = Counter(
        answer.visit.viewer or "signed out"
        for answer in walk
        if answer.status == 200 and answer.visit.entry.kind in ("page", "fragment")
    )
    # Every role renders pages, admins the most (settings pages are theirs alone).
    assert rendered["admin"] > rendered["editor"] > rendered["viewer"] > rendered["signed out"] > 0


def test_no_answer_is_a_server_error_and_pages_are_html(walk):
    for answer in walk:
        assert answer.status < 500 or answer.visit.entry.name == "console:healthz", answer.visit.id
        if answer.status in (200, 403, 404) and answer.visit.entry.kind in ("page", "fragment"):
            assert answer.headers["content-type"].startswith("text/html"), answer.visit.id
            if answer.visit.entry.kind == "page":
                assert answer.text.lstrip().lower().startswith("<!doctype html>"), answer.visit.id


def test_health_reports_the_database_ok(walk):
    for answer in walk:
        if answer.visit.entry.name == "console:healthz":
            assert json.loads(answer.text)["checks"]["database"]["status"] == "ok"


def test_api_docs_are_off_by_default_in_production_and_answer_in_spots_envelope(walk):
    answers = [a for a in walk if a.visit.entry.name in ("api:openapi-view", "api:openapi-json")]
    assert len(answers) == 8
    for answer in answers:
        body = json.loads(answer.text)
        assert body["response"]["status"]["code"] == 404
        assert [error["code"] for error in body["response"]["errors"]] == ["NOT_FOUND"]
    settings_page = next(
        a for a in walk if a.visit.entry.name == "console:settings" and a.visit.viewer == "admin"
    )
    assert "/api/docs" not in settings_page.text


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = values.get("src") if tag in ("script", "img") else None
        if tag == "link":
            url = values.get("href")
        if url and url.startswith("/static/"):
            self.urls.add(url)


def test_static_files_of_every_page_load_under_hashed_names(walk, server):
    assets: set[str] = set()
    for answer in walk:
        if answer.status == 200 and answer.headers["content-type"].startswith("text/html"):
            parser = _Assets()
            parser.feed(answer.text)
            assets |= parser.urls
    # Bootstrap (CSS and JS), htmx, the console's own CSS and JS, the editor's, the favicon.
    names = {re.sub(r"\.[0-9a-f]{12}\.", ".", url.rsplit("/", 1)[1]) for url in assets}
    assert {"bootstrap.min.css", "bootstrap.bundle.min.js", "htmx-2.min.js", "console.js"} <= names
    assert {"console.css", "editor.js", "editor.css", "favicon.svg"} <= names
    maps: set[str] = set()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for url in sorted(assets):
            assert HASHED_STATIC.match(url), f"{url} is not a hashed name"
            response = client.get(url, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200, url
            extension = url.rsplit(".", 1)[1]
            assert response.headers["content-type"].startswith(CONTENT_TYPES[extension]), url
            # Hashed names never change content, so WhiteNoise lets browsers keep them a year.
            cache = response.headers["cache-control"]
            assert "immutable" in cache, url
            assert int(re.search(r"max-age=(\d+)", cache)[1]) >= ONE_YEAR, url
            # The vendored files point at their source maps: those exist, hashed too.
            found = re.search(r"sourceMappingURL=(\S+?)\s*(?:\*/)?\s*$", response.text)
            if found:
                maps.add(urljoin(url, found.group(1)))
        assert maps, "the vendored Bootstrap files name their source maps"
        for url in maps:
            assert HASHED_STATIC.match(url), url
            response = client.get(url)
            assert response.status_code == 200, url
            assert json.loads(response.text)["version"] == 3

"""The Content-Security-Policy: on every response of the production server, nothing in any page
or fragment that it would refuse, and no violation reported by Chromium on any page, as each
role and signed out, with the htmx fragments the pages load."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest

from .catalog import CATALOG, VIEWERS

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "manifest-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def _policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


def test_every_answer_carries_the_strict_policy(walk, server):
    for answer in walk:
        assert _policy(answer.headers["content-security-policy"]) == POLICY, answer.visit.id
    # Static files too (WhiteNoise answers them before any view).
    static = httpx.get(f"{server.url}/static/favicon.svg")
    assert static.status_code == 200
    assert _policy(static.headers["content-security-policy"]) == POLICY


class _InlineCode(HTMLParser):
    """What the policy refuses in markup: inline <script>, <style>, style and on* attributes,
    javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=…>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
            if name in ("hx-vals", "hx-headers") and (value or "").lstrip().startswith("js:"):
                self.found.append(f"<{tag} {name}={value}> (needs eval)")


def test_no_page_or_fragment_holds_code_the_policy_refuses(walk):
    found = []
    for answer in walk:
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        parser = _InlineCode()
        parser.feed(answer.text)
        found += [f"{answer.visit.id}: {what}" for what in parser.found]
    assert not found, "\n".join(found)


@pytest.mark.browser
def test_chromium_reports_no_violation_on_any_page(browser_walk, tenants):
    wrong_status = [
        f"{page.visit.id}: {page.status}, expected {page.visit.expected.status}"
        for page in browser_walk.rendered
        if page.status != page.visit.expected.status
    ]
    assert not wrong_status, "\n".join(wrong_status)
    found = [
        f"{page.visit.id}: {violation}"
        for page in browser_walk.rendered
        for violation in page.violations
    ]
    assert not found, "\n".join(found)
    # Every page of the catalog that renders for someone, signed out included; a 403, a 404.
    pages = {
        entry.id
        for entry in CATALOG
        if entry.kind == "page" and any(entry.expect(v, "/").status == 200 for v in VIEWERS)
    }
    opened = {page.visit.entry.id for page in browser_walk.rendered}
    assert pages <= opened
    assert {page.status for page in browser_walk.rendered} == {200, 403, 404}
    assert None in {page.visit.viewer for page in browser_walk.rendered}


@pytest.mark.browser
def test_the_violation_check_sees_what_the_policy_refuses(browser_walk):
    """An inline script added to the last page of each context was refused, and reported."""
    assert len(browser_walk.probes) >= 3
    for probe in browser_walk.probes:
        assert probe.reported
        assert not probe.ran

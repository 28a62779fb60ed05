import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from playwright.async_api import (
    Browser as AsyncBrowser,
    BrowserContext as AsyncBrowserContext,
    async_playwright,
)
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.go_decode import GoDecoder, build

pytest_plugins = ["azure_sandbox.pytest_plugin"]

# Debian's Chromium, headless as root, with nothing reaching for the (closed) network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


CHROMIUM = "/usr/bin/chromium"


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    """Debian's Chromium through Playwright's sync API, for as long as the block runs."""
    # The sync API runs an event loop in this thread; the live server's database access from
    # the same thread needs Django's async-safety guard relaxed, for these tests only.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@asynccontextmanager
async def launched_chromium_async() -> AsyncIterator[AsyncBrowser]:
    """The same Chromium through Playwright's async API, to drive several pages at once."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One Chromium per test module, for Playwright's sync API against `live_server`."""
    with launched_chromium() as browser:
        yield browser


# Every Content-Security-Policy violation a page reports (the securitypolicyviolation event,
# and Chromium's console error for one), for the browser tests to assert there is none.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline code"} ` +
    `in ${event.sourceFile || document.location.pathname}:${event.lineNumber} ${event.sample}`
  );
});
"""


def _csp_collector() -> tuple[list[str], Callable[[str], None], Callable[[Any], None]]:
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    return violations, report, on_console


def watch_csp_violations(context: BrowserContext) -> list[str]:
    """Collect the CSP violations of every page of `context` into the list returned."""
    violations, report, on_console = _csp_collector()
    context.on("console", on_console)
    context.expose_function("__reportCspViolation", report)
    context.add_init_script(_CSP_LISTENER)
    return violations


async def watch_csp_violations_async(context: AsyncBrowserContext) -> list[str]:
    """watch_csp_violations for an async-API context."""
    violations, report, on_console = _csp_collector()
    context.on("console", on_console)
    await context.expose_function("__reportCspViolation", report)
    await context.add_init_script(_CSP_LISTENER)
    return violations


@pytest.fixture(scope="session")
def go_decoder(tmp_path_factory: pytest.TempPathFactory) -> GoDecoder:
    """spotinst-sdk-go's reading of an answer (tests/go_decode.py), built once per session."""
    return GoDecoder(build(tmp_path_factory.mktemp("spotdecode")))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop this run's cache namespace (console.settings_test): its files, or its Redis keys."""
    from django.conf import settings

    prefix = settings.CACHE_KEY_PREFIX
    if not prefix.startswith("gallery-console-test-"):
        return
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
    elif "files" in settings.CACHES:
        shutil.rmtree(settings.CACHES["files"]["LOCATION"], ignore_errors=True)

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

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


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One Chromium per test module, for Playwright's sync API against `live_server`."""
    # The sync API runs an event loop in this thread; the live server's database access from
    # the same thread needs Django's async-safety guard relaxed, for these tests only.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


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

"""The catalog's pages in Chromium, recording what each one's Content-Security-Policy refused.

Each browser context is signed in as one viewer, and the contexts run at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from playwright.async_api import Browser, Page

from tests.conftest import launched_chromium_async, watch_csp_violations_async

from .catalog import Visit


@dataclass(frozen=True)
class Rendered:
    visit: Visit
    status: int
    violations: tuple[str, ...]


@dataclass(frozen=True)
class ProbeResult:
    """An inline script added to a rendered page: reported, and not run (the check can fail)."""

    reported: bool
    ran: bool


async def settle(page: Page) -> None:
    """Until htmx has no request in flight and no lazy level is still loading."""
    await page.wait_for_function(
        "() => document.readyState === 'complete' && "
        "!document.querySelector('.htmx-request, [aria-busy=\"true\"]')"
    )
    # One more task, so that events queued by the last swap have been dispatched.
    await page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")


async def _render_as(
    browser: Browser, base_url: str, cookies: dict[str, str], planned: list[Visit]
) -> tuple[list[Rendered], ProbeResult]:
    """Open every visit in one signed-in context; then probe the last page with inline code."""
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    violations = await watch_csp_violations_async(context)
    await context.add_cookies(
        [{"name": name, "value": value, "url": base_url} for name, value in cookies.items()]
    )
    page = await context.new_page()
    page.set_default_timeout(30_000)
    rendered: list[Rendered] = []
    try:
        for visit in planned:
            response = await page.goto(base_url + visit.url)
            await settle(page)
            status = response.status if response else 0
            rendered.append(Rendered(visit, status, tuple(violations)))
            violations.clear()
        await page.evaluate(
            "() => { const script = document.createElement('script');"
            " script.textContent = 'window.inlineScriptRan = true';"
            " document.head.append(script); }"
        )
        await settle(page)
        ran = bool(await page.evaluate("() => window.inlineScriptRan"))
        probe = ProbeResult(reported=bool(violations), ran=ran)
    finally:
        await context.close()
    return rendered, probe


def render_in_chromium(
    base_url: str, chunks: list[tuple[dict[str, str], list[Visit]]]
) -> list[tuple[list[Rendered], ProbeResult]]:
    """(session cookies, visits) per browser context in; (rendered pages, probe) per context
    out. The contexts run at once."""

    async def main() -> list[tuple[list[Rendered], ProbeResult]]:
        async with launched_chromium_async() as browser:
            return list(
                await asyncio.gather(
                    *(_render_as(browser, base_url, cookies, visits) for cookies, visits in chunks)
                )
            )

    return asyncio.run(main())

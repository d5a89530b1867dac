"""What every browser test shares: Debian's Chromium driven by Playwright against the live test server.
No browser is downloaded; VISD_CHROMIUM may point at another Chromium binary.

A browser test module sets ``pytestmark = BROWSER_MARKS`` and opens pages with :func:`chromium`."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("VISD_CHROMIUM", "/usr/bin/chromium")
# headless, and none of the background connections this machine's closed network refuses
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (set VISD_CHROMIUM)"),
]


@contextmanager
def chromium(locale: str = "nl-BE", timeout_ms: int = 15_000, **context_options):
    """A browser context in ``locale`` with a default timeout; the browser closes afterwards."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test
    # (fixtures, asserts) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale=locale, **context_options)
            context.set_default_timeout(timeout_ms)
            yield context
        finally:
            browser.close()

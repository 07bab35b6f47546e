"""Headless Chromium for the browser tests: one way to launch it, to open a page on a server, and to log a
member of staff in through the login page."""

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 30_000
"""Generous: a loaded 2-core CI machine runs two test workers, each with its own Chromium."""


@contextmanager
def chromium(*extra_args: str) -> Iterator[Browser]:
    """Debian's Chromium under Playwright; callers hold it for one test module at most (a sync Playwright
    loop must not outlive the module that opened it)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=[*CHROMIUM_ARGS, *extra_args]
        )
        yield browser
        browser.close()


@contextmanager
def opened_page(browser: Browser, base_url: str, width: int, height: int) -> Iterator[Page]:
    """A page in a fresh context (its own cookies) on `base_url`, Japanese locale, at width × height."""
    context = browser.new_context(
        base_url=base_url, locale="ja-JP", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    yield page
    context.close()


def log_in(page: Page, name: str, password: str) -> None:
    """Log in through the login page (where /staff/ sends a visitor) and land on the inbox."""
    page.goto("/staff/")
    assert "/staff/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("受付一覧")

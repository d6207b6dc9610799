"""Headless Chromium for the browser tests: one browser per session, a fresh page per test.

A test fails on any console error or uncaught page error, and on any request that would leave the machine.
"""

import os
from urllib.parse import urlsplit

import pytest

# Playwright's synchronous API runs an event loop in this thread; Django's ORM calls from the test itself are still
# plain synchronous calls, so its async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Browsers ask for a favicon on their own; the portal has none, and that is not an error of the page under test.
IGNORED_PATHS = {"/favicon.ico"}
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    outside: list[str] = []

    def on_console(message):
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if urlsplit(url).path in IGNORED_PATHS:
            return
        problems.append(f"console error: {message.text} ({url})")

    def on_response(response):
        if response.status >= 400 and urlsplit(response.url).path not in IGNORED_PATHS:
            problems.append(f"HTTP {response.status}: {response.url}")

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", on_response)
    page.route("**/*", guard)
    yield page
    context.close()
    assert not outside, f"requests left the machine: {outside}"
    assert not problems, "\n".join(problems)


def wait_for_map(page):
    """Until the map has drawn the answer to the latest filters."""
    page.wait_for_selector("#map[data-state='ready']")

"""Swagger UI and Redoc render in a real browser under the portal's Content-Security-Policy."""

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

from tests.api_mixins import _no_throttling  # noqa: F401 - fixture

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        problems = []
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        outside = []
        page.on(
            "request",
            lambda request: (
                request.url.startswith(("http://localhost", "blob:", "data:")) or outside.append(request.url)
            ),
        )
        yield page, problems, outside
        browser.close()


def test_swagger_ui_renders_the_operations_without_console_errors(live_server, browser_page, tmp_path):
    page, problems, outside = browser_page
    page.goto(live_server.url + reverse("api-docs"))
    page.wait_for_selector(".opblock-tag", timeout=20000)
    assert page.locator(".opblock-tag", has_text="clusters").count() >= 1
    assert page.locator(".opblock").count() > 20
    page.screenshot(path=tmp_path / "swagger.png")
    assert problems == []
    assert outside == []


def test_redoc_renders_the_operations_without_loading_anything_from_elsewhere(live_server, browser_page):
    page, problems, outside = browser_page
    page.goto(live_server.url + reverse("api-redoc"))
    page.wait_for_selector("text=EAEU and SCO innovation registry API", timeout=20000)
    page.wait_for_selector("[data-section-id^='tag/clusters']", timeout=20000)
    # Redoc's script asks for its vendor logo on the vendor's CDN; the page's policy refuses it.
    assert {url.split("/")[2] for url in outside} <= {"cdn.redoc.ly"}
    # The one thing refused is the vendor's logo on its CDN; the worker for search and the page itself run.
    assert [p for p in problems if "Content Security Policy" in p and "cdn.redoc.ly" not in p] == []
    assert not [p for p in problems if "Uncaught" in p]

"""In headless Chromium: the heatmap renders and is enhanced, the charts draw, the profile map shows the region."""

import os
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from directory.tests.factories import CountryFactory, RegionFactory

from .factories import (
    AreaFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PriorityListFactory,
    PriorityNodeFactory,
    ProfileFactory,
    SpecialisationPriorityFactory,
    StakeholderFactory,
)

# Playwright's synchronous API runs an event loop in this thread; the test's own ORM calls stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15000)
        problems: list[str] = []

        def guard(route):
            if urlsplit(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith("data:"):
                route.continue_()
            else:
                problems.append(f"left the machine: {route.request.url}")
                route.abort()

        page.route("**/*", guard)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and "favicon" not in message.location.get("url", "")
                and problems.append(f"console error: {message.text}")
            ),
        )
        yield page
        browser.close()
        assert not problems, "\n".join(problems)


@pytest.fixture
def world():
    area = AreaFactory(code="DIG", name_en="Digital technologies")
    ict = PriorityNodeFactory(code="DIG.ICT", parent=area, name_en="Information systems")
    ai = PriorityNodeFactory(code="DIG.AI", parent=area, name_en="Artificial intelligence")
    kz = CountryFactory(iso2="XK", iso3="XKZ", name_en="Kazakhstan")
    by = CountryFactory(iso2="XB", iso3="XBY", name_en="Belarus")
    PriorityListFactory(country=kz, priorities=[ict, ai])
    PriorityListFactory(country=by, priorities=[ict])
    profile = ProfileFactory(region=RegionFactory(country=by, iso_code="XB-HM", name_en="Minsk"))
    SpecialisationPriorityFactory(profile=profile, priority=ict, strength=5)
    StakeholderFactory(profile=profile, name="City committee", is_leader=True)
    indicator = IndicatorFactory(code="gerd-gdp", name_en="GERD, % of GDP")
    for country, values in ((kz, ("0.12", "0.13")), (by, ("0.58", "0.55"))):
        for year, value in zip((2019, 2020), values, strict=True):
            IndicatorValueFactory(indicator=indicator, country=country, year=year, value=Decimal(value))
    return {"profile": profile}


def test_country_heatmap_renders_with_colours_and_highlights_on_hover(page, live_server, world):
    page.goto(live_server.url + reverse("foresight:country-matrix") + "?country=XK&country=XB")

    table = page.locator("#country-heatmap")
    table.wait_for(state="visible")
    assert page.locator("#country-heatmap[data-enhanced='true']").count() == 1
    assert page.locator("#country-heatmap tbody tr").count() == 2
    filled = page.locator("#country-heatmap td.heat-1").first
    empty = page.locator("#country-heatmap td.heat-0").first
    filled_colour = filled.evaluate("cell => getComputedStyle(cell).backgroundColor")
    empty_colour = empty.evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert filled_colour != empty_colour
    assert filled_colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert "Information systems" in page.locator("#shared-priorities").inner_text()

    filled.hover()
    assert page.locator("#country-heatmap .heat-cross").count() > 2


def test_region_heatmap_renders(page, live_server, world):
    page.goto(live_server.url + reverse("foresight:region-matrix"))
    cell = page.locator("#region-heatmap td.heat-5")
    cell.wait_for(state="visible")
    assert cell.inner_text().strip() == "5"


def test_comparison_chart_draws_on_its_canvas(page, live_server, world):
    page.goto(live_server.url + reverse("foresight:indicator-compare") + "?indicator=gerd-gdp&country=XK&country=XB")

    page.wait_for_selector("#compare-chart[data-rendered='true']")
    drawn = page.evaluate(
        """() => {
            const canvas = document.getElementById('compare-chart');
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
            return {painted, datasets: canvas.chart.data.datasets.length};
        }"""
    )
    assert drawn["datasets"] == 2
    assert drawn["painted"] > 1000


def test_profile_map_shows_the_region_outline(page, live_server, world):
    page.goto(live_server.url + world["profile"].get_absolute_url())
    page.wait_for_selector("#profile-map[data-rendered='true']")
    assert page.locator("#profile-map path.leaflet-interactive").count() == 1
    assert "City committee" in page.content()

"""The map page in headless Chromium: markers, filters, popups, shared addresses."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from clusters.choices import ClusterKind
from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory.tests.factories import CountryFactory
from technoparks.models import Technopark
from technoparks.tests.factories import TechnoparkFactory

from .conftest import wait_for_map

pytestmark = pytest.mark.browser


def badge_count(page, layer: str) -> int:
    return int(page.get_attribute(f"#count-{layer}", "data-count"))


def test_demo_registry_appears_on_the_map_and_a_country_narrows_it(page, live_server):
    call_command("load_reference", verbosity=0)
    call_command("load_demo", verbosity=0)
    published = Cluster.objects.published()
    assert published.exists(), "the demo data holds published clusters"

    page.goto(f"{live_server.url}/en/")
    wait_for_map(page)

    assert badge_count(page, "clusters") == published.count()
    assert badge_count(page, "technoparks") == Technopark.objects.published().count()
    assert int(page.get_attribute("#map", "data-markers-clusters")) == published.exclude(location=None).count()
    assert page.locator(".leaflet-marker-icon").count() > 0
    # Without a tile server the boundaries from the database draw the base map.
    page.wait_for_selector(".leaflet-boundaries-pane path")

    page.select_option("#f-country", "KZ")
    page.wait_for_selector("#map[data-filters*='country_code=KZ']")
    wait_for_map(page)

    assert badge_count(page, "clusters") == published.filter(country__iso2="KZ").count()
    assert badge_count(page, "technoparks") == Technopark.objects.published().filter(country__iso2="KZ").count()
    assert parse_qs(urlsplit(page.url).query)["country_code"] == ["KZ"]


def test_a_popup_link_opens_the_profile(page, live_server):
    cluster = ClusterFactory(name_en="Zhetisu Agro Cluster", kind=ClusterKind.INDUSTRIAL)
    MembershipFactory.create_batch(2, cluster=cluster)
    ClusterFactory(country=cluster.country, name_en="Another cluster", fx=0.1, fy=0.1)

    page.goto(f"{live_server.url}/en/?q=Zhetisu&layers=clusters")
    wait_for_map(page)
    page.click(".leaflet-marker-icon.record-marker-clusters")
    link = page.wait_for_selector(".map-popup-link")

    popup = page.inner_text(".map-popup")
    assert "Zhetisu Agro Cluster" in popup
    assert "Industrial cluster" in popup and "2 members" in popup
    link.click()
    page.wait_for_url(f"**/en/clusters/{cluster.pk}/")
    assert page.inner_text("h1") == "Zhetisu Agro Cluster"


def test_a_shared_address_restores_the_same_filters_and_position(page, live_server):
    country = CountryFactory()
    ClusterFactory.create_batch(2, country=country, kind=ClusterKind.INDUSTRIAL, founded_year=2015)
    ClusterFactory(country=country, kind=ClusterKind.INNOVATION, founded_year=2015)
    ClusterFactory(country=country, kind=ClusterKind.INDUSTRIAL, founded_year=1999)
    TechnoparkFactory(country=country)
    lon, lat = country.boundary.centroid.coords

    page.goto(f"{live_server.url}/en/?map=6/{lat:.4f}/{lon:.4f}")
    wait_for_map(page)
    page.select_option("#f-country", country.iso2)
    wait_for_map(page)
    page.check("#f-kind-industrial")
    wait_for_map(page)
    page.fill("#f-founded-min", "2010")
    page.wait_for_selector("#map[data-filters*='founded_min=2010']")
    wait_for_map(page)
    page.select_option("#f-choropleth", "clusters-country")
    shared = page.url
    assert badge_count(page, "clusters") == 2
    assert badge_count(page, "technoparks") == 0  # an industrial-cluster kind leaves technoparks out

    page.goto("about:blank")
    page.goto(shared)
    wait_for_map(page)

    assert page.input_value("#f-country") == country.iso2
    assert page.is_checked("#f-kind-industrial")
    assert not page.is_checked("#f-kind-innovation")
    assert page.input_value("#f-founded-min") == "2010"
    assert page.input_value("#f-choropleth") == "clusters-country"
    assert badge_count(page, "clusters") == 2
    restored = parse_qs(urlsplit(page.url).query)
    original = parse_qs(urlsplit(shared).query)
    assert restored["map"] == original["map"]
    page.wait_for_selector(".leaflet-choropleth-pane path")

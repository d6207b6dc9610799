"""Profile and list pages in headless Chromium: the small map, the indicators chart, no console errors."""

import pytest

from clusters.tests.factories import ClusterFactory, ClusterIndicatorFactory, MembershipFactory
from directory.tests.factories import CountryFactory, RegionFactory
from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory

pytestmark = pytest.mark.browser


def test_cluster_profile_draws_its_map_and_indicators_chart(page, live_server):
    region = RegionFactory()
    cluster = ClusterFactory(country=region.country, regions=[region], name_en="Photonics cluster")
    membership = MembershipFactory(cluster=cluster)
    for year, employees in ((2021, 900), (2022, 1000), (2023, 1200)):
        ClusterIndicatorFactory(cluster=cluster, year=year, employees=employees)

    page.goto(f"{live_server.url}/en/clusters/{cluster.pk}/")

    page.wait_for_selector("#record-map .leaflet-marker-icon")
    page.wait_for_selector("#record-map .leaflet-boundaries-pane path")
    chart_width = page.eval_on_selector("#indicator-chart", "canvas => canvas.width")
    assert chart_width > 100
    assert page.inner_text("#members").count(membership.organisation.name_en) == 1
    assert page.get_attribute("#api-link", "href") == f"/api/v1/clusters/{cluster.pk}/"

    page.click(f"text={membership.organisation.name_en}")
    page.wait_for_url(f"**/en/organisations/{membership.organisation.pk}/")
    assert "Photonics cluster" in page.inner_text("#organisation-clusters")


def test_technopark_profile_and_the_list_filters(page, live_server):
    chosen, other = CountryFactory(name_en="Chosenland"), CountryFactory(name_en="Otherland")
    technopark = TechnoparkFactory(country=chosen, name_en="Chosen park")
    ResidencyFactory(technopark=technopark)
    TechnoparkFactory(country=other, name_en="Other park")

    page.goto(f"{live_server.url}/en/technoparks/")
    page.select_option("#f-country", chosen.iso2)
    page.click("#list-filters button[type=submit]")
    page.wait_for_url(f"**country_code={chosen.iso2}**")

    assert page.get_attribute("#result-count", "data-count") == "1"
    page.click("text=Chosen park")
    page.wait_for_selector("#record-map .leaflet-marker-icon")
    assert page.inner_text("#resident-count").startswith("1")

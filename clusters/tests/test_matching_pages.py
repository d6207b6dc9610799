"""The public pages of the matching index: partner lines of the map, the network, the search from a free-text need,
and the suggestions for a technopark's residents."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.matching import services
from clusters.tests.factories import ClusterFactory
from directory.tests.factories import DivisionFactory, belarus, kazakhstan, russia
from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory

pytestmark = pytest.mark.django_db
NETWORK = "/en/clusters/matching/network/"
FIND = "/en/clusters/matching/find/"


def lines_url(cluster) -> str:
    return f"/en/clusters/matching/lines/{cluster.pk}.geojson"


def test_the_public_routes_are_mounted_beside_the_rebuild_page():
    assert reverse("matching:network") == NETWORK
    assert reverse("matching:find") == FIND
    assert reverse("matching:partner-lines", args=[7]) == "/en/clusters/matching/lines/7.geojson"


@pytest.fixture
def machine_tools():
    """Machine-tool clusters in three countries and an unrelated one, with the index built."""
    machines = DivisionFactory(code="28")
    food = DivisionFactory(code="10")
    home = ClusterFactory(name_en="Ivanovo machine tools", country=russia(), primary_sector=machines)
    kz = ClusterFactory(name_en="Karaganda machine building", country=kazakhstan(), primary_sector=machines)
    by = ClusterFactory(name_en="Minsk machine tools", country=belarus(), primary_sector=machines)
    bakery = ClusterFactory(name_en="Almaty bakeries", country=kz.country, primary_sector=food, fx=0.2)
    services.matching_rebuild_inline()
    return {"home": home, "kz": kz, "by": by, "bakery": bakery}


# --- Partner lines ------------------------------------------------------------------------------
def test_partner_lines_are_geojson_lines_to_the_best_partners(client, machine_tools, django_assert_max_num_queries):
    home = machine_tools["home"]
    with django_assert_max_num_queries(3):
        response = client.get(lines_url(home))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    partners = {feature["properties"]["partner"]: feature for feature in body["features"]}
    assert machine_tools["kz"].pk in partners and machine_tools["by"].pk in partners
    line = partners[machine_tools["kz"].pk]
    assert line["geometry"]["type"] == "LineString"
    assert line["geometry"]["coordinates"][0] == pytest.approx([home.location.x, home.location.y])
    assert line["geometry"]["coordinates"][1] == pytest.approx(
        [machine_tools["kz"].location.x, machine_tools["kz"].location.y]
    )
    assert line["properties"]["name"] == "Karaganda machine building"
    assert line["properties"]["country"] == "KZ"
    scores = [feature["properties"]["score"] for feature in body["features"]]
    assert scores == sorted(scores, reverse=True) and all(0 < score <= 1 for score in scores)


def test_partner_lines_answer_304_to_a_client_holding_them(client, machine_tools):
    first = client.get(lines_url(machine_tools["home"]))
    etag = first["ETag"]
    assert etag
    again = client.get(lines_url(machine_tools["home"]), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(lines_url(machine_tools["kz"]), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_partner_lines_of_a_draft_or_unknown_cluster_are_404(client, machine_tools):
    draft = ClusterFactory(draft=True, primary_sector=machine_tools["home"].primary_sector)
    assert client.get(lines_url(draft)).status_code == 404
    assert client.get("/en/clusters/matching/lines/999999.geojson").status_code == 404


def test_partner_lines_leave_out_partners_without_a_location(client, machine_tools):
    machine_tools["by"].location = None
    machine_tools["by"].save(update_fields=["location"])
    body = client.get(lines_url(machine_tools["home"])).json()
    assert machine_tools["by"].pk not in {feature["properties"]["partner"] for feature in body["features"]}
    assert body["features"], "the located partners are still drawn"


def test_the_map_page_passes_the_lines_address_and_its_labels_to_the_script(client):
    page = client.get("/en/").content.decode()
    config = re.search(r'<div id="map-partners-config" hidden([^>]*)>', page)
    assert config, "the map page carries the partner lines configuration"
    assert 'data-lines="/en/clusters/matching/lines/0.geojson"' in config.group(1)
    assert 'data-show="Show partners"' in config.group(1)
    assert 'data-clear="Clear the lines"' in config.group(1)


# --- Network ----------------------------------------------------------------------------------
def test_the_network_lists_the_strongest_links_as_a_map_and_a_table(client, machine_tools):
    response = client.get(NETWORK, {"min_score": "0.05"})
    assert response.status_code == 200
    page = response.content.decode()
    data = json.loads(re.search(r'<script id="network-data" type="application/json">(.*?)</script>', page).group(1))
    node_names = {node["name"] for node in data["nodes"]}
    assert {"Ivanovo machine tools", "Karaganda machine building", "Minsk machine tools"} <= node_names
    assert all(node["lat"] is not None and node["url"].startswith("/en/clusters/") for node in data["nodes"])
    assert data["links"] and all(link["score"] >= 0.05 for link in data["links"])
    table = page[page.index('id="network-table"') :]
    assert "Karaganda machine building" in table and "Kazakhstan" in table
    assert f'href="/en/clusters/{machine_tools["kz"].pk}/"' in table
    # The only scripts are files: the CSP forbids inline ones.
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))", page) == []


def test_the_network_narrows_to_a_country_and_a_minimum_score(client, machine_tools):
    page = client.get(NETWORK, {"country": "BY", "min_score": "0.05"}).content.decode()
    data = json.loads(re.search(r'<script id="network-data" type="application/json">(.*?)</script>', page).group(1))
    by = machine_tools["by"].pk
    assert data["links"] and all(by in (link["source"], link["target"]) for link in data["links"])
    assert '<option value="BY" selected>' in page

    empty = client.get(NETWORK, {"min_score": "1"})
    assert empty.status_code == 200
    assert "No links reach this score" in empty.content.decode()
    assert 'id="network-data"' not in empty.content.decode()


def test_a_network_cut_at_its_limit_says_that_stronger_filters_show_others(client, machine_tools, monkeypatch):
    monkeypatch.setattr("clusters.matching.views.NETWORK_LINKS_SHOWN", 2)
    page = client.get(NETWORK, {"min_score": "0"}).content.decode()
    assert "The 2 strongest links" in page and "raise the minimum score" in page
    assert page.count("<tr>") == 1 + 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_score": "high"}, "Enter a score from 0 to 1"),
        ({"min_score": "2"}, "Enter a score from 0 to 1"),
        ({"min_score": "-0.5"}, "Enter a score from 0 to 1"),
        ({"country": "XX"}, "Choose a country from the list."),
    ],
)
def test_bad_network_filters_are_explained_and_draw_nothing(client, machine_tools, params, message):
    response = client.get(NETWORK, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'id="network-errors"' in page
    assert 'id="network-data"' not in page


def test_the_network_takes_a_fixed_number_of_queries_whatever_its_size(client):
    machines = DivisionFactory(code="28")

    def queries() -> int:
        services.matching_rebuild_inline()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(NETWORK, {"min_score": "0"}).status_code == 200
        return len(captured)

    ClusterFactory.create_batch(3, primary_sector=machines)
    small = queries()
    ClusterFactory.create_batch(9, primary_sector=machines)
    assert queries() == small
    assert small <= 5


# --- Find partners ----------------------------------------------------------------------------
def test_the_find_page_offers_a_form_and_examples(client):
    response = client.get(FIND)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="need"' in page and 'maxlength="500"' in page
    assert "?need=We%20seek%20a%20partner%20in%20machine-tool%20building%20in%20Kazakhstan" in page
    assert "is-invalid" not in page


def test_a_need_shows_the_countries_and_sectors_understood_and_the_matching_clusters(
    client, machine_tools, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = client.get(FIND, {"need": "We seek a partner in machine-tool building in Kazakhstan"})
    assert response.status_code == 200
    page = response.content.decode()
    understood = page[page.index('id="need-countries"') : page.index('id="need-matches"')]
    assert "Kazakhstan" in understood and "28 Division 28" in understood
    matches = page[page.index('id="need-matches"') :]
    assert "Karaganda machine building" in matches
    assert "Shared sectors" in matches
    # The country named in the need is a filter: clusters elsewhere are not offered.
    assert "Minsk machine tools" not in matches and "Ivanovo machine tools" not in matches


def test_a_need_in_russian_is_understood_too(client, machine_tools):
    page = client.get(FIND, {"need": "Ищем партнёра в станкостроении в Беларуси"}).content.decode()
    understood = page[page.index('id="need-countries"') : page.index('id="need-matches"')]
    assert "Belarus" in understood
    assert "Minsk machine tools" in page[page.index('id="need-matches"') :]


def test_a_need_naming_nothing_known_is_matched_on_its_words(client, machine_tools):
    page = client.get(FIND, {"need": "zzz qqq"}).content.decode()
    assert "none named: partners from every country" in page
    assert "none recognised" in page


@pytest.mark.parametrize(
    ("need", "message"),
    [
        ("", "Describe the partner you are looking for."),
        ("   ", "Describe the partner you are looking for."),
        ("x" * 501, "Keep the description to 500 characters or fewer (it has 501)."),
    ],
)
def test_an_empty_or_too_long_need_is_refused_with_a_message(client, machine_tools, need, message):
    response = client.get(FIND, {"need": need})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert 'id="need-matches"' not in page


def test_the_clusters_list_links_to_the_partner_pages(client):
    page = client.get("/en/clusters/").content.decode()
    assert f'href="{FIND}"' in page and f'href="{NETWORK}"' in page


# --- Technopark residents ---------------------------------------------------------------------
def test_a_technopark_profile_suggests_cluster_partners_for_its_residents(
    client, machine_tools, django_assert_max_num_queries
):
    machines = machine_tools["home"].primary_sector
    technopark = TechnoparkFactory(country=russia(), sectors=[machines], name_en="Kazan machine park")
    ResidencyFactory.create_batch(2, technopark=technopark, organisation__sectors=[machines])
    with django_assert_max_num_queries(24):
        response = client.get(f"/en/technoparks/{technopark.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    block = page[page.index('id="resident-partners"') :]
    assert "Suggested cluster partners for residents" in block
    assert "Karaganda machine building" in block and "Minsk machine tools" in block
    assert "Shared sectors" in block


def test_a_technopark_profile_says_so_when_no_partners_are_suggested(client):
    technopark = TechnoparkFactory()
    page = client.get(f"/en/technoparks/{technopark.pk}/").content.decode()
    assert "No cluster partners suggested yet" in page

"""The map page and the layer machinery behind its feature endpoints."""

import json
import re

import pytest
from django.http import QueryDict
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from clusters.tests.factories import ClusterFactory, PriorityFactory
from directory.tests.factories import BlocFactory, BlocMembershipFactory, CountryFactory, RegionFactory
from eaeu_portal import map as portal_map
from technoparks.tests.factories import TechnoparkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def map_config(response) -> dict:
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', response.content.decode())
    assert match, "the page passes its configuration through json_script"
    return json.loads(match.group(1))


def test_home_is_the_map_with_filters_and_endpoints(client):
    bloc = BlocFactory(code="eaeu")
    country = CountryFactory(name_en="Freedonia")
    BlocMembershipFactory(bloc=bloc, country=country)
    RegionFactory(country=country, name_en="North Freedonia")
    PriorityFactory(name_en="Artificial intelligence")

    response = client.get(reverse("home"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="map"' in content
    for text in ("Freedonia", "North Freedonia", "Artificial intelligence", "Innovation cluster", "IT park"):
        assert text in content
    assert 'data-blocs="eaeu"' in content
    config = map_config(response)
    assert config["layers"]["clusters"]["features"] == reverse("clusters:features")
    assert config["layers"]["technoparks"]["popup"] == reverse("technoparks:popup", args=[0])
    assert config["boundaries"]["region"] == reverse("directory:region-boundaries")
    assert config["layers"]["technoparks"]["kinds"]["it_park"] == "IT park"


def test_home_has_no_inline_scripts_and_loads_leaflet_and_markercluster_from_the_portal(client):
    content = client.get(reverse("home")).content.decode()

    for chunk in content.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert re.search(r'<script src="/static/leaflet/leaflet(-src)?\.js"', content)
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in content
    assert "portal/js/map.js" in content
    assert " onclick=" not in content and " onchange=" not in content


@override_settings(MAP_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png")
def test_tile_server_comes_from_the_setting(client):
    assert map_config(client.get(reverse("home")))["tiles"]["url"] == "https://tiles.example.org/{z}/{x}/{y}.png"


def test_tests_use_no_tile_server(client):
    assert map_config(client.get(reverse("home")))["tiles"]["url"] == ""


def test_shared_address_restores_filters_layers_and_position(client):
    country = CountryFactory()
    response = client.get(
        reverse("home"),
        {
            "country_code": country.iso2,
            "kind": ["industrial", "it_park"],
            "q": "space",
            "layers": "technoparks",
            "choropleth": "clusters-region",
            "map": "6/55.7/37.6",
            "sco_pool": "true",
            "founded_min": "2000",
        },
    )

    content = response.content.decode()
    assert f'<option value="{country.iso2}" data-blocs="" selected>' in content
    assert re.search(r'value="industrial" id="f-kind-industrial" checked', content)
    assert re.search(r'value="it_park" id="f-kind-it_park" checked', content)
    assert 'value="space"' in content
    assert 'value="clusters" id="layer-clusters">' in content  # not checked
    assert 'value="technoparks" id="layer-technoparks" checked' in content
    assert '<option value="clusters-region" selected>' in content
    assert 'name="map" id="f-map" value="6/55.7/37.6"' in content
    assert '<option value="true" selected>' in content
    assert 'name="founded_min" min="1800" max="2100" value="2000"' in content


def test_map_page_queries_do_not_grow_with_the_registry(client, django_assert_max_num_queries):
    ClusterFactory()
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("home"))
    ClusterFactory.create_batch(10)
    TechnoparkFactory.create_batch(10)
    RegionFactory.create_batch(3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("home")).status_code == 200


def test_navigation_links_to_the_map_and_the_lists(client):
    content = client.get(reverse("home")).content.decode()

    for name in ("clusters:list", "technoparks:list", "directory:organisation-list"):
        assert f'href="{reverse(name)}"' in content


# --- Layer parameters ------------------------------------------------------------------------------------
def test_layer_params_keep_only_the_layers_own_kinds_and_drop_page_parameters():
    query = QueryDict("kind=innovation&kind=it_park&map=3/45/75&layers=clusters&country_code=RU&q=")

    clusters = portal_map.layer_params(portal_map.CLUSTERS, query)
    technoparks = portal_map.layer_params(portal_map.TECHNOPARKS, query)

    assert clusters.getlist("kind") == ["innovation"]
    assert technoparks.getlist("kind") == ["it_park"]
    assert "map" not in clusters and "layers" not in clusters and "q" not in clusters
    assert clusters["country_code"] == "RU"


def test_layer_params_empty_the_layer_when_only_other_kinds_are_chosen():
    assert portal_map.layer_params(portal_map.CLUSTERS, QueryDict("kind=science_park")) is None


def test_layer_params_keep_unknown_kinds_for_the_filterset_to_reject():
    params = portal_map.layer_params(portal_map.CLUSTERS, QueryDict("kind=volcano"))

    with pytest.raises(portal_map.MapQueryError) as error:
        portal_map.filtered_ids_sql(portal_map.CLUSTERS, params)
    assert "kind" in error.value.errors


def test_public_map_ignores_a_status_parameter(client):
    ClusterFactory(draft=True)

    body = json.loads(client.get(reverse("clusters:features"), {"status": "draft"}).content)

    assert body["count"] == 0

"""Cluster pages and the clusters layer of the map."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from clusters.choices import ClusterKind, MembershipRole
from clusters.models import Cluster
from clusters.tests.factories import (
    ClusterFactory,
    ClusterIndicatorFactory,
    MembershipFactory,
    PriorityFactory,
)
from directory.tests.factories import CountryFactory, DivisionFactory, RegionFactory, SectorFactory
from technoparks.tests.factories import PoolMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # A request to a /ru/ address leaves Russian active in the thread; each test starts in English.
    with translation.override("en"):
        yield


def features(client, **params):
    response = client.get(reverse("clusters:features"), params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


# --- Features of the map layer ------------------------------------------------------------------
def test_features_carry_only_published_located_clusters_with_light_properties(client):
    country = CountryFactory()
    shown = ClusterFactory(country=country, name_en="Shown cluster", kind=ClusterKind.INDUSTRIAL)
    ClusterFactory(country=country, draft=True)
    ClusterFactory(country=country, location=None)

    body = features(client)

    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [shown.pk]
    assert body["count"] == 2  # the unlocated one counts, but has no marker
    assert body["located"] == 1
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx([shown.location.x, shown.location.y], abs=1e-5)
    assert feature["properties"] == {"name": "Shown cluster", "kind": "industrial", "country": country.iso2}


def test_features_name_follows_the_language_of_the_address(client):
    cluster = ClusterFactory(name_en="Kama cluster", name_ru="Камский кластер")
    ClusterFactory(name_en="Only English", name_ru="")

    names = {f["id"]: f["properties"]["name"] for f in features_for(client, "/ru/clusters/map/features.geojson")}

    assert names[cluster.pk] == "Камский кластер"
    assert "Only English" in names.values()


def features_for(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return json.loads(response.content)["features"]


def test_features_filtered_by_country_match_the_database_count(client):
    chosen, other = CountryFactory(), CountryFactory()
    ClusterFactory.create_batch(3, country=chosen)
    ClusterFactory.create_batch(2, country=other)

    body = features(client, country_code=chosen.iso2)

    assert body["count"] == Cluster.objects.published().filter(country=chosen).count() == 3
    assert {f["properties"]["country"] for f in body["features"]} == {chosen.iso2}


def test_features_sector_section_includes_its_divisions(client):
    section = SectorFactory(code="C")
    division = DivisionFactory(code="26", parent=section)
    in_division = ClusterFactory(primary_sector=division)
    in_section = ClusterFactory(primary_sector=section)
    ClusterFactory(primary_sector=SectorFactory(code="J"))

    assert {f["id"] for f in features(client, sector="C")["features"]} == {in_division.pk, in_section.pk}
    assert {f["id"] for f in features(client, sector="26")["features"]} == {in_division.pk}


def test_features_kinds_of_technoparks_leave_the_clusters_layer_empty(client):
    innovation = ClusterFactory(kind=ClusterKind.INNOVATION)
    ClusterFactory(kind=ClusterKind.INDUSTRIAL)

    assert features(client, kind="it_park")["count"] == 0
    mixed = features(client, kind=["it_park", "innovation"])
    assert [f["id"] for f in mixed["features"]] == [innovation.pk]


def test_features_sco_pool_technology_and_founding_years_filter(client):
    in_pool = ClusterFactory(founded_year=2005)
    PoolMembershipFactory(for_cluster=True, cluster=in_pool)
    technology = PriorityFactory(technology=True)
    with_technology = ClusterFactory(founded_year=2018, technologies=[technology])

    assert [f["id"] for f in features(client, sco_pool="true")["features"]] == [in_pool.pk]
    # A priority area includes the technologies below it.
    area = technology.parent.parent
    assert [f["id"] for f in features(client, technology=area.code)["features"]] == [with_technology.pk]
    assert [f["id"] for f in features(client, founded_min=2010)["features"]] == [with_technology.pk]
    assert [f["id"] for f in features(client, founded_max=2010)["features"]] == [in_pool.pk]


def test_features_answer_a_repeated_request_with_304(client):
    ClusterFactory.create_batch(2)
    url = reverse("clusters:features")
    first = client.get(url, {"bloc": ""})

    again = client.get(url, {"bloc": ""}, headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200 and first["ETag"]
    assert "must-revalidate" in first["Cache-Control"]
    assert again.status_code == 304
    assert again.content == b""


def test_features_etag_changes_when_the_data_changes(client):
    cluster = ClusterFactory()
    url = reverse("clusters:features")
    etag = client.get(url)["ETag"]
    cluster.name_en = "Renamed"
    cluster.save()

    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "10,20,5"}, "bbox"),
        ({"bbox": "30,20,10,40"}, "bbox"),
        ({"founded_min": "long ago"}, "founded_min"),
        ({"kind": "volcano"}, "kind"),
        ({"near": "37,55,99999"}, "near"),
    ],
)
def test_features_reject_bad_filters_with_a_message(client, params, field):
    ClusterFactory()

    response = client.get(reverse("clusters:features"), params)

    assert response.status_code == 400
    errors = json.loads(response.content)["errors"]
    assert errors[field] and all(message for message in errors[field])


def test_features_are_built_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    country = CountryFactory()
    ClusterFactory.create_batch(2, country=country)
    with django_assert_max_num_queries(2) as few:
        features(client, country_code=country.iso2)
    ClusterFactory.create_batch(15, country=country)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert features(client, country_code=country.iso2)["count"] == 17


def test_features_bbox_keeps_the_viewport_only(client):
    country = CountryFactory()
    west = ClusterFactory(country=country, fx=0.1)
    ClusterFactory(country=country, fx=0.9)
    xmin, ymin, xmax, ymax = country.boundary.extent
    bbox = f"{xmin},{ymin},{(xmin + xmax) / 2},{ymax}"

    assert [f["id"] for f in features(client, bbox=bbox)["features"]] == [west.pk]


# --- Counts per country and region (the choropleth) -----------------------------------------------
def test_counts_per_country(client):
    first, second = CountryFactory(), CountryFactory()
    ClusterFactory.create_batch(3, country=first)
    ClusterFactory(country=second)
    ClusterFactory(country=second, draft=True)

    body = json.loads(client.get(reverse("clusters:counts"), {"level": "country"}).content)

    assert body["counts"] == {str(first.pk): 3, str(second.pk): 1}
    assert body["max"] == 3


def test_counts_per_region_use_the_regions_covered_then_the_location(client):
    country = CountryFactory()
    south_west = RegionFactory(country=country, quarter=0)
    north_east = RegionFactory(country=country, quarter=3)
    # States the regions it covers: counted there, wherever its point is.
    ClusterFactory(country=country, regions=[south_west, north_east], fx=0.25, fy=0.25)
    # States none: counted in the region its point lies in.
    ClusterFactory(country=country, fx=0.75, fy=0.75)

    body = json.loads(client.get(reverse("clusters:counts"), {"level": "region"}).content)

    assert body["counts"] == {str(south_west.pk): 1, str(north_east.pk): 2}


def test_counts_follow_the_filters_and_reject_an_unknown_level(client):
    country = CountryFactory()
    ClusterFactory(country=country, kind=ClusterKind.INDUSTRIAL)
    ClusterFactory(country=country, kind=ClusterKind.INNOVATION)

    body = json.loads(client.get(reverse("clusters:counts"), {"level": "country", "kind": "industrial"}).content)
    bad = client.get(reverse("clusters:counts"), {"level": "planet"})

    assert body["counts"] == {str(country.pk): 1}
    assert bad.status_code == 400
    assert "level" in json.loads(bad.content)["errors"]


# --- Export of what is on screen ------------------------------------------------------------------
def test_export_csv_has_the_filtered_clusters_inside_the_viewport(client):
    country = CountryFactory()
    section = SectorFactory(code="C")
    west = ClusterFactory(country=country, fx=0.1, name_en="West cluster", primary_sector=section)
    MembershipFactory.create_batch(2, cluster=west)
    ClusterFactory(country=country, fx=0.9)
    xmin, ymin, xmax, ymax = country.boundary.extent

    response = client.get(reverse("clusters:export-csv"), {"bbox": f"{xmin},{ymin},{(xmin + xmax) / 2},{ymax}"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="clusters.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["name"] == "West cluster"
    assert rows[0]["kind"] == "Innovation cluster"
    assert rows[0]["country_code"] == country.iso2
    assert rows[0]["sector"] == "C Section C"
    assert rows[0]["count"] == "2"
    assert rows[0]["url"] == reverse("clusters:detail", args=[west.pk])


def test_export_geojson_is_a_feature_collection(client):
    cluster = ClusterFactory()

    response = client.get(reverse("clusters:export-geojson"))

    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    assert body["features"][0]["id"] == cluster.pk
    assert body["features"][0]["properties"]["name"] == cluster.name_en
    assert body["features"][0]["geometry"]["type"] == "Point"


def test_export_rejects_bad_filters(client):
    response = client.get(reverse("clusters:export-csv"), {"bbox": "a,b,c,d"})

    assert response.status_code == 400


# --- Popup ------------------------------------------------------------------------------------------
def test_popup_gives_what_the_marker_popup_shows(client):
    region = RegionFactory()
    cluster = ClusterFactory(
        country=region.country, regions=[region], primary_sector=SectorFactory(code="C"), kind=ClusterKind.INDUSTRIAL
    )
    MembershipFactory.create_batch(3, cluster=cluster)
    MembershipFactory(cluster=cluster, left_on="2024-01-01", joined_on="2020-01-01")

    body = json.loads(client.get(reverse("clusters:popup", args=[cluster.pk])).content)

    assert body["name"] == cluster.name_en
    assert body["kind"] == "Industrial cluster"
    assert body["country"] == region.country.name_en
    assert body["regions"] == [region.name_en]
    assert body["sector"] == "C Section C"
    assert body["count"] == 3
    assert body["url"] == reverse("clusters:detail", args=[cluster.pk])


def test_popup_of_a_draft_is_not_found(client):
    assert client.get(reverse("clusters:popup", args=[ClusterFactory(draft=True).pk])).status_code == 404


# --- List page ----------------------------------------------------------------------------------------
def test_list_shows_published_clusters_filtered_like_the_map(client):
    chosen = CountryFactory()
    ClusterFactory(country=chosen, name_en="Chosen one")
    ClusterFactory(country=chosen, name_en="Hidden draft", draft=True)
    ClusterFactory(name_en="Elsewhere")

    response = client.get(reverse("clusters:list"), {"country_code": chosen.iso2})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Chosen one" in content
    assert "Hidden draft" not in content and "Elsewhere" not in content
    assert response.context["page"].page_obj.paginator.count == 1


def test_list_sorts_and_paginates(client):
    country = CountryFactory()
    for index in range(30):
        ClusterFactory(country=country, name_en=f"Cluster {index:02d}", founded_year=1990 + index)

    first = client.get(reverse("clusters:list"), {"sort": "-name"})
    second = client.get(reverse("clusters:list"), {"sort": "-founded", "page": 2})

    assert [c.name_en for c in first.context["page"].page_obj][:2] == ["Cluster 29", "Cluster 28"]
    assert len(first.context["page"].page_obj) == 25
    assert [c.founded_year for c in second.context["page"].page_obj] == [1994, 1993, 1992, 1991, 1990]
    assert "sort=-founded" in second.context["page"].querystring


def test_list_unknown_sort_falls_back_to_name(client):
    ClusterFactory(name_en="B cluster")
    ClusterFactory(name_en="A cluster")

    response = client.get(reverse("clusters:list"), {"sort": "password"})

    assert response.context["page"].sort == "name"
    assert [c.name_en for c in response.context["page"].page_obj] == ["A cluster", "B cluster"]


def test_list_with_bad_filters_explains_and_lists_nothing(client):
    ClusterFactory()

    response = client.get(reverse("clusters:list"), {"founded_min": "soon", "bbox": "1,2"})

    assert response.status_code == 400
    assert "founded_min" in response.context["page"].errors
    assert response.context["page"].page_obj.paginator.count == 0
    assert "These filters could not be applied" in response.content.decode()


def test_list_page_queries_do_not_grow_with_the_rows(client, django_assert_max_num_queries):
    country = CountryFactory()
    ClusterFactory.create_batch(2, country=country, primary_sector=SectorFactory(code="C"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("clusters:list"))
    for cluster in ClusterFactory.create_batch(20, country=country, primary_sector=SectorFactory(code="C")):
        MembershipFactory(cluster=cluster)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("clusters:list")).status_code == 200


# --- Profile page ----------------------------------------------------------------------------------------
def test_profile_shows_key_facts_members_with_roles_indicators_and_the_api_link(client):
    region = RegionFactory()
    cluster = ClusterFactory(country=region.country, regions=[region], name_en="Kama innovation cluster")
    anchor = MembershipFactory(cluster=cluster, role=MembershipRole.ANCHOR, organisation__name_en="KAMAZ")
    MembershipFactory(cluster=cluster, role=MembershipRole.RESEARCH, organisation__name_en="Kazan University")
    ClusterIndicatorFactory(cluster=cluster, year=2022, employees=1000)
    ClusterIndicatorFactory(cluster=cluster, year=2023, employees=1100)
    technology = PriorityFactory(name_en="Composite materials")
    cluster.technologies.add(technology)

    response = client.get(reverse("clusters:detail", args=[cluster.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Kama innovation cluster" in content
    assert region.name_en in content
    assert "KAMAZ" in content and "Anchor company" in content
    assert "Kazan University" in content and "Research organisation" in content
    assert reverse("directory:organisation-detail", args=[anchor.organisation.pk]) in content
    assert "Composite materials" in content
    assert f'href="/api/v1/clusters/{cluster.pk}/"' in content
    assert response.context["chart"]["years"] == [2022, 2023]
    assert response.context["chart"]["series"][0]["values"] == [1000, 1100]
    assert 'id="indicator-chart-data" type="application/json"' in content
    assert 'id="record-map-data" type="application/json"' in content


def test_profile_of_a_draft_is_hidden_from_the_public_but_shown_to_staff(client):
    cluster = ClusterFactory(draft=True)
    url = reverse("clusters:detail", args=[cluster.pk])

    assert client.get(url).status_code == 404
    staff = get_user_model().objects.create_user("moderator", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_profile_queries_do_not_grow_with_members_or_years(client, django_assert_max_num_queries):
    cluster = ClusterFactory(regions=[RegionFactory()])
    MembershipFactory(cluster=cluster)
    ClusterIndicatorFactory(cluster=cluster, year=2020)
    url = reverse("clusters:detail", args=[cluster.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    MembershipFactory.create_batch(12, cluster=cluster)
    for year in range(2010, 2020):
        ClusterIndicatorFactory(cluster=cluster, year=year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_profile_has_no_inline_script(client):
    cluster = ClusterFactory()
    ClusterIndicatorFactory(cluster=cluster)

    content = client.get(reverse("clusters:detail", args=[cluster.pk])).content.decode()

    for chunk in content.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_profile_shows_suggested_partners_from_the_matching_index(client):
    from clusters.matching import services

    division = DivisionFactory(code="26")
    cluster = ClusterFactory(primary_sector=division)
    ClusterFactory(primary_sector=division, name_en="Zelenograd electronics")
    services.matching_rebuild_inline()

    content = client.get(reverse("clusters:detail", args=[cluster.pk])).content.decode()

    assert "Suggested partners" in content
    assert "Zelenograd electronics" in content

"""Technopark pages and the technoparks layer of the map."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from directory.tests.factories import CountryFactory, RegionFactory, SectorFactory
from technoparks.choices import TechnoparkKind
from technoparks.models import Technopark
from technoparks.tests.factories import PoolMembershipFactory, ResidencyFactory, TechnoparkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def features(client, **params):
    response = client.get(reverse("technoparks:features"), params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_features_carry_published_technoparks_with_their_kind(client):
    it_park = TechnoparkFactory(kind=TechnoparkKind.IT_PARK, name_en="Astana Hub")
    TechnoparkFactory(draft=True)

    body = features(client)

    assert [f["id"] for f in body["features"]] == [it_park.pk]
    assert body["features"][0]["properties"]["kind"] == "it_park"
    assert body["features"][0]["properties"]["name"] == "Astana Hub"


def test_features_filtered_by_country_and_kind_match_the_database(client):
    chosen = CountryFactory()
    TechnoparkFactory.create_batch(2, country=chosen, kind=TechnoparkKind.SCIENCE_PARK)
    TechnoparkFactory(country=chosen, kind=TechnoparkKind.IT_PARK)
    TechnoparkFactory(kind=TechnoparkKind.SCIENCE_PARK)

    body = features(client, country_code=chosen.iso2, kind=["science_park", "innovation"])

    expected = Technopark.objects.published().filter(country=chosen, kind=TechnoparkKind.SCIENCE_PARK).count()
    assert body["count"] == expected == 2


def test_features_cluster_kinds_leave_the_technoparks_layer_empty(client):
    TechnoparkFactory()

    assert features(client, kind="industrial")["count"] == 0


def test_features_sco_pool_and_region_filters(client):
    region = RegionFactory()
    in_pool = TechnoparkFactory(country=region.country, region=region)
    PoolMembershipFactory(technopark=in_pool)
    TechnoparkFactory(country=region.country)

    assert [f["id"] for f in features(client, sco_pool="true")["features"]] == [in_pool.pk]
    assert [f["id"] for f in features(client, region_code=region.iso_code.lower())["features"]] == [in_pool.pk]


def test_features_answer_a_repeated_request_with_304(client):
    TechnoparkFactory()
    url = reverse("technoparks:features")
    etag = client.get(url)["ETag"]

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_counts_per_region_use_the_stated_region_then_the_location(client):
    country = CountryFactory()
    south_west = RegionFactory(country=country, quarter=0)
    north_east = RegionFactory(country=country, quarter=3)
    TechnoparkFactory(country=country, region=south_west, fx=0.75, fy=0.75)
    TechnoparkFactory(country=country, region=None, fx=0.75, fy=0.75)

    body = json.loads(client.get(reverse("technoparks:counts"), {"level": "region"}).content)

    assert body["counts"] == {str(south_west.pk): 1, str(north_east.pk): 1}


def test_export_csv_lists_residents_count_and_sectors(client):
    technopark = TechnoparkFactory(name_en="Skolkovo Technopark", sectors=[SectorFactory(code="M")])
    ResidencyFactory.create_batch(2, technopark=technopark)

    response = client.get(reverse("technoparks:export-csv"), {"country_code": technopark.country.iso2})

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["name"], r["count"], r["sector"]) for r in rows] == [("Skolkovo Technopark", "2", "M Section M")]


def test_popup_gives_residents_and_region(client):
    region = RegionFactory()
    technopark = TechnoparkFactory(country=region.country, region=region)
    ResidencyFactory.create_batch(2, technopark=technopark)

    body = json.loads(client.get(reverse("technoparks:popup", args=[technopark.pk])).content)

    assert body["count"] == 2
    assert body["regions"] == [region.name_en]
    assert body["url"] == reverse("technoparks:detail", args=[technopark.pk])


def test_list_filters_sorts_and_explains_bad_input(client):
    country = CountryFactory()
    busy = TechnoparkFactory(country=country, name_en="Busy park")
    ResidencyFactory.create_batch(3, technopark=busy)
    TechnoparkFactory(country=country, name_en="Quiet park")
    TechnoparkFactory(name_en="Far park")

    response = client.get(reverse("technoparks:list"), {"country_code": country.iso2, "sort": "-residents"})
    bad = client.get(reverse("technoparks:list"), {"near": "1,2"})

    assert [t.name_en for t in response.context["page"].page_obj] == ["Busy park", "Quiet park"]
    assert bad.status_code == 400
    assert bad.context["page"].errors


def test_list_page_queries_do_not_grow_with_the_rows(client, django_assert_max_num_queries):
    TechnoparkFactory.create_batch(2)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("technoparks:list"))
    TechnoparkFactory.create_batch(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("technoparks:list")).status_code == 200


def test_profile_shows_residents_capacity_and_api_link(client):
    technopark = TechnoparkFactory(name_en="Park of high technologies")
    ResidencyFactory(technopark=technopark, organisation__name_en="EPAM Systems")
    PoolMembershipFactory(technopark=technopark)

    response = client.get(reverse("technoparks:detail", args=[technopark.pk]))

    content = response.content.decode()
    assert "Park of high technologies" in content
    assert "EPAM Systems" in content
    assert "SCO Pool" in content
    assert response.context["capacity"][0]["total"] == technopark.land_total_ha
    assert f'href="/api/v1/technoparks/{technopark.pk}/"' in content


def test_profile_of_a_draft_is_not_found(client):
    assert client.get(reverse("technoparks:detail", args=[TechnoparkFactory(draft=True).pk])).status_code == 404


def test_profile_queries_do_not_grow_with_residents(client, django_assert_max_num_queries):
    technopark = TechnoparkFactory()
    ResidencyFactory(technopark=technopark)
    url = reverse("technoparks:detail", args=[technopark.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    ResidencyFactory.create_batch(10, technopark=technopark)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200

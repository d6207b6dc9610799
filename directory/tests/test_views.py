"""Organisation pages and the boundaries the map draws."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from clusters.choices import MembershipRole
from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory.choices import OrganisationKind
from directory.tests.factories import CountryFactory, OrganisationFactory, RegionFactory
from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- Boundaries ----------------------------------------------------------------------------------
def test_country_boundaries_are_simplified_geojson_with_codes_and_names(client):
    country = CountryFactory(name_en="Freedonia")
    CountryFactory(boundary=None)

    response = client.get(reverse("directory:country-boundaries"))

    body = json.loads(response.content)
    assert response["Content-Type"] == "application/geo+json"
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [country.pk]
    assert body["features"][0]["properties"] == {"code": country.iso2, "name": "Freedonia"}
    assert body["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_region_boundaries_can_be_limited_to_countries(client):
    kept = RegionFactory()
    RegionFactory()

    body = json.loads(client.get(reverse("directory:region-boundaries"), {"country_code": kept.country.iso2}).content)

    assert [f["id"] for f in body["features"]] == [kept.pk]
    assert body["features"][0]["properties"]["country"] == kept.country.iso2


def test_boundaries_reject_a_bad_country_code(client):
    response = client.get(reverse("directory:region-boundaries"), {"country_code": "Russia"})

    assert response.status_code == 400
    assert "country_code" in json.loads(response.content)["errors"]


def test_boundaries_answer_a_repeated_request_with_304_and_may_be_cached(client):
    CountryFactory()
    url = reverse("directory:country-boundaries")
    first = client.get(url)

    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert "max-age=3600" in first["Cache-Control"]
    assert again.status_code == 304


def test_boundaries_across_the_antimeridian_are_drawn_in_one_piece(client):
    from directory.tests.factories import square

    CountryFactory(boundary=square(170, 60, 180, 70).union(square(-180, 60, -170, 70)))

    body = json.loads(client.get(reverse("directory:country-boundaries")).content)

    longitudes = json.dumps(body["features"][0]["geometry"]["coordinates"])
    assert "-17" not in longitudes


# --- Organisation list -------------------------------------------------------------------------------
def test_organisation_list_filters_by_kind_and_country(client):
    country = CountryFactory()
    OrganisationFactory(country=country, kind=OrganisationKind.UNIVERSITY, name_en="Tech University")
    OrganisationFactory(country=country, kind=OrganisationKind.SME, name_en="Small firm")
    OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_en="Foreign University")
    OrganisationFactory(country=country, kind=OrganisationKind.UNIVERSITY, draft=True, name_en="Draft University")

    response = client.get(
        reverse("directory:organisation-list"), {"kind": "university", "country_code": country.iso2.lower()}
    )

    assert [o.name_en for o in response.context["page"].page_obj] == ["Tech University"]


def test_organisation_list_rejects_an_unknown_kind_with_a_message(client):
    response = client.get(reverse("directory:organisation-list"), {"kind": "dragon"})

    assert response.status_code == 400
    assert "kind" in response.context["page"].errors


def test_organisation_list_queries_do_not_grow_with_the_rows(client, django_assert_max_num_queries):
    OrganisationFactory.create_batch(2)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("directory:organisation-list"))
    OrganisationFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("directory:organisation-list")).status_code == 200


# --- Organisation profile -------------------------------------------------------------------------------
def test_organisation_profile_lists_published_clusters_and_technoparks_only(client):
    organisation = OrganisationFactory(name_en="Kazan University")
    MembershipFactory(
        organisation=organisation, cluster=ClusterFactory(name_en="Public cluster"), role=MembershipRole.RESEARCH
    )
    MembershipFactory(organisation=organisation, cluster=ClusterFactory(name_en="Secret cluster", draft=True))
    ResidencyFactory(organisation=organisation, technopark=TechnoparkFactory(name_en="Public park"))

    response = client.get(reverse("directory:organisation-detail", args=[organisation.pk]))

    content = response.content.decode()
    assert "Public cluster" in content and "Research organisation" in content
    assert "Public park" in content
    assert "Secret cluster" not in content
    assert f'href="/api/v1/organisations/{organisation.pk}/"' in content


def test_organisation_profile_of_a_draft_is_not_found(client):
    organisation = OrganisationFactory(draft=True)

    assert client.get(reverse("directory:organisation-detail", args=[organisation.pk])).status_code == 404


def test_organisation_profile_queries_do_not_grow(client, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    url = reverse("directory:organisation-detail", args=[organisation.pk])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(5):
        MembershipFactory(organisation=organisation)
        ResidencyFactory(organisation=organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200

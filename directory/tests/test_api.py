"""The API of reference data and organisations: /api/v1/countries, blocs, regions, sectors, organisations."""
# ruff: noqa: F811 - pytest fixtures are imported from tests.api_mixins and named as arguments

import json
import tempfile

import pytest
from django.contrib.gis.gdal import DataSource
from django.urls import reverse

from directory.models import Organisation
from directory.tests.factories import (
    BlocFactory,
    BlocMembershipFactory,
    CountryFactory,
    DivisionFactory,
    OrganisationFactory,
    RegionFactory,
    SectorFactory,
)
from tests.api_mixins import (  # noqa: F401 - fixtures
    ReadEndpointChecks,
    WriteEndpointChecks,
    _no_throttling,
    assert_error,
    client_for,
    manager,
    other_manager,
    results_ids,
    staff,
)

pytestmark = pytest.mark.django_db


# --- Organisations: the standard checks -------------------------------------------------------
class TestOrganisationEndpoint(ReadEndpointChecks, WriteEndpointChecks):
    basename = "organisation"
    model = Organisation

    def make_record(self, *, owner=None, draft=False):
        return OrganisationFactory(created_by=owner, draft=draft)

    def create_payload(self, owner):
        country = CountryFactory()
        return {
            "name_en": "Tula Machine Works",
            "kind": "large_enterprise",
            "country": country.pk,
            "city": "Tula",
            "location": {"type": "Point", "coordinates": list(country.boundary.centroid.coords)},
            "sectors": [SectorFactory(code="C").pk],
        }

    def update_payload(self):
        return {"city": "Tver", "name_en": "Renamed organisation"}


# --- Organisations: filters, search, rules ---------------------------------------------------------
def test_organisation_filters_by_country_code_kind_and_sector_section():
    kz, by = CountryFactory(), CountryFactory()
    manufacturing = SectorFactory(code="C")
    cars = DivisionFactory(code="29", parent=manufacturing)
    match = OrganisationFactory(country=kz, kind="university", sectors=[cars])
    OrganisationFactory(country=by, kind="university", sectors=[cars])
    OrganisationFactory(country=kz, kind="sme", sectors=[cars])
    url = reverse("api:organisation-list") + f"?country_code={kz.iso2}&kind=university&sector=C"
    assert results_ids(client_for().get(url)) == [match.pk]


def test_organisation_search_finds_names_in_every_language_and_descriptions():
    russian = OrganisationFactory(name_en="", name_original="Казанский федеральный университет", name_ru="")
    described = OrganisationFactory(description_en="We build electric buses for cities.")
    OrganisationFactory(name_en="Unrelated works")
    url = reverse("api:organisation-list")
    assert results_ids(client_for().get(url, {"q": "Казанский"})) == [russian.pk]
    assert results_ids(client_for().get(url, {"q": "electric buses"})) == [described.pk]


def test_organisation_bounding_box_and_distance_filters():
    country = CountryFactory()
    inside = OrganisationFactory(country=country)
    x, y = inside.location.coords
    OrganisationFactory()  # in another grid square, far away
    url = reverse("api:organisation-list")
    bbox = f"{x - 0.1},{y - 0.1},{x + 0.1},{y + 0.1}"
    assert results_ids(client_for().get(url, {"bbox": bbox})) == [inside.pk]
    assert results_ids(client_for().get(url, {"near": f"{x},{y},5"})) == [inside.pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "10,10,0,0"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "0,0,500,10"}, "bbox"),
        ({"near": "37.6,55.7,-5"}, "near"),
        ({"near": "37.6"}, "near"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"country": "abc"}, "country"),
        ({"kind": "spaceship"}, "kind"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_malformed_filters_are_400s_naming_the_filter(params, field):
    body = assert_error(client_for().get(reverse("api:organisation-list"), params), 400, "invalid", field)
    assert body["fields"][field][0]


def test_updated_since_returns_records_changed_after_the_moment():
    old = OrganisationFactory()
    Organisation.objects.filter(pk=old.pk).update(updated_at="2020-01-01T00:00:00Z")
    recent = OrganisationFactory()
    url = reverse("api:organisation-list")
    assert results_ids(client_for().get(url, {"updated_since": "2024-01-01T00:00:00Z"})) == [recent.pk]


def test_ordering_by_name_descending():
    a, b = OrganisationFactory(name_en="Alpha"), OrganisationFactory(name_en="Beta")
    assert results_ids(client_for().get(reverse("api:organisation-list"), {"ordering": "-name_en"})) == [b.pk, a.pk]


def test_invalid_registration_number_gives_the_registry_rule_and_creates_nothing(manager):
    from directory.tests.factories import russia

    country = russia()
    payload = {"name_en": "Bad INN", "country": country.pk, "registration_number": "1234567890"}
    count = Organisation.objects.count()
    body = assert_error(client_for(manager).post(reverse("api:organisation-list"), payload, format="json"), 400)
    assert "registration_number" in body["fields"]
    assert Organisation.objects.count() == count


def test_location_outside_the_country_is_refused(manager):
    country, elsewhere = CountryFactory(), CountryFactory()
    x, y = elsewhere.boundary.centroid.coords
    payload = {"name_en": "Misplaced", "country": country.pk, "location": {"type": "Point", "coordinates": [x, y]}}
    body = assert_error(client_for(manager).post(reverse("api:organisation-list"), payload, format="json"), 400)
    assert "location" in body["fields"]


@pytest.mark.parametrize(
    "location",
    [
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        {"type": "Point", "coordinates": [200, 95]},
        {"type": "Point", "coordinates": "here"},
        {"type": "Point", "coordinates": [30, 50], "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}},
        "SRID=3857;POINT(30 50)",
        "POINT EMPTY",
        42,
    ],
)
def test_invalid_geometry_is_a_400_not_a_500(manager, location):
    country = CountryFactory()
    payload = {"name_en": "Geometry test", "country": country.pk, "location": location}
    assert_error(client_for(manager).post(reverse("api:organisation-list"), payload, format="json"), 400)
    assert not Organisation.objects.filter(name_en="Geometry test").exists()


def test_an_empty_name_breaks_the_name_rule_with_a_clear_message(manager):
    payload = {"country": CountryFactory().pk}
    body = assert_error(client_for(manager).post(reverse("api:organisation-list"), payload, format="json"), 400)
    assert any("name" in message.lower() for messages in body["fields"].values() for message in messages)


def test_manager_cannot_change_their_record_once_published(manager):
    published = OrganisationFactory(created_by=manager)
    response = client_for(manager).patch(
        reverse("api:organisation-detail", kwargs={"pk": published.pk}), {"city": "X"}, format="json"
    )
    assert_error(response, 403, "permission_denied")


def test_names_follow_the_request_language():
    organisation = OrganisationFactory(name_en="Kazan University", name_ru="Казанский университет")
    url = reverse("api:organisation-detail", kwargs={"pk": organisation.pk})
    assert client_for().get(url, HTTP_ACCEPT_LANGUAGE="ru").json()["name"] == "Казанский университет"
    assert client_for().get(url, HTTP_ACCEPT_LANGUAGE="en").json()["name"] == "Kazan University"


# --- GeoJSON --------------------------------------------------------------------------------------
def test_organisation_geojson_is_a_feature_collection_gdal_reads(manager):
    shown = OrganisationFactory()
    OrganisationFactory(draft=True, created_by=manager)
    OrganisationFactory(location=None)
    response = client_for().get(reverse("api:organisation-geojson"))
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [shown.pk]
    assert body["features"][0]["geometry"]["type"] == "Point"
    with tempfile.NamedTemporaryFile("w", suffix=".geojson") as handle:
        json.dump(body, handle)
        handle.flush()
        layer = DataSource(handle.name)[0]
        assert layer.num_feat == 1
        assert layer.geom_type.name == "Point"
        assert [feature.get("name") for feature in layer] == [shown.name_en]


def test_country_and_region_geojson_carry_boundaries():
    region = RegionFactory()
    countries = client_for().get(reverse("api:country-geojson")).json()
    regions = client_for().get(reverse("api:region-geojson"), {"country": region.country_id}).json()
    assert countries["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert [f["id"] for f in regions["features"]] == [region.pk]


def test_geojson_rejects_the_same_bad_filters():
    assert_error(client_for().get(reverse("api:organisation-geojson"), {"bbox": "x"}), 400, "invalid", "bbox")
    assert_error(client_for().get(reverse("api:organisation-geojson"), {"colour": "red"}), 400, "unknown_parameter")


# --- Reference data -----------------------------------------------------------------------------------
class TestCountryEndpoint(ReadEndpointChecks):
    basename = "country"

    def make_record(self, *, owner=None, draft=False):
        return CountryFactory()

    # Reference data has no drafts: every country is public.
    def test_list_shows_the_public_only_published_records(self):
        record = self.make_record()
        assert record.pk in results_ids(client_for().get(self.list_url()))

    def test_draft_is_seen_by_its_manager_and_staff_only(self):
        record = self.make_record()
        assert client_for().get(self.detail_url(record)).status_code == 200


class TestRegionEndpoint(TestCountryEndpoint):
    basename = "region"

    def make_record(self, *, owner=None, draft=False):
        return RegionFactory()


class TestSectorEndpoint(TestCountryEndpoint):
    basename = "sector"

    def make_record(self, *, owner=None, draft=False):
        return SectorFactory()


class TestBlocEndpoint(TestCountryEndpoint):
    basename = "bloc"

    def make_record(self, *, owner=None, draft=False):
        return BlocFactory()


def test_country_lists_its_current_blocs_and_filters_by_bloc():
    bloc = BlocFactory(code="eaeu")
    member = BlocMembershipFactory(bloc=bloc).country
    CountryFactory()
    body = client_for().get(reverse("api:country-list"), {"bloc": "eaeu"}).json()
    assert [row["id"] for row in body["results"]] == [member.pk]
    assert body["results"][0]["blocs"] == ["eaeu"]


def test_reference_data_is_read_only(staff):
    assert_error(client_for(staff).post(reverse("api:country-list"), {"iso2": "XX"}, format="json"), 405)

"""The API of technoparks (with residents), residencies and SCO Pool memberships."""
# ruff: noqa: F811 - pytest fixtures are imported from tests.api_mixins and named as arguments

import pytest
from django.urls import reverse

from directory.tests.factories import CountryFactory, OrganisationFactory
from technoparks.models import Residency, Technopark
from technoparks.tests.factories import PoolMembershipFactory, ResidencyFactory, TechnoparkFactory
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


class TestTechnoparkEndpoint(ReadEndpointChecks, WriteEndpointChecks):
    basename = "technopark"
    model = Technopark

    def make_record(self, *, owner=None, draft=False):
        technopark = TechnoparkFactory(created_by=owner, draft=draft)
        ResidencyFactory.create_batch(2, technopark=technopark)
        PoolMembershipFactory(technopark=technopark)
        return technopark

    def create_payload(self, owner):
        country = CountryFactory()
        return {
            "name_en": "Minsk science park",
            "kind": "science_park",
            "country": country.pk,
            "location": {"type": "Point", "coordinates": list(country.boundary.centroid.coords)},
            "services": ["offices", "laboratories"],
            "land_total_ha": "20.00",
            "land_free_ha": "5.00",
        }

    def update_payload(self):
        return {"jobs_created": 450, "sandbox_available": True}


class TestResidencyEndpoint(ReadEndpointChecks, WriteEndpointChecks):
    basename = "residency"
    model = Residency
    publishable = False

    def make_record(self, *, owner=None, draft=False):
        return ResidencyFactory(technopark=TechnoparkFactory(created_by=owner, draft=draft))

    def create_payload(self, owner):
        technopark = TechnoparkFactory(created_by=owner, draft=True)
        return {"technopark": technopark.pk, "organisation": OrganisationFactory(country=technopark.country).pk}

    def update_payload(self):
        import datetime

        return {"started_on": datetime.date(2022, 5, 1)}


class TestPoolMembershipEndpoint(ReadEndpointChecks):
    basename = "pool-membership"
    publishable = False

    def make_record(self, *, owner=None, draft=False):
        return PoolMembershipFactory(technopark=TechnoparkFactory(created_by=owner, draft=draft))


def test_free_capacity_above_the_total_is_refused_with_the_model_message(manager):
    technopark = TechnoparkFactory(created_by=manager, draft=True)
    url = reverse("api:technopark-detail", kwargs={"pk": technopark.pk})
    response = client_for(manager).patch(url, {"land_free_ha": "99.00"}, format="json")
    body = assert_error(response, 400, "invalid", "land_free_ha")
    assert "cannot exceed" in body["fields"]["land_free_ha"][0]
    technopark.refresh_from_db()
    assert str(technopark.land_free_ha) == "12.50"


def test_unknown_service_is_a_400(manager):
    technopark = TechnoparkFactory(created_by=manager, draft=True)
    url = reverse("api:technopark-detail", kwargs={"pk": technopark.pk})
    assert_error(client_for(manager).patch(url, {"services": ["teleport"]}, format="json"), 400, "invalid")


def test_technopark_filters_service_sandbox_and_pool():
    match = TechnoparkFactory(services=["coworking"], sandbox_available=True)
    PoolMembershipFactory(technopark=match)
    TechnoparkFactory(services=["coworking"])
    TechnoparkFactory(services=["offices"], sandbox_available=True)
    params = {"service": "coworking", "sandbox": "true", "sco_pool": "true"}
    assert results_ids(client_for().get(reverse("api:technopark-list"), params)) == [match.pk]


def test_technopark_detail_shows_residents_and_pool_membership():
    technopark = TechnoparkFactory()
    resident = ResidencyFactory(technopark=technopark)
    ResidencyFactory(technopark=technopark, ended_on="2023-01-01", started_on="2021-01-01")
    PoolMembershipFactory(technopark=technopark)
    body = client_for().get(reverse("api:technopark-detail", kwargs={"pk": technopark.pk})).json()
    assert [r["organisation"]["id"] for r in body["residents"]] == [resident.organisation_id]
    assert body["resident_count"] == 1
    assert body["sco_pool"]["status"] == "admitted"


def test_pool_membership_of_a_draft_technopark_is_hidden(manager):
    membership = PoolMembershipFactory(technopark=TechnoparkFactory(draft=True, created_by=manager))
    assert membership.pk not in results_ids(client_for().get(reverse("api:pool-membership-list")))
    assert membership.pk in results_ids(client_for(manager).get(reverse("api:pool-membership-list")))


def test_pool_memberships_are_read_only(staff):
    membership = PoolMembershipFactory()
    url = reverse("api:pool-membership-detail", kwargs={"pk": membership.pk})
    assert_error(client_for(staff).patch(url, {"status": "withdrawn"}, format="json"), 405, "method_not_allowed")


def test_technopark_geojson_is_a_feature_collection():
    shown = TechnoparkFactory()
    body = client_for().get(reverse("api:technopark-geojson")).json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [shown.pk]

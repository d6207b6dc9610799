"""The API of clusters (with members) and memberships."""
# ruff: noqa: F811 - pytest fixtures are imported from tests.api_mixins and named as arguments

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Cluster, Membership
from clusters.tests.factories import ClusterFactory, MembershipFactory, PriorityFactory
from directory.tests.factories import (
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


class TestClusterEndpoint(ReadEndpointChecks, WriteEndpointChecks):
    basename = "cluster"
    model = Cluster

    def make_record(self, *, owner=None, draft=False):
        cluster = ClusterFactory(created_by=owner, draft=draft)
        MembershipFactory.create_batch(3, cluster=cluster)
        return cluster

    def create_payload(self, owner):
        country = CountryFactory()
        return {
            "name_en": "Volga aerospace cluster",
            "kind": "industrial",
            "country": country.pk,
            "location": {"type": "Point", "coordinates": list(country.boundary.centroid.coords)},
            "primary_sector": SectorFactory(code="C").pk,
            "technologies": [PriorityFactory().pk],
            "founded_year": 2015,
        }

    def update_payload(self):
        return {"founded_year": 2001, "website": "https://cluster.example.org/"}


class TestMembershipEndpoint(ReadEndpointChecks, WriteEndpointChecks):
    """A membership follows its cluster: its manager changes it, the public sees it once the cluster is public."""

    basename = "membership"
    model = Membership
    publishable = False

    def make_record(self, *, owner=None, draft=False):
        return MembershipFactory(cluster=ClusterFactory(created_by=owner, draft=draft))

    def create_payload(self, owner):
        cluster = ClusterFactory(created_by=owner, draft=True)
        return {
            "cluster": cluster.pk,
            "organisation": OrganisationFactory(country=cluster.country).pk,
            "role": "anchor",
        }

    def update_payload(self):
        return {"role": "research"}


def test_cluster_list_shows_current_members_and_hides_draft_organisations(manager):
    cluster = ClusterFactory()
    current = MembershipFactory(cluster=cluster)
    MembershipFactory(cluster=cluster, left_on="2021-01-01", joined_on="2020-01-01")
    hidden = MembershipFactory(cluster=cluster, organisation=OrganisationFactory(draft=True, created_by=manager))
    row = client_for().get(reverse("api:cluster-list")).json()["results"][0]
    assert [m["organisation"]["id"] for m in row["members"]] == [current.organisation_id]
    assert row["member_count"] == 2
    own = client_for(manager).get(reverse("api:cluster-list")).json()["results"][0]
    assert hidden.organisation_id in [m["organisation"]["id"] for m in own["members"]]


def test_cluster_list_query_count_is_constant_with_members():
    for _ in range(3):
        MembershipFactory.create_batch(2, cluster=ClusterFactory(technologies=[PriorityFactory()]))
    with CaptureQueriesContext(connection) as few:
        client_for().get(reverse("api:cluster-list"), {"page_size": 1})
    for _ in range(6):
        MembershipFactory.create_batch(4, cluster=ClusterFactory(technologies=[PriorityFactory()]))
    with CaptureQueriesContext(connection) as many:
        response = client_for().get(reverse("api:cluster-list"), {"page_size": 9})
    assert len(response.json()["results"]) == 9
    assert len(few) == len(many)
    # The count and the page itself: references and members come inside the page's query.
    assert len(many) <= 2


@pytest.mark.parametrize("lang", ["en", "ru", "zh-hans"])
def test_cluster_list_rows_show_exactly_what_the_detail_shows(manager, lang):
    """List rows are built from the page query's JSON, the detail through the serializer's fields: the same
    cluster must come out the same in both, for the public and for the manager of draft records."""
    country = CountryFactory()
    section = SectorFactory(code="C")
    cluster = ClusterFactory(
        country=country,
        primary_sector=DivisionFactory(code="26", parent=section),
        secondary_sectors=[section, DivisionFactory(code="27", parent=section)],
        regions=[RegionFactory(country=country, name_zh="区域"), RegionFactory(country=country)],
        technologies=[PriorityFactory(name_zh="技术"), PriorityFactory()],
        management_staff_fte="12.50",
        website="https://cluster.example.org/",
        name_zh="集群",
    )
    anchor = MembershipFactory(
        cluster=cluster, role="anchor", organisation=OrganisationFactory(country=country, name_zh="组织")
    )
    MembershipFactory(cluster=cluster)
    MembershipFactory(cluster=cluster, left_on="2021-01-01", joined_on="2020-01-01")
    MembershipFactory(
        cluster=cluster, organisation=OrganisationFactory(country=country, draft=True, created_by=manager)
    )
    Cluster.objects.filter(pk=cluster.pk).update(specialised_organisation=anchor.organisation)
    # Without a location or a primary sector, managed by a draft organisation only its manager sees.
    bare = ClusterFactory(location=None, founded_year=None)
    hidden = MembershipFactory(cluster=bare, organisation=OrganisationFactory(draft=True, created_by=manager))
    Cluster.objects.filter(pk=bare.pk).update(specialised_organisation=hidden.organisation)
    ClusterFactory(draft=True, created_by=manager)

    for user, expected_rows in ((None, 2), (manager, 3)):
        client = client_for(user)
        rows = client.get(reverse("api:cluster-list"), {"lang": lang}).json()["results"]
        assert len(rows) == expected_rows
        for row in rows:
            detail = client.get(reverse("api:cluster-detail", kwargs={"pk": row["id"]}), {"lang": lang}).json()
            assert list(row) == [key for key in detail if key in row]
            assert row == {key: detail[key] for key in row}
        shown = {row["id"]: row for row in rows}
        assert (shown[bare.pk]["specialised_organisation"] is None) == (user is None)
        assert shown[cluster.pk]["specialised_organisation"]["id"] == anchor.organisation_id
        assert len(shown[cluster.pk]["members"]) == (2 if user is None else 3)


def test_cluster_detail_has_indicators_and_only_public_contacts():
    from clusters.tests.factories import ClusterIndicatorFactory, ContactPersonFactory

    cluster = ClusterFactory()
    ClusterIndicatorFactory(cluster=cluster, year=2024)
    ContactPersonFactory(cluster=cluster, full_name="Public Person")
    ContactPersonFactory(cluster=cluster, full_name="Private Person", is_public=False)
    body = client_for().get(reverse("api:cluster-detail", kwargs={"pk": cluster.pk})).json()
    assert [i["year"] for i in body["indicators"]] == [2024]
    assert [c["full_name"] for c in body["contacts"]] == ["Public Person"]


def test_cluster_filters_kind_founded_range_technology_and_sector_section():
    manufacturing = SectorFactory(code="C")
    area = PriorityFactory()
    technology = PriorityFactory(parent=area, level="priority")
    match = ClusterFactory(
        kind="industrial",
        founded_year=2010,
        primary_sector=DivisionFactory(code="29", parent=manufacturing),
        technologies=[technology],
    )
    ClusterFactory(kind="industrial", founded_year=1995, technologies=[technology])
    ClusterFactory(kind="innovation", founded_year=2010, technologies=[technology])
    params = {"kind": "industrial", "founded_min": 2000, "founded_max": 2020, "technology": area.code, "sector": "C"}
    assert results_ids(client_for().get(reverse("api:cluster-list"), params)) == [match.pk]


def test_cluster_search_uses_trigram_similarity_for_misspelt_names():
    match = ClusterFactory(name_en="Kama innovative territorial cluster")
    ClusterFactory(name_en="Siberian biotech")
    assert results_ids(client_for().get(reverse("api:cluster-list"), {"q": "inovative"})) == [match.pk]


def test_membership_of_a_public_cluster_hides_a_draft_member(manager):
    membership = MembershipFactory(organisation=OrganisationFactory(draft=True, created_by=manager))
    url = reverse("api:membership-detail", kwargs={"pk": membership.pk})
    assert_error(client_for().get(url), 404)
    assert client_for(manager).get(url).status_code == 200


def test_manager_cannot_add_members_to_someone_elses_cluster(manager, other_manager):
    cluster = ClusterFactory(created_by=other_manager, draft=True)
    published = ClusterFactory(created_by=other_manager)
    organisation = OrganisationFactory()
    url = reverse("api:membership-list")
    hidden = client_for(manager).post(url, {"cluster": cluster.pk, "organisation": organisation.pk}, format="json")
    assert_error(hidden, 400, "invalid", "cluster")
    response = client_for(manager).post(url, {"cluster": published.pk, "organisation": organisation.pk}, format="json")
    assert_error(response, 403, "permission_denied")
    assert not Membership.objects.filter(organisation=organisation).exists()


def test_duplicate_current_membership_is_a_400_from_the_model_rule(manager):
    membership = MembershipFactory(cluster=ClusterFactory(created_by=manager, draft=True))
    payload = {"cluster": membership.cluster_id, "organisation": membership.organisation_id}
    body = assert_error(client_for(manager).post(reverse("api:membership-list"), payload, format="json"), 400)
    assert "already a member" in str(body["fields"])
    assert Membership.objects.count() == 1


def test_specialised_organisation_must_be_a_member(manager):
    cluster = ClusterFactory(created_by=manager, draft=True)
    outsider = OrganisationFactory()
    url = reverse("api:cluster-detail", kwargs={"pk": cluster.pk})
    response = client_for(manager).patch(url, {"specialised_organisation": outsider.pk}, format="json")
    assert_error(response, 400, "invalid", "specialised_organisation")
    member = MembershipFactory(cluster=cluster).organisation
    response = client_for(manager).patch(url, {"specialised_organisation": member.pk}, format="json")
    assert response.json()["specialised_organisation"]["id"] == member.pk


def test_cluster_geojson_lists_visible_located_clusters():
    shown = ClusterFactory()
    ClusterFactory(draft=True)
    body = client_for().get(reverse("api:cluster-geojson"), {"kind": "innovation"}).json()
    assert [f["id"] for f in body["features"]] == [shown.pk]
    assert set(body["features"][0]["properties"]) == {"url", "name", "kind"}


def test_to_many_filters_find_each_cluster_once_without_distinct():
    """A cluster with two matching regions, sectors, technologies and members comes once; the page's query joins
    no relation and sorts no whole rows (no DISTINCT), so its JSON columns are computed for the page only."""
    section = SectorFactory(code="C")
    first, second = DivisionFactory(code="26", parent=section), DivisionFactory(code="27", parent=section)
    area = PriorityFactory()
    technologies = [PriorityFactory(parent=area, level="priority") for _ in range(2)]
    match = ClusterFactory(primary_sector=first, technologies=technologies)
    match.secondary_sectors.add(second)
    regions = RegionFactory.create_batch(2, country=match.country)
    match.regions.add(*regions)
    member = MembershipFactory(cluster=match).organisation
    MembershipFactory(cluster=match, organisation=member, left_on="2020-01-01", joined_on="2019-01-01")
    ClusterFactory(kind="industrial" if match.kind != "industrial" else "innovation")  # matches none of them
    params = {
        "sector": "C",
        "technology": area.code,
        "region": [region.pk for region in regions],
        "region_code": regions[0].iso_code,
        "member": member.pk,
        "kind": match.kind,
        "country": match.country_id,
    }
    url = reverse("api:cluster-list")
    for name, value in params.items():
        with CaptureQueriesContext(connection) as queries:
            ids = results_ids(client_for().get(url, {name: value}))
        assert ids == [match.pk], name
        assert not any("DISTINCT" in query["sql"] for query in queries.captured_queries), name

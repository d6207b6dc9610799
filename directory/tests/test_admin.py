"""The back office: every registry admin lists, opens, searches, and publishes through the registry's rules."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Cluster
from clusters.tests.factories import (
    ClusterAssessmentFactory,
    ClusterFactory,
    ClusterIndicatorFactory,
    ContactPersonFactory,
    MembershipFactory,
    PriorityFactory,
)
from directory.choices import PublicationStatus
from directory.models import Organisation
from directory.tests.factories import (
    BlocFactory,
    BlocMembershipFactory,
    CountryFactory,
    DivisionFactory,
    OrganisationFactory,
    RegionFactory,
    russia,
)
from technoparks.tests.factories import PoolMembershipFactory, ResidencyFactory, TechnoparkFactory

pytestmark = pytest.mark.django_db


def make_cluster():
    cluster = ClusterFactory(primary_sector=DivisionFactory())
    MembershipFactory.create_batch(3, cluster=cluster)
    ClusterIndicatorFactory(cluster=cluster)
    ClusterAssessmentFactory(cluster=cluster)
    ContactPersonFactory(cluster=cluster)
    return cluster


def make_technopark():
    technopark = TechnoparkFactory(region=RegionFactory())
    ResidencyFactory.create_batch(3, technopark=technopark)
    PoolMembershipFactory(technopark=technopark)
    return technopark


def make_bloc():
    bloc = BlocFactory()
    BlocMembershipFactory.create_batch(2, bloc=bloc)
    return bloc


# (admin url prefix, a callable that makes one rich record)
ADMINS = [
    ("directory_country", CountryFactory),
    ("directory_bloc", make_bloc),
    ("directory_blocmembership", BlocMembershipFactory),
    ("directory_region", RegionFactory),
    ("directory_sector", DivisionFactory),
    ("directory_organisation", lambda: OrganisationFactory(region=None)),
    ("clusters_cluster", make_cluster),
    ("clusters_membership", MembershipFactory),
    ("technoparks_technopark", make_technopark),
    ("technoparks_residency", ResidencyFactory),
    ("technoparks_poolmembership", PoolMembershipFactory),
    ("foresight_priority", lambda: PriorityFactory(technology=True)),
]

# Session, user, two counts, the page, and the list filters' own look-ups; never one per row.
CHANGELIST_MAX_QUERIES = 8


@pytest.mark.parametrize(("prefix", "make"), ADMINS, ids=[prefix for prefix, _ in ADMINS])
def test_the_change_page_opens_for_a_superuser(admin_client, prefix, make):
    record = make()
    response = admin_client.get(reverse(f"admin:{prefix}_change", args=[record.pk]))
    assert response.status_code == 200
    assert response.context["original"] == record


@pytest.mark.parametrize(("prefix", "make"), ADMINS, ids=[prefix for prefix, _ in ADMINS])
def test_the_add_page_opens_for_a_superuser(admin_client, prefix, make):
    assert admin_client.get(reverse(f"admin:{prefix}_add")).status_code == 200


@pytest.mark.parametrize(("prefix", "make"), ADMINS, ids=[prefix for prefix, _ in ADMINS])
def test_the_changelist_opens_with_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries, prefix, make
):
    records = [make() for _ in range(6)]
    url = reverse(f"admin:{prefix}_changelist")
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= len(records)


def test_the_changelist_query_count_does_not_grow_with_rows(admin_client):
    url = reverse("admin:clusters_cluster_changelist")
    make_cluster()
    admin_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for _ in range(10):
        make_cluster()
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many) == len(few)


def test_the_blocs_filter_lists_records_of_member_countries_only(admin_client):
    bloc = BlocFactory(code="eaeu")
    member = OrganisationFactory(name_en="Member Co")
    BlocMembershipFactory(bloc=bloc, country=member.country)
    OrganisationFactory(name_en="Outsider Co")
    response = admin_client.get(reverse("admin:directory_organisation_changelist"), {"bloc": "eaeu"})
    assert list(response.context["cl"].result_list) == [member]


# --- Search --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "field"),
    [("Kazan Optics", "name_en"), ("Казанская оптика", "name_ru"), ("喀山光学", "name_zh"), ("7707083893", "reg")],
)
def test_organisation_search_finds_names_in_every_language_and_the_registration_number(admin_client, query, field):
    wanted = OrganisationFactory(
        country=russia(),
        name_en="Kazan Optics",
        name_ru="Казанская оптика",
        name_zh="喀山光学",
        registration_number="7707083893",
    )
    OrganisationFactory(name_en="Other Company", name_ru="Другая компания")
    response = admin_client.get(reverse("admin:directory_organisation_changelist"), {"q": query})
    assert list(response.context["cl"].result_list) == [wanted]


def test_country_search_finds_iso_codes(admin_client):
    wanted = CountryFactory(iso2="QB", iso3="QBB", iso_numeric="951")
    CountryFactory()
    response = admin_client.get(reverse("admin:directory_country_changelist"), {"q": "QBB"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_cluster_search_finds_the_external_id(admin_client):
    wanted = ClusterFactory(external_id="ru-779-0042")
    ClusterFactory()
    response = admin_client.get(reverse("admin:clusters_cluster_changelist"), {"q": "ru-779-0042"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_organisation_autocomplete_answers_for_inlines(admin_client):
    OrganisationFactory(name_en="Novosibirsk Instruments")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "Novosibirsk", "app_label": "clusters", "model_name": "membership", "field_name": "organisation"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Novosibirsk Instruments"]


# --- Publication actions ----------------------------------------------------------------------------
def test_publish_selected_publishes_and_stamps_who_and_when(admin_client, admin_user):
    drafts = OrganisationFactory.create_batch(2, draft=True)
    response = admin_client.post(
        reverse("admin:directory_organisation_changelist"),
        {"action": "publish_selected", "_selected_action": [o.pk for o in drafts]},
        follow=True,
    )
    assert response.status_code == 200
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.status == PublicationStatus.PUBLISHED
        assert draft.published_at is not None
        assert draft.status_changed_by == admin_user
    assert "2 records are now published." in [str(m) for m in response.context["messages"]]


def test_publish_selected_leaves_an_invalid_record_alone_and_says_why(admin_client):
    good = OrganisationFactory(draft=True)
    bad = OrganisationFactory(draft=True, name_en="Misplaced Ltd")
    # A record that went wrong outside the admin: its point lies far outside its country.
    Organisation.objects.filter(pk=bad.pk).update(location=Point(0.0, 80.0, srid=4326))
    response = admin_client.post(
        reverse("admin:directory_organisation_changelist"),
        {"action": "publish_selected", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == PublicationStatus.PUBLISHED
    assert bad.status == PublicationStatus.DRAFT
    texts = " ".join(str(m) for m in response.context["messages"])
    assert "Misplaced Ltd" in texts
    assert "outside" in texts


def test_archive_selected_archives_clusters(admin_client):
    cluster = ClusterFactory()
    admin_client.post(
        reverse("admin:clusters_cluster_changelist"),
        {"action": "archive_selected", "_selected_action": [cluster.pk]},
    )
    cluster.refresh_from_db()
    assert cluster.status == PublicationStatus.ARCHIVED


def test_publish_selected_works_for_technoparks(admin_client):
    technopark = TechnoparkFactory(draft=True)
    admin_client.post(
        reverse("admin:technoparks_technopark_changelist"),
        {"action": "publish_selected", "_selected_action": [technopark.pk]},
    )
    technopark.refresh_from_db()
    assert technopark.status == PublicationStatus.PUBLISHED


# --- Editing through the admin --------------------------------------------------------------------
def test_saving_a_point_outside_the_country_shows_the_rule_and_changes_nothing(admin_client):
    cluster = ClusterFactory(name_en="Steady Cluster")
    before = cluster.location
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = {
        "kind": cluster.kind,
        "name_en": "Renamed",
        "country": cluster.country_id,
        "status": cluster.status,
        "location": '{"type": "Point", "coordinates": [0.0, 80.0]}',
        "accepts_partner_suggestions": "on",
    }
    for prefix in ("memberships", "indicators", "assessments", "contacts"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "outside" in str(response.context["adminform"].form.errors["location"])
    cluster.refresh_from_db()
    assert cluster.name_en == "Steady Cluster"
    assert cluster.location == before


def test_adding_an_organisation_records_who_created_it(admin_client, admin_user):
    country = CountryFactory()
    response = admin_client.post(
        reverse("admin:directory_organisation_add"),
        {"kind": "sme", "name_en": "Fresh Start", "country": country.pk, "status": "draft"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name_en="Fresh Start")
    assert organisation.created_by == admin_user


def test_a_non_staff_user_cannot_open_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-123456")
    client.force_login(user)
    response = client.get(reverse("admin:clusters_cluster_changelist"))
    assert response.status_code == 302
    assert Cluster.objects.count() == 0

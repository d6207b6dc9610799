"""Rules of clusters, memberships, yearly indicators and the priority taxonomy."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from clusters.models import Cluster, Membership
from clusters.tests.factories import (
    ClusterAssessmentFactory,
    ClusterFactory,
    ClusterIndicatorFactory,
    MembershipFactory,
    PriorityFactory,
)
from directory.tests.factories import CountryFactory, OrganisationFactory, russia
from foresight.choices import PriorityLevel
from foresight.models import Priority

pytestmark = pytest.mark.django_db


# --- Cluster ---------------------------------------------------------------------------------------
def test_a_factory_cluster_is_clean_and_published():
    cluster = ClusterFactory()
    cluster.full_clean()
    assert cluster.is_public
    assert cluster.country.boundary.contains(cluster.location)


def test_a_cluster_outside_its_country_is_refused():
    cluster = ClusterFactory.build(country=russia(), location=Point(76.95, 43.25, srid=4326))  # Almaty
    with pytest.raises(ValidationError) as exc_info:
        cluster.full_clean()
    assert "outside Russia" in " ".join(exc_info.value.message_dict["location"])


def test_a_cluster_needs_a_name_in_some_language():
    cluster = ClusterFactory.build(country=CountryFactory(), name_en="", name_ru="", name_original="")
    with pytest.raises(ValidationError, match="Give a name"):
        cluster.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        cluster.save()


def test_negative_management_staff_is_refused():
    cluster = ClusterFactory.build(country=CountryFactory(), management_staff_fte=Decimal("-1"))
    with pytest.raises(ValidationError) as exc_info:
        cluster.full_clean()
    assert "management_staff_fte" in exc_info.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        cluster.save()


def test_the_specialised_organisation_may_be_a_current_member():
    membership = MembershipFactory()
    cluster = membership.cluster
    cluster.specialised_organisation = membership.organisation
    cluster.full_clean()


def test_the_specialised_organisation_must_be_a_member():
    cluster = ClusterFactory()
    cluster.specialised_organisation = OrganisationFactory(country=cluster.country)
    with pytest.raises(ValidationError) as exc_info:
        cluster.full_clean()
    assert exc_info.value.message_dict["specialised_organisation"] == [
        "The specialised organisation must be a current member of the cluster."
    ]


def test_a_former_member_cannot_be_the_specialised_organisation():
    membership = MembershipFactory(left_on=datetime.date(2023, 1, 1))
    cluster = membership.cluster
    cluster.specialised_organisation = membership.organisation
    with pytest.raises(ValidationError, match="current member"):
        cluster.full_clean()


# --- Membership ----------------------------------------------------------------------------------------
def test_membership_dates_must_be_ordered():
    membership = MembershipFactory.build(
        cluster=ClusterFactory(),
        organisation=OrganisationFactory(),
        joined_on=datetime.date(2022, 1, 1),
        left_on=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError, match="cannot be before the date joined"):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()
    assert not Membership.objects.exists()


def test_membership_dates_may_be_unknown():
    MembershipFactory(joined_on=None, left_on=datetime.date(2021, 1, 1)).full_clean()


def test_an_organisation_is_a_current_member_only_once():
    membership = MembershipFactory()
    again = Membership(cluster=membership.cluster, organisation=membership.organisation)
    with pytest.raises(ValidationError, match="already a member of the cluster"):
        again.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_an_organisation_may_rejoin_after_it_left():
    first = MembershipFactory(left_on=datetime.date(2021, 1, 1))
    rejoined = Membership(cluster=first.cluster, organisation=first.organisation, joined_on=datetime.date(2022, 1, 1))
    rejoined.full_clean()
    rejoined.save()
    assert first.cluster.memberships.count() == 2


def test_deleting_a_cluster_removes_its_memberships_but_keeps_the_organisations():
    membership = MembershipFactory()
    organisation = membership.organisation
    Cluster.objects.filter(pk=membership.cluster_id).delete()
    # What COMMIT would check: no row may still point at the deleted cluster.
    connection.check_constraints()
    assert not Membership.objects.exists()
    organisation.refresh_from_db()


# --- Indicators and assessments ----------------------------------------------------------------------
def test_one_set_of_indicators_per_year():
    indicator = ClusterIndicatorFactory(year=2022)
    again = ClusterIndicatorFactory.build(cluster=indicator.cluster, year=2022)
    with pytest.raises(ValidationError, match="already recorded"):
        again.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_money_needs_a_currency():
    indicator = ClusterIndicatorFactory.build(cluster=ClusterFactory(), currency="")
    with pytest.raises(ValidationError) as exc_info:
        indicator.full_clean()
    assert "currency" in exc_info.value.message_dict
    ClusterIndicatorFactory.build(cluster=indicator.cluster, currency="", revenue=None, rd_spending=None).full_clean()


@pytest.mark.parametrize("share", [Decimal("-0.01"), Decimal("100.01")])
def test_the_export_share_is_a_percentage(share):
    indicator = ClusterIndicatorFactory.build(cluster=ClusterFactory(), export_share=share)
    with pytest.raises(ValidationError) as exc_info:
        indicator.full_clean()
    assert "export_share" in exc_info.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.save()


def test_a_label_cannot_expire_before_it_was_assigned():
    assessment = ClusterAssessmentFactory.build(
        cluster=ClusterFactory(), assessed_on=datetime.date(2022, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )
    with pytest.raises(ValidationError, match="cannot expire before"):
        assessment.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        assessment.save()


# --- Priority taxonomy -------------------------------------------------------------------------------
def test_the_taxonomy_chain_area_priority_technology_is_clean():
    technology = PriorityFactory(technology=True)
    technology.full_clean()
    assert technology.parent.level == PriorityLevel.PRIORITY
    assert technology.parent.parent.level == PriorityLevel.AREA


def test_a_technology_cannot_sit_directly_under_an_area():
    technology = Priority(code="T-X", level=PriorityLevel.TECHNOLOGY, parent=PriorityFactory(), name_en="Quantum")
    with pytest.raises(ValidationError) as exc_info:
        technology.full_clean()
    assert "parent" in exc_info.value.message_dict


def test_a_priority_needs_a_parent():
    priority = Priority(code="P-X", level=PriorityLevel.PRIORITY, parent=None, name_en="Energy")
    with pytest.raises(ValidationError) as exc_info:
        priority.full_clean()
    assert "parent" in exc_info.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        priority.save()


def test_an_area_has_no_parent():
    area = Priority(code="A-X", level=PriorityLevel.AREA, parent=PriorityFactory(), name_en="Materials")
    with pytest.raises(ValidationError):
        area.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        area.save()

"""Rules of technoparks, residencies and SCO Pool memberships."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters.tests.factories import ClusterFactory
from directory.tests.factories import CountryFactory, OrganisationFactory, RegionFactory
from technoparks.choices import PoolStatus
from technoparks.models import CAPACITY_PAIRS, PoolMembership, Residency
from technoparks.tests.factories import PoolMembershipFactory, ResidencyFactory, TechnoparkFactory

pytestmark = pytest.mark.django_db


# --- Technopark ------------------------------------------------------------------------------------
def test_a_factory_technopark_is_clean_and_inside_its_country():
    technopark = TechnoparkFactory()
    technopark.full_clean()
    assert technopark.country.boundary.contains(technopark.location)


@pytest.mark.parametrize(("total", "free"), CAPACITY_PAIRS)
def test_free_capacity_cannot_exceed_the_total(total, free):
    technopark = TechnoparkFactory.build(country=CountryFactory(), **{total: Decimal("10"), free: Decimal("10.01")})
    with pytest.raises(ValidationError) as exc_info:
        technopark.full_clean()
    assert exc_info.value.message_dict[free] == ["Free capacity cannot exceed the total."]
    with pytest.raises(IntegrityError), transaction.atomic():
        technopark.save()


def test_free_capacity_equal_to_the_total_or_without_a_total_is_allowed():
    TechnoparkFactory.build(
        country=CountryFactory(),
        land_total_ha=Decimal("5"),
        land_free_ha=Decimal("5"),
        premises_total_m2=None,
        premises_free_m2=Decimal("100"),
    ).full_clean()


def test_a_sandbox_description_needs_the_sandbox_flag():
    technopark = TechnoparkFactory.build(
        country=CountryFactory(), sandbox_available=False, sandbox_description="Drones over the campus."
    )
    with pytest.raises(ValidationError) as exc_info:
        technopark.full_clean()
    assert "sandbox_available" in exc_info.value.message_dict
    technopark.sandbox_available = True
    technopark.full_clean()


def test_a_rent_rate_needs_a_currency():
    technopark = TechnoparkFactory.build(country=CountryFactory(), rent_rate_m2_year=Decimal("9000"), currency="")
    with pytest.raises(ValidationError) as exc_info:
        technopark.full_clean()
    assert "currency" in exc_info.value.message_dict


def test_a_technopark_region_must_belong_to_its_country():
    technopark = TechnoparkFactory.build(country=CountryFactory(), region=RegionFactory(), location=None)
    with pytest.raises(ValidationError) as exc_info:
        technopark.full_clean()
    assert "is not a region of" in " ".join(exc_info.value.message_dict["region"])


def test_a_technopark_in_a_region_of_its_country_is_clean():
    region = RegionFactory()
    TechnoparkFactory.build(country=region.country, region=region).full_clean()


def test_every_technopark_error_is_reported_at_once():
    technopark = TechnoparkFactory.build(
        country=CountryFactory(),
        region=RegionFactory(),
        location=None,
        land_total_ha=Decimal("1"),
        land_free_ha=Decimal("2"),
        sandbox_description="x",
    )
    with pytest.raises(ValidationError) as exc_info:
        technopark.full_clean()
    assert {"region", "land_free_ha", "sandbox_available"} <= set(exc_info.value.message_dict)


# --- Residency --------------------------------------------------------------------------------------
def test_residency_dates_must_be_ordered():
    residency = ResidencyFactory.build(
        technopark=TechnoparkFactory(),
        organisation=OrganisationFactory(),
        started_on=datetime.date(2022, 1, 1),
        ended_on=datetime.date(2021, 12, 31),
    )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        residency.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        residency.save()
    assert not Residency.objects.exists()


def test_an_organisation_is_a_current_resident_only_once():
    residency = ResidencyFactory()
    again = Residency(technopark=residency.technopark, organisation=residency.organisation)
    with pytest.raises(ValidationError, match="already a resident"):
        again.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_a_former_resident_may_return():
    residency = ResidencyFactory(ended_on=datetime.date(2022, 1, 1))
    Residency(technopark=residency.technopark, organisation=residency.organisation).full_clean()


# --- SCO Pool ----------------------------------------------------------------------------------------
def test_a_pool_membership_of_a_technopark_or_of_a_cluster_is_clean():
    PoolMembershipFactory().full_clean()
    PoolMembershipFactory(for_cluster=True).full_clean()


def test_a_pool_membership_is_for_exactly_one_subject():
    technopark = TechnoparkFactory()
    cluster = ClusterFactory(country=technopark.country)
    for technopark_value, cluster_value in [(technopark, cluster), (None, None)]:
        membership = PoolMembership(
            technopark=technopark_value,
            cluster=cluster_value,
            nominated_by=technopark.country,
            status=PoolStatus.NOMINATED,
        )
        with pytest.raises(ValidationError, match="one technopark or one cluster"):
            membership.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            membership.save()
    assert not PoolMembership.objects.exists()


def test_a_country_nominates_only_its_own_technoparks_and_clusters():
    technopark, cluster, other = TechnoparkFactory(), ClusterFactory(), CountryFactory()
    for subject in ({"technopark": technopark}, {"cluster": cluster}):
        membership = PoolMembership(nominated_by=other, status=PoolStatus.NOMINATED, **subject)
        with pytest.raises(ValidationError) as exc_info:
            membership.full_clean()
        assert exc_info.value.message_dict["nominated_by"] == [
            "A member state nominates only technoparks and clusters on its own territory."
        ]


def test_a_technopark_is_in_the_pool_once():
    membership = PoolMembershipFactory()
    again = PoolMembershipFactory.build(technopark=membership.technopark, nominated_by=membership.nominated_by)
    with pytest.raises(ValidationError):
        again.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_admission_cannot_come_before_nomination():
    membership = PoolMembershipFactory.build(
        technopark=TechnoparkFactory(), nominated_on=datetime.date(2023, 1, 1), admitted_on=datetime.date(2022, 1, 1)
    )
    with pytest.raises(ValidationError, match="Admission cannot come before nomination"):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_an_admitted_member_needs_its_admission_date():
    membership = PoolMembershipFactory.build(technopark=TechnoparkFactory(), admitted_on=None)
    with pytest.raises(ValidationError, match="needs its admission date"):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_a_pool_membership_reads_as_its_subject_and_status():
    membership = PoolMembershipFactory(technopark=TechnoparkFactory(name_en="Astana Hub"))
    assert str(membership) == "Astana Hub (Admitted)"

"""Rules the models and the database hold: the tree, list owners, one leader, one unit per series."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.tests.factories import BlocFactory, CountryFactory, RegionFactory
from foresight.choices import IndicatorUnit, PriorityLevel, PriorityListScope
from foresight.models import IndicatorValue, Priority, PriorityList, SpecialisationPriority, Stakeholder

from .factories import (
    AreaFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PriorityListFactory,
    PriorityNodeFactory,
    ProfileFactory,
    SpecialisationPriorityFactory,
    StakeholderFactory,
    TechnologyFactory,
)

pytestmark = pytest.mark.django_db


# --- The taxonomy tree -----------------------------------------------------------------------------
def test_a_technology_directly_under_an_area_is_refused_with_the_expected_parent_named():
    area = AreaFactory()
    node = Priority(code="X.T", level=PriorityLevel.TECHNOLOGY, parent=area, name_en="Lasers")

    with pytest.raises(ValidationError) as error:
        node.full_clean()

    assert "parent" in error.value.message_dict
    assert "Priority" in error.value.message_dict["parent"][0]


def test_a_priority_without_parent_is_refused_in_clean_and_in_the_database():
    node = Priority(code="LOOSE", level=PriorityLevel.PRIORITY, name_en="Loose priority")
    with pytest.raises(ValidationError):
        node.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Priority.objects.create(code="LOOSE", level=PriorityLevel.PRIORITY, name_en="Loose priority")


def test_an_area_with_a_parent_is_refused_by_the_database():
    area = AreaFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Priority.objects.create(code="AREA2", level=PriorityLevel.AREA, parent=area, name_en="Nested area")


def test_a_node_cannot_be_moved_under_its_own_descendant():
    technology = TechnologyFactory()
    priority = technology.parent
    priority.level = PriorityLevel.TECHNOLOGY
    priority.parent = technology

    with pytest.raises(ValidationError) as error:
        priority.full_clean()

    assert "parent" in error.value.message_dict


def test_a_well_formed_chain_passes_validation():
    technology = TechnologyFactory()
    technology.full_clean()
    assert technology.ancestor_ids() == [technology.parent_id, technology.parent.parent_id]


# --- Lists --------------------------------------------------------------------------------------------
def test_a_national_list_needs_a_country_and_no_bloc():
    priority_list = PriorityList(
        code="x",
        scope=PriorityListScope.NATIONAL,
        bloc=BlocFactory(),
        name_en="X",
        year_adopted=2020,
        source_document="Decree",
    )
    with pytest.raises(ValidationError) as error:
        priority_list.full_clean()
    assert "country" in error.value.message_dict


def test_a_common_list_with_a_country_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityList.objects.create(
            code="x",
            scope=PriorityListScope.COMMON,
            country=CountryFactory(),
            bloc=BlocFactory(),
            name_en="X",
            year_adopted=2020,
            source_document="Decree",
        )


def test_a_priority_can_be_in_several_lists_but_only_once_in_each():
    priority = PriorityNodeFactory()
    first = PriorityListFactory(priorities=[priority])
    second = PriorityListFactory(common=True, priorities=[priority])

    assert set(priority.priority_lists.all()) == {first, second}
    with pytest.raises(IntegrityError), transaction.atomic():
        first.entries.create(priority=priority)


# --- Smart specialisation -------------------------------------------------------------------------------
def test_a_second_leader_in_a_region_is_refused_with_a_clear_message():
    leader = StakeholderFactory(is_leader=True)
    second = Stakeholder(profile=leader.profile, name="Another", helix="academia", is_leader=True)

    with pytest.raises(ValidationError) as error:
        second.full_clean()

    assert "already has a leader" in " ".join(error.value.messages)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_leaders_of_different_regions_do_not_conflict():
    StakeholderFactory(is_leader=True)
    other = StakeholderFactory(is_leader=True)
    assert Stakeholder.objects.filter(is_leader=True).count() == 2
    other.full_clean()


def test_strength_outside_one_to_five_is_refused_in_clean_and_in_the_database():
    choice = SpecialisationPriorityFactory.build(profile=ProfileFactory(), priority=PriorityNodeFactory(), strength=6)
    with pytest.raises(ValidationError) as error:
        choice.full_clean()
    assert "strength" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        choice.save()
    assert not SpecialisationPriority.objects.exists()


# --- Statistics ------------------------------------------------------------------------------------------
def test_a_value_must_belong_to_a_country_or_a_region_not_both():
    region = RegionFactory()
    value = IndicatorValue(
        indicator=IndicatorFactory(),
        country=region.country,
        region=region,
        year=2020,
        value=Decimal("1"),
        unit=IndicatorUnit.PERCENT_GDP,
    )
    with pytest.raises(ValidationError):
        value.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        value.save()


def test_a_value_in_another_unit_cannot_join_an_existing_series():
    existing = IndicatorValueFactory(year=2019)
    newcomer = IndicatorValue(
        indicator=existing.indicator, country=existing.country, year=2020, value=Decimal("30"), unit=IndicatorUnit.COUNT
    )

    with pytest.raises(ValidationError) as error:
        newcomer.full_clean()

    assert "unit" in error.value.message_dict
    assert "% of GDP" in error.value.message_dict["unit"][0]


def test_another_country_may_use_its_own_unit_for_the_same_indicator():
    existing = IndicatorValueFactory(year=2019)
    other = IndicatorValue(
        indicator=existing.indicator, country=CountryFactory(), year=2019, value=Decimal("3"), unit=IndicatorUnit.COUNT
    )
    other.full_clean()


def test_one_value_per_country_indicator_and_year():
    existing = IndicatorValueFactory(year=2019)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=existing.indicator, country=existing.country, year=2019, value=Decimal("2"), unit=existing.unit
        )

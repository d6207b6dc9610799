"""Writes with rules: upserts, stakeholders' leadership and the all-or-nothing CSV import."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from directory.tests.factories import CountryFactory, RegionFactory
from foresight.choices import IndicatorUnit, PriorityLevel
from foresight.models import IndicatorValue, Priority, Stakeholder
from foresight.services import (
    CREATED,
    UNCHANGED,
    UPDATED,
    indicator_values_import,
    priority_create,
    record_upsert,
    specialisation_priority_set,
    stakeholder_add,
    stakeholder_make_leader,
)

from .factories import AreaFactory, IndicatorFactory, IndicatorValueFactory, PriorityNodeFactory, ProfileFactory

pytestmark = pytest.mark.django_db


# --- Upserts and the taxonomy ------------------------------------------------------------------------
def test_record_upsert_creates_then_leaves_unchanged_then_updates():
    area = AreaFactory()
    lookup = {"code": "A.X"}
    values = {"level": PriorityLevel.PRIORITY, "parent": area, "name_en": "X"}

    first, status1 = record_upsert(model=Priority, lookup=lookup, values=values)
    _second, status2 = record_upsert(model=Priority, lookup=lookup, values=values)
    third, status3 = record_upsert(model=Priority, lookup=lookup, values={**values, "name_en": "Y"})

    assert (status1, status2, status3) == (CREATED, UNCHANGED, UPDATED)
    assert first.pk == third.pk
    assert Priority.objects.get(code="A.X").name_en == "Y"


def test_record_upsert_validates_and_writes_nothing_on_bad_values():
    with pytest.raises(ValidationError):
        record_upsert(
            model=Priority, lookup={"code": "BAD"}, values={"level": PriorityLevel.TECHNOLOGY, "name_en": "B"}
        )
    assert not Priority.objects.filter(code="BAD").exists()


def test_priority_create_refuses_a_parent_from_the_wrong_level():
    priority = PriorityNodeFactory()
    with pytest.raises(ValidationError) as error:
        priority_create(code="Z", level=PriorityLevel.PRIORITY, parent=priority, name_en="Z")
    assert "parent" in error.value.message_dict
    assert not Priority.objects.filter(code="Z").exists()


def test_specialisation_priority_set_rescores_an_existing_choice():
    profile, priority = ProfileFactory(), PriorityNodeFactory()
    specialisation_priority_set(profile=profile, priority=priority, strength=2)
    choice = specialisation_priority_set(profile=profile, priority=priority, strength=5, rationale_en="Grew")
    assert profile.priority_choices.count() == 1
    assert (choice.strength, choice.rationale_en) == (5, "Grew")


# --- Stakeholders ---------------------------------------------------------------------------------------
def test_stakeholder_add_refuses_a_second_leader_and_adds_nothing():
    profile = ProfileFactory()
    stakeholder_add(profile=profile, name="Ministry", helix="government", is_leader=True)

    with pytest.raises(ValidationError) as error:
        stakeholder_add(profile=profile, name="University", helix="academia", is_leader=True)

    assert "already has a leader" in " ".join(error.value.messages)
    assert list(profile.stakeholders.values_list("name", flat=True)) == ["Ministry"]


def test_stakeholder_make_leader_hands_over_leadership_in_one_step():
    profile = ProfileFactory()
    ministry = stakeholder_add(profile=profile, name="Ministry", helix="government", is_leader=True)
    university = stakeholder_add(profile=profile, name="University", helix="academia")

    stakeholder_make_leader(stakeholder=university)

    ministry.refresh_from_db()
    university.refresh_from_db()
    assert (ministry.is_leader, university.is_leader) == (False, True)
    assert Stakeholder.objects.filter(profile=profile, is_leader=True).count() == 1


# --- CSV import ------------------------------------------------------------------------------------------
@pytest.fixture
def areas():
    country = CountryFactory(iso2="XQ", iso3="XQQ")
    region = RegionFactory(country=country, iso_code="XQ-01")
    indicator = IndicatorFactory(code="gerd-gdp")
    count_indicator = IndicatorFactory(code="patents", unit=IndicatorUnit.COUNT)
    return {"country": country, "region": region, "indicator": indicator, "count_indicator": count_indicator}


GOOD_CSV = """indicator,area,year,value,unit,source,approximate
gerd-gdp,XQ,2019,1.04,pct_gdp,Stat office,yes
gerd-gdp,XQ,2020,1.10,,Stat office,no
gerd-gdp,xq-01,2020,0.8,pct_gdp,,
patents,XQ,2020,23337,count,WIPO,yes
"""


def test_import_creates_values_with_default_unit_and_source(areas):
    result = indicator_values_import(text=GOOD_CSV)

    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    value = IndicatorValue.objects.get(country=areas["country"], year=2020, indicator=areas["indicator"])
    assert value.unit == IndicatorUnit.PERCENT_GDP
    assert value.value == Decimal("1.10")
    assert value.is_approximate is False
    regional = IndicatorValue.objects.get(region=areas["region"])
    assert regional.source == "UNESCO UIS"


def test_importing_the_same_file_twice_changes_nothing(areas):
    indicator_values_import(text=GOOD_CSV)
    result = indicator_values_import(text=GOOD_CSV)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)


def test_import_updates_a_changed_value(areas):
    indicator_values_import(text=GOOD_CSV)
    result = indicator_values_import(text=GOOD_CSV.replace("1.04", "1.05"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert IndicatorValue.objects.get(year=2019).value == Decimal("1.05")


def test_a_bad_line_rejects_the_whole_file_with_line_numbers(areas):
    bad = GOOD_CSV + "gerd-gdp,ZZ,2021,abc,pct_gdp,,\nnope,XQ,1700,1,furlongs,,maybe\n"

    with pytest.raises(ValidationError) as error:
        indicator_values_import(text=bad)

    messages = error.value.messages
    assert messages[0].startswith("Line 6:")
    assert "“ZZ”" in messages[0] and "“abc” is not a number" in messages[0]
    assert messages[1].startswith("Line 7:")
    assert "unknown indicator “nope”" in messages[1]
    assert "furlongs" in messages[1] and "1700" in messages[1] and "maybe" in messages[1]
    assert not IndicatorValue.objects.exists()


def test_a_series_with_two_units_in_one_file_is_refused(areas):
    mixed = "indicator,area,year,value,unit\ngerd-gdp,XQ,2019,1,pct_gdp\ngerd-gdp,XQ,2020,1200,count\n"

    with pytest.raises(ValidationError) as error:
        indicator_values_import(text=mixed)

    assert "Line 3" in error.value.messages[0]
    assert "a series keeps one unit" in error.value.messages[0]
    assert not IndicatorValue.objects.exists()


def test_a_file_whose_unit_differs_from_the_stored_series_is_refused(areas):
    IndicatorValueFactory(indicator=areas["indicator"], country=areas["country"], year=2015)

    with pytest.raises(ValidationError) as error:
        indicator_values_import(text="indicator,area,year,value,unit\ngerd-gdp,XQ,2020,12,count\n")

    assert "is stored in “% of GDP”" in error.value.messages[0]
    assert IndicatorValue.objects.count() == 1


def test_a_repeated_line_is_refused(areas):
    with pytest.raises(ValidationError) as error:
        indicator_values_import(text="indicator,area,year,value\ngerd-gdp,XQ,2020,1\ngerd-gdp,XQ,2020,2\n")
    assert "already given on line 2" in error.value.messages[0]


def test_a_file_without_the_required_columns_says_which_are_missing(areas):
    with pytest.raises(ValidationError) as error:
        indicator_values_import(text="indicator;area;year;value\n")
    assert "area, year, value" in error.value.messages[0]


def test_a_file_with_only_a_header_is_refused(areas):
    with pytest.raises(ValidationError) as error:
        indicator_values_import(text="indicator,area,year,value\n")
    assert "no values" in error.value.messages[0]

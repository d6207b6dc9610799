"""Rules of countries, blocs, regions, sectors and organisations, in Python (full_clean) and in the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from directory.choices import PublicationStatus, SectorLevel
from directory.models import Country, Organisation, Sector
from directory.tests.factories import (
    BlocFactory,
    BlocMembershipFactory,
    CountryFactory,
    DivisionFactory,
    OrganisationFactory,
    RegionFactory,
    SectorFactory,
    kazakhstan,
    russia,
)

pytestmark = pytest.mark.django_db


def all_messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- Factories keep their promises ------------------------------------------------------------
def test_factory_countries_have_valid_codes_and_boundaries_that_do_not_overlap():
    countries = CountryFactory.create_batch(3)
    for country in countries:
        country.full_clean()
        assert country.boundary.valid
    assert not countries[0].boundary.intersects(countries[1].boundary)
    assert not russia().boundary.intersects(kazakhstan().boundary)


def test_factory_records_lie_inside_their_country():
    region = RegionFactory()
    organisation = OrganisationFactory(country=region.country, region=region)
    assert region.country.boundary.contains(region.boundary)
    assert region.boundary.contains(organisation.location)
    assert organisation.status == PublicationStatus.PUBLISHED
    assert OrganisationFactory(draft=True).status == PublicationStatus.DRAFT


# --- Countries ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "value"), [("iso2", "ru"), ("iso2", "R1"), ("iso3", "ru1")])
def test_a_country_code_of_the_wrong_form_is_refused_by_the_database(field, value):
    country = CountryFactory.build(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        country.save()


def test_a_country_code_of_the_wrong_form_fails_full_clean():
    with pytest.raises(ValidationError):
        CountryFactory.build(iso2="r1").full_clean()


def test_a_country_code_is_unique():
    CountryFactory(iso2="QA", iso3="QAT", iso_numeric="634")
    with pytest.raises(ValidationError) as exc_info:
        CountryFactory.build(iso2="QA", iso3="QAX", iso_numeric="999").full_clean()
    assert "iso2" in exc_info.value.message_dict


# --- Names ---------------------------------------------------------------------------------------
BLANK_NAMES = {"name_original": "", "name_en": "", "name_ru": "", "name_zh": ""}


@pytest.mark.parametrize(
    "build",
    [
        lambda: CountryFactory.build(**BLANK_NAMES),
        lambda: BlocFactory.build(**BLANK_NAMES),
        lambda: RegionFactory.build(country=CountryFactory(), **BLANK_NAMES),
        lambda: OrganisationFactory.build(country=CountryFactory(), **BLANK_NAMES),
        lambda: Sector(code="U", level=SectorLevel.SECTION, **BLANK_NAMES),
    ],
    ids=["country", "bloc", "region", "organisation", "sector"],
)
def test_a_record_without_a_name_in_any_language_is_refused(build):
    record = build()
    with pytest.raises(ValidationError, match="Give a name in at least one language"):
        record.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_a_name_in_one_language_is_enough():
    organisation = OrganisationFactory(name_en="", name_ru="", name_original="", name_zh="中关村科技")
    organisation.full_clean()
    assert str(organisation) == "中关村科技"


def test_the_name_falls_back_to_english_then_the_original():
    organisation = OrganisationFactory.build(name_en="Kazan Helicopters", name_ru="", name_original="Казанский")
    assert organisation.name == "Kazan Helicopters"
    organisation.name_en = ""
    assert organisation.name == "Казанский"


# --- Blocs ----------------------------------------------------------------------------------------
def test_bloc_membership_dates_must_be_ordered():
    membership = BlocMembershipFactory.build(
        bloc=BlocFactory(),
        country=CountryFactory(),
        joined_on=datetime.date(2015, 1, 1),
        left_on=datetime.date(2014, 12, 31),
    )
    with pytest.raises(ValidationError, match="cannot be before the date joined"):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_bloc_membership_may_end_on_the_day_it_starts_or_stay_open():
    BlocMembershipFactory(joined_on=datetime.date(2015, 1, 1), left_on=datetime.date(2015, 1, 1)).full_clean()
    BlocMembershipFactory(left_on=None).full_clean()


def test_current_bloc_members_exclude_those_who_left():
    bloc = BlocFactory()
    stays = BlocMembershipFactory(bloc=bloc)
    BlocMembershipFactory(bloc=bloc, left_on=datetime.date(2020, 1, 1))
    assert list(bloc.memberships.current()) == [stays]


def test_bloc_membership_reads_as_country_bloc_and_status():
    membership = BlocMembershipFactory(bloc=BlocFactory(name_en="Eurasian Economic Union"), country=russia())
    assert str(membership) == "Russia — Eurasian Economic Union (Member state)"


# --- Sectors ----------------------------------------------------------------------------------------
def test_a_division_takes_its_section_code_from_its_parent():
    division = DivisionFactory(code="62", parent=SectorFactory(code="J"))
    assert division.section_code == "J"
    assert str(division).startswith("62 ")


@pytest.mark.parametrize(
    ("code", "level", "with_parent"),
    [("62", SectorLevel.SECTION, False), ("J", SectorLevel.DIVISION, True), ("62", SectorLevel.DIVISION, False)],
)
def test_a_sector_code_must_match_its_level(code, level, with_parent):
    parent = SectorFactory(code="C") if with_parent else None
    sector = Sector(code=code, level=level, parent=parent, name_en="Bad sector")
    with pytest.raises(ValidationError, match="a division two digits"):
        sector.full_clean()


# --- Organisations -------------------------------------------------------------------------------------
def test_a_registration_number_is_unique_within_a_country():
    country = russia()
    OrganisationFactory(country=country, registration_number="7707083893")
    duplicate = OrganisationFactory.build(country=country, registration_number="7707083893")
    with pytest.raises(ValidationError, match="already registered in this country"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Organisation.objects.filter(registration_number="7707083893").count() == 1


def test_a_duplicate_typed_with_spaces_is_still_caught():
    country = russia()
    OrganisationFactory(country=country, registration_number="7707083893")
    with pytest.raises(ValidationError, match="already registered"):
        OrganisationFactory.build(country=country, registration_number="7707 083 893").full_clean()


def test_the_same_number_may_exist_in_another_country():
    OrganisationFactory(country=CountryFactory(), registration_number="ABC-1234")
    OrganisationFactory.build(country=CountryFactory(), registration_number="ABC-1234").full_clean()


def test_organisations_without_a_registration_number_are_not_duplicates():
    country = CountryFactory()
    OrganisationFactory(country=country, registration_number="")
    second = OrganisationFactory(country=country, registration_number="")
    second.full_clean()
    assert country.organisations.count() == 2


def test_published_lists_only_published_records():
    published = OrganisationFactory()
    OrganisationFactory(draft=True)
    OrganisationFactory(status=PublicationStatus.ARCHIVED)
    assert list(Organisation.objects.published()) == [published]
    assert published.is_public


def test_a_country_with_organisations_cannot_be_deleted():
    organisation = OrganisationFactory()
    with pytest.raises(ProtectedError):
        Country.objects.filter(pk=organisation.country_id).delete()
    assert Country.objects.filter(pk=organisation.country_id).exists()

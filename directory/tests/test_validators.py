"""National registration numbers and the location rules shared by organisations, clusters and technoparks."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from directory.tests.factories import CountryFactory, OrganisationFactory, RegionFactory, kazakhstan, russia
from directory.validators import (
    normalise_registration_number,
    point_in_country,
    validate_point,
    validate_registration_number,
)

# --- Check digits computed here independently, so the tests do not trust the code under test ---------------


def ru_inn_10(first9: str) -> str:
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return first9 + str(sum(int(c) * w for c, w in zip(first9, weights, strict=True)) % 11 % 10)


def ru_inn_12(first10: str) -> str:
    w11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    w12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    first11 = first10 + str(sum(int(c) * w for c, w in zip(first10, w11, strict=True)) % 11 % 10)
    return first11 + str(sum(int(c) * w for c, w in zip(first11, w12, strict=True)) % 11 % 10)


def kz_bin(first11: str) -> str | None:
    """The BIN with its check digit, or None when both weight sets give 10 (such numbers are never issued)."""
    check = sum(int(c) * w for c, w in zip(first11, range(1, 12), strict=True)) % 11
    if check == 10:
        check = sum(int(c) * w for c, w in zip(first11, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], strict=True)) % 11
    return None if check == 10 else first11 + str(check)


def by_unp(first8: str) -> str | None:
    check = sum(int(c) * w for c, w in zip(first8, [29, 23, 19, 17, 13, 7, 5, 3], strict=True)) % 11
    return None if check == 10 else first8 + str(check)


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def cn_uscc(first17: str) -> str:
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def ir_national_id(first10: str) -> str:
    shift = int(first10[9]) + 2
    weights = [29, 27, 23, 19, 17, 29, 27, 23, 19, 17]
    check = sum((int(c) + shift) * w for c, w in zip(first10, weights, strict=True)) % 11
    return first10 + str(0 if check == 10 else check)


def wrong_last_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- Valid numbers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("7707083893", "RU"),  # Sberbank, published on every bank statement
        ("7736050003", "RU"),  # Gazprom
        ("1234567894", "RU"),
        ("123456789047", "RU"),
        (ru_inn_10("502700145"), "RU"),
        (ru_inn_12("7712345678"), "RU"),
        (kz_bin("08014000328"), "KZ"),
        (kz_bin("97034000045"), "KZ"),
        ("200988541", "BY"),
        ("MA1953684", "BY"),
        (by_unp("19019880"), "BY"),
        ("91110000600037341L", "CN"),
        ("91350100M000100Y43", "CN"),
        (cn_uscc("91440300MA5F0XYW0"), "CN"),
        ("10380284790", "IR"),
        (ir_national_id("1410012345"), "IR"),
        ("00001234", "AM"),
        ("U72200KA2009PTC049889", "IN"),
        ("ABC-12345", "FR"),
    ],
)
def test_valid_registration_numbers_pass(number, country):
    assert number is not None
    validate_registration_number(number, country)


def test_an_empty_registration_number_is_allowed_everywhere():
    validate_registration_number("", "RU")


def test_the_computed_check_digits_agree_with_the_published_numbers():
    # Guards the helpers above: they must reproduce real numbers before they are trusted to build others.
    assert ru_inn_10("770708389") == "7707083893"
    assert by_unp("20098854") == "200988541"
    assert cn_uscc("91110000600037341") == "91110000600037341L"
    assert ir_national_id("1038028479") == "10380284790"


def test_the_kazakh_bin_uses_the_second_weights_when_the_first_give_ten():
    # Find a BIN whose first weighted sum is 10 (mod 11), so the second weight set decides.
    first11 = next(
        f"{n:011d}"
        for n in range(10**10, 10**10 + 1000)
        if sum(int(c) * w for c, w in zip(f"{n:011d}", range(1, 12), strict=True)) % 11 == 10
        and kz_bin(f"{n:011d}") is not None
    )
    validate_registration_number(kz_bin(first11), "KZ")


# --- Invalid numbers -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("7707083894", "RU"),
        (wrong_last_digit(ru_inn_12("7712345678")), "RU"),
        ("123456789037", "RU"),
        (wrong_last_digit(kz_bin("08014000328")), "KZ"),
        ("200988542", "BY"),
        ("91110000600037341M", "CN"),
        ("10380284792", "IR"),
        ("10380285692", "IR"),
    ],
)
def test_a_wrong_check_digit_is_reported_as_a_typing_error(number, country):
    with pytest.raises(ValidationError, match="check digit") as exc_info:
        validate_registration_number(number, country)
    assert exc_info.value.code == "registration_number_checksum"


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("770708389", "RU", "10 digits for a legal entity or 12"),
        ("77070838931", "RU", "INN"),
        ("77070838AB", "RU", "INN"),
        ("0801400032", "KZ", "12 digits"),
        ("20098854", "BY", "UNP"),
        ("900988541", "BY", "first from 1 to 7"),
        ("91110000600037341", "CN", "18 characters"),
        ("9111000060003734IL", "CN", "USCC"),
        ("1038028479", "IR", "11 digits"),
        ("1234567", "AM", "8 digits"),
        ("ABC", "FR", "4 to 20"),
        ("ABC_123", "FR", "4 to 20"),
    ],
)
def test_a_number_of_the_wrong_form_says_what_the_form_is(number, country, expected):
    with pytest.raises(ValidationError) as exc_info:
        validate_registration_number(number, country)
    assert exc_info.value.code == "registration_number_format"
    assert expected in messages(exc_info)


def test_an_iranian_id_with_an_all_zero_serial_is_rejected_although_its_check_digit_fits():
    number = ir_national_id("1230000005")
    with pytest.raises(ValidationError, match="check digit"):
        validate_registration_number(number, "IR")


def test_normalising_removes_spaces_and_dots_and_reads_cyrillic_lookalikes_as_latin():
    assert normalise_registration_number(" 7707 083.893 ") == "7707083893"
    assert normalise_registration_number("ма1953684") == "MA1953684"
    assert normalise_registration_number("91110000600037341l") == "91110000600037341L"


# --- Registration numbers through the model ----------------------------------------------------
@pytest.mark.django_db
def test_an_organisation_with_a_valid_inn_written_with_spaces_is_clean_and_stored_normalised():
    organisation = OrganisationFactory.build(country=russia(), registration_number="7707 083 893")
    organisation.full_clean()
    assert organisation.registration_number == "7707083893"


@pytest.mark.django_db
def test_an_organisation_with_a_bad_inn_gets_the_error_on_its_registration_number():
    organisation = OrganisationFactory.build(country=russia(), registration_number="7707083894")
    with pytest.raises(ValidationError) as exc_info:
        organisation.full_clean()
    assert "INN" in " ".join(exc_info.value.message_dict["registration_number"])


@pytest.mark.django_db
def test_the_rule_of_the_organisations_own_country_applies():
    # A valid Kazakh BIN is not a valid Russian INN: the rule follows the country.
    number = kz_bin("08014000328")
    OrganisationFactory.build(country=kazakhstan(), registration_number=number).full_clean()
    with pytest.raises(ValidationError) as exc_info:
        OrganisationFactory.build(country=russia(), registration_number=number).full_clean()
    assert "registration_number" in exc_info.value.message_dict


# --- Locations ----------------------------------------------------------------------------------
@pytest.fixture
def equatorial_country():
    # Near the equator a degree of latitude is ~110.6 km: distances below are easy to reason about.
    return CountryFactory(bbox=(10.0, -2.0, 14.0, 2.0))


@pytest.mark.django_db
def test_a_point_inside_the_country_is_in_it(equatorial_country):
    assert point_in_country(Point(12.0, 0.0, srid=4326), equatorial_country.pk)


@pytest.mark.django_db
def test_a_point_ten_km_outside_the_border_is_within_the_tolerance(equatorial_country):
    assert point_in_country(Point(12.0, 2.09, srid=4326), equatorial_country.pk)


@pytest.mark.django_db
def test_a_point_thirty_km_outside_the_border_is_not_in_the_country(equatorial_country):
    assert not point_in_country(Point(12.0, 2.27, srid=4326), equatorial_country.pk)


@pytest.mark.django_db
def test_the_tolerance_comes_from_the_setting(equatorial_country, settings):
    settings.PORTAL_BOUNDARY_TOLERANCE_M = 0
    assert not point_in_country(Point(12.0, 2.09, srid=4326), equatorial_country.pk)
    settings.PORTAL_BOUNDARY_TOLERANCE_M = 40_000
    assert point_in_country(Point(12.0, 2.27, srid=4326), equatorial_country.pk)


@pytest.mark.django_db
def test_a_country_without_a_boundary_accepts_any_point():
    country = CountryFactory(bbox=None)
    assert point_in_country(Point(0.0, 0.0, srid=4326), country.pk)


@pytest.mark.django_db
def test_an_organisation_outside_its_country_gets_a_clear_location_error(equatorial_country):
    organisation = OrganisationFactory.build(country=equatorial_country, location=Point(12.0, 5.0, srid=4326))
    with pytest.raises(ValidationError) as exc_info:
        organisation.full_clean()
    message = " ".join(exc_info.value.message_dict["location"])
    assert "outside" in message
    assert "longitude first" in message


@pytest.mark.django_db
def test_swapped_coordinates_of_moscow_are_caught():
    # Moscow is 37.62 E, 55.75 N; typed latitude first it would lie in the Arabian Sea.
    country = russia()
    OrganisationFactory.build(country=country, location=Point(37.62, 55.75, srid=4326)).full_clean()
    with pytest.raises(ValidationError, match="outside"):
        OrganisationFactory.build(country=country, location=Point(55.75, 37.62, srid=4326)).full_clean()


@pytest.mark.parametrize(("x", "y"), [(181, 0), (-181, 0), (0, 91), (0, -91)])
def test_coordinates_out_of_range_are_rejected(x, y):
    with pytest.raises(ValidationError, match="out of range"):
        validate_point(Point(x, y, srid=4326))


@pytest.mark.django_db
def test_a_region_of_another_country_is_rejected_with_both_names():
    home, abroad = CountryFactory(), CountryFactory()
    region = RegionFactory(country=abroad, name_en="Faraway Province")
    organisation = OrganisationFactory.build(country=home, region=region, location=None)
    with pytest.raises(ValidationError) as exc_info:
        organisation.full_clean()
    message = " ".join(exc_info.value.message_dict["region"])
    assert "Faraway Province" in message
    assert str(home) in message


@pytest.mark.django_db
def test_a_region_of_the_same_country_is_accepted():
    region = RegionFactory()
    OrganisationFactory.build(country=region.country, region=region).full_clean()


@pytest.mark.django_db
def test_every_location_error_is_reported_at_once():
    home, abroad = CountryFactory(), CountryFactory()
    organisation = OrganisationFactory.build(
        country=home,
        region=RegionFactory(country=abroad),
        location=Point(12.0, 5.0, srid=4326),
        registration_number="x!",
    )
    with pytest.raises(ValidationError) as exc_info:
        organisation.full_clean()
    assert {"location", "region", "registration_number"} <= set(exc_info.value.message_dict)

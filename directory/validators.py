"""Rules of the registry that need more than one field: registration numbers, locations, regions."""

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _


# --- National registration numbers ----------------------------------------------
def _digits(value: str) -> list[int]:
    return [int(c) for c in value]


def _weighted(digits: list[int], weights: list[int]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False))


def _check_ru_inn(value: str) -> bool:
    """Russian INN: 10 digits for a legal entity, 12 for an individual entrepreneur."""
    d = _digits(value)
    if len(d) == 10:
        return _weighted(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10 == d[9]
    c11 = _weighted(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10
    c12 = _weighted(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10
    return c11 == d[10] and c12 == d[11]


def _check_kz_bin(value: str) -> bool:
    """Kazakh BIN/IIN: 12 digits, a mod-11 check digit with a second weight set when the first gives 10."""
    d = _digits(value)
    check = _weighted(d, list(range(1, 12))) % 11
    if check == 10:
        check = _weighted(d, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) % 11
        if check == 10:
            return False
    return check == d[11]


_BY_UNP_LETTERS = "ABCEHKMOPT"


def _check_by_unp(value: str) -> bool:
    """Belarusian UNP: 9 characters, a mod-11 check digit (10 is never issued).

    Legal entities have nine digits; individuals may have two letters first, the first counted by its place in the
    Latin alphabet (A = 10) and the second by its place in ABCEHKMOPT.
    """
    if value[:2].isdigit():
        values = _digits(value[:8])
    else:
        values = [int(value[0], 36), _BY_UNP_LETTERS.index(value[1]), *_digits(value[2:8])]
    check = _weighted(values, [29, 23, 19, 17, 13, 7, 5, 3]) % 11
    return check != 10 and str(check) == value[8]


_CN_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _check_cn_uscc(value: str) -> bool:
    """Chinese unified social credit code (GB 32100-2015): 18 characters, a mod-31 check character."""
    values = [_CN_USCC_ALPHABET.index(c) for c in value[:17]]
    weights = [pow(3, i, 31) for i in range(17)]
    check = (31 - _weighted(values, weights) % 31) % 31
    return _CN_USCC_ALPHABET[check] == value[17]


def _check_ir_national_id(value: str) -> bool:
    """Iranian national identifier of a legal entity: 11 digits, a mod-11 check on the first ten."""
    d = _digits(value)
    # The six digits after the three-digit prefix are the entity's serial number: never all zero.
    if not any(d[3:9]):
        return False
    shift = d[9] + 2
    total = sum((digit + shift) * w for digit, w in zip(d[:10], [29, 27, 23, 19, 17, 29, 27, 23, 19, 17], strict=True))
    check = total % 11
    return (0 if check == 10 else check) == d[10]


# ISO alpha-2 → (pattern, checksum or None, the number's name, the expected form). A country not listed
# accepts any 4–20 letters, digits and hyphens: its rules are not public or not stable enough to enforce.
REGISTRATION_RULES: dict[str, tuple[str, Callable[[str], bool] | None, str, str]] = {
    "RU": (r"^(\d{10}|\d{12})$", _check_ru_inn, "INN", _("10 digits for a legal entity or 12 for an entrepreneur")),
    "KZ": (r"^\d{12}$", _check_kz_bin, "BIN", _("12 digits")),
    "BY": (
        r"^([1-7]\d|[ABCEHKM][ABCEHKMOPT])\d{7}$",
        _check_by_unp,
        "UNP",
        _("9 digits, the first from 1 to 7 (or, for an individual, 2 letters and 7 digits)"),
    ),
    "CN": (r"^[0-9A-HJ-NPQRTUWXY]{18}$", _check_cn_uscc, "USCC", _("18 characters")),
    "IR": (r"^\d{11}$", _check_ir_national_id, "national ID", _("11 digits")),
    "AM": (r"^\d{8}$", None, "TIN", _("8 digits")),
    "KG": (r"^\d{14}$", None, "INN", _("14 digits")),
    "UZ": (r"^\d{9}$", None, "STIR", _("9 digits")),
    "TJ": (r"^\d{9}$", None, "INN", _("9 digits")),
    "IN": (r"^[LU]\d{5}[A-Z]{2}\d{4}[A-Z]{3}\d{6}$", None, "CIN", _("21 characters, e.g. U72200KA2009PTC049889")),
    "PK": (r"^\d{7}(-?\d)?$", None, "NTN", _("7 digits, optionally a hyphen and a check digit")),
}
GENERIC_PATTERN = r"^[A-Z0-9-]{4,20}$"


# Cyrillic letters that look like the Latin ones of Belarusian UNPs; people type either.
_CYRILLIC_LOOKALIKES = str.maketrans("АВСЕНКМОРТ", "ABCEHKMOPT")


def normalise_registration_number(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "").upper().translate(_CYRILLIC_LOOKALIKES)


def validate_registration_number(value: str, country_iso2: str) -> None:
    """Raises ValidationError unless the number has its country's form and check digits."""
    if not value:
        return
    rule = REGISTRATION_RULES.get(country_iso2)
    if rule is None:
        if not re.match(GENERIC_PATTERN, value):
            raise ValidationError(
                _("A registration number has 4 to 20 letters, digits or hyphens."), code="registration_number_format"
            )
        return
    pattern, checksum, label, form = rule
    if not re.match(pattern, value):
        raise ValidationError(
            _("A valid %(label)s has %(form)s.") % {"label": label, "form": form}, code="registration_number_format"
        )
    if checksum is not None and not checksum(value):
        raise ValidationError(
            _("This %(label)s fails its check digit: please check it for a typing error.") % {"label": label},
            code="registration_number_checksum",
        )


# --- Locations ------------------------------------------------------------------
def point_in_country(point, country_id: int) -> bool:
    """True when the point lies within the configured tolerance of the country's boundary."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT boundary IS NULL OR ST_DWithin(boundary::geography, ST_GeomFromEWKB(%s)::geography, %s) "
            "FROM directory_country WHERE id = %s",
            [point.transform(4326, clone=True).ewkb, settings.PORTAL_BOUNDARY_TOLERANCE_M, country_id],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def validate_point(point) -> None:
    if point is None:
        return
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        raise ValidationError(
            {"location": _("Coordinates are out of range: longitude −180…180, latitude −90…90.")},
            code="coordinates_out_of_range",
        )


def validate_registry_location(record, *, country_field: str = "country", region_field: str = "region") -> None:
    """The shared location rules of organisations, clusters and technoparks; collects every error at once."""
    errors: dict[str, list] = {}
    country_id = getattr(record, f"{country_field}_id", None)
    point = getattr(record, "location", None)
    try:
        validate_point(point)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if point is not None and country_id and not point_in_country(point, country_id):
            country = getattr(record, country_field)
            errors["location"] = [
                _("This point lies outside %(country)s. Check the coordinates (longitude first, then latitude).")
                % {"country": country}
            ]
    region = getattr(record, region_field, None) if region_field else None
    if region is not None and country_id and region.country_id != country_id:
        errors[region_field] = [
            _("%(region)s is not a region of %(country)s.")
            % {"region": region, "country": getattr(record, country_field)}
        ]
    registration_number = getattr(record, "registration_number", None)
    if registration_number and country_id:
        record.registration_number = normalise_registration_number(registration_number)
        try:
            validate_registration_number(record.registration_number, getattr(record, country_field).iso2)
        except ValidationError as exc:
            errors["registration_number"] = exc.messages
    if errors:
        raise ValidationError(errors)

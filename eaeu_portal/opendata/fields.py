"""The columns of an open dataset: one description drives the export and the import, so a file the portal writes is
a file it reads back (the round trip).

A field knows how to read its value from a record (`get`, for exports) and how to turn a cell of an uploaded file
into a Python value (`parse`, for imports). Parsers raise ValidationError with a message staff can act on; they
accept what spreadsheets produce (numbers typed as text, a decimal comma, Excel's float for an integer).
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Separates the items of a list in one cell ("C; 26; 62"); the export writes "; ".
LIST_SEPARATOR = ";"
# A cell a spreadsheet would run as a formula starts with one of these; the export guards it with an apostrophe
# (the usual defence against formula injection) and the import takes the apostrophe off again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Field:
    """One column of a dataset.

    `get` reads the export value from a record (None: the column is not exported); `parse` turns a cell into a value
    (None: the column is not imported); `attr` is the model attribute the generic import assigns, when there is one.
    """

    name: str
    label: Any
    kind: str = "string"
    get: Callable[[Any], Any] | None = None
    parse: Callable[[str], Any] | None = None
    attr: str | None = None
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: Any = ""
    choices: tuple[str, ...] = field(default=())

    @property
    def exported(self) -> bool:
        return self.get is not None

    @property
    def imported(self) -> bool:
        return self.parse is not None


# --- Parsers -------------------------------------------------------------------------------------
def clean_cell(value: str) -> str:
    """A cell as text without surrounding blanks and without the export's formula guard."""
    value = (value or "").strip()
    if value.startswith("'") and value[1:2] in FORMULA_PREFIXES:
        value = value[1:]
    return value


def parse_text(value: str) -> str:
    return clean_cell(value)


_NUMBER_BLANKS = re.compile(r"[\s\u00a0\u202f']")


def _number_text(value: str) -> str:
    text = _NUMBER_BLANKS.sub("", clean_cell(value))
    # A decimal comma (1 234,5) is how Russian and Kazakh spreadsheets write numbers.
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return text


def parse_decimal(value: str) -> Decimal | None:
    text = _number_text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="number") from exc
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="number")
    return number


def parse_integer(value: str) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": value}, code="integer")
    return int(number)


TRUE_WORDS = {"true", "yes", "y", "1", "да", "是", "x", "✓"}
FALSE_WORDS = {"false", "no", "n", "0", "нет", "否", ""}


def parse_boolean(value: str) -> bool:
    text = clean_cell(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValidationError(_("“%(value)s” is neither yes nor no (use true or false).") % {"value": value}, code="bool")


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


def parse_date(value: str) -> datetime.date | None:
    text = clean_cell(value)
    if not text:
        return None
    # A spreadsheet date read as a timestamp ("2020-05-01 00:00:00") keeps its date.
    text = text.split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date: write it as YYYY-MM-DD (or DD.MM.YYYY).") % {"value": value}, code="date"
    )


def split_list(value: str) -> list[str]:
    return [
        item.strip() for item in clean_cell(value).replace("\n", LIST_SEPARATOR).split(LIST_SEPARATOR) if item.strip()
    ]


def choice_parser(choices) -> Callable[[str], str]:
    """A TextChoices value given by its code or by its English label, in any case."""
    by_text = {}
    for code, label in choices.choices:
        by_text[code.lower()] = code
        by_text[str(label).lower()] = code

    def parse(value: str) -> str:
        text = clean_cell(value)
        if not text:
            return ""
        try:
            return by_text[text.lower()]
        except KeyError:
            raise ValidationError(
                _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": ", ".join(choices.values)},
                code="choice",
            ) from None

    return parse


def choice_list_parser(choices) -> Callable[[str], list[str]]:
    single = choice_parser(choices)

    def parse(value: str) -> list[str]:
        # The file's order is kept (it is the order the record lists them in), without repeats.
        return list(dict.fromkeys(single(item) for item in split_list(value)))

    return parse


# --- Field factories -------------------------------------------------------------------------------
def attr_getter(attr: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, attr)


def model_field(
    name: str,
    label: Any,
    *,
    kind: str = "string",
    parse: Callable[[str], Any] = parse_text,
    attr: str | None = None,
    required: bool = False,
    aliases: Iterable[str] = (),
    help: Any = "",
    choices=None,
) -> Field:
    """A column that is one attribute of the record, exported and imported as it is."""
    attr = attr or name
    return Field(
        name=name,
        label=label,
        kind=kind,
        get=attr_getter(attr),
        parse=parse,
        attr=attr,
        required=required,
        aliases=tuple(aliases),
        help=help,
        choices=tuple(choices.values) if choices is not None else (),
    )


def text_field(name, label, **kwargs) -> Field:
    return model_field(name, label, **kwargs)


def integer_field(name, label, **kwargs) -> Field:
    return model_field(name, label, kind="integer", parse=parse_integer, **kwargs)


def decimal_field(name, label, **kwargs) -> Field:
    return model_field(name, label, kind="number", parse=parse_decimal, **kwargs)


def boolean_field(name, label, **kwargs) -> Field:
    return model_field(name, label, kind="boolean", parse=parse_boolean, **kwargs)


def date_field(name, label, **kwargs) -> Field:
    return model_field(name, label, kind="date", parse=parse_date, **kwargs)


def choice_field(name, label, choices, **kwargs) -> Field:
    return model_field(name, label, kind="code", parse=choice_parser(choices), choices=choices, **kwargs)


def choice_list_field(name, label, choices, **kwargs) -> Field:
    return model_field(name, label, kind="list", parse=choice_list_parser(choices), choices=choices, **kwargs)


def export_only(name: str, label: Any, get: Callable[[Any], Any], kind: str = "string") -> Field:
    return Field(name=name, label=label, kind=kind, get=get)


NAME_FIELDS = ("name_original", "name_en", "name_ru", "name_zh")
DESCRIPTION_FIELDS = ("description_original", "description_en", "description_ru", "description_zh")


def multilingual_fields() -> list[Field]:
    """Names and descriptions in the original language and the portal's languages, as every registry record has."""
    return [
        text_field(
            "name_original",
            _("Name in the original language"),
            aliases=("name", "название", "наименование", "полное наименование", "名称"),
        ),
        text_field("original_language", _("Original language (ISO 639-1 code)"), aliases=("language", "язык")),
        text_field("name_en", _("Name in English"), aliases=("name (english)", "english name")),
        text_field("name_ru", _("Name in Russian"), aliases=("name (russian)", "название (рус.)")),
        text_field("name_zh", _("Name in Chinese"), aliases=("name (chinese)",)),
        text_field("description_original", _("Description in the original language"), aliases=("description",)),
        text_field("description_en", _("Description in English")),
        text_field("description_ru", _("Description in Russian"), aliases=("описание",)),
        text_field("description_zh", _("Description in Chinese")),
    ]


def location_fields() -> list[Field]:
    """Longitude and latitude (WGS 84) as two columns; GeoJSON files carry them as the feature's geometry."""
    return [
        Field(
            name="longitude",
            label=_("Longitude (WGS 84, decimal degrees)"),
            kind="number",
            get=lambda obj: obj.location.x if obj.location is not None else None,
            parse=parse_decimal,
            aliases=("lon", "lng", "x", "долгота"),
        ),
        Field(
            name="latitude",
            label=_("Latitude (WGS 84, decimal degrees)"),
            kind="number",
            get=lambda obj: obj.location.y if obj.location is not None else None,
            parse=parse_decimal,
            aliases=("lat", "y", "широта"),
        ),
    ]


def format_value(value: Any) -> str:
    """A value as the text of a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return f"{LIST_SEPARATOR} ".join(format_value(item) for item in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def guard_formula(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text

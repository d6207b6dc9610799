"""Writes with rules: taxonomy, lists, smart specialisation and the CSV import of S&T statistics."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from directory.models import Country, Organisation, Region

from .choices import IndicatorUnit
from .models import (
    Indicator,
    IndicatorValue,
    Priority,
    PriorityList,
    PriorityListEntry,
    SpecialisationPriority,
    SpecialisationProfile,
    Stakeholder,
    unit_label,
    year_validators,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


# --- Generic upsert ----------------------------------------------------------------------
def record_upsert(*, model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, str]:
    """Creates or updates the record found by `lookup`, saving (and validating) only when something differs."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance, CREATED
    changed = [name for name, value in values.items() if _field_value(instance, name) != _normalise(value)]
    if not changed:
        return instance, UNCHANGED
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()
    return instance, UPDATED


def _field_value(instance: models.Model, name: str):
    field_object = instance._meta.get_field(name)
    if field_object.is_relation and field_object.many_to_one:
        return getattr(instance, field_object.attname)
    return getattr(instance, name)


def _normalise(value):
    if isinstance(value, models.Model):
        return value.pk
    return value


# --- Taxonomy and lists ----------------------------------------------------------------------
@transaction.atomic
def priority_create(
    *,
    code: str,
    level: str,
    parent: Priority | None = None,
    name_en: str = "",
    name_ru: str = "",
    description_en: str = "",
    description_ru: str = "",
    source_note: str = "",
) -> Priority:
    """Adds a node to the taxonomy; its parent must be one level up in the same tree."""
    priority = Priority(
        code=code,
        level=level,
        parent=parent,
        name_en=name_en,
        name_ru=name_ru,
        description_en=description_en,
        description_ru=description_ru,
        source_note=source_note,
    )
    priority.full_clean()
    priority.save()
    return priority


@transaction.atomic
def priority_list_entry_add(
    *, priority_list: PriorityList, priority: Priority, wording: str = "", position: int = 0
) -> PriorityListEntry:
    """Puts a taxonomy node in a list once, with the list's own wording."""
    entry = PriorityListEntry(priority_list=priority_list, priority=priority, wording=wording, position=position)
    entry.full_clean()
    entry.save()
    return entry


# --- Smart specialisation ------------------------------------------------------------------
@transaction.atomic
def specialisation_priority_set(
    *, profile: SpecialisationProfile, priority: Priority, strength: int, rationale_en: str = "", rationale_ru: str = ""
) -> SpecialisationPriority:
    """Records (or re-scores) a region's chosen priority with a strength from 1 to 5."""
    choice, _status = record_upsert(
        model=SpecialisationPriority,
        lookup={"profile": profile, "priority": priority},
        values={"strength": strength, "rationale_en": rationale_en, "rationale_ru": rationale_ru},
    )
    return choice


@transaction.atomic
def stakeholder_add(
    *,
    profile: SpecialisationProfile,
    name: str,
    helix: str,
    current_role: str = "",
    agreed_role: str = "",
    is_leader: bool = False,
    organisation: Organisation | None = None,
) -> Stakeholder:
    """Adds a member to the region's stakeholder group; refuses a second leader."""
    stakeholder = Stakeholder(
        profile=profile,
        name=name,
        helix=helix,
        current_role=current_role,
        agreed_role=agreed_role,
        is_leader=is_leader,
        organisation=organisation,
    )
    stakeholder.full_clean()
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_make_leader(*, stakeholder: Stakeholder) -> Stakeholder:
    """Hands the leadership of the region's stakeholder group to this stakeholder, in one step."""
    Stakeholder.objects.select_for_update().filter(profile_id=stakeholder.profile_id, is_leader=True).exclude(
        pk=stakeholder.pk
    ).update(is_leader=False)
    stakeholder.is_leader = True
    stakeholder.full_clean()
    stakeholder.save(update_fields=["is_leader"])
    return stakeholder


# --- S&T statistics: CSV import ---------------------------------------------------------------
CSV_REQUIRED_COLUMNS = ("indicator", "area", "year", "value")
CSV_COLUMNS = (*CSV_REQUIRED_COLUMNS, "unit", "source", "approximate")
TRUE_WORDS = {"1", "yes", "true", "y", "да"}
FALSE_WORDS = {"", "0", "no", "false", "n", "нет"}
MAX_ERRORS_SHOWN = 20


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _Row:
    line: int
    indicator: Indicator
    country: Country | None
    region: Region | None
    year: int
    value: Decimal
    unit: str
    source: str
    approximate: bool

    @property
    def series_key(self) -> tuple:
        return (self.indicator.pk, "region" if self.region else "country", (self.region or self.country).pk)


def indicator_values_import(*, text: str | io.TextIOBase, default_source: str = "") -> ImportResult:
    """Loads indicator values from CSV all or nothing: any bad line rejects the file and changes nothing.

    Columns: indicator (code), area (ISO 3166-1 alpha-2 country or ISO 3166-2 region code), year, value,
    and optionally unit (defaults to the indicator's), source and approximate (yes/no). Re-importing the same
    file updates nothing.
    """
    stream = io.StringIO(text) if isinstance(text, str) else text
    rows = _parse_indicator_csv(stream, default_source=default_source)
    result = ImportResult()
    with transaction.atomic():
        existing = _existing_values(rows)
        for row in rows:
            area = {"region": row.region, "country": None} if row.region else {"country": row.country, "region": None}
            key = (row.indicator.pk, row.series_key[1], row.series_key[2], row.year)
            current = existing.get(key)
            values = {"value": row.value, "unit": row.unit, "source": row.source, "is_approximate": row.approximate}
            if current is None:
                IndicatorValue.objects.create(indicator=row.indicator, year=row.year, **area, **values)
                result.created += 1
            elif all(getattr(current, name) == value for name, value in values.items()):
                result.unchanged += 1
            else:
                for name, value in values.items():
                    setattr(current, name, value)
                current.save(update_fields=list(values))
                result.updated += 1
    return result


def _parse_indicator_csv(stream, *, default_source: str) -> list[_Row]:
    reader = csv.DictReader(stream)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in CSV_REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ValidationError(
            _("The file lacks the column(s) %(columns)s. Expected a header line with: %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(CSV_COLUMNS)}
        )
    reader.fieldnames = header
    raw_rows = [(reader.line_num, {k: (v or "").strip() for k, v in raw.items() if k}) for raw in reader]
    if not raw_rows:
        raise ValidationError(_("The file has a header but no values."))

    indicators = {i.code: i for i in Indicator.objects.filter(code__in={r["indicator"] for _n, r in raw_rows})}
    area_codes = {r["area"].upper() for _n, r in raw_rows}
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=[code for code in area_codes if "-" not in code])}
    regions = {r.iso_code: r for r in Region.objects.filter(iso_code__in=[code for code in area_codes if "-" in code])}
    units = set(IndicatorUnit.values)
    min_year, max_year = year_validators[0].limit_value, year_validators[1].limit_value

    errors: list[str] = []
    rows: list[_Row] = []
    seen: dict[tuple, int] = {}
    series_units: dict[tuple, tuple[str, int]] = {}
    for line, raw in raw_rows:
        line_errors = []
        indicator = indicators.get(raw["indicator"])
        if indicator is None:
            line_errors.append(_("unknown indicator “%(code)s”") % {"code": raw["indicator"]})
        code = raw["area"].upper()
        country, region = (None, regions.get(code)) if "-" in code else (countries.get(code), None)
        if country is None and region is None:
            line_errors.append(_("no country or region with the code “%(code)s”") % {"code": raw["area"]})
        try:
            year = int(raw["year"])
            if not min_year <= year <= max_year:
                raise ValueError
        except ValueError:
            year = None
            line_errors.append(
                _("the year “%(year)s” is not a year between %(min)s and %(max)s")
                % {"year": raw["year"], "min": min_year, "max": max_year}
            )
        try:
            value = Decimal(raw["value"].replace(",", ".").replace(" ", ""))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            value = None
            line_errors.append(_("the value “%(value)s” is not a number") % {"value": raw["value"]})
        unit = raw.get("unit") or (indicator.unit if indicator else "")
        if unit and unit not in units:
            line_errors.append(
                _("unknown unit “%(unit)s” (use one of: %(units)s)") % {"unit": unit, "units": ", ".join(sorted(units))}
            )
        approximate_word = raw.get("approximate", "").lower()
        if approximate_word not in TRUE_WORDS | FALSE_WORDS:
            line_errors.append(_("“approximate” must be yes or no, not “%(word)s”") % {"word": raw["approximate"]})
        if line_errors:
            errors.append(_("Line %(line)s: %(errors)s.") % {"line": line, "errors": "; ".join(line_errors)})
            continue
        row = _Row(
            line=line,
            indicator=indicator,
            country=country,
            region=region,
            year=year,
            value=value,
            unit=unit,
            source=raw.get("source") or default_source or indicator.source,
            approximate=approximate_word in TRUE_WORDS,
        )
        key = (*row.series_key, year)
        if key in seen:
            errors.append(
                _("Line %(line)s: %(indicator)s for %(area)s in %(year)s is already given on line %(first)s.")
                % {"line": line, "indicator": indicator.code, "area": code, "year": year, "first": seen[key]}
            )
            continue
        seen[key] = line
        first_unit = series_units.setdefault(row.series_key, (unit, line))
        if first_unit[0] != unit:
            errors.append(
                _(
                    "Line %(line)s: %(indicator)s for %(area)s is in “%(unit)s”, but line %(first)s gives “%(other)s”; "
                    "a series keeps one unit."
                )
                % {
                    "line": line,
                    "indicator": indicator.code,
                    "area": code,
                    "unit": unit_label(unit),
                    "first": first_unit[1],
                    "other": unit_label(first_unit[0]),
                }
            )
            continue
        rows.append(row)
    errors.extend(_series_unit_conflicts(rows, series_units))
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(_("… and %(count)s more problems.") % {"count": len(errors) - MAX_ERRORS_SHOWN})
        raise ValidationError(shown)
    return rows


def _series_unit_conflicts(rows: Iterable[_Row], series_units: dict) -> list[str]:
    """Rows whose series is already stored in the database in another unit."""
    errors = []
    first_rows = {}
    for row in rows:
        first_rows.setdefault(row.series_key, row)
    stored = _stored_series_units(first_rows.values())
    for series_key, row in first_rows.items():
        stored_unit = stored.get(series_key)
        if stored_unit and stored_unit != row.unit:
            errors.append(
                _(
                    "Line %(line)s: %(indicator)s for %(area)s is stored in “%(other)s”; a value in “%(unit)s” cannot "
                    "join that series."
                )
                % {
                    "line": row.line,
                    "indicator": row.indicator.code,
                    "area": row.region or row.country,
                    "other": unit_label(stored_unit),
                    "unit": unit_label(row.unit),
                }
            )
    return errors


def _stored_series_units(rows: Iterable[_Row]) -> dict[tuple, str]:
    rows = list(rows)
    if not rows:
        return {}
    indicator_ids = {row.indicator.pk for row in rows}
    stored = {}
    for indicator_id, country_id, region_id, unit in (
        IndicatorValue.objects.filter(indicator_id__in=indicator_ids)
        .values_list("indicator_id", "country_id", "region_id", "unit")
        .distinct()
    ):
        key = (indicator_id, "region", region_id) if region_id else (indicator_id, "country", country_id)
        stored.setdefault(key, unit)
    return stored


def _existing_values(rows: list[_Row]) -> dict[tuple, IndicatorValue]:
    if not rows:
        return {}
    existing = {}
    for value in IndicatorValue.objects.filter(indicator_id__in={row.indicator.pk for row in rows}):
        area = ("region", value.region_id) if value.region_id else ("country", value.country_id)
        existing[(value.indicator_id, *area, value.year)] = value
    return existing

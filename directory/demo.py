"""Demo data: reading the fixture files, resolving reference data by natural key, and loading organisations.

Clusters and technoparks have their own loaders in their apps; they reuse the pieces here, since every app may
import directory. Organisation has no external id, so a demo organisation is matched by its country and English
name among demo records: a re-run updates it, and a record registered by a real user is never touched.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import PublicationStatus
from .models import Country, Organisation, Region, Sector

NAME_FIELDS = ("name_original", "original_language", "name_en", "name_ru", "name_zh")


class DemoDataError(Exception):
    """A fixture is malformed or breaks a rule of the registry; carries every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def count(self, created: bool, changed: bool = True) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def add(self, name: str, number: int = 1) -> None:
        self.extra[name] = self.extra.get(name, 0) + number


def read_fixture(path: Path, list_key: str) -> list[dict[str, Any]]:
    """The list of records under `list_key` in a JSON fixture file, or a DemoDataError saying what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DemoDataError([_("%(path)s: the file does not exist.") % {"path": path}]) from None
    except json.JSONDecodeError as exc:
        raise DemoDataError([_("%(path)s: not valid JSON (%(error)s).") % {"path": path, "error": exc}]) from None
    records = data.get(list_key) if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise DemoDataError(
            [_("%(path)s: expected an object with a list «%(key)s».") % {"path": path, "key": list_key}]
        )
    return records


def format_validation_error(label: str, exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{label}: {name}: {message}" for name, messages in exc.message_dict.items() for message in messages]
    return [f"{label}: {message}" for message in exc.messages]


class ReferenceIndex:
    """Countries, regions and sectors by natural key (ISO alpha-2, ISO 3166-2, NACE code), read in three queries."""

    def __init__(self):
        self.countries = {c.iso2: c for c in Country.objects.all()}
        self.regions = {r.iso_code: r for r in Region.objects.all()}
        self.sectors = {s.code: s for s in Sector.objects.all()}

    def country(self, code: str, label: str, problems: list[str]) -> Country | None:
        country = self.countries.get(code)
        if country is None:
            problems.append(
                _("%(label)s: country «%(code)s» is not in the database; run «manage.py load_reference» first.")
                % {"label": label, "code": code}
            )
        return country

    def region(self, code: str, label: str, problems: list[str]) -> Region | None:
        region = self.regions.get(code)
        if region is None:
            problems.append(
                _(
                    "%(label)s: region «%(code)s» (ISO 3166-2) is not in the database; "
                    "run «manage.py load_reference» first."
                )
                % {"label": label, "code": code}
            )
        return region

    def sector(self, code: str, label: str, problems: list[str]) -> Sector | None:
        sector = self.sectors.get(code)
        if sector is None:
            problems.append(
                _(
                    "%(label)s: sector «%(code)s» (NACE Rev. 2) is not in the database; "
                    "run «manage.py load_reference» first."
                )
                % {"label": label, "code": code}
            )
        return sector


def require(record: dict[str, Any], keys: tuple[str, ...], label: str, problems: list[str]) -> bool:
    missing = [key for key in keys if record.get(key) in (None, "")]
    if missing:
        problems.append(_("%(label)s: missing %(fields)s.") % {"label": label, "fields": ", ".join(missing)})
    return not missing


def point_of(record: dict[str, Any], label: str, problems: list[str]) -> Point | None:
    lat, lon = record.get("lat"), record.get("lon")
    if lat is None and lon is None:
        return None
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        problems.append(_("%(label)s: «lat» and «lon» must be numbers.") % {"label": label})
        return None
    return Point(float(lon), float(lat), srid=4326)


def source_note(record: dict[str, Any]) -> str:
    """What the public sees as the record's source: the source, how it was placed, and whether it is approximate."""
    parts = [f"Source: {record['source']}."]
    if record.get("coordinates_note"):
        parts.append(f"Location: {record['coordinates_note']}.")
    if record.get("approximate"):
        parts.append("Some facts are approximate.")
    return " ".join(parts)


def snapshot(obj) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def save_if_changed(obj, before: dict[str, Any]) -> bool:
    """Validates and saves the record unless it already holds exactly these values; True when it wrote.

    Validation runs a query per constraint and per location, so skipping unchanged records keeps a reload quick.
    """
    if obj.pk is not None and snapshot(obj) == before:
        return False
    obj.full_clean()
    obj.save()
    return True


def publish(obj, now) -> None:
    """Demo records are public from the start; the first publication time is kept across re-runs."""
    if obj.status != PublicationStatus.PUBLISHED:
        obj.status = PublicationStatus.PUBLISHED
        obj.status_changed_at = now
    if obj.published_at is None:
        obj.published_at = now
    obj.is_demo = True


def assign_names(obj, record: dict[str, Any]) -> None:
    for name in NAME_FIELDS:
        setattr(obj, name, record.get(name) or "")


# --- Organisations ----------------------------------------------------------------------------------------
ORGANISATION_KEYS = ("key", "kind", "country", "name_en", "source")


@transaction.atomic
def load_organisations(path: Path, reference: ReferenceIndex, *, now=None) -> tuple[dict[str, Organisation], LoadStats]:
    """Upserts every organisation of the fixture; returns them by fixture key. All or nothing."""
    now = now or timezone.now()
    records = read_fixture(path, "organisations")
    problems: list[str] = []
    by_key: dict[str, Organisation] = {}
    stats = LoadStats()
    seen_names: set[tuple[int, str]] = set()
    existing = {(o.country_id, o.name_en): o for o in Organisation.objects.filter(is_demo=True)}
    for index, record in enumerate(records):
        label = f"{path.name} #{index + 1} «{record.get('key', '?')}»"
        if not require(record, ORGANISATION_KEYS, label, problems):
            continue
        if record["key"] in by_key:
            problems.append(_("%(label)s: the key is used twice.") % {"label": label})
            continue
        country = reference.country(record["country"], label, problems)
        region = reference.region(record["region"], label, problems) if record.get("region") else None
        sectors = [reference.sector(code, label, problems) for code in record.get("sectors", [])]
        location = point_of(record, label, problems)
        if country is None or None in sectors or (record.get("region") and region is None):
            continue
        if (country.pk, record["name_en"]) in seen_names:
            problems.append(
                _("%(label)s: another organisation of this country already has this English name.") % {"label": label}
            )
            continue
        seen_names.add((country.pk, record["name_en"]))
        organisation = existing.get((country.pk, record["name_en"])) or Organisation(country=country)
        created = organisation.pk is None
        before = snapshot(organisation)
        assign_names(organisation, record)
        organisation.kind = record["kind"]
        organisation.region = region
        organisation.city = record.get("city", "")
        organisation.location = location
        organisation.website = record.get("website", "")
        organisation.registration_number = record.get("registration_number", "")
        organisation.source_note = source_note(record)
        publish(organisation, now)
        try:
            changed = save_if_changed(organisation, before)
        except ValidationError as exc:
            problems.extend(format_validation_error(label, exc))
            continue
        organisation.sectors.set(sectors)
        existing[(country.pk, record["name_en"])] = organisation
        by_key[record["key"]] = organisation
        stats.count(created, changed)
    if problems:
        raise DemoDataError(problems)
    return by_key, stats

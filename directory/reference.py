"""Loading the portal's reference data (countries, blocs and memberships, regions, sectors) from fixtures/reference/.

The files are built by scripts/build_reference_fixtures.py and committed; fixtures/README.md describes them.
Loading is an upsert by natural key in one transaction: records missing from the database are created, records
that differ are updated, and nothing else is written, so that a load on every start of the portal costs little.
Records that are no longer in the files are left alone, as other records may refer to them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import BlocMembershipStatus, SectorLevel
from .models import Bloc, BlocMembership, Country, Region, Sector

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"
FILES = {
    "countries": "countries.geojson",
    "blocs": "blocs.json",
    "regions": "regions.geojson",
    "sectors": "sectors.json",
}
NAME_FIELDS = ("name_original", "original_language", "name_en", "name_ru", "name_zh")
BATCH_SIZE = 200
ENTITY_LABELS = {
    "countries": gettext_lazy("countries"),
    "blocs": gettext_lazy("blocs"),
    "bloc memberships": gettext_lazy("bloc memberships"),
    "regions": gettext_lazy("regions"),
    "sectors": gettext_lazy("sectors"),
}


class ReferenceDataError(Exception):
    """The reference files are missing, malformed or contradict each other; nothing was written."""


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadSummary:
    counts: dict[str, EntityCounts] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    def __str__(self) -> str:
        lines = [
            _("%(entity)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {
                "entity": ENTITY_LABELS.get(entity, entity),
                "created": c.created,
                "updated": c.updated,
                "unchanged": c.unchanged,
            }
            for entity, c in self.counts.items()
        ]
        return "\n".join(lines)


def reference_load(*, path: Path | str = REFERENCE_DIR) -> LoadSummary:
    """Makes the database hold the reference files' records; all or nothing, and a no-op when it already does."""
    data = _read_all(Path(path))
    summary = LoadSummary()
    try:
        with transaction.atomic():
            countries = _load_countries(data["countries"], summary)
            _load_blocs(data["blocs"], countries, summary)
            _load_regions(data["regions"], countries, summary)
            _load_sectors(data["sectors"], summary)
    except (ValidationError, IntegrityError) as exc:
        raise ReferenceDataError(_("The reference data was not loaded: %(error)s") % {"error": exc}) from exc
    return summary


# --- Reading and checking the files ------------------------------------------------------------------------------
def _read_all(path: Path) -> dict[str, list[dict]]:
    if not path.is_dir():
        raise ReferenceDataError(_("The reference data folder %(path)s does not exist.") % {"path": path})
    raw = {entity: _read_json(path / name) for entity, name in FILES.items()}
    data = {
        "countries": _items(raw["countries"], "features", FILES["countries"]),
        "blocs": _items(raw["blocs"], "blocs", FILES["blocs"]),
        "regions": _items(raw["regions"], "features", FILES["regions"]),
        "sectors": _items(raw["sectors"], "sectors", FILES["sectors"]),
    }
    _check(data)
    return data


def _read_json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError(_("The reference file %(file)s is missing.") % {"file": file}) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(
            _("The reference file %(file)s is not valid JSON: %(error)s") % {"file": file, "error": exc}
        ) from None


def _items(document: Any, key: str, file: str) -> list[dict]:
    items = document.get(key) if isinstance(document, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ReferenceDataError(_("%(file)s has no list of records under “%(key)s”.") % {"file": file, "key": key})
    return items


def _require(record: dict, keys: Iterable[str], where: str) -> None:
    missing = [key for key in keys if key not in record]
    if missing:
        raise ReferenceDataError(_("%(where)s lacks %(fields)s.") % {"where": where, "fields": ", ".join(missing)})


def _check(data: dict[str, list[dict]]) -> None:
    """Cross-file checks, so that a bad file stops the load before anything is written."""
    iso2s = set()
    for feature in data["countries"]:
        properties = feature.get("properties") or {}
        _require(properties, ("iso2", "iso3", "iso_numeric", *NAME_FIELDS), FILES["countries"])
        iso2s.add(properties["iso2"])
    for bloc in data["blocs"]:
        where = f"{FILES['blocs']} ({bloc.get('code', '?')})"
        _require(bloc, ("code", "founded_on", "memberships", *NAME_FIELDS), where)
        for membership in bloc["memberships"]:
            _require(membership, ("country", "status", "joined_on"), where)
            if membership["country"] not in iso2s:
                raise ReferenceDataError(
                    _("%(where)s names the country %(country)s, which %(file)s does not have.")
                    % {"where": where, "country": membership["country"], "file": FILES["countries"]}
                )
            if membership["status"] not in BlocMembershipStatus.values:
                raise ReferenceDataError(
                    _("%(where)s has the unknown membership status “%(status)s”.")
                    % {"where": where, "status": membership["status"]}
                )
    for feature in data["regions"]:
        properties = feature.get("properties") or {}
        where = f"{FILES['regions']} ({properties.get('iso_code', '?')})"
        _require(properties, ("iso_code", "country", *NAME_FIELDS), where)
        if properties["country"] not in iso2s:
            raise ReferenceDataError(
                _("%(where)s names the country %(country)s, which %(file)s does not have.")
                % {"where": where, "country": properties["country"], "file": FILES["countries"]}
            )
    sections = {s.get("code") for s in data["sectors"] if s.get("level") == SectorLevel.SECTION}
    for sector in data["sectors"]:
        where = f"{FILES['sectors']} ({sector.get('code', '?')})"
        _require(sector, ("code", "level", "name_en"), where)
        if sector["level"] == SectorLevel.DIVISION and sector.get("parent") not in sections:
            raise ReferenceDataError(
                _("%(where)s names the parent section “%(parent)s”, which is not in the file.")
                % {"where": where, "parent": sector.get("parent")}
            )


def _date(value: str | None, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ReferenceDataError(
            _("%(where)s has “%(value)s” where a date (YYYY-MM-DD) is expected.") % {"where": where, "value": value}
        ) from None


def _multipolygon(geojson: dict | None, where: str) -> MultiPolygon | None:
    if geojson is None:
        return None
    try:
        geometry = GEOSGeometry(json.dumps(geojson), srid=settings.PORTAL_SRID)
    except (GDALException, GEOSException, ValueError, TypeError) as exc:
        raise ReferenceDataError(
            _("%(where)s has a geometry that cannot be read: %(error)s") % {"where": where, "error": exc}
        ) from None
    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=settings.PORTAL_SRID)
    if geometry.geom_type != "MultiPolygon":
        raise ReferenceDataError(
            _("%(where)s has a %(type)s where a (Multi)Polygon is expected.")
            % {"where": where, "type": geometry.geom_type}
        )
    return geometry


def _point(coordinates: list | None, where: str) -> Point | None:
    if coordinates is None:
        return None
    try:
        return Point(float(coordinates[0]), float(coordinates[1]), srid=settings.PORTAL_SRID)
    except (TypeError, ValueError, IndexError):
        raise ReferenceDataError(
            _("%(where)s has a label point that is not [longitude, latitude].") % {"where": where}
        ) from None


# --- Upserting -----------------------------------------------------------------------------------------------------
def _geometry_digest(geometry: GEOSGeometry | None) -> str | None:
    # The same bytes PostGIS returns from ST_AsEWKB for the stored value, so unchanged shapes are never rewritten.
    return hashlib.md5(bytes(geometry.ewkb)).hexdigest() if geometry is not None else None


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(wanted, Point) or isinstance(current, Point):
        return (current is None) == (wanted is None) and (current is None or current.coords == wanted.coords)
    return current == wanted


def _upsert(
    model: type[models.Model],
    entity: str,
    wanted: dict[Any, dict[str, Any]],
    key: Callable[[models.Model], Any],
    summary: LoadSummary,
    *,
    geometry_field: str | None = None,
    exclude_from_clean: tuple[str, ...] = (),
) -> dict[Any, models.Model]:
    """Creates and updates `model` rows so that each key's row has the wanted values; returns the rows by key."""
    counts = summary.counts.setdefault(entity, EntityCounts())
    queryset = model.objects.all()
    if geometry_field:
        queryset = queryset.defer(geometry_field).annotate(
            _geometry_md5=RawSQL(f"md5(ST_AsEWKB({model._meta.db_table}.{geometry_field}))", [])
        )
    existing = {key(obj): obj for obj in queryset}
    to_create, to_update, changed_fields = [], [], set()
    for natural_key, values in wanted.items():
        obj = existing.get(natural_key)
        if obj is None:
            obj = model(**values)
            obj.full_clean(exclude=exclude_from_clean, validate_unique=False, validate_constraints=False)
            to_create.append(obj)
            continue
        changed = [
            name
            for name, value in values.items()
            if (name != geometry_field and not _same(getattr(obj, name), value))
            or (name == geometry_field and obj._geometry_md5 != _geometry_digest(value))
        ]
        if not changed:
            counts.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean(exclude=exclude_from_clean, validate_unique=False, validate_constraints=False)
        changed_fields.update(changed)
        to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH_SIZE)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    for obj in to_create:
        existing[key(obj)] = obj
    return existing


def _names(record: dict) -> dict[str, str]:
    return {name: record.get(name) or "" for name in NAME_FIELDS}


def _load_countries(features: list[dict], summary: LoadSummary) -> dict[str, Country]:
    wanted = {}
    for feature in features:
        p = feature["properties"]
        where = f"{FILES['countries']} ({p['iso2']})"
        wanted[p["iso2"]] = {
            "iso2": p["iso2"],
            "iso3": p["iso3"],
            "iso_numeric": p["iso_numeric"],
            **_names(p),
            "boundary": _multipolygon(feature.get("geometry"), where),
        }
    return _upsert(Country, "countries", wanted, lambda c: c.iso2, summary, geometry_field="boundary")


def _load_blocs(blocs: list[dict], countries: dict[str, Country], summary: LoadSummary) -> None:
    wanted_blocs, wanted_memberships = {}, {}
    for bloc in blocs:
        where = f"{FILES['blocs']} ({bloc['code']})"
        wanted_blocs[bloc["code"]] = {
            "code": bloc["code"],
            **_names(bloc),
            "abbreviation_en": bloc.get("abbreviation_en") or "",
            "abbreviation_ru": bloc.get("abbreviation_ru") or "",
            "founded_on": _date(bloc["founded_on"], where),
            "website": bloc.get("website") or "",
        }
    saved = _upsert(Bloc, "blocs", wanted_blocs, lambda b: b.code, summary)
    for bloc in blocs:
        where = f"{FILES['blocs']} ({bloc['code']})"
        for m in bloc["memberships"]:
            joined_on = _date(m["joined_on"], where)
            natural_key = (bloc["code"], m["country"], m["status"], joined_on)
            wanted_memberships[natural_key] = {
                "bloc_id": saved[bloc["code"]].pk,
                "country_id": countries[m["country"]].pk,
                "status": m["status"],
                "joined_on": joined_on,
                "left_on": _date(m.get("left_on"), where),
                "note": m.get("note") or "",
            }
    _upsert_memberships(wanted_memberships, saved, countries, summary)


def _upsert_memberships(
    wanted: dict[tuple, dict], blocs: dict[str, Bloc], countries: dict[str, Country], summary: LoadSummary
) -> None:
    # Keys are built from ids already in memory, so reading the memberships needs no joins.
    code_of_bloc = {b.pk: code for code, b in blocs.items()}
    iso2_of_country = {c.pk: iso2 for iso2, c in countries.items()}
    _upsert(
        BlocMembership,
        "bloc memberships",
        wanted,
        lambda m: (code_of_bloc.get(m.bloc_id), iso2_of_country.get(m.country_id), m.status, m.joined_on),
        summary,
        exclude_from_clean=("bloc", "country"),
    )


def _load_regions(features: list[dict], countries: dict[str, Country], summary: LoadSummary) -> None:
    wanted = {}
    for feature in features:
        p = feature["properties"]
        where = f"{FILES['regions']} ({p['iso_code']})"
        wanted[p["iso_code"]] = {
            "iso_code": p["iso_code"],
            "country_id": countries[p["country"]].pk,
            "source_code": p.get("source_code") or "",
            **_names(p),
            "boundary": _multipolygon(feature.get("geometry"), where),
            "label_point": _point(p.get("label_point"), where),
        }
    _upsert(
        Region,
        "regions",
        wanted,
        lambda r: r.iso_code,
        summary,
        geometry_field="boundary",
        exclude_from_clean=("country",),
    )


def _load_sectors(sectors: list[dict], summary: LoadSummary) -> None:
    def values(sector: dict, parent_id: int | None) -> dict:
        return {
            "code": sector["code"],
            "level": sector["level"],
            "parent_id": parent_id,
            "section_code": sector["code"] if parent_id is None else sector["parent"],
            **_names(sector),
        }

    # Sections first: divisions need their ids.
    sections = {s["code"]: values(s, None) for s in sectors if s["level"] == SectorLevel.SECTION}
    saved = _upsert(Sector, "sectors", sections, lambda s: s.code, summary, exclude_from_clean=("parent",))
    divisions = {s["code"]: values(s, saved[s["parent"]].pk) for s in sectors if s["level"] == SectorLevel.DIVISION}
    # Both passes count towards one line of the summary.
    _upsert(Sector, "sectors", divisions, lambda s: s.code, summary, exclude_from_clean=("parent",))

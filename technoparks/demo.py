"""Demo data: technoparks, their residents and SCO Pool nominations, upserted by external id."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.demo import (
    DemoDataError,
    LoadStats,
    ReferenceIndex,
    assign_names,
    format_validation_error,
    point_of,
    publish,
    read_fixture,
    require,
    save_if_changed,
    snapshot,
    source_note,
)
from directory.models import Organisation

from .models import PoolMembership, Residency, Technopark

TECHNOPARK_KEYS = ("external_id", "kind", "country", "name_en", "source")
# What the "investor" block of a record may set: the investor-facing facts of the model.
INVESTOR_FIELDS = (
    "land_total_ha",
    "land_free_ha",
    "premises_total_m2",
    "premises_free_m2",
    "rent_rate_m2_year",
    "currency",
    "electricity_total_mw",
    "electricity_free_mw",
    "gas_total_m3h",
    "gas_free_m3h",
    "water_total_m3d",
    "water_free_m3d",
    "heat_total_gcalh",
    "heat_free_gcalh",
    "tax_incentives",
    "customs_incentives",
    "distance_regional_centre_km",
    "distance_rail_km",
    "distance_highway_km",
    "distance_airport_km",
    "investment_total",
    "residents_reported",
    "jobs_created",
)
TEXT_FIELDS = {"currency", "tax_incentives", "customs_incentives"}
INTEGER_FIELDS = {"residents_reported", "jobs_created"}


@transaction.atomic
def load_technoparks(
    path: Path, reference: ReferenceIndex, organisations: dict[str, Organisation], *, now=None
) -> tuple[dict[str, Technopark], LoadStats]:
    """Upserts every technopark of the fixture with its residents and Pool nomination; all or nothing."""
    now = now or timezone.now()
    records = read_fixture(path, "technoparks")
    problems: list[str] = []
    stats = LoadStats()
    existing = {
        t.external_id: t for t in Technopark.objects.filter(external_id__in=[r.get("external_id") for r in records])
    }
    loaded: dict[str, Technopark] = {}
    for index, record in enumerate(records):
        label = f"{path.name} #{index + 1} «{record.get('external_id', '?')}»"
        if not require(record, TECHNOPARK_KEYS, label, problems):
            continue
        if record["external_id"] in loaded:
            problems.append(_("%(label)s: the external id is used twice.") % {"label": label})
            continue
        known_problems = len(problems)
        country = reference.country(record["country"], label, problems)
        region = reference.region(record["region"], label, problems) if record.get("region") else None
        codes = [record["primary_sector"]] if record.get("primary_sector") else []
        sectors = [reference.sector(code, label, problems) for code in codes + record.get("secondary_sectors", [])]
        operator = _organisation(record.get("operator"), organisations, label, problems)
        residents = [_organisation(key, organisations, label, problems) for key in record.get("residents", [])]
        pool_country = None
        if record.get("pool"):
            pool_country = reference.country(record["pool"].get("nominated_by", ""), label, problems)
        unknown = set(record.get("investor", {})) - set(INVESTOR_FIELDS)
        if unknown:
            problems.append(
                _("%(label)s: unknown investor facts: %(names)s.")
                % {"label": label, "names": ", ".join(sorted(unknown))}
            )
        location = point_of(record, label, problems)
        if len(problems) > known_problems:
            continue
        technopark = existing.get(record["external_id"]) or Technopark(external_id=record["external_id"])
        created = technopark.pk is None
        try:
            changed = _save_technopark(
                technopark, record, country=country, region=region, operator=operator, location=location, now=now
            )
            technopark.sectors.set(sectors)
            stats.add("residencies", _sync_residencies(technopark, residents))
            stats.add("pool memberships", _sync_pool(technopark, record.get("pool"), pool_country))
        except ValidationError as exc:
            problems.extend(format_validation_error(label, exc))
            continue
        loaded[record["external_id"]] = technopark
        stats.count(created, changed)
    if problems:
        raise DemoDataError(problems)
    return loaded, stats


def _organisation(key: str | None, organisations: dict[str, Organisation], label: str, problems: list[str]):
    if not key:
        return None
    organisation = organisations.get(key)
    if organisation is None:
        problems.append(
            _("%(label)s: organisation «%(key)s» is not in organisations.json.") % {"label": label, "key": key}
        )
    return organisation


def _save_technopark(
    technopark: Technopark, record: dict[str, Any], *, country, region, operator, location, now
) -> bool:
    before = snapshot(technopark)
    assign_names(technopark, record)
    technopark.description_en = record.get("description_en", "")
    technopark.description_ru = record.get("description_ru", "")
    technopark.description_zh = record.get("description_zh", "")
    technopark.kind = record["kind"]
    technopark.country = country
    technopark.region = region
    technopark.location = location
    technopark.operator = operator
    technopark.founded_year = record.get("founded_year")
    technopark.website = record.get("website", "")
    technopark.area_m2 = _decimal(record.get("area_m2"))
    technopark.services = list(record.get("services", []))
    sandbox = record.get("sandbox") or {}
    technopark.sandbox_available = bool(sandbox.get("available"))
    technopark.sandbox_description = sandbox.get("description", "")
    investor = record.get("investor", {})
    for name in INVESTOR_FIELDS:
        value = investor.get(name)
        if name in TEXT_FIELDS:
            value = value or ""
        elif name not in INTEGER_FIELDS:
            value = _decimal(value)
        setattr(technopark, name, value)
    technopark.source_note = source_note(record)
    publish(technopark, now)
    return save_if_changed(technopark, before)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _sync_residencies(technopark: Technopark, residents: list[Organisation]) -> int:
    """Makes the technopark's current residents exactly those of the fixture; returns how many were added."""
    wanted = {organisation.pk for organisation in residents}
    current = {r.organisation_id: r for r in technopark.residencies.filter(ended_on__isnull=True)}
    for organisation_id, residency in current.items():
        if organisation_id not in wanted:
            residency.delete()
    added = 0
    for organisation_id in wanted - set(current):
        residency = Residency(technopark=technopark, organisation_id=organisation_id)
        residency.full_clean()
        residency.save()
        added += 1
    return added


def _sync_pool(technopark: Technopark, pool: dict[str, Any] | None, country) -> int:
    """Keeps the technopark's SCO Pool nomination as the fixture gives it (none when it has none); 1 when it wrote."""
    membership = PoolMembership.objects.filter(technopark=technopark).first()
    if not pool:
        if membership is not None:
            membership.delete()
        return 0
    membership = membership or PoolMembership(technopark=technopark)
    before = snapshot(membership)
    membership.nominated_by = country
    membership.status = pool.get("status", "")
    membership.nominated_on = pool.get("nominated_on")
    membership.admitted_on = pool.get("admitted_on")
    return int(save_if_changed(membership, before))

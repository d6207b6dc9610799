"""Demo data: clusters, their memberships and yearly indicators, upserted by external id."""

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

from .models import Cluster, ClusterIndicator, Membership

CLUSTER_KEYS = ("external_id", "kind", "country", "name_en", "source", "members")
INDICATOR_FIELDS = ("employees", "revenue", "currency", "export_share", "rd_spending", "members_count", "patents")


@transaction.atomic
def load_clusters(
    path: Path, reference: ReferenceIndex, organisations: dict[str, Organisation], *, now=None
) -> tuple[dict[str, Cluster], LoadStats]:
    """Upserts every cluster of the fixture with its members and indicators; all or nothing."""
    now = now or timezone.now()
    records = read_fixture(path, "clusters")
    problems: list[str] = []
    stats = LoadStats()
    existing = {
        c.external_id: c for c in Cluster.objects.filter(external_id__in=[r.get("external_id") for r in records])
    }
    loaded: dict[str, Cluster] = {}
    for index, record in enumerate(records):
        label = f"{path.name} #{index + 1} «{record.get('external_id', '?')}»"
        if not require(record, CLUSTER_KEYS, label, problems):
            continue
        if record["external_id"] in loaded:
            problems.append(_("%(label)s: the external id is used twice.") % {"label": label})
            continue
        known_problems = len(problems)
        country = reference.country(record["country"], label, problems)
        regions = [reference.region(code, label, problems) for code in record.get("regions", [])]
        primary = reference.sector(record["primary_sector"], label, problems) if record.get("primary_sector") else None
        secondary = [reference.sector(code, label, problems) for code in record.get("secondary_sectors", [])]
        members = _members(record, organisations, label, problems)
        location = point_of(record, label, problems)
        if len(problems) > known_problems:
            continue
        cluster = existing.get(record["external_id"]) or Cluster(external_id=record["external_id"])
        created = cluster.pk is None
        specialised = (
            organisations[record["specialised_organisation"]] if record.get("specialised_organisation") else None
        )
        try:
            if created:
                # The model wants the specialised organisation to be a current member, so a new cluster is saved
                # first without it, then given it once the memberships exist.
                _assign(cluster, record, country=country, primary=primary, location=location, specialised=None, now=now)
                changed = save_if_changed(cluster, {})
                stats.add("memberships", _sync_memberships(cluster, members))
                if specialised is not None:
                    cluster.specialised_organisation = specialised
                    save_if_changed(cluster, {})
            else:
                stats.add("memberships", _sync_memberships(cluster, members))
                before = snapshot(cluster)
                _assign(
                    cluster,
                    record,
                    country=country,
                    primary=primary,
                    location=location,
                    specialised=specialised,
                    now=now,
                )
                changed = save_if_changed(cluster, before)
            cluster.regions.set(regions)
            cluster.secondary_sectors.set(secondary)
            stats.add("indicators", _sync_indicators(cluster, record.get("indicators", [])))
        except ValidationError as exc:
            problems.extend(format_validation_error(label, exc))
            continue
        loaded[record["external_id"]] = cluster
        stats.count(created, changed)
    if problems:
        raise DemoDataError(problems)
    return loaded, stats


def _members(
    record: dict[str, Any], organisations: dict[str, Organisation], label: str, problems: list[str]
) -> dict[int, str]:
    members: dict[int, str] = {}
    for member in record["members"]:
        organisation = organisations.get(member.get("organisation"))
        if organisation is None:
            problems.append(
                _("%(label)s: member «%(key)s» is not in organisations.json.")
                % {"label": label, "key": member.get("organisation")}
            )
            continue
        members[organisation.pk] = member.get("role") or ""
    specialised = record.get("specialised_organisation")
    if specialised and specialised not in {m.get("organisation") for m in record["members"]}:
        problems.append(
            _("%(label)s: the specialised organisation «%(key)s» must also be listed among the members.")
            % {"label": label, "key": specialised}
        )
    return members


def _assign(cluster: Cluster, record: dict[str, Any], *, country, primary, location, specialised, now) -> None:
    assign_names(cluster, record)
    cluster.description_en = record.get("description_en", "")
    cluster.description_ru = record.get("description_ru", "")
    cluster.description_zh = record.get("description_zh", "")
    cluster.kind = record["kind"]
    cluster.country = country
    cluster.location = location
    cluster.primary_sector = primary
    cluster.specialised_organisation = specialised
    cluster.founded_year = record.get("founded_year")
    cluster.website = record.get("website", "")
    cluster.source_note = source_note(record)
    publish(cluster, now)


def _sync_memberships(cluster: Cluster, members: dict[int, str]) -> int:
    """Makes the cluster's current memberships exactly those of the fixture; returns how many were written."""
    written = 0
    current = {m.organisation_id: m for m in cluster.memberships.filter(left_on__isnull=True)}
    for organisation_id, membership in current.items():
        if organisation_id not in members:
            membership.delete()
    for organisation_id, role in members.items():
        membership = current.get(organisation_id) or Membership(cluster=cluster, organisation_id=organisation_id)
        if membership.pk and membership.role == role:
            continue
        membership.role = role
        membership.full_clean()
        membership.save()
        written += 1
    return written


def _sync_indicators(cluster: Cluster, rows: list[dict[str, Any]]) -> int:
    """Makes the cluster's yearly indicators exactly those of the fixture; returns how many rows it wrote."""
    current = {i.year: i for i in cluster.indicators.all()}
    years = {row.get("year") for row in rows}
    for year, indicator in current.items():
        if year not in years:
            indicator.delete()
    written = 0
    for row in rows:
        indicator = current.get(row.get("year")) or ClusterIndicator(cluster=cluster, year=row.get("year"))
        before = snapshot(indicator)
        for name in INDICATOR_FIELDS:
            value = row.get(name)
            if name in ("revenue", "export_share", "rd_spending") and value is not None:
                value = Decimal(str(value))
            setattr(indicator, name, value if value is not None else ("" if name == "currency" else None))
        written += save_if_changed(indicator, before)
    return written

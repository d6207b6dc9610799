"""A synthetic registry at national scale, for load tests and demonstrations of the map and the matching.

Every record is marked as synthetic (`is_demo`, the source note `synthetic`, external ids starting `syn-`), so that
it can be told apart from compiled records and removed without touching them. The same seed gives the same
records. Rows go in with PostgreSQL's COPY: generating 10,000 clusters with their members takes minutes, where
saving them one by one would take hours.
"""

import datetime
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from clusters.choices import ClusterKind, MembershipRole
from clusters.models import Cluster, Membership
from directory.choices import OrganisationKind, PublicationStatus, SectorLevel
from directory.models import BlocMembership, Country, Organisation, Sector
from technoparks.choices import TechnoparkKind, TechnoparkService
from technoparks.models import Residency, Technopark

SYNTHETIC_NOTE = "synthetic"
EXTERNAL_ID_PREFIX = "syn-"
MIN_MEMBERS, MAX_MEMBERS = 5, 30
MIN_RESIDENTS, MAX_RESIDENTS = 3, 15
# Candidate points drawn per region (or per country without regions); records share them with a small jitter.
POINTS_PER_AREA = 60
# About 1 km: keeps markers apart on the map and well within the boundary tolerance.
JITTER_DEG = 0.01
COPY_BATCH = 5000


# --- Names -----------------------------------------------------------------------------------------
# (Latin, Cyrillic) syllables, so that the English and Russian names of a record are the same name.
SYLLABLES = [
    ("ra", "ра"),
    ("tek", "тек"),
    ("no", "но"),
    ("vo", "во"),
    ("sib", "сиб"),
    ("al", "ал"),
    ("ta", "та"),
    ("ka", "ка"),
    ("zan", "зан"),
    ("ural", "урал"),
    ("mash", "маш"),
    ("pro", "про"),
    ("lab", "лаб"),
    ("gen", "ген"),
    ("tron", "трон"),
    ("ox", "окс"),
    ("sta", "ста"),
    ("lin", "лин"),
    ("ve", "ве"),
    ("gor", "гор"),
    ("mir", "мир"),
    ("da", "да"),
    ("ne", "не"),
    ("si", "си"),
    ("bi", "би"),
    ("ol", "ол"),
    ("ter", "тер"),
]
ORGANISATION_SUFFIXES = [
    ("Systems", "Системс"),
    ("Technologies", "Технологии"),
    ("Engineering", "Инжиниринг"),
    ("Labs", "Лаб"),
    ("Instruments", "Приборы"),
    ("Materials", "Материалы"),
    ("Software", "Софт"),
    ("Energy", "Энерго"),
    ("Robotics", "Роботикс"),
    ("Pharm", "Фарм"),
    ("Agro", "Агро"),
    ("Logistics", "Логистик"),
]
CLUSTER_TOPICS = [
    ("Aerospace", "Аэрокосмический кластер"),
    ("Biopharmaceutical", "Биофармацевтический кластер"),
    ("Digital", "Цифровой кластер"),
    ("Automotive", "Автомобильный кластер"),
    ("Petrochemical", "Нефтехимический кластер"),
    ("New Materials", "Кластер новых материалов"),
    ("Photonics", "Кластер фотоники"),
    ("Agro-Industrial", "Агропромышленный кластер"),
    ("Energy Efficiency", "Кластер энергоэффективности"),
    ("Medical Technology", "Кластер медицинской техники"),
    ("Robotics", "Кластер робототехники"),
    ("Shipbuilding", "Судостроительный кластер"),
]
TECHNOPARK_WORDS = [
    ("Innovation Park", "Инновационный парк"),
    ("Technopark", "Технопарк"),
    ("IT Park", "ИТ-парк"),
    ("Science Park", "Научный парк"),
    ("Business Incubator", "Бизнес-инкубатор"),
    ("Industrial Park", "Индустриальный парк"),
]


def _stem(rng: random.Random) -> tuple[str, str]:
    parts = rng.sample(SYLLABLES, rng.randint(2, 3))
    latin, cyrillic = "".join(p[0] for p in parts), "".join(p[1] for p in parts)
    return latin.capitalize(), cyrillic.capitalize()


# --- Progress --------------------------------------------------------------------------------------
class Progress:
    """A one-line progress bar on a terminal stream, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream if stream is not None else sys.stderr
        self._started = self._drawn = time.monotonic()
        self._draw()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._drawn >= 0.1 or self.done >= self.total:
            self._drawn = now
            self._draw()

    def finish(self) -> None:
        self.done = self.total
        self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.WIDTH)
        elapsed = time.monotonic() - self._started
        self.stream.write(
            f"\r{self.label:<14} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:6.1%} "
            f"{min(self.done, self.total):>9,}/{self.total:,} {elapsed:6.1f}s"
        )
        self.stream.flush()


class _Silent:
    def advance(self, count: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


# --- Bulk writing ------------------------------------------------------------------------------------
def _copy_value(value):
    if isinstance(value, list):
        # Only short codes go into arrays here: no quoting needed.
        return "{" + ",".join(value) + "}"
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def copy_rows(model: type[models.Model], rows: Iterable[dict], *, with_id: bool, progress=None) -> int:
    """COPYs rows into the model's table; columns a row leaves out take the field's default."""
    fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
    defaults = {}
    for f in fields:
        if f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = "" if f.empty_strings_allowed else None
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, _history_skipped(cursor, model), cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([_copy_value(row[f.attname] if f.attname in row else defaults[f.attname]) for f in fields])
            count += 1
            if progress is not None and count % 500 == 0:
                progress.advance(500)
    if progress is not None:
        progress.advance(count % 500)
    return count


@contextmanager
def _history_skipped(cursor, model: type[models.Model]):
    """Synthetic rows are not edits: they go in without history rows.

    The history triggers look up their context in a block that catches an exception when there is none, and
    PostgreSQL undoes each such subtransaction by scanning every trigger event still pending in the statement:
    one COPY of n rows then costs n² (200,000 organisations took more than ten minutes). Naming the triggers in
    pgtrigger's ignore list (a transaction-local setting) during the COPY makes each of them return at once.
    """
    triggers = [trigger.get_pgid(model) for trigger in getattr(model._meta, "triggers", [])]
    cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(triggers) + "}"])
    yield
    # An empty list rather than no setting: later rows of the transaction skip the exception as well.
    cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Takes `count` ids from the table's own sequence, so rows COPYed with them never clash with others."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


# --- Places --------------------------------------------------------------------------------------------
@dataclass
class Area:
    country_id: int
    region_id: int | None
    name: str
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Geography:
    """Where records may go: per country, the areas (regions, or the whole country) with candidate points."""

    country_ids: list[int]
    weights: list[float]
    areas: dict[int, list[Area]]

    def place(self, rng: random.Random) -> tuple[int, Area, str | None]:
        country_id = rng.choices(self.country_ids, weights=self.weights)[0]
        area = rng.choice(self.areas[country_id])
        if not area.points:
            return country_id, area, None
        x, y = rng.choice(area.points)
        x += rng.uniform(-JITTER_DEG, JITTER_DEG)
        y += rng.uniform(-JITTER_DEG, JITTER_DEG)
        return country_id, area, f"SRID=4326;POINT({x:.6f} {y:.6f})"


def load_geography(seed: int, country_codes: Sequence[str] | None = None) -> Geography:
    """Candidate points inside real boundaries: regions' where loaded, otherwise the country's own."""
    countries = Country.objects.order_by("iso2")
    if country_codes:
        countries = countries.filter(iso2__in=[code.upper() for code in country_codes])
    else:
        in_blocs = countries.filter(pk__in=BlocMembership.objects.current().values("country_id"))
        if in_blocs.exists():
            countries = in_blocs
    countries = list(countries.only("id", "iso2", "name_en"))
    country_ids = [c.pk for c in countries]
    areas: dict[int, list[Area]] = {c.pk: [] for c in countries}
    # PostGIS draws the points (seeded, so the same seed gives the same points) and keeps only those that also
    # lie within the country, since region and country boundaries are simplified separately.
    point_seed = seed % 2_000_000_000 + 1
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.id, r.country_id, COALESCE(NULLIF(r.name_en, ''), r.name_original), ST_X(p.geom), ST_Y(p.geom)
            FROM directory_region r
            JOIN directory_country c ON c.id = r.country_id
            CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(r.boundary, %s, %s)) p
            WHERE r.country_id = ANY(%s) AND r.boundary IS NOT NULL AND ST_Area(r.boundary) > 0
              AND (c.boundary IS NULL OR ST_Intersects(c.boundary, p.geom))
            ORDER BY r.id, p.path
            """,
            [POINTS_PER_AREA, point_seed, country_ids],
        )
        by_region: dict[int, Area] = {}
        for region_id, country_id, name, x, y in cursor.fetchall():
            area = by_region.get(region_id)
            if area is None:
                area = by_region[region_id] = Area(country_id, region_id, name or "")
                areas[country_id].append(area)
            area.points.append((x, y))
        without_regions = [cid for cid, found in areas.items() if not found]
        if without_regions:
            cursor.execute(
                """
                SELECT c.id, ST_X(p.geom), ST_Y(p.geom)
                FROM directory_country c
                CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(c.boundary, %s, %s)) p
                WHERE c.id = ANY(%s) AND c.boundary IS NOT NULL AND ST_Area(c.boundary) > 0
                ORDER BY c.id, p.path
                """,
                [POINTS_PER_AREA * 4, point_seed, without_regions],
            )
            fallback: dict[int, Area] = {}
            for country_id, x, y in cursor.fetchall():
                area = fallback.setdefault(country_id, Area(country_id, None, ""))
                area.points.append((x, y))
            for country_id in without_regions:
                # A country without any boundary still gets records, without a point on the map.
                areas[country_id].append(fallback.get(country_id, Area(country_id, None, "")))
    # Larger countries (more regions) get more records, as in the real registry.
    weights = [float(len(areas[cid])) for cid in country_ids]
    return Geography(country_ids, weights, areas)


# --- Generation ------------------------------------------------------------------------------------------
@dataclass
class GenerationResult:
    organisations: int = 0
    clusters: int = 0
    memberships: int = 0
    technoparks: int = 0
    residencies: int = 0
    seconds: float = 0.0


def synthetic_filter(model: type[models.Model]) -> Q:
    condition = Q(is_demo=True, source_note=SYNTHETIC_NOTE)
    if any(f.name == "external_id" for f in model._meta.fields):
        condition &= Q(external_id__startswith=EXTERNAL_ID_PREFIX)
    return condition


def synthetic_exists(seed: int) -> bool:
    prefix = f"{EXTERNAL_ID_PREFIX}{seed}-"
    return (
        Cluster.objects.filter(external_id__startswith=prefix).exists()
        or Technopark.objects.filter(external_id__startswith=prefix).exists()
    )


def _delete_rows(queryset: models.QuerySet) -> int:
    """One DELETE for link rows that nothing else refers to, without loading them or sending signals per row."""
    model = queryset.model
    sql, params = queryset.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({sql})", params
        )
        return cursor.rowcount


@transaction.atomic
def clear_synthetic() -> dict[str, int]:
    """Deletes synthetic records only; compiled records and their links stay as they were."""
    clusters = Cluster.objects.filter(synthetic_filter(Cluster)).values("pk")
    technoparks = Technopark.objects.filter(synthetic_filter(Technopark)).values("pk")
    organisations = Organisation.objects.filter(synthetic_filter(Organisation)).values("pk")
    # Hundreds of thousands of links: the deletion collector would load each and signal it one by one.
    _delete_rows(Membership.objects.filter(Q(cluster__in=clusters) | Q(organisation__in=organisations)))
    _delete_rows(Residency.objects.filter(Q(technopark__in=technoparks) | Q(organisation__in=organisations)))
    _delete_rows(Organisation.sectors.through.objects.filter(organisation__in=organisations))
    removed = {}
    for model in (Cluster, Technopark, Organisation):
        # The records themselves go through the collector, so whatever else refers to them follows its rules.
        _, per_model = model.objects.filter(synthetic_filter(model)).only("pk").delete()
        removed[str(model._meta.verbose_name_plural)] = per_model.get(model._meta.label, 0)
    return removed


def _decimal(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.2f}")


@transaction.atomic
def generate_registry(
    *,
    clusters: int,
    organisations: int,
    technoparks: int,
    seed: int,
    country_codes: Sequence[str] | None = None,
    stream=None,
) -> GenerationResult:
    """Creates a synthetic registry in one transaction: all of it, or nothing when anything fails."""
    started = time.monotonic()
    rng = random.Random(seed)
    now = timezone.now()
    progress_for = (
        (lambda label, total: Progress(label, total, stream))
        if stream is not None
        else (lambda label, total: _Silent())
    )
    geography = load_geography(seed, country_codes)
    divisions = list(Sector.objects.filter(level=SectorLevel.DIVISION).order_by("code").values_list("pk", flat=True))
    published = {
        "status": PublicationStatus.PUBLISHED,
        "status_changed_at": now,
        "published_at": now,
        "created_at": now,
        "updated_at": now,
        "is_demo": True,
        "source_note": SYNTHETIC_NOTE,
    }
    result = GenerationResult()

    # Organisations: every other record links to them.
    organisation_ids = reserve_ids(Organisation, organisations)
    by_country: dict[int, list[int]] = defaultdict(list)
    organisation_sectors: list[tuple[int, int]] = []
    kinds = [k for k, _ in OrganisationKind.choices if k != OrganisationKind.GOVERNMENT_BODY]

    def organisation_rows():
        for pk in organisation_ids:
            country_id, area, point = geography.place(rng)
            by_country[country_id].append(pk)
            latin, cyrillic = _stem(rng)
            suffix_en, suffix_ru = rng.choice(ORGANISATION_SUFFIXES)
            if divisions:
                organisation_sectors.append((pk, rng.choice(divisions)))
            yield {
                "id": pk,
                "name_en": f"{latin} {suffix_en}",
                "name_ru": f"{cyrillic} {suffix_ru}",
                "name_original": f"{cyrillic} {suffix_ru}",
                "original_language": "ru",
                "kind": rng.choice(kinds),
                "country_id": country_id,
                "region_id": area.region_id,
                "location": point,
                **published,
            }

    progress = progress_for("organisations", organisations)
    result.organisations = copy_rows(Organisation, organisation_rows(), with_id=True, progress=progress)
    copy_rows(
        Organisation.sectors.through,
        ({"organisation_id": o, "sector_id": s} for o, s in organisation_sectors),
        with_id=False,
    )
    progress.finish()

    def pick_members(country_id: int, count: int) -> list[int]:
        # Mostly from the record's own country; foreign members fill in where the country has too few.
        home = by_country.get(country_id, [])
        chosen = rng.sample(home, min(count, len(home)))
        if len(chosen) < count and organisation_ids:
            chosen_set = set(chosen)
            for pk in rng.sample(organisation_ids, min(len(organisation_ids), count * 2)):
                if len(chosen) >= count:
                    break
                if pk not in chosen_set:
                    chosen.append(pk)
                    chosen_set.add(pk)
        return chosen

    # Clusters, their members (the first is the specialised organisation), sectors and regions.
    cluster_ids = reserve_ids(Cluster, clusters)
    memberships: list[dict] = []
    cluster_links: dict[str, list[dict]] = {"secondary_sectors": [], "regions": []}
    roles = [r for r, _ in MembershipRole.choices if r != MembershipRole.SPECIALISED_ORGANISATION]
    cluster_kinds = [k for k, _ in ClusterKind.choices]

    def cluster_rows():
        for number, pk in enumerate(cluster_ids):
            country_id, area, point = geography.place(rng)
            topic_en, topic_ru = rng.choice(CLUSTER_TOPICS)
            place_en = area.name or _stem(rng)[0]
            members = pick_members(country_id, rng.randint(MIN_MEMBERS, MAX_MEMBERS))
            for index, organisation_id in enumerate(members):
                memberships.append(
                    {
                        "cluster_id": pk,
                        "organisation_id": organisation_id,
                        "role": MembershipRole.SPECIALISED_ORGANISATION if index == 0 else rng.choice(roles),
                        "joined_on": datetime.date(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28)),
                    }
                )
            primary = rng.choice(divisions) if divisions else None
            if divisions:
                for sector_id in {*rng.sample(divisions, min(len(divisions), rng.randint(0, 3)))} - {primary}:
                    cluster_links["secondary_sectors"].append({"cluster_id": pk, "sector_id": sector_id})
            if area.region_id:
                cluster_links["regions"].append({"cluster_id": pk, "region_id": area.region_id})
            yield {
                "id": pk,
                "external_id": f"{EXTERNAL_ID_PREFIX}{seed}-cluster-{number}",
                "name_en": f"{place_en} {topic_en} Cluster",
                "name_ru": f"{topic_ru} «{_stem(rng)[1]}»",
                "name_original": "",
                "kind": rng.choice(cluster_kinds),
                "country_id": country_id,
                "location": point,
                "primary_sector_id": primary,
                "specialised_organisation_id": members[0] if members else None,
                "founded_year": rng.randint(2005, 2024),
                "management_staff_fte": _decimal(rng, 1, 40),
                "description_en": f"A synthetic {topic_en.lower()} cluster with {len(members)} members.",
                "accepts_partner_suggestions": True,
                **published,
            }

    progress = progress_for("clusters", clusters)
    result.clusters = copy_rows(Cluster, cluster_rows(), with_id=True, progress=progress)
    progress.finish()
    progress = progress_for("memberships", len(memberships))
    result.memberships = copy_rows(Membership, memberships, with_id=False, progress=progress)
    progress.finish()
    copy_rows(Cluster.secondary_sectors.through, cluster_links["secondary_sectors"], with_id=False)
    copy_rows(Cluster.regions.through, cluster_links["regions"], with_id=False)

    # Technoparks with their residents.
    technopark_ids = reserve_ids(Technopark, technoparks)
    residencies: list[dict] = []
    technopark_sectors: list[dict] = []
    services = [s for s, _ in TechnoparkService.choices]
    technopark_kinds = [k for k, _ in TechnoparkKind.choices]

    def technopark_rows():
        for number, pk in enumerate(technopark_ids):
            country_id, area, point = geography.place(rng)
            word_en, word_ru = rng.choice(TECHNOPARK_WORDS)
            latin, cyrillic = _stem(rng)
            residents = pick_members(country_id, rng.randint(MIN_RESIDENTS, MAX_RESIDENTS))
            for organisation_id in residents[1:]:
                residencies.append(
                    {
                        "technopark_id": pk,
                        "organisation_id": organisation_id,
                        "started_on": datetime.date(rng.randint(2010, 2024), rng.randint(1, 12), rng.randint(1, 28)),
                    }
                )
            if divisions:
                for sector_id in set(rng.sample(divisions, min(len(divisions), rng.randint(1, 3)))):
                    technopark_sectors.append({"technopark_id": pk, "sector_id": sector_id})
            land_total, premises_total = _decimal(rng, 5, 300), _decimal(rng, 2000, 120000)
            yield {
                "id": pk,
                "external_id": f"{EXTERNAL_ID_PREFIX}{seed}-technopark-{number}",
                "name_en": f"{latin} {word_en}",
                "name_ru": f"{word_ru} «{cyrillic}»",
                "name_original": "",
                "kind": rng.choice(technopark_kinds),
                "country_id": country_id,
                "region_id": area.region_id,
                "location": point,
                "operator_id": residents[0] if residents else None,
                "founded_year": rng.randint(1995, 2024),
                "services": sorted(rng.sample(services, rng.randint(2, 6))),
                "land_total_ha": land_total,
                "land_free_ha": (land_total * Decimal(rng.random())).quantize(Decimal("0.01")),
                "premises_total_m2": premises_total,
                "premises_free_m2": (premises_total * Decimal(rng.random())).quantize(Decimal("0.01")),
                "residents_reported": len(residents),
                "jobs_created": rng.randint(20, 5000),
                **published,
            }

    progress = progress_for("technoparks", technoparks)
    result.technoparks = copy_rows(Technopark, technopark_rows(), with_id=True, progress=progress)
    progress.finish()
    progress = progress_for("residencies", len(residencies))
    result.residencies = copy_rows(Residency, residencies, with_id=False, progress=progress)
    progress.finish()
    copy_rows(Technopark.sectors.through, technopark_sectors, with_id=False)

    with connection.cursor() as cursor:
        # Fresh statistics, so the planner sees the new sizes straight away.
        for model in (Organisation, Cluster, Membership, Technopark, Residency):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    result.seconds = time.monotonic() - started
    return result

"""Reads shared by pages, the API and CSV downloads: the tree, priority matrices and indicator series."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from directory.models import Bloc, Country, Region

from .choices import PriorityLevel, PriorityListScope
from .models import (
    Indicator,
    IndicatorValue,
    Priority,
    PriorityList,
    PriorityListEntry,
    SpecialisationPriority,
    SpecialisationProfile,
    Trend,
)
from .registry import serving_registry

HEAT_LEVELS = 5


# --- Taxonomy -------------------------------------------------------------------------------
def priority_tree() -> list[Priority]:
    """The areas, each with `.nodes` (its priorities, each with `.nodes`: its technologies), in one query."""
    nodes = list(
        Priority.objects.annotate(
            list_count=Count("list_entries__priority_list__country", distinct=True)
            + Count("list_entries__priority_list__bloc", distinct=True)
        ).order_by("code")
    )
    by_parent: dict[int | None, list[Priority]] = defaultdict(list)
    for node in nodes:
        by_parent[node.parent_id].append(node)
    for node in nodes:
        node.nodes = by_parent.get(node.pk, [])
    return by_parent[None]


def priority_parent_map() -> dict[int, int | None]:
    return dict(Priority.objects.values_list("pk", "parent_id"))


def priority_subtree_ids(priority: Priority) -> list[int]:
    """The node and everything under it (the tree is at most three levels deep)."""
    return list(
        Priority.objects.filter(Q(pk=priority.pk) | Q(parent=priority) | Q(parent__parent=priority)).values_list(
            "pk", flat=True
        )
    )


def priority_by_code(code: str) -> Priority:
    return Priority.objects.select_related("parent__parent").prefetch_related("children").get(code=code)


@dataclass
class ServingGroup:
    key: str
    label: str
    items: list
    total: int


@dataclass
class PriorityOverview:
    priority: Priority
    entries: list[PriorityListEntry]
    countries: list[Country]
    blocs: list[Bloc]
    specialisations: list[SpecialisationPriority]
    trends: list[Trend]
    serving: list[ServingGroup]


SERVING_LIMIT = 50


def priority_overview(priority: Priority) -> PriorityOverview:
    """Who lists the priority (or anything under it), which regions chose it, what serves it."""
    ids = priority_subtree_ids(priority)
    entries = list(
        PriorityListEntry.objects.filter(priority_id__in=ids)
        .select_related("priority", "priority_list__country", "priority_list__bloc")
        .order_by(
            "priority_list__scope",
            "priority_list__country__name_en",
            "priority_list__bloc__code",
            "priority_list__code",
            "position",
        )
    )
    countries = {e.priority_list.country.pk: e.priority_list.country for e in entries if e.priority_list.country}
    blocs = {e.priority_list.bloc.pk: e.priority_list.bloc for e in entries if e.priority_list.bloc}
    specialisations = list(
        SpecialisationPriority.objects.filter(priority_id__in=ids)
        .select_related("priority", "profile__region__country")
        .order_by("-strength", "profile__region__country__iso2", "profile__region__name_en")
    )
    trends = list(Trend.objects.filter(priorities__in=ids).distinct().order_by("horizon_year", "code"))
    serving = []
    for kind in serving_registry.kinds():
        queryset = kind.queryset(ids)
        items = list(queryset[:SERVING_LIMIT])
        total = len(items) if len(items) < SERVING_LIMIT else queryset.count()
        serving.append(ServingGroup(key=kind.key, label=str(kind.label), items=items, total=total))
    return PriorityOverview(
        priority=priority,
        entries=entries,
        countries=sorted(countries.values(), key=lambda c: c.name),
        blocs=sorted(blocs.values(), key=lambda b: b.code),
        specialisations=specialisations,
        trends=trends,
        serving=serving,
    )


# --- Matrices ----------------------------------------------------------------------------------
@dataclass
class MatrixRow:
    key: str
    label: str
    kind: str
    obj: object = None


@dataclass
class Matrix:
    """Rows (countries, blocs or regions) × taxonomy nodes of one level; a cell holds a non-negative number."""

    rows: list[MatrixRow]
    columns: list[Priority]
    cells: dict[tuple[str, int], int] = field(default_factory=dict)

    def value(self, row_key: str, column_id: int) -> int:
        return self.cells.get((row_key, column_id), 0)

    def column_total(self, column_id: int, kinds: Iterable[str] | None = None) -> int:
        """How many rows (of the given kinds) have the column at all."""
        kinds = set(kinds) if kinds else None
        return sum(1 for row in self.rows if (kinds is None or row.kind in kinds) and self.value(row.key, column_id))

    def shared_columns(self, row_keys: Iterable[str]) -> list[Priority]:
        """Columns every one of the given rows has."""
        row_keys = list(row_keys)
        if not row_keys:
            return []
        return [c for c in self.columns if all(self.value(key, c.pk) for key in row_keys)]

    def without_empty_columns(self) -> "Matrix":
        columns = [c for c in self.columns if any(self.value(row.key, c.pk) for row in self.rows)]
        return Matrix(rows=self.rows, columns=columns, cells=self.cells)

    def grid(self, kinds_for_total: Iterable[str] | None = None) -> dict:
        """What a template or a CSV needs: per row its cells with heat classes; per column its total."""
        max_value = max(self.cells.values(), default=0)
        rows = []
        for row in self.rows:
            cells = []
            for column in self.columns:
                value = self.value(row.key, column.pk)
                cells.append({"value": value, "heat": heat_level(value, max_value), "column": column})
            rows.append({"row": row, "cells": cells})
        totals = [self.column_total(c.pk, kinds_for_total) for c in self.columns]
        return {"rows": rows, "columns": list(zip(self.columns, totals, strict=True)), "max_value": max_value}


def heat_level(value: int, max_value: int) -> int:
    """0 for an empty cell, otherwise 1…HEAT_LEVELS in proportion to the largest value of the matrix."""
    if value <= 0 or max_value <= 0:
        return 0
    if max_value <= HEAT_LEVELS:
        return value
    return max(1, round(value * HEAT_LEVELS / max_value))


def roll_up(priority_id: int, column_ids: set[int], parent_of: dict[int, int | None]) -> int | None:
    """The column a node counts towards: itself or its nearest ancestor among the columns; None above them."""
    node = priority_id
    seen = set()
    while node is not None and node not in seen:
        if node in column_ids:
            return node
        seen.add(node)
        node = parent_of.get(node)
    return None


def build_matrix(
    *,
    rows: list[MatrixRow],
    columns: list[Priority],
    pairs: Iterable[tuple[str, int, int]],
    parent_of: dict[int, int | None],
    aggregate: str = "count",
) -> Matrix:
    """Fills the cells from (row key, taxonomy node id, weight) pairs; a node counts for its column ancestor.

    aggregate="count": the cell is the number of pairs at or under the column (how deeply a row covers it);
    aggregate="max": the cell is the largest weight among them (e.g. a region's strongest choice).
    """
    column_ids = {c.pk for c in columns}
    row_keys = {r.key for r in rows}
    cells: dict[tuple[str, int], int] = {}
    for row_key, priority_id, weight in pairs:
        if row_key not in row_keys:
            continue
        column = roll_up(priority_id, column_ids, parent_of)
        if column is None:
            continue
        key = (row_key, column)
        if aggregate == "max":
            cells[key] = max(cells.get(key, 0), weight)
        else:
            cells[key] = cells.get(key, 0) + weight
    return Matrix(rows=rows, columns=columns, cells=cells)


def level_columns(level: str) -> list[Priority]:
    return list(Priority.objects.filter(level=level).order_by("code"))


def country_priority_matrix(
    *,
    countries: Iterable[Country] | None = None,
    blocs: Iterable[Bloc] | None = None,
    level: str = PriorityLevel.PRIORITY,
    current_only: bool = True,
) -> Matrix:
    """Countries (by their national lists) and blocs (by their common lists) × nodes of one level.

    With no countries given, every country that has a list is a row; with no blocs given, every bloc with one.
    """
    lists = PriorityList.objects.select_related("country", "bloc")
    if current_only:
        lists = lists.filter(is_current=True)
    lists = list(lists)
    if countries is None:
        countries = sorted({pl.country for pl in lists if pl.country_id}, key=lambda c: c.name)
    if blocs is None:
        blocs = sorted({pl.bloc for pl in lists if pl.bloc_id}, key=lambda b: b.code)
    rows = [MatrixRow(key=c.iso2, label=c.name, kind="country", obj=c) for c in countries]
    rows += [MatrixRow(key=f"bloc:{b.code}", label=b.abbreviation, kind="bloc", obj=b) for b in blocs]
    list_rows = {
        pl.pk: (pl.country.iso2 if pl.scope == PriorityListScope.NATIONAL else f"bloc:{pl.bloc.code}") for pl in lists
    }
    pairs = [
        (list_rows[list_id], priority_id, 1)
        for list_id, priority_id in PriorityListEntry.objects.filter(priority_list_id__in=list_rows).values_list(
            "priority_list_id", "priority_id"
        )
    ]
    return build_matrix(rows=rows, columns=level_columns(level), pairs=pairs, parent_of=priority_parent_map())


def region_priority_matrix(
    *, countries: Iterable[Country] | None = None, level: str = PriorityLevel.PRIORITY
) -> Matrix:
    """Regions with a smart specialisation profile × nodes of one level; a cell is the strongest choice (1–5)."""
    profiles = SpecialisationProfile.objects.select_related("region__country")
    if countries is not None:
        profiles = profiles.filter(region__country__in=list(countries))
    rows = [
        MatrixRow(key=p.region.iso_code, label=f"{p.region.name} ({p.region.country.iso2})", kind="region", obj=p)
        for p in profiles
    ]
    pairs = SpecialisationPriority.objects.filter(profile__in=[row.obj for row in rows]).values_list(
        "profile__region__iso_code", "priority_id", "strength"
    )
    return build_matrix(
        rows=rows, columns=level_columns(level), pairs=pairs, parent_of=priority_parent_map(), aggregate="max"
    )


def regions_specialised_in(priority_ids: Iterable[int], countries: Iterable[Country] | None = None) -> QuerySet:
    queryset = SpecialisationPriority.objects.filter(priority_id__in=list(priority_ids)).select_related(
        "priority", "profile__region__country"
    )
    if countries is not None:
        queryset = queryset.filter(profile__region__country__in=list(countries))
    return queryset.order_by("-strength", "profile__region__country__iso2", "profile__region__name_en")


# --- Lists, trends, profiles -----------------------------------------------------------------
def priority_lists() -> QuerySet:
    return PriorityList.objects.select_related("country", "bloc").annotate(entry_count=Count("entries"))


def priority_list_detail(code: str) -> PriorityList:
    return (
        PriorityList.objects.select_related("country", "bloc")
        .prefetch_related(Prefetch("entries", PriorityListEntry.objects.select_related("priority__parent")))
        .get(code=code)
    )


def trends() -> QuerySet:
    return Trend.objects.prefetch_related("priorities", "signals")


def specialisation_profiles() -> QuerySet:
    return SpecialisationProfile.objects.select_related("region__country").prefetch_related(
        Prefetch("priority_choices", SpecialisationPriority.objects.select_related("priority"))
    )


def specialisation_profile_detail(iso_code: str) -> SpecialisationProfile:
    return (
        SpecialisationProfile.objects.select_related("region__country")
        .prefetch_related(
            Prefetch("priority_choices", SpecialisationPriority.objects.select_related("priority__parent")),
            "sector_choices__sector",
            "stakeholders__organisation",
            "goals__priority",
            "swot_items",
        )
        .get(region__iso_code=iso_code)
    )


# --- S&T statistics -----------------------------------------------------------------------------
@dataclass
class Series:
    key: str
    label: str
    unit: str
    points: list[tuple[int, Decimal]]
    approximate: bool = False


def indicators_with_data() -> QuerySet:
    return Indicator.objects.annotate(value_count=Count("values")).order_by("sort_order", "code")


def indicator_series(
    *, indicator: Indicator, countries: Iterable[Country] = (), regions: Iterable[Region] = ()
) -> list[Series]:
    """One series per country or region asked for, in the order asked, skipping those without data."""
    countries, regions = list(countries), list(regions)
    values = (
        IndicatorValue.objects.filter(indicator=indicator)
        .filter(Q(country__in=countries, region__isnull=True) | Q(region__in=regions, country__isnull=True))
        .order_by("year")
    )
    by_area: dict[tuple[str, int], list[IndicatorValue]] = defaultdict(list)
    for value in values:
        by_area[("region", value.region_id) if value.region_id else ("country", value.country_id)].append(value)
    series = []
    for kind, areas in (("country", countries), ("region", regions)):
        for area in areas:
            area_values = by_area.get((kind, area.pk))
            if not area_values:
                continue
            code = area.iso2 if kind == "country" else area.iso_code
            series.append(
                Series(
                    key=code,
                    label=area.name,
                    unit=area_values[0].unit,
                    points=[(v.year, v.value) for v in area_values],
                    approximate=any(v.is_approximate for v in area_values),
                )
            )
    return series


def area_indicator_series(*, country: Country | None = None, region: Region | None = None) -> list[tuple]:
    """Every indicator with data for one country or region: [(indicator, series)]."""
    area_filter = {"region": region} if region else {"country": country, "region__isnull": True}
    values = (
        IndicatorValue.objects.filter(**area_filter)
        .select_related("indicator")
        .order_by("indicator__sort_order", "indicator__code", "year")
    )
    grouped: dict[int, list[IndicatorValue]] = defaultdict(list)
    indicators: dict[int, Indicator] = {}
    for value in values:
        grouped[value.indicator_id].append(value)
        indicators[value.indicator_id] = value.indicator
    area = region or country
    code = region.iso_code if region else country.iso2
    return [
        (
            indicators[indicator_id],
            Series(
                key=code,
                label=area.name,
                unit=items[0].unit,
                points=[(v.year, v.value) for v in items],
                approximate=any(v.is_approximate for v in items),
            ),
        )
        for indicator_id, items in grouped.items()
    ]


def series_table(series: list[Series]) -> tuple[list[int], list[list]]:
    """Years as rows and series as columns, for tables and CSV downloads; a gap is None."""
    years = sorted({year for s in series for year, _value in s.points})
    lookups = [dict(s.points) for s in series]
    return years, [[year, *[lookup.get(year) for lookup in lookups]] for year in years]


def areas_with_indicators() -> tuple[QuerySet, QuerySet]:
    countries = Country.objects.filter(indicator_values__isnull=False).distinct().order_by("name_en")
    regions = (
        Region.objects.filter(indicator_values__isnull=False)
        .select_related("country")
        .distinct()
        .order_by("country__iso2", "name_en")
    )
    return countries, regions

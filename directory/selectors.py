"""Reads shared by pages, the map, the API and tasks."""

from django.db.models import QuerySet

from . import permissions
from .models import Bloc, BlocMembership, Country, Organisation, Region, Sector


def visible_records(qs: QuerySet, user=None) -> QuerySet:
    """Registry records a user may read: the public sees published ones, a manager also their own records,
    staff every state (the rule lives in directory.permissions)."""
    return permissions.visible_records(qs, user)


def organisation_list(*, user=None) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("country", "region").prefetch_related("sectors")
    return visible_records(qs, user)


def country_list() -> QuerySet[Country]:
    return Country.objects.defer("boundary")


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("country").defer("boundary", "country__boundary")


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.select_related("parent")


def bloc_list() -> QuerySet[Bloc]:
    return Bloc.objects.prefetch_related("memberships__country")


def current_bloc_codes_by_country() -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {}
    for country_id, code in BlocMembership.objects.current().values_list("country_id", "bloc__code"):
        codes.setdefault(country_id, []).append(code)
    return codes


# --- Map: names in SQL and boundaries as GeoJSON ------------------------------------------
NAME_SUFFIXES = ("en", "ru", "zh", "original")
# Simplification tolerance in degrees per level: enough for a country or region map at zoom 2–8.
BOUNDARY_TOLERANCE = {"country": 0.05, "region": 0.02}
BOUNDARY_DECIMALS = 3


def localized_sql(alias: str, field: str = "name", language: str | None = None) -> str:
    """The SQL twin of `directory.i18n.localized`: the reader's language first, then the fallback chain."""
    from .i18n import language_suffixes

    columns = [
        f"NULLIF({alias}.{field}_{suffix}, '')" for suffix in language_suffixes(language) if suffix in NAME_SUFFIXES
    ]
    return f"COALESCE({', '.join(columns)}, '')"


def boundaries_geojson(*, level: str, country_codes: list[str] | None = None, language: str | None = None) -> str:
    """Simplified country or region boundaries as one GeoJSON FeatureCollection, built by PostGIS in one query."""
    from django.db import connection

    if level not in BOUNDARY_TOLERANCE:
        raise ValueError(f"unknown boundary level {level!r}")
    if level == "country":
        table, code, extra, where = Country._meta.db_table, "b.iso2", "", "b.boundary IS NOT NULL"
        joins = ""
    else:
        table, code, where = Region._meta.db_table, "b.iso_code", "b.boundary IS NOT NULL"
        extra = ", 'country', c.iso2"
        joins = f"JOIN {Country._meta.db_table} c ON c.id = b.country_id"
    params: list = [BOUNDARY_TOLERANCE[level]]
    if country_codes:
        where += f" AND {'b' if level == 'country' else 'c'}.iso2 = ANY(%s)"
        params.append([c.upper() for c in country_codes])
    # Russia and Chukotka reach past 180°E: shifted to 0–360° they draw as one piece, not a band across the world.
    geometry = (
        "CASE WHEN ST_XMin(b.boundary) < -170 AND ST_XMax(b.boundary) > 170 "
        "THEN ST_ShiftLongitude(b.boundary) ELSE b.boundary END"
    )
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'level', '{level}', 'features', COALESCE(json_agg(
            json_build_object(
                'type', 'Feature',
                'id', b.id,
                'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology({geometry}, %s), {BOUNDARY_DECIMALS})::json,
                'properties', json_build_object('code', {code}, 'name', {localized_sql("b", language=language)}{extra})
            ) ORDER BY {code}), '[]'::json))::text
        FROM {table} b {joins}
        WHERE {where}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]

"""Map layers built in PostGIS: the features of a layer, counts per country and region, and exports.

Every layer is filtered by the app's own FilterSet (the one the list pages and the API use); the filtered queryset is
compiled to SQL and used as a subquery, so no filter is written twice. The JSON is produced by PostgreSQL
(json_agg + ST_AsGeoJSON) in one query: with tens of thousands of records, building it object by object in Python
would be the slowest part of the page.
"""

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusters.choices import ClusterKind
from clusters.filtersets import ClusterFilterSet
from clusters.models import Cluster, Membership
from directory.models import Country, Region, Sector
from directory.selectors import localized_sql, visible_records
from directory.views import conditional_response
from technoparks.choices import TechnoparkKind
from technoparks.filtersets import TechnoparkFilterSet
from technoparks.models import Residency, Technopark

# Parameters of the map page that are not filters (the position, the layers shown, the page of a list).
NON_FILTER_PARAMS = {"map", "layers", "choropleth", "page", "sort", "format", "level", "status"}
# Coordinates to five decimals: about a metre, far finer than any marker needs.
COORDINATE_DECIMALS = 5


class MapQueryError(Exception):
    """Filter parameters the layer cannot apply; `errors` maps each parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class MapLayer:
    key: str
    model: type[Model]
    filterset_class: type
    kind_choices: type
    detail_url_name: str
    api_path: str
    # SQL for one record `t`: its current members or residents, its main sector, the regions it lies in.
    count_sql: str
    sector_sql: str
    regions_sql: str
    # (region_id, record_id) pairs the registry states; records without any are placed by their location.
    region_links_sql: str
    count_label: Any

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def base_queryset(self):
        return visible_records(self.model.objects.all())


CLUSTERS = MapLayer(
    key="clusters",
    model=Cluster,
    filterset_class=ClusterFilterSet,
    kind_choices=ClusterKind,
    detail_url_name="clusters:detail",
    api_path="/api/v1/clusters/{id}/",
    count_sql=(f"(SELECT count(*) FROM {Membership._meta.db_table} m WHERE m.cluster_id = t.id AND m.left_on IS NULL)"),
    sector_sql=(
        f"(SELECT s.code || ' ' || {{s_name}} FROM {Sector._meta.db_table} s WHERE s.id = t.primary_sector_id)"
    ),
    regions_sql=(
        f"(SELECT string_agg({{r_name}}, '; ' ORDER BY r.iso_code) FROM {Cluster.regions.through._meta.db_table} cr "
        f"JOIN {Region._meta.db_table} r ON r.id = cr.region_id WHERE cr.cluster_id = t.id)"
    ),
    region_links_sql=f"SELECT region_id, cluster_id AS record_id FROM {Cluster.regions.through._meta.db_table}",
    count_label=_("members"),
)

TECHNOPARKS = MapLayer(
    key="technoparks",
    model=Technopark,
    filterset_class=TechnoparkFilterSet,
    kind_choices=TechnoparkKind,
    detail_url_name="technoparks:detail",
    api_path="/api/v1/technoparks/{id}/",
    count_sql=(
        f"(SELECT count(*) FROM {Residency._meta.db_table} m WHERE m.technopark_id = t.id AND m.ended_on IS NULL)"
    ),
    sector_sql=(
        f"(SELECT string_agg(s.code || ' ' || {{s_name}}, '; ' ORDER BY s.code) "
        f"FROM {Technopark.sectors.through._meta.db_table} ts "
        f"JOIN {Sector._meta.db_table} s ON s.id = ts.sector_id WHERE ts.technopark_id = t.id)"
    ),
    regions_sql=f"(SELECT {{r_name}} FROM {Region._meta.db_table} r WHERE r.id = t.region_id)",
    region_links_sql=(
        f"SELECT region_id, id AS record_id FROM {Technopark._meta.db_table} WHERE region_id IS NOT NULL"
    ),
    count_label=_("residents"),
)

LAYERS = {layer.key: layer for layer in (CLUSTERS, TECHNOPARKS)}


# --- Parameters and filtering -------------------------------------------------------------
def layer_params(layer: MapLayer, query: QueryDict) -> QueryDict | None:
    """The filter parameters that apply to one layer, or None when the filters exclude the whole layer.

    The map has one `kind` filter for both layers: kinds of the other layer are dropped, and a choice made only
    among the other layer's kinds empties this one (choosing "IT park" shows IT parks, not every cluster too).
    """
    params = query.copy()
    for name in NON_FILTER_PARAMS:
        params.pop(name, None)
    kinds = [kind for kind in params.getlist("kind") if kind]
    if kinds:
        # Kinds no layer knows stay, so that the FilterSet rejects them with its message.
        other_layers = {kind for other in LAYERS.values() if other is not layer for kind in other.kind_choices.values}
        own = [kind for kind in kinds if kind not in other_layers]
        if not own:
            return None
        params.setlist("kind", own)
    else:
        params.pop("kind", None)
    for name in list(params):
        if all(value == "" for value in params.getlist(name)):
            del params[name]
    return params


def filtered_ids_sql(layer: MapLayer, params: QueryDict | None) -> tuple[str, tuple]:
    """The SQL (and its parameters) selecting the ids of the public records the filters keep."""
    if params is None:
        return "SELECT NULL::bigint WHERE false", ()
    filterset = layer.filterset_class(data=params, queryset=layer.base_queryset())
    if not filterset.is_valid():
        raise MapQueryError({name: [str(e) for e in errors] for name, errors in filterset.errors.items()})
    try:
        queryset = filterset.qs.order_by().values("pk")
        sql, sql_params = queryset.query.sql_with_params()
    except ValidationError as exc:
        # The geographic filters parse their value only when they filter.
        raise MapQueryError({"__all__": [str(m) for m in exc.messages]}) from exc
    return sql, tuple(sql_params)


def _fetch_text(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# --- Features -------------------------------------------------------------------------------
def features_sql(layer: MapLayer, ids_sql: str, language: str | None = None) -> str:
    """One query: a FeatureCollection of the located records, with the count of all records the filters keep."""
    return f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'layer', %s::text,
            'count', count(*),
            'located', count(t.location),
            'features', COALESCE(
                json_agg(
                    json_build_object(
                        'type', 'Feature',
                        'id', t.id,
                        'geometry', ST_AsGeoJSON(t.location, {COORDINATE_DECIMALS})::json,
                        'properties', json_build_object(
                            'name', {localized_sql("t", language=language)},
                            'kind', t.kind,
                            'country', c.iso2
                        )
                    ) ORDER BY t.id
                ) FILTER (WHERE t.location IS NOT NULL),
                '[]'::json
            )
        )::text
        FROM {layer.table} t
        JOIN {Country._meta.db_table} c ON c.id = t.country_id
        WHERE t.id IN ({ids_sql})
    """


def layer_features_json(layer: MapLayer, query: QueryDict, language: str | None = None) -> str:
    ids_sql, ids_params = filtered_ids_sql(layer, layer_params(layer, query))
    return _fetch_text(features_sql(layer, ids_sql, language), (layer.key, *ids_params))


# --- Counts per country and per region (the choropleth) --------------------------------------------
LEVELS = ("country", "region")


def layer_counts(layer: MapLayer, query: QueryDict, level: str) -> dict[str, Any]:
    """How many filtered records each country or region has; a record with no stated region counts in the region
    its location lies in."""
    if level not in LEVELS:
        raise MapQueryError({"level": [str(_("Choose 'country' or 'region'."))]})
    ids_sql, ids_params = filtered_ids_sql(layer, layer_params(layer, query))
    if level == "country":
        sql = f"""
            SELECT COALESCE(json_object_agg(country_id, n), '{{}}'::json)::text FROM (
                SELECT t.country_id, count(*) AS n FROM {layer.table} t WHERE t.id IN ({ids_sql})
                GROUP BY t.country_id
            ) counts
        """
    else:
        sql = f"""
            WITH f AS (SELECT t.id, t.location FROM {layer.table} t WHERE t.id IN ({ids_sql})),
            linked AS (SELECT l.region_id, l.record_id FROM ({layer.region_links_sql}) l
                       WHERE l.record_id IN (SELECT id FROM f)),
            placed AS (
                SELECT region_id, record_id FROM linked
                UNION
                SELECT r.id, f.id FROM f JOIN {Region._meta.db_table} r ON ST_Intersects(r.boundary, f.location)
                WHERE f.location IS NOT NULL AND f.id NOT IN (SELECT record_id FROM linked)
            )
            SELECT COALESCE(json_object_agg(region_id, n), '{{}}'::json)::text FROM (
                SELECT region_id, count(*) AS n FROM placed GROUP BY region_id
            ) counts
        """
    counts = json.loads(_fetch_text(sql, ids_params))
    return {"layer": layer.key, "level": level, "counts": counts, "max": max(counts.values(), default=0)}


# --- Export -----------------------------------------------------------------------------------
EXPORT_COLUMNS = (
    "id",
    "name",
    "kind",
    "country",
    "country_code",
    "regions",
    "sector",
    "count",
    "founded_year",
    "longitude",
    "latitude",
    "url",
)


def export_rows(layer: MapLayer, query: QueryDict, language: str | None = None) -> list[dict[str, Any]]:
    """The records the filters keep (and the bounding box, when given), with what a table of them needs."""
    ids_sql, ids_params = filtered_ids_sql(layer, layer_params(layer, query))
    sql = f"""
        SELECT t.id, {localized_sql("t", language=language)}, t.kind, {localized_sql("c", language=language)}, c.iso2,
               {layer.regions_sql.format(r_name=localized_sql("r", language=language))},
               {layer.sector_sql.format(s_name=localized_sql("s", language=language))},
               {layer.count_sql}, t.founded_year,
               round(ST_X(t.location)::numeric, {COORDINATE_DECIMALS}),
               round(ST_Y(t.location)::numeric, {COORDINATE_DECIMALS})
        FROM {layer.table} t JOIN {Country._meta.db_table} c ON c.id = t.country_id
        WHERE t.id IN ({ids_sql})
        ORDER BY 2, t.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, ids_params)
        rows = cursor.fetchall()
    kinds = dict(layer.kind_choices.choices)
    detail_prefix = reverse(layer.detail_url_name, args=[0])[: -len("0/")]
    return [
        {
            "id": row[0],
            "name": row[1],
            "kind": str(kinds.get(row[2], row[2])),
            "country": row[3],
            "country_code": row[4],
            "regions": row[5] or "",
            "sector": row[6] or "",
            "count": row[7],
            "founded_year": row[8],
            "longitude": float(row[9]) if row[9] is not None else None,
            "latitude": float(row[10]) if row[10] is not None else None,
            "url": f"{detail_prefix}{row[0]}/",
        }
        for row in rows
    ]


def export_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def export_geojson(layer: MapLayer, rows: list[dict[str, Any]]) -> str:
    features = [
        {
            "type": "Feature",
            "id": row["id"],
            "geometry": (
                {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
                if row["longitude"] is not None
                else None
            ),
            "properties": {key: value for key, value in row.items() if key not in ("longitude", "latitude")},
        }
        for row in rows
    ]
    return json.dumps({"type": "FeatureCollection", "layer": layer.key, "features": features}, ensure_ascii=False)


# --- Responses ----------------------------------------------------------------------------------
def bad_request(errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=400)


def features_view(request: HttpRequest, layer: MapLayer) -> HttpResponse:
    try:
        body = layer_features_json(layer, request.GET, get_language())
    except MapQueryError as exc:
        return bad_request(exc.errors)
    return conditional_response(request, body, "application/geo+json")


def counts_view(request: HttpRequest, layer: MapLayer) -> HttpResponse:
    try:
        counts = layer_counts(layer, request.GET, request.GET.get("level", "country"))
    except MapQueryError as exc:
        return bad_request(exc.errors)
    return conditional_response(request, json.dumps(counts), "application/json")


def export_view(request: HttpRequest, layer: MapLayer, fmt: str) -> HttpResponse:
    try:
        rows = export_rows(layer, request.GET, get_language())
    except MapQueryError as exc:
        return bad_request(exc.errors)
    if fmt == "csv":
        # A byte-order mark lets spreadsheet programs read Cyrillic and Chinese names as UTF-8.
        response = HttpResponse("\ufeff" + export_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(export_geojson(layer, rows), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{layer.key}.{fmt}"'
    return response

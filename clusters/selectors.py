"""Reads of clusters shared by pages, the map, the API and tasks."""

import orjson
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, Func, JSONField, OuterRef, Prefetch, Q, QuerySet

from directory import permissions
from directory.models import Organisation, Region, Sector
from directory.selectors import visible_records
from foresight.models import Priority

from .models import Cluster, Membership


def cluster_list(*, user=None) -> QuerySet[Cluster]:
    """Clusters a user may read, with what a list row shows, in a constant number of queries."""
    qs = (
        Cluster.objects.select_related("country", "primary_sector", "specialised_organisation")
        .defer("country__boundary")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True))
    )
    return visible_records(qs, user)


def cluster_detail_queryset(*, user=None) -> QuerySet[Cluster]:
    memberships = Membership.objects.select_related("organisation__country").order_by("role", "organisation__name_en")
    return cluster_list(user=user).prefetch_related(
        Prefetch("memberships", queryset=memberships),
        "secondary_sectors",
        "technologies",
        "regions",
        "indicators",
        "assessments",
        "contacts",
    )


def cluster_table(*, user=None) -> QuerySet[Cluster]:
    """Clusters for a sorted, paginated table: the member count is a per-row subquery, so PostgreSQL counts only
    the rows of the page shown instead of grouping every membership of the registry before sorting."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    current_members = (
        Membership.objects.filter(cluster=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("cluster")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        Cluster.objects.select_related("country", "primary_sector")
        .defer("country__boundary", "description_original", "description_en", "description_ru", "description_zh")
        .annotate(member_count=Coalesce(Subquery(current_members), 0))
    )
    return visible_records(qs, user)


# The order of the values in each row of cluster_api_list's JSON arrays; names come last, in NAME_COLUMNS order, so
# that the reader picks the one of its language by position.
NAME_COLUMNS = ("name_en", "name_ru", "name_original", "name_zh")
REGION_COLUMNS = ("id", "iso_code", *NAME_COLUMNS)
SECTOR_COLUMNS = ("id", "code", "level", *NAME_COLUMNS)
PRIORITY_COLUMNS = ("id", "code", "level", *NAME_COLUMNS)
ORGANISATION_COLUMNS = ("id", "kind", *NAME_COLUMNS)
MEMBER_COLUMNS = (
    "id",
    "role",
    "joined_on",
    "organisation_id",
    "organisation__kind",
    *(f"organisation__{name}" for name in NAME_COLUMNS),
)


class _JSONBArray(Func):
    function = "JSONB_BUILD_ARRAY"
    output_field = JSONField()


class _RowsField(JSONField):
    """Read-only JSON of annotated rows, parsed by orjson: a page of a hundred clusters brings half a megabyte of
    it, and the standard library's parser took a sixth of the request."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else orjson.loads(value)


def _rows_as_json(queryset: QuerySet, columns: tuple[str, ...]) -> Func:
    """The rows of a correlated subquery as one JSON array of arrays, in the subquery's order ([] when empty)."""
    rows = queryset.values(row=_JSONBArray(*(F(column) for column in columns)))
    return Func(ArraySubquery(rows), function="TO_JSONB", output_field=_RowsField())


def cluster_api_list(*, user=None) -> QuerySet[Cluster]:
    """Clusters for a page of the API list, with everything a row shows in the page's own query.

    Besides the member count, each row carries as JSON arrays (see the *_COLUMNS above) its regions, secondary
    sectors, technologies, the current members the user may see and its specialised organisation if the user may
    see it (a list of one or none), so a page costs two queries (the count and the rows) however many clusters it
    holds. These are per-row subqueries, which PostgreSQL evaluates after sorting and limiting, for the rows of
    the page only; a join would look up every matching cluster's organisation before the sort. The location comes
    as WKB (location_wkb), which GDAL turns into GeoJSON without the geometry objects the field would build.
    Reference lists keep their models' order, with the id to break ties."""
    members = permissions.visible_records(
        Membership.objects.filter(cluster=OuterRef("pk"), left_on__isnull=True), user, "organisation__"
    ).order_by("role", "organisation__name_en", "id")
    specialised_organisation = permissions.visible_records(
        Organisation.objects.filter(pk=OuterRef("specialised_organisation_id")), user
    ).order_by()
    return (
        cluster_table(user=user)
        .defer(None)
        .defer("country__boundary", "location")
        .annotate(
            location_wkb=AsWKB("location"),
            region_rows=_rows_as_json(
                Region.objects.filter(clusters=OuterRef("pk")).order_by("country__iso2", "name_en", "id"),
                REGION_COLUMNS,
            ),
            secondary_sector_rows=_rows_as_json(
                Sector.objects.filter(secondary_clusters=OuterRef("pk")).order_by("section_code", "level", "code"),
                SECTOR_COLUMNS,
            ),
            technology_rows=_rows_as_json(
                Priority.objects.filter(clusters=OuterRef("pk")).order_by("code"), PRIORITY_COLUMNS
            ),
            member_rows=_rows_as_json(members, MEMBER_COLUMNS),
            specialised_organisation_rows=_rows_as_json(specialised_organisation, ORGANISATION_COLUMNS),
        )
    )

"""Reads of technoparks shared by pages, the map, the API and tasks."""

from django.db.models import Count, Prefetch, Q, QuerySet

from directory.selectors import visible_records

from .models import Residency, Technopark


def technopark_list(*, user=None) -> QuerySet[Technopark]:
    qs = (
        Technopark.objects.select_related("country", "region", "operator")
        .defer("country__boundary", "region__boundary")
        .annotate(resident_count=Count("residencies", filter=Q(residencies__ended_on__isnull=True), distinct=True))
    )
    return visible_records(qs, user)


def technopark_detail_queryset(*, user=None) -> QuerySet[Technopark]:
    residencies = Residency.objects.select_related("organisation__country").order_by("organisation__name_en")
    return technopark_list(user=user).prefetch_related(
        Prefetch("residencies", queryset=residencies), "sectors", "technologies", "pool_memberships__nominated_by"
    )


def technopark_table(*, user=None) -> QuerySet[Technopark]:
    """Technoparks for a sorted, paginated table: the resident count is a per-row subquery, so PostgreSQL counts
    only the rows of the page shown instead of grouping every residency of the registry before sorting."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    current_residents = (
        Residency.objects.filter(technopark=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("technopark")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        Technopark.objects.select_related("country", "region")
        .defer(
            "country__boundary",
            "region__boundary",
            "description_original",
            "description_en",
            "description_ru",
            "description_zh",
        )
        .annotate(resident_count=Coalesce(Subquery(current_residents), 0))
    )
    return visible_records(qs, user)

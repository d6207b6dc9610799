"""Reads of clusters shared by pages, the map, the API and tasks."""

from django.db.models import Count, Prefetch, Q, QuerySet

from directory.selectors import visible_records

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

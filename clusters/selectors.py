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

"""Technoparks with their residents, residencies, and the SCO Pool."""

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema_view

from clusters.api.views import MEMBER_FIELDS
from clusters.models import Cluster
from directory.permissions import visible_q, visible_records
from eaeu_portal.api.viewsets import GeoJsonMixin, ReadOnlyViewSet, RegistryViewSet

from .. import selectors
from ..filtersets import PoolMembershipFilterSet, ResidencyFilterSet, TechnoparkFilterSet
from ..models import PoolMembership, Residency, Technopark
from . import examples
from .serializers import (
    PoolMembershipSerializer,
    ResidencySerializer,
    ResidencyWriteSerializer,
    TechnoparkDetailSerializer,
    TechnoparkFeatureSerializer,
    TechnoparkSerializer,
    TechnoparkWriteSerializer,
)

NAME_ORDERING = ("name_en", "name_ru", "name_original")


@extend_schema_view(**examples.TECHNOPARKS)
class TechnoparkViewSet(GeoJsonMixin, RegistryViewSet):
    """Technoparks and related infrastructure (science and IT parks, incubators, special economic zones…),
    with their current residents."""

    serializer_class = TechnoparkSerializer
    detail_serializer_class = TechnoparkDetailSerializer
    write_serializer_class = TechnoparkWriteSerializer
    geo_serializer_class = TechnoparkFeatureSerializer
    filterset_class = TechnoparkFilterSet
    ordering = ["name_en", "name_original"]
    ordering_fields = (
        "id",
        "updated_at",
        "published_at",
        "founded_year",
        "kind",
        "resident_count",
        "land_free_ha",
        "premises_free_m2",
        *NAME_ORDERING,
    )

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            current = (
                Residency.objects.filter(ended_on__isnull=True)
                .select_related("organisation")
                .only("id", "technopark_id", "started_on", "ended_on", *(f"organisation__{f}" for f in MEMBER_FIELDS))
                .order_by("organisation__name_en", "id")
            )
            # The table selector counts residents per row of the page; descriptions come back (the list shows them).
            return (
                selectors.technopark_table(user=user)
                .defer(None)
                .defer("country__boundary", "region__boundary")
                .select_related("operator")
                .prefetch_related(Prefetch("residencies", queryset=current), "sectors", "technologies")
            )
        return selectors.technopark_detail_queryset(user=user)

    def get_geojson_queryset(self):
        return visible_records(
            Technopark.objects.filter(location__isnull=False).only(
                "id", "kind", *NAME_ORDERING, "name_zh", "location", "status", "created_by"
            ),
            self.request.user,
        )


@extend_schema_view(**examples.RESIDENCIES)
class ResidencyViewSet(RegistryViewSet):
    """Which organisations are resident in which technopark, with dates."""

    serializer_class = ResidencySerializer
    write_serializer_class = ResidencyWriteSerializer
    filterset_class = ResidencyFilterSet
    creates_drafts = False
    cursor_ordering = ("id",)
    ordering = ["technopark_id", "organisation_id"]
    ordering_fields = ("id", "started_on", "ended_on")

    def get_queryset(self):
        user = self.request.user
        qs = Residency.objects.select_related("technopark", "organisation")
        return visible_records(visible_records(qs, user, prefix="technopark__"), user, prefix="organisation__")


@extend_schema_view(**examples.POOL_MEMBERSHIPS)
class PoolMembershipViewSet(ReadOnlyViewSet):
    """Technoparks and clusters nominated to the SCO Pool (SCO decision no. 136, 2021); decided by the Pool's
    Managing Commission, so read-only here."""

    serializer_class = PoolMembershipSerializer
    filterset_class = PoolMembershipFilterSet
    ordering = ["nominated_by__iso2", "-admitted_on"]
    ordering_fields = ("id", "nominated_on", "admitted_on", "status")

    def get_queryset(self):
        user = self.request.user
        subject_visible = (Q(technopark__isnull=False) & visible_q(user, Technopark, "technopark__")) | (
            Q(cluster__isnull=False) & visible_q(user, Cluster, "cluster__")
        )
        return (
            PoolMembership.objects.select_related("technopark", "cluster", "nominated_by")
            .defer("nominated_by__boundary")
            .filter(subject_visible)
        )

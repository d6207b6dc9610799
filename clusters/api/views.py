"""Clusters with their members, and memberships; written by the cluster's manager and staff."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from directory.permissions import visible_records
from eaeu_portal.api.errors import ApiError
from eaeu_portal.api.viewsets import GeoJsonMixin, RegistryViewSet

from .. import selectors
from ..filtersets import ClusterFilterSet, MembershipFilterSet
from ..matching import selectors as matching_selectors
from ..models import Cluster, Membership
from . import examples
from .serializers import (
    ClusterDetailSerializer,
    ClusterFeatureSerializer,
    ClusterSerializer,
    ClusterWriteSerializer,
    MatchSerializer,
    MembershipSerializer,
    MembershipWriteSerializer,
)

MATCH_PARAMETERS = frozenset({"country", "min_score"})

NAME_ORDERING = ("name_en", "name_ru", "name_original")
# What a member row shows, and what deciding its visibility needs: nothing else of the organisation is loaded.
MEMBER_FIELDS = ("id", "kind", "status", "created_by", *NAME_ORDERING, "name_zh")


@extend_schema_view(**examples.CLUSTERS)
class ClusterViewSet(GeoJsonMixin, RegistryViewSet):
    """Innovation, industrial and territorial-production clusters, with their current members."""

    serializer_class = ClusterSerializer
    detail_serializer_class = ClusterDetailSerializer
    write_serializer_class = ClusterWriteSerializer
    geo_serializer_class = ClusterFeatureSerializer
    filterset_class = ClusterFilterSet
    ordering = ["name_en", "name_original"]
    ordering_fields = ("id", "updated_at", "published_at", "founded_year", "kind", "member_count", *NAME_ORDERING)

    def get_queryset(self):
        user = self.request.user
        if self.action == "matches":
            return visible_records(Cluster.objects.all(), user)
        if self.action == "list":
            # References and visible current members come with each row of the page's one query.
            return selectors.cluster_api_list(user=user)
        return selectors.cluster_detail_queryset(user=user)

    def known_query_parameters(self) -> set[str]:
        if self.action == "matches":
            return set(MATCH_PARAMETERS)
        return super().known_query_parameters()

    @extend_schema(
        summary="Suggested partners of a cluster",
        description=(
            "The cluster's best partner clusters from the matching index (preferably abroad), best first, with the "
            "score of each component and the reasons in words. The index is rebuilt nightly and updated when a "
            "published cluster changes."
        ),
        parameters=[
            OpenApiParameter("country", OpenApiTypes.STR, description="Partner's country: ISO alpha-2 code or id"),
            OpenApiParameter("min_score", OpenApiTypes.NUMBER, description="Only partners scoring at least this (0–1)"),
        ],
        responses=MatchSerializer(many=True),
        examples=[OpenApiExample("Suggested partners", value=[examples.MATCH], response_only=True)],
    )
    @action(detail=True, methods=["get"], url_path="matches", pagination_class=None, filter_backends=[])
    def matches(self, request, pk=None):
        cluster = self.get_object()
        min_score = request.query_params.get("min_score")
        if min_score not in (None, ""):
            try:
                min_score = float(min_score)
            except ValueError:
                min_score = None
            if min_score is None or not 0 <= min_score <= 1:
                raise ApiError(
                    _("min_score is a number from 0 to 1."),
                    code="invalid_parameter",
                    fields={"min_score": [_("A number from 0 to 1.")]},
                )
        suggestions = matching_selectors.cluster_suggestions(
            cluster=cluster, country=request.query_params.get("country") or None, min_score=min_score or None
        )
        return Response(MatchSerializer(suggestions, many=True, context=self.get_serializer_context()).data)

    def get_geojson_queryset(self):
        return visible_records(
            Cluster.objects.filter(location__isnull=False).only(
                "id", "kind", *NAME_ORDERING, "name_zh", "location", "status", "created_by"
            ),
            self.request.user,
        )


@extend_schema_view(**examples.MEMBERSHIPS)
class MembershipViewSet(RegistryViewSet):
    """Who belongs to which cluster, with dates; the history stays when a member leaves (left_on)."""

    serializer_class = MembershipSerializer
    write_serializer_class = MembershipWriteSerializer
    filterset_class = MembershipFilterSet
    creates_drafts = False
    cursor_ordering = ("id",)
    ordering = ["cluster_id", "role", "organisation_id"]
    ordering_fields = ("id", "joined_on", "left_on", "role")

    def get_queryset(self):
        user = self.request.user
        qs = Membership.objects.select_related("cluster", "organisation")
        # Visible when both sides are: a public cluster does not reveal a member that is still a draft.
        return visible_records(visible_records(qs, user, prefix="cluster__"), user, prefix="organisation__")

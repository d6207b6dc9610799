"""Technoparks with their residents, residencies, and SCO Pool memberships."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from clusters.api.serializers import ClusterBriefSerializer, PriorityBriefSerializer
from directory.api.serializers import (
    DESCRIPTION_FIELDS,
    NAME_FIELDS,
    PUBLICATION_FIELDS,
    WRITABLE_DESCRIPTION_FIELDS,
    WRITABLE_NAME_FIELDS,
    CountryBriefSerializer,
    LocalizedNameField,
    OrganisationBriefSerializer,
    country_brief,
    organisation_brief,
    region_brief,
    sector_brief,
)
from directory.models import Organisation
from directory.permissions import can_change, can_view
from eaeu_portal.api.serializers import (
    DetailUrlField,
    FeatureListSerializer,
    PointField,
    StrictWriteSerializer,
    VisibleRecordField,
    brief_field,
    detail_url,
)

from ..models import CAPACITY_PAIRS, PoolMembership, Residency, Technopark

# What an investor compares between sites: capacities, rent, incentives, distances, results.
FACTS = [
    "founded_year",
    "website",
    "area_m2",
    "services",
    "sandbox_available",
    "sandbox_description",
    *[name for pair in CAPACITY_PAIRS for name in pair],
    "rent_rate_m2_year",
    "currency",
    "tax_incentives",
    "customs_incentives",
    "distance_regional_centre_km",
    "distance_rail_km",
    "distance_highway_km",
    "distance_airport_km",
    "investment_total",
    "residents_reported",
    "jobs_created",
]


class ResidentSerializer(serializers.Serializer):
    """A current resident, as it appears inside the technopark."""

    residency_id = serializers.IntegerField()
    organisation = OrganisationBriefSerializer()
    started_on = serializers.DateField(allow_null=True)


def residents_of(serializer: serializers.Serializer, residencies) -> list[dict]:
    """Current residents the requester may see, as plain dicts (see clusters.api.serializers.members_of)."""
    user = getattr(serializer.context.get("request"), "user", None)
    rows = []
    for residency in residencies:
        organisation = residency.organisation
        if residency.ended_on or not can_view(user, organisation):
            continue
        rows.append(
            {
                "residency_id": residency.pk,
                "organisation": {
                    "id": organisation.pk,
                    "url": detail_url(serializer.context, "api:organisation-detail", organisation.pk),
                    "name": organisation.name,
                    "kind": organisation.kind,
                },
                "started_on": residency.started_on.isoformat() if residency.started_on else None,
            }
        )
    return rows


class TechnoparkSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:technopark-detail")
    name = LocalizedNameField()
    description = serializers.CharField(read_only=True)
    country = country_brief()
    region = region_brief(allow_null=True)
    location = PointField(read_only=True, allow_null=True)
    operator = organisation_brief(allow_null=True)
    sectors = sector_brief(many=True)
    technologies = brief_field(PriorityBriefSerializer, None, ("code", "level", "name"), many=True)
    resident_count = serializers.IntegerField(read_only=True, help_text=_("Current residents."))
    residents = serializers.SerializerMethodField(help_text=_("Current residents you may see."))

    class Meta:
        model = Technopark
        fields = [
            "id",
            "url",
            *NAME_FIELDS,
            *DESCRIPTION_FIELDS,
            "kind",
            "external_id",
            "operator",
            "country",
            "region",
            "location",
            "sectors",
            "technologies",
            *FACTS,
            "resident_count",
            "residents",
            *PUBLICATION_FIELDS,
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.operator is not None and not can_view(self.context["request"].user, instance.operator):
            data["operator"] = None
        return data

    @extend_schema_field(ResidentSerializer(many=True))
    def get_residents(self, obj) -> list[dict]:
        return residents_of(self, obj.residencies.all())


class PoolMembershipBriefSerializer(serializers.ModelSerializer):
    nominated_by = CountryBriefSerializer(read_only=True)

    class Meta:
        model = PoolMembership
        fields = ["id", "nominated_by", "nominated_on", "admitted_on", "status"]


class TechnoparkDetailSerializer(TechnoparkSerializer):
    sco_pool = serializers.SerializerMethodField(help_text=_("Membership of the SCO Pool, if nominated."))

    class Meta(TechnoparkSerializer.Meta):
        fields = [*TechnoparkSerializer.Meta.fields, "sco_pool"]

    @extend_schema_field(PoolMembershipBriefSerializer(allow_null=True))
    def get_sco_pool(self, obj) -> dict | None:
        memberships = list(obj.pool_memberships.all())
        return PoolMembershipBriefSerializer(memberships[0]).data if memberships else None


class TechnoparkWriteSerializer(StrictWriteSerializer):
    location = PointField(required=False, allow_null=True)
    operator = VisibleRecordField(queryset=Organisation.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Technopark
        fields = [
            *WRITABLE_NAME_FIELDS,
            *WRITABLE_DESCRIPTION_FIELDS,
            "kind",
            "external_id",
            "operator",
            "country",
            "region",
            "location",
            "sectors",
            "technologies",
            *FACTS,
            "source_note",
        ]


# --- Residencies and the SCO Pool ---------------------------------------------------------------
class TechnoparkBriefSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:technopark-detail")
    name = LocalizedNameField()

    class Meta:
        model = Technopark
        fields = ["id", "url", "name", "kind"]


class ResidencySerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:residency-detail")
    technopark = TechnoparkBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = Residency
        fields = ["id", "url", "technopark", "organisation", "started_on", "ended_on"]


class ResidencyWriteSerializer(StrictWriteSerializer):
    """Adds a resident to a technopark the requester manages, or records when the residency ended."""

    technopark = VisibleRecordField(queryset=Technopark.objects.all())
    organisation = VisibleRecordField(queryset=Organisation.objects.all())

    class Meta:
        model = Residency
        fields = ["technopark", "organisation", "started_on", "ended_on"]
        validators = []

    def validate_technopark(self, technopark):
        if not can_change(self.context["request"].user, technopark):
            raise exceptions.PermissionDenied(_("You may not change the residents of this technopark."))
        if self.instance is not None and technopark.pk != self.instance.technopark_id:
            raise serializers.ValidationError(_("A residency cannot move to another technopark."))
        return technopark


class PoolMembershipSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:pool-membership-detail")
    technopark = TechnoparkBriefSerializer(read_only=True, allow_null=True)
    cluster = ClusterBriefSerializer(read_only=True, allow_null=True)
    nominated_by = CountryBriefSerializer(read_only=True)

    class Meta:
        model = PoolMembership
        fields = ["id", "url", "technopark", "cluster", "nominated_by", "nominated_on", "admitted_on", "status"]


# --- GeoJSON ---------------------------------------------------------------------------------------
class TechnoparkFeatureSerializer(GeoFeatureModelSerializer):
    url = DetailUrlField("api:technopark-detail")
    name = LocalizedNameField()

    class Meta:
        model = Technopark
        geo_field = "location"
        list_serializer_class = FeatureListSerializer
        fields = ["id", "url", "name", "kind"]

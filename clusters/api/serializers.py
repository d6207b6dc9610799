"""Clusters with their members, and memberships on their own."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from directory.api.serializers import (
    DESCRIPTION_FIELDS,
    NAME_FIELDS,
    PUBLICATION_FIELDS,
    LocalizedNameField,
    OrganisationBriefSerializer,
    country_brief,
    organisation_brief,
    region_brief,
    sector_brief,
)
from directory.i18n import language_suffixes
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
from foresight.models import Priority

from ..matching.choices import ReasonKind
from ..models import Cluster, ClusterAssessment, ClusterIndicator, ContactPerson, Membership


class PriorityBriefSerializer(serializers.ModelSerializer):
    name = LocalizedNameField()

    class Meta:
        model = Priority
        fields = ["id", "code", "level", "name"]


class MemberSerializer(serializers.Serializer):
    """A current member of a cluster, as it appears inside the cluster."""

    membership_id = serializers.IntegerField()
    organisation = OrganisationBriefSerializer()
    role = serializers.CharField()
    joined_on = serializers.DateField(allow_null=True)


def members_of(serializer: serializers.Serializer, memberships) -> list[dict]:
    """Current members the requester may see, built as plain dicts: a list page of a hundred clusters carries
    thousands of them, and nested serializers would spend most of the response time here."""
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    rows = []
    for membership in memberships:
        organisation = membership.organisation
        if getattr(membership, "left_on", None) or getattr(membership, "ended_on", None):
            continue
        if not can_view(user, organisation):
            continue
        rows.append(
            {
                "membership_id": membership.pk,
                "organisation": {
                    "id": organisation.pk,
                    "url": detail_url(serializer.context, "api:organisation-detail", organisation.pk),
                    "name": organisation.name,
                    "kind": organisation.kind,
                },
                "role": membership.role,
                "joined_on": membership.joined_on.isoformat() if membership.joined_on else None,
            }
        )
    return rows


# Where each name sits in a row of clusters.api.views.current_members_by_cluster.
MEMBER_ROW_NAMES = {"en": 5, "ru": 6, "original": 7, "zh": 8}


def member_rows(context: dict, rows: list[tuple]) -> list[dict]:
    """Members from plain rows (already filtered to what the requester may see), named in the request's language."""
    name_positions = [MEMBER_ROW_NAMES[suffix] for suffix in language_suffixes() if suffix in MEMBER_ROW_NAMES]
    members = []
    for row in rows:
        membership_id, role, joined_on, organisation_id, kind = row[:5]
        members.append(
            {
                "membership_id": membership_id,
                "organisation": {
                    "id": organisation_id,
                    "url": detail_url(context, "api:organisation-detail", organisation_id),
                    "name": next((row[i] for i in name_positions if row[i]), ""),
                    "kind": kind,
                },
                "role": role,
                "joined_on": joined_on.isoformat() if joined_on else None,
            }
        )
    return members


class ClusterSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:cluster-detail")
    name = LocalizedNameField()
    description = serializers.CharField(read_only=True)
    country = country_brief()
    location = PointField(read_only=True, allow_null=True)
    primary_sector = sector_brief(allow_null=True)
    secondary_sectors = sector_brief(many=True)
    regions = region_brief(many=True)
    technologies = brief_field(PriorityBriefSerializer, None, ("code", "level", "name"), many=True)
    specialised_organisation = organisation_brief(allow_null=True)
    member_count = serializers.IntegerField(read_only=True, help_text=_("Current members."))
    members = serializers.SerializerMethodField(help_text=_("Current members you may see."))

    class Meta:
        model = Cluster
        fields = [
            "id",
            "url",
            *NAME_FIELDS,
            *DESCRIPTION_FIELDS,
            "kind",
            "external_id",
            "country",
            "regions",
            "location",
            "primary_sector",
            "secondary_sectors",
            "technologies",
            "founded_year",
            "website",
            "management_staff_fte",
            "support_programmes",
            "accepts_partner_suggestions",
            "specialised_organisation",
            "member_count",
            "members",
            *PUBLICATION_FIELDS,
        ]

    def to_representation(self, instance):
        # A draft organisation stays hidden even when it manages a public cluster.
        data = super().to_representation(instance)
        organisation = instance.specialised_organisation
        if organisation is not None and not can_view(self.context["request"].user, organisation):
            data["specialised_organisation"] = None
        return data

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, obj) -> list[dict]:
        if "current_members" in self.context:
            return member_rows(self.context, self.context["current_members"].get(obj.pk, []))
        return members_of(self, obj.memberships.all())


class ClusterIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClusterIndicator
        fields = [
            "year",
            "employees",
            "revenue",
            "currency",
            "export_share",
            "rd_spending",
            "members_count",
            "patents",
        ]


class ClusterAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClusterAssessment
        fields = ["scheme", "level", "assessed_by", "assessed_on", "valid_until", "note"]


class ContactPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["full_name", "position", "email", "phone"]


class ClusterDetailSerializer(ClusterSerializer):
    indicators = ClusterIndicatorSerializer(many=True, read_only=True)
    assessments = ClusterAssessmentSerializer(many=True, read_only=True)
    contacts = serializers.SerializerMethodField(help_text=_("Contact people who agreed to be shown."))

    class Meta(ClusterSerializer.Meta):
        fields = [*ClusterSerializer.Meta.fields, "indicators", "assessments", "contacts"]

    @extend_schema_field(ContactPersonSerializer(many=True))
    def get_contacts(self, obj) -> list[dict]:
        return ContactPersonSerializer([c for c in obj.contacts.all() if c.is_public], many=True).data


class ClusterWriteSerializer(StrictWriteSerializer):
    location = PointField(required=False, allow_null=True)
    specialised_organisation = VisibleRecordField(queryset=Organisation.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Cluster
        fields = [
            "name_original",
            "original_language",
            "name_en",
            "name_ru",
            "name_zh",
            "description_original",
            "description_en",
            "description_ru",
            "description_zh",
            "kind",
            "external_id",
            "country",
            "regions",
            "location",
            "primary_sector",
            "secondary_sectors",
            "technologies",
            "founded_year",
            "website",
            "management_staff_fte",
            "support_programmes",
            "accepts_partner_suggestions",
            "specialised_organisation",
            "source_note",
        ]


# --- Memberships --------------------------------------------------------------------------
class ClusterBriefSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:cluster-detail")
    name = LocalizedNameField()

    class Meta:
        model = Cluster
        fields = ["id", "url", "name", "kind"]


class MembershipSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:membership-detail")
    cluster = ClusterBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "url", "cluster", "organisation", "role", "joined_on", "left_on"]


class MembershipWriteSerializer(StrictWriteSerializer):
    """Adds an organisation to a cluster the requester manages, or records when it left."""

    cluster = VisibleRecordField(queryset=Cluster.objects.all())
    organisation = VisibleRecordField(queryset=Organisation.objects.all())

    class Meta:
        model = Membership
        fields = ["cluster", "organisation", "role", "joined_on", "left_on"]
        # The model's conditional unique constraint is checked by full_clean, with its own message.
        validators = []

    def validate_cluster(self, cluster):
        if not can_change(self.context["request"].user, cluster):
            raise exceptions.PermissionDenied(_("You may not change the members of this cluster."))
        if self.instance is not None and cluster.pk != self.instance.cluster_id:
            raise serializers.ValidationError(_("A membership cannot move to another cluster."))
        return cluster


# --- GeoJSON ---------------------------------------------------------------------------------
class ClusterFeatureSerializer(GeoFeatureModelSerializer):
    url = DetailUrlField("api:cluster-detail")
    name = LocalizedNameField()

    class Meta:
        model = Cluster
        geo_field = "location"
        list_serializer_class = FeatureListSerializer
        fields = ["id", "url", "name", "kind"]


# --- Suggested partners -------------------------------------------------------------------
class MatchReasonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReasonKind.choices)
    label = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField()


class MatchPartnerSerializer(ClusterBriefSerializer):
    country = serializers.CharField(source="country.iso2")

    class Meta(ClusterBriefSerializer.Meta):
        fields = [*ClusterBriefSerializer.Meta.fields, "country"]


class MatchSerializer(serializers.Serializer):
    """A suggested partner from the matching index, with the score of each component and the reasons in words."""

    partner = MatchPartnerSerializer()
    score = serializers.FloatField(help_text=_("0 to 1; higher is a better match"))
    components = serializers.SerializerMethodField()
    reasons = MatchReasonSerializer(many=True)
    reasons_text = serializers.CharField()

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
    def get_components(self, suggestion) -> dict[str, float]:
        from ..matching.engine import COMPONENTS

        return {name: getattr(suggestion, f"{name}_score") for name in COMPONENTS}

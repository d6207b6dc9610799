"""Clusters with their members, and memberships on their own."""

from django.contrib.gis.gdal import OGRGeometry
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework_gis.fields import GeoJsonDict
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from directory.api.serializers import (
    DESCRIPTION_FIELDS,
    NAME_FIELDS,
    PUBLICATION_FIELDS,
    WRITABLE_DESCRIPTION_FIELDS,
    WRITABLE_NAME_FIELDS,
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
from ..selectors import MEMBER_COLUMNS, ORGANISATION_COLUMNS, PRIORITY_COLUMNS, REGION_COLUMNS, SECTOR_COLUMNS


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


class ClusterRows:
    """A page of clusters from clusters.selectors.cluster_api_list as plain dicts, in ClusterSerializer's shape.

    The rows arrive with their regions, sectors, technologies and visible current members as JSON arrays, so
    nothing here queries; names are picked in the request's language (with its fallbacks) by position, the
    language being looked up once per page rather than once per name."""

    def __init__(self, serializer: serializers.Serializer):
        self.context = serializer.context
        request = self.context.get("request")
        self.user = getattr(request, "user", None)
        self.suffixes = language_suffixes()
        names = [f"name_{suffix}" for suffix in self.suffixes]
        self.region_names = self._positions(REGION_COLUMNS, names)
        self.sector_names = self._positions(SECTOR_COLUMNS, names)
        self.priority_names = self._positions(PRIORITY_COLUMNS, names)
        self.member_names = self._positions(MEMBER_COLUMNS, [f"organisation__{name}" for name in names])
        self.organisation_names = self._positions(ORGANISATION_COLUMNS, names)
        special = {
            "url": self.url,
            "name": self.name,
            "description": self.description,
            "country": self.country,
            "location": self.location,
            "regions": self.regions,
            "primary_sector": self.primary_sector,
            "secondary_sectors": self.secondary_sectors,
            "technologies": self.technologies,
            "specialised_organisation": self.specialised_organisation,
            "members": self.members,
        }
        self.plan = [
            (name, special.get(name), field, field.source_attrs)
            for name, field in serializer.fields.items()
            if not field.write_only
        ]

    @staticmethod
    def _positions(columns: tuple[str, ...], names: list[str]) -> list[int]:
        return [columns.index(name) for name in names if name in columns]

    def build(self, clusters) -> list[dict]:
        rows = []
        for cluster in clusters:
            data = {}
            for name, special, field, source_attrs in self.plan:
                if special is not None:
                    data[name] = special(cluster)
                    continue
                value = getattr(cluster, source_attrs[0]) if len(source_attrs) == 1 else field.get_attribute(cluster)
                data[name] = None if value is None else field.to_representation(value)
            rows.append(data)
        return rows

    # --- Pieces --------------------------------------------------------------------------
    def _localized(self, obj, field: str) -> str:
        for suffix in self.suffixes:
            value = getattr(obj, f"{field}_{suffix}", "")
            if value:
                return value
        return ""

    @staticmethod
    def _row_name(row: list, positions: list[int]) -> str:
        for position in positions:
            if row[position]:
                return row[position]
        return ""

    def _url(self, view_name: str, pk) -> str:
        return detail_url(self.context, view_name, pk)

    def url(self, cluster) -> str:
        return self._url("api:cluster-detail", cluster.pk)

    def name(self, cluster) -> str:
        return self._localized(cluster, "name")

    def description(self, cluster) -> str:
        return self._localized(cluster, "description")

    def country(self, cluster) -> dict:
        country = cluster.country
        return {
            "id": country.pk,
            "url": self._url("api:country-detail", country.pk),
            "iso2": country.iso2,
            "name": self._localized(country, "name"),
        }

    def primary_sector(self, cluster) -> dict | None:
        sector = cluster.primary_sector
        if sector is None:
            return None
        return {
            "id": sector.pk,
            "url": self._url("api:sector-detail", sector.pk),
            "code": sector.code,
            "level": sector.level,
            "name": self._localized(sector, "name"),
        }

    @staticmethod
    def location(cluster) -> dict | None:
        # The same GDAL export as the field's (GEOSGeometry.geojson), straight from WKB: identical coordinates.
        if cluster.location_wkb is None:
            return None
        return GeoJsonDict(OGRGeometry(memoryview(cluster.location_wkb)).json)

    def specialised_organisation(self, cluster) -> dict | None:
        # Empty when there is none or the user may not see it: a draft stays hidden behind a public cluster.
        for row in cluster.specialised_organisation_rows:
            return {
                "id": row[0],
                "url": self._url("api:organisation-detail", row[0]),
                "name": self._row_name(row, self.organisation_names),
                "kind": row[1],
            }
        return None

    def regions(self, cluster) -> list[dict]:
        return [
            {
                "id": row[0],
                "url": self._url("api:region-detail", row[0]),
                "iso_code": row[1],
                "name": self._row_name(row, self.region_names),
            }
            for row in cluster.region_rows
        ]

    def secondary_sectors(self, cluster) -> list[dict]:
        return [
            {
                "id": row[0],
                "url": self._url("api:sector-detail", row[0]),
                "code": row[1],
                "level": row[2],
                "name": self._row_name(row, self.sector_names),
            }
            for row in cluster.secondary_sector_rows
        ]

    def technologies(self, cluster) -> list[dict]:
        return [
            {"id": row[0], "code": row[1], "level": row[2], "name": self._row_name(row, self.priority_names)}
            for row in cluster.technology_rows
        ]

    def members(self, cluster) -> list[dict]:
        # Already limited to the current members the user may see; joined_on comes as an ISO date from the JSON.
        return [
            {
                "membership_id": row[0],
                "organisation": {
                    "id": row[3],
                    "url": self._url("api:organisation-detail", row[3]),
                    "name": self._row_name(row, self.member_names),
                    "kind": row[4],
                },
                "role": row[1],
                "joined_on": row[2],
            }
            for row in cluster.member_rows
        ]


class ClusterListSerializer(serializers.ListSerializer):
    """Rows annotated by clusters.selectors.cluster_api_list take the plain-dict path (ClusterRows): the generic
    nested serialization of a hundred clusters with thousands of members would cost several times the page's
    query. Any other rows go through the fields as usual."""

    def to_representation(self, data):
        clusters = data.all() if hasattr(data, "all") else data
        clusters = list(clusters)
        if clusters and all(hasattr(cluster, "member_rows") for cluster in clusters):
            return ClusterRows(self.child).build(clusters)
        return [self.child.to_representation(cluster) for cluster in clusters]


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
        list_serializer_class = ClusterListSerializer

    def to_representation(self, instance):
        # A draft organisation stays hidden even when it manages a public cluster.
        data = super().to_representation(instance)
        organisation = instance.specialised_organisation
        if organisation is not None and not can_view(self.context["request"].user, organisation):
            data["specialised_organisation"] = None
        return data

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, obj) -> list[dict]:
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
            *WRITABLE_NAME_FIELDS,
            *WRITABLE_DESCRIPTION_FIELDS,
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

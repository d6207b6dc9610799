"""Serializers of programmes, projects, ideas and calls: brief ones for references, full ones for details."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clusters.models import Cluster
from directory.api.serializers import WRITABLE_DESCRIPTION_FIELDS, WRITABLE_NAME_FIELDS
from directory.models import Country, Organisation
from eaeu_portal.api.serializers import StrictInputMixin, VisibleRecordField
from foresight.models import Priority
from technoparks.models import Technopark

from ..choices import ProjectStage
from ..models import (
    Call,
    CallApplication,
    GoalValue,
    Idea,
    Programme,
    Project,
    ProjectFunding,
    ProjectGoal,
    ProjectParticipant,
    TeamMember,
    WorkingTeam,
)


class ProjectCountryRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Country
        fields = ["id", "iso2", "name"]


class ProjectOrganisationRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    country = serializers.CharField(source="country.iso2", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "country"]


class ProjectNamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProjectPriorityRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Priority
        fields = ["id", "code", "name"]


# --- Programmes --------------------------------------------------------------------------
class ProgrammeSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:programme-detail")
    name = serializers.CharField(read_only=True)
    owner_body = ProjectOrganisationRefSerializer(read_only=True)
    countries = ProjectCountryRefSerializer(many=True, read_only=True)
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "url",
            "name",
            *WRITABLE_NAME_FIELDS,
            *WRITABLE_DESCRIPTION_FIELDS,
            "kind",
            "owner_body",
            "countries",
            "starts_on",
            "ends_on",
            "budget",
            "currency",
            "website",
            "project_count",
            "status",
            "updated_at",
        ]


class ProgrammeRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "name", "kind"]


# --- Projects --------------------------------------------------------------------------------
class ProjectParticipantSerializer(serializers.ModelSerializer):
    organisation = ProjectOrganisationRefSerializer(read_only=True)

    class Meta:
        model = ProjectParticipant
        fields = ["organisation", "role", "joined_on"]


class ProjectFundingSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso2", read_only=True, default=None)
    funder = ProjectOrganisationRefSerializer(read_only=True)

    class Meta:
        model = ProjectFunding
        fields = ["source", "country", "funder", "amount", "currency", "note"]


class ProjectGoalValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalValue
        fields = ["year", "target", "actual", "achieved"]


class ProjectGoalSerializer(serializers.ModelSerializer):
    values = ProjectGoalValueSerializer(many=True, read_only=True)

    class Meta:
        model = ProjectGoal
        fields = ["id", "statement", "indicator", "unit", "baseline", "due_year", "values"]


class ProjectTeamMemberSerializer(serializers.ModelSerializer):
    organisation = ProjectOrganisationRefSerializer(read_only=True)

    class Meta:
        model = TeamMember
        fields = ["full_name", "role", "organisation"]


class ProjectTeamSerializer(serializers.ModelSerializer):
    members = ProjectTeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = WorkingTeam
        fields = ["id", "name", "members"]


class ProjectListSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:project-detail")
    name = serializers.CharField(read_only=True)
    lead_organisation = ProjectOrganisationRefSerializer(read_only=True)
    programme = ProgrammeRefSerializer(read_only=True)
    integration_component = serializers.IntegerField(source="member_state_count", read_only=True)
    priorities = ProjectPriorityRefSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "url",
            "name",
            "stage",
            "programme",
            "lead_organisation",
            "integration_component",
            "priorities",
            "trl_start",
            "trl_target",
            "budget",
            "currency",
            "starts_on",
            "ends_on",
            "status",
            "updated_at",
        ]


class ProjectDetailSerializer(ProjectListSerializer):
    participants = ProjectParticipantSerializer(source="participations", many=True, read_only=True)
    co_financing = ProjectFundingSerializer(source="fundings", many=True, read_only=True)
    goals = ProjectGoalSerializer(many=True, read_only=True)
    teams = ProjectTeamSerializer(many=True, read_only=True)
    clusters = ProjectNamedRefSerializer(many=True, read_only=True)
    technoparks = ProjectNamedRefSerializer(many=True, read_only=True)
    source_idea = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields,
            *WRITABLE_NAME_FIELDS,
            *WRITABLE_DESCRIPTION_FIELDS,
            "website",
            "source_idea",
            "participants",
            "co_financing",
            "goals",
            "teams",
            "clusters",
            "technoparks",
        ]


class ProjectWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    """What a manager sends to create or change a project; the services apply the rules."""

    protected_fields = StrictInputMixin.protected_fields | {"stage"}

    lead_organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all(), required=False, allow_null=True)
    # Only clusters and technoparks the requester may see: a project must not reveal someone else's draft.
    clusters = VisibleRecordField(queryset=Cluster.objects.all(), many=True, required=False)
    technoparks = VisibleRecordField(queryset=Technopark.objects.all(), many=True, required=False)
    priorities = serializers.PrimaryKeyRelatedField(queryset=Priority.objects.all(), many=True, required=False)

    class Meta:
        model = Project
        fields = [
            *WRITABLE_NAME_FIELDS,
            *WRITABLE_DESCRIPTION_FIELDS,
            "programme",
            "lead_organisation",
            "clusters",
            "technoparks",
            "priorities",
            "trl_start",
            "trl_target",
            "starts_on",
            "ends_on",
            "budget",
            "currency",
            "website",
        ]
        # The services validate the whole record with full_clean; the database constraints stay the last word.
        validators = []


class ProjectTransitionSerializer(StrictInputMixin, serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=ProjectStage.choices, label=_("New status"))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


# --- Ideas and calls --------------------------------------------------------------------------
class IdeaSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:idea-detail")
    name = serializers.CharField(read_only=True)
    country = ProjectCountryRefSerializer(read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True, default=None)
    author_organisation = ProjectOrganisationRefSerializer(read_only=True)
    priorities = ProjectPriorityRefSerializer(many=True, read_only=True)
    project = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = [
            "id",
            "url",
            "name",
            *WRITABLE_NAME_FIELDS,
            *WRITABLE_DESCRIPTION_FIELDS,
            "kind",
            "country",
            "sector",
            "author_organisation",
            "tags",
            "priorities",
            "project",
            "status",
            "updated_at",
        ]

    def get_project(self, idea) -> int | None:
        project = getattr(idea, "project", None)
        return project.pk if project else None


class CallSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:call-detail")
    name = serializers.CharField(read_only=True)
    organiser = ProjectOrganisationRefSerializer(read_only=True)
    programme = ProgrammeRefSerializer(read_only=True)
    eligible_countries = ProjectCountryRefSerializer(many=True, read_only=True)
    is_open = serializers.SerializerMethodField()
    closes_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "url",
            "name",
            *WRITABLE_NAME_FIELDS,
            *WRITABLE_DESCRIPTION_FIELDS,
            "kind",
            "organiser",
            "programme",
            "eligible_countries",
            "opens_at",
            "deadline",
            "closes_at",
            "is_open",
            "max_award",
            "currency",
            "status",
            "updated_at",
        ]

    def get_is_open(self, call) -> bool:
        return call.is_open()


class CallApplicationSerializer(StrictInputMixin, serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)

    class Meta:
        model = CallApplication
        fields = ["id", "organisation", "project", "title", "summary", "requested_amount", "status", "submitted_at"]
        read_only_fields = ["status", "submitted_at"]
        validators = []

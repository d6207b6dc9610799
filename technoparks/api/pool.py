"""API of the SCO Pool's Managing Commission: public reads; the Commission's cycle runs through its services.

Pool memberships are served with the technoparks (pool-memberships).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from directory.models import Country
from eaeu_portal.api.permissions import key_allows_writes
from eaeu_portal.api.serializers import StrictInputMixin

from .. import pool_selectors as selectors
from .. import pool_services as services
from ..models import (
    CommissionMeeting,
    CommissionReport,
    CommissionRepresentative,
    Decision,
    DecisionPosition,
    MeetingDocument,
    WorkPlanProposal,
)
from ..pool_choices import MeetingKind, MeetingStatus, Position


def _service_call(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}) from exc


class CommissionWrites(BasePermission):
    """Reads for everyone; the Commission's actions for a signed-in user (or a read-write key), whose right to act for
    a member state or the secretariat the services check (technoparks.pool_services)."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and key_allows_writes(request))


# --- Serializers -------------------------------------------------------------------------------
class CommissionRepresentativeSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso2", read_only=True)

    class Meta:
        model = CommissionRepresentative
        fields = ["id", "country", "full_name", "position", "appointed_on", "ended_on"]


class MeetingDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingDocument
        fields = ["id", "kind", "title", "body", "sent_on"]


class WorkPlanProposalSerializer(StrictInputMixin, serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso2", queryset=Country.objects.all())

    class Meta:
        model = WorkPlanProposal
        fields = ["id", "country", "title", "description", "submitted_on", "status"]
        read_only_fields = ["submitted_on", "status"]


class DecisionPositionSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso2", queryset=Country.objects.all())

    class Meta:
        model = DecisionPosition
        fields = ["country", "position"]


class CommissionDecisionSerializer(serializers.ModelSerializer):
    positions = DecisionPositionSerializer(many=True, read_only=True)
    is_recommendatory = serializers.BooleanField(read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "number",
            "title",
            "text",
            "work_plan",
            "outcome",
            "decided_on",
            "is_recommendatory",
            "protocol_entry",
            "positions",
        ]


class MeetingDeadlinesSerializer(serializers.Serializer):
    proposals_due = serializers.DateField()
    draft_plan_due = serializers.DateField()
    draft_agenda_due = serializers.DateField()
    draft_protocol_due = serializers.DateField(source="draft_agenda_due")


class CommissionMeetingSerializer(serializers.ModelSerializer):
    presiding_country = serializers.CharField(source="presiding_country.iso2", read_only=True)
    host_country = serializers.CharField(source="host_country.iso2", read_only=True, default=None)
    deadlines = MeetingDeadlinesSerializer(source="*", read_only=True)

    class Meta:
        model = CommissionMeeting
        fields = [
            "id",
            "kind",
            "presiding_country",
            "host_country",
            "city",
            "held_on",
            "council_meeting_on",
            "status",
            "deadlines",
        ]


class CommissionMeetingDetailSerializer(CommissionMeetingSerializer):
    documents = MeetingDocumentSerializer(many=True, read_only=True)
    proposals = WorkPlanProposalSerializer(many=True, read_only=True)
    decisions = CommissionDecisionSerializer(many=True, read_only=True)

    class Meta(CommissionMeetingSerializer.Meta):
        fields = [*CommissionMeetingSerializer.Meta.fields, "documents", "proposals", "decisions"]


class RecordPositionSerializer(StrictInputMixin, serializers.Serializer):
    country = serializers.SlugRelatedField(slug_field="iso2", queryset=Country.objects.all())
    position = serializers.ChoiceField(choices=Position.choices)


class CommissionReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommissionReport
        fields = ["id", "year", "title", "body", "meeting", "sent_to_secretariat_on"]


# --- Filters --------------------------------------------------------------------------------------
class MeetingFilterSet(filters.FilterSet):
    presiding_country = filters.CharFilter(field_name="presiding_country__iso2", lookup_expr="iexact")
    kind = filters.MultipleChoiceFilter(choices=MeetingKind.choices)
    status = filters.MultipleChoiceFilter(choices=MeetingStatus.choices)
    # Bounded: a year outside the calendar's range cannot become a date to compare with.
    year = filters.NumberFilter(field_name="held_on__year", min_value=1, max_value=9999)

    class Meta:
        model = CommissionMeeting
        fields = ["presiding_country", "kind", "status", "year"]


class DecisionFilterSet(filters.FilterSet):
    meeting = filters.NumberFilter()
    outcome = filters.CharFilter()

    class Meta:
        model = Decision
        fields = ["meeting", "outcome"]


# --- View sets ------------------------------------------------------------------------------------
class CommissionRepresentativeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommissionRepresentativeSerializer
    filterset_fields = ["commission"]

    def get_queryset(self):
        return selectors.representative_list()


class CommissionMeetingViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = MeetingFilterSet

    def get_queryset(self):
        if self.action == "list":
            return selectors.meeting_list().order_by("-held_on", "pk")
        return selectors.meeting_detail_queryset()

    def get_serializer_class(self):
        if self.action == "proposals":
            return WorkPlanProposalSerializer
        return CommissionMeetingSerializer if self.action == "list" else CommissionMeetingDetailSerializer

    @extend_schema(request=WorkPlanProposalSerializer, responses={201: WorkPlanProposalSerializer})
    @action(detail=True, methods=["post"], permission_classes=[CommissionWrites])
    def proposals(self, request, pk=None):
        """A party's proposal to the work plan; refused after the deadline with the date it was due."""
        meeting = self.get_object()
        serializer = WorkPlanProposalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = _service_call(
            services.proposal_submit, meeting=meeting, user=request.user, **serializer.validated_data
        )
        return Response(WorkPlanProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = DecisionFilterSet

    def get_queryset(self):
        return Decision.objects.select_related("meeting").prefetch_related("positions__country").order_by("pk")

    def get_serializer_class(self):
        return RecordPositionSerializer if self.action == "positions" else CommissionDecisionSerializer

    @extend_schema(request=RecordPositionSerializer, responses=CommissionDecisionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CommissionWrites])
    def positions(self, request, pk=None):
        """Records a member state's position: agree, object or abstain."""
        decision = self.get_object()
        serializer = RecordPositionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _service_call(services.decision_record, decision=decision, user=request.user, **serializer.validated_data)
        return Response(CommissionDecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)

    @extend_schema(request=None, responses=CommissionDecisionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CommissionWrites])
    def adopt(self, request, pk=None):
        """Adopts the decision only by consensus; refused with the missing and objecting states otherwise."""
        decision = self.get_object()
        if request.data:
            # Adopting takes no input: a field sent here would be silently ignored, so it is refused by name.
            raise ValidationError({name: [_("Unknown field.")] for name in request.data})
        _service_call(services.decision_adopt, decision=decision, user=request.user)
        return Response(CommissionDecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)


class CommissionReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommissionReportSerializer

    def get_queryset(self):
        return selectors.report_list().order_by("-year", "pk")

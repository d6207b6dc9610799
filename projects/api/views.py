"""API view sets: reads for the public (published records), writes for the organisation's manager or staff."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from eaeu_portal.api.permissions import key_allows_writes
from eaeu_portal.api.viewsets import LanguageParameterMixin

from .. import selectors, services
from ..filtersets import CallFilterSet, IdeaFilterSet, ProgrammeFilterSet, ProjectFilterSet
from . import serializers


def _service_call(function, **kwargs):
    """Runs a service and turns its Django errors into the API's 400 and 403 answers."""
    try:
        return function(**kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        raise ValidationError(detail) from exc


class ManagerWrites(BasePermission):
    """Reads for everyone; writes for a signed-in user (or a read-write key). Whether the user may act for the
    organisation concerned is the services' rule (projects.permissions.can_manage), answered with 403."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and key_allows_writes(request))


class ProgrammeViewSet(LanguageParameterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ProgrammeSerializer
    filterset_class = ProgrammeFilterSet

    def get_queryset(self):
        return selectors.programme_list(user=self.request.user).order_by("-starts_on", "pk")


class ProjectViewSet(
    LanguageParameterMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    filterset_class = ProjectFilterSet
    permission_classes = [ManagerWrites]

    def get_queryset(self):
        if self.action == "list":
            return selectors.project_list(user=self.request.user).order_by("-member_state_count", "pk")
        return selectors.project_detail_queryset(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ProjectListSerializer
        if self.action in ("create", "update", "partial_update"):
            return serializers.ProjectWriteSerializer
        if self.action == "transition":
            return serializers.ProjectTransitionSerializer
        return serializers.ProjectDetailSerializer

    @staticmethod
    def _split(data: dict) -> tuple[dict, dict]:
        related = {name: data.pop(name) for name in ("clusters", "technoparks", "priorities") if name in data}
        return data, related

    @extend_schema(responses=serializers.ProjectDetailSerializer)
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields, related = self._split(dict(serializer.validated_data))
        project = _service_call(services.project_create, user=request.user, related=related, **fields)
        project = selectors.project_detail_queryset(user=request.user).get(pk=project.pk)
        data = serializers.ProjectDetailSerializer(project, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.ProjectDetailSerializer)
    def update(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields, related = self._split(dict(serializer.validated_data))
        _service_call(services.project_update, project=project, user=request.user, related=related, **fields)
        project = selectors.project_detail_queryset(user=request.user).get(pk=project.pk)
        return Response(serializers.ProjectDetailSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(request=serializers.ProjectTransitionSerializer, responses=serializers.ProjectDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ManagerWrites])
    def transition(self, request, pk=None):
        """Moves the project to another status; refused with the reason when the move is not allowed."""
        project = self.get_object()
        serializer = serializers.ProjectTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _service_call(services.project_transition, project=project, user=request.user, **serializer.validated_data)
        project = selectors.project_detail_queryset(user=request.user).get(pk=project.pk)
        return Response(serializers.ProjectDetailSerializer(project, context=self.get_serializer_context()).data)


class IdeaViewSet(LanguageParameterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.IdeaSerializer
    filterset_class = IdeaFilterSet

    def get_queryset(self):
        return selectors.idea_list(user=self.request.user).order_by("-created_at", "pk")


class CallViewSet(LanguageParameterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CallSerializer
    filterset_class = CallFilterSet

    def get_queryset(self):
        return selectors.call_list(user=self.request.user).order_by("-deadline", "pk")

    def get_serializer_class(self):
        return serializers.CallApplicationSerializer if self.action == "apply" else serializers.CallSerializer

    @extend_schema(
        request=serializers.CallApplicationSerializer, responses={201: serializers.CallApplicationSerializer}
    )
    @action(detail=True, methods=["post"], permission_classes=[ManagerWrites])
    def apply(self, request, pk=None):
        """Applies to the call on behalf of an organisation one manages; a closed call accepts nothing."""
        call = self.get_object()
        serializer = serializers.CallApplicationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = _service_call(
            services.application_submit, call=call, user=request.user, **serializer.validated_data
        )
        return Response(serializers.CallApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

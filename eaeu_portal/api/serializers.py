"""Serializer pieces shared by every app's API: links, geometry input, and writes that go through the models'
own validation and refuse fields they do not take."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from directory.permissions import visible_records

from .errors import django_errors_to_fields

_PK_PLACEHOLDER = 987654321987


def detail_url(context: dict, view_name: str, pk) -> str | None:
    """The absolute URL of a record's API detail. Reverses once per request and view name, then fills in the
    id: a list of a hundred clusters with their members builds thousands of links."""
    templates = context.setdefault("_url_templates", {})
    template = templates.get(view_name)
    if template is None:
        path = reverse(view_name, kwargs={"pk": _PK_PLACEHOLDER})
        request = context.get("request")
        template = request.build_absolute_uri(path) if request is not None else path
        templates[view_name] = template
    return template.replace(str(_PK_PLACEHOLDER), str(pk))


@extend_schema_field({"type": "string", "format": "uri", "readOnly": True})
class DetailUrlField(serializers.Field):
    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(source="pk", read_only=True, **kwargs)

    def to_representation(self, value):
        return detail_url(self.context, self.view_name, value)


class PointField(GeometryField):
    """A GeoJSON Point in longitude/latitude (WGS 84); anything else is refused with a reason."""

    message = _('A location is a GeoJSON Point: {"type": "Point", "coordinates": [longitude, latitude]}.')

    def to_internal_value(self, value):
        if isinstance(value, Mapping) and "crs" in value:
            raise serializers.ValidationError(_("Give coordinates in WGS 84 (longitude, latitude) without a crs."))
        if not isinstance(value, Mapping | str):
            raise serializers.ValidationError(self.message)
        geometry = super().to_internal_value(value)
        if geometry.geom_type != "Point" or geometry.empty or geometry.hasz:
            raise serializers.ValidationError(self.message)
        if geometry.srid not in (None, settings.PORTAL_SRID):
            raise serializers.ValidationError(_("Give coordinates in WGS 84 (longitude, latitude) without a crs."))
        geometry.srid = settings.PORTAL_SRID
        return geometry


class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """A reference to a registry record (an organisation, a cluster…): only records the requester may see are
    accepted, so a write cannot reveal or attach someone else's draft."""

    def get_queryset(self):
        request = self.context.get("request")
        return visible_records(super().get_queryset(), getattr(request, "user", None))


class StrictWriteSerializer(serializers.ModelSerializer):
    """Input for a write. Fields it does not take are refused (a read-only field by name), and the instance is
    validated by the model's full_clean, so the registry's rules answer with the same messages as the admin."""

    # Fields a client may see but never set: the publication workflow and ownership.
    protected_fields = frozenset(
        {
            "id",
            "url",
            "status",
            "status_changed_at",
            "status_changed_by",
            "published_at",
            "created_at",
            "updated_at",
            "created_by",
            "is_demo",
        }
    )

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            extra = [name for name in data if name not in writable]
            if extra:
                raise serializers.ValidationError(
                    {
                        name: [_("This field is read-only.") if name in self.protected_fields else _("Unknown field.")]
                        for name in extra
                    }
                )
        return super().to_internal_value(data)

    def _split_many(self, validated_data: dict) -> dict:
        many_names = [
            name
            for name, field in self.fields.items()
            if isinstance(field, serializers.ManyRelatedField) and name in validated_data
        ]
        return {name: validated_data.pop(name) for name in many_names}

    def _full_clean(self, instance) -> None:
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors_to_fields(exc)) from exc

    @transaction.atomic
    def create(self, validated_data):
        many = self._split_many(validated_data)
        instance = self.Meta.model(**validated_data)
        self._full_clean(instance)
        instance.save()
        for name, value in many.items():
            getattr(instance, name).set(value)
        return instance

    @transaction.atomic
    def update(self, instance, validated_data):
        many = self._split_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        self._full_clean(instance)
        instance.save()
        for name, value in many.items():
            getattr(instance, name).set(value)
        return instance


class FeatureListSerializer(serializers.ListSerializer):
    """Features as a plain list: the pagination wraps them in the FeatureCollection, with count and links."""


def brief_field(serializer_class, view_name: str | None, attributes: tuple[str, ...], *, many: bool = False, **kwargs):
    """A read-only nested reference ({id, url, name…}) built as a plain dict, documented as `serializer_class`.

    Equivalent to nesting `serializer_class`, several times cheaper: a list page nests hundreds of them."""

    @extend_schema_field(serializer_class(many=many, allow_null=kwargs.get("allow_null", False)))
    class BriefField(serializers.Field):
        def to_representation(self, value):
            if many:
                return [self.brief(item) for item in value.all()]
            return self.brief(value)

        def brief(self, item) -> dict:
            data = {"id": item.pk}
            if view_name:
                data["url"] = detail_url(self.context, view_name, item.pk)
            for attribute in attributes:
                data[attribute] = getattr(item, attribute)
            return data

    return BriefField(read_only=True, **kwargs)

"""Serializer pieces shared by every app's API: links, geometry input, and writes that go through the models'
own validation and refuse fields they do not take."""

import math
import re
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
        if isinstance(value, Mapping) and not self._is_point(value):
            # Checked here: GDAL's own messages for a broken object speak of pointers, not of coordinates.
            raise serializers.ValidationError(self.message)
        geometry = super().to_internal_value(value)
        if geometry.geom_type != "Point" or geometry.empty or geometry.hasz:
            raise serializers.ValidationError(self.message)
        if geometry.srid not in (None, settings.PORTAL_SRID):
            raise serializers.ValidationError(_("Give coordinates in WGS 84 (longitude, latitude) without a crs."))
        geometry.srid = settings.PORTAL_SRID
        return geometry

    @staticmethod
    def _is_point(value: Mapping) -> bool:
        coordinates = value.get("coordinates")
        return (
            value.get("type") == "Point"
            and isinstance(coordinates, list)
            and len(coordinates) == 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c) for c in coordinates)
        )


class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """A reference to a registry record (an organisation, a cluster…): only records the requester may see are
    accepted, so a write cannot reveal or attach someone else's draft."""

    def get_queryset(self):
        request = self.context.get("request")
        return visible_records(super().get_queryset(), getattr(request, "user", None))


# Control characters have no place in a name, a description or a reference: they break exports, terminals and
# the database (PostgreSQL refuses NUL). Tabs and line breaks stay allowed in text; format characters such as the
# zero-width non-joiner are not control characters (Persian and other scripts need them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A text without a length of its own in the model (descriptions, notes) is bounded here.
TEXT_MAX_LENGTH = 20_000


def control_character_error(value) -> str | None:
    """The message for a string (or strings inside lists and objects) holding a control character, or None."""
    if isinstance(value, str):
        match = CONTROL_CHARACTERS.search(value)
        if match:
            return _("Control characters (here U+%(code)04X) are not allowed.") % {"code": ord(match.group())}
        return None
    if isinstance(value, Mapping):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        for item in value:
            message = control_character_error(item)
            if message:
                return message
    return None


class StrictInputMixin:
    """Input for a write: fields the serializer does not take are refused by name (a read-only field as such),
    never silently dropped, and so are control characters and texts beyond TEXT_MAX_LENGTH."""

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
            errors = {}
            writable = {name: field for name, field in self.fields.items() if not field.read_only}
            for name, value in data.items():
                if name not in writable:
                    read_only = name in self.protected_fields or name in self.fields
                    errors[name] = [_("This field is read-only.") if read_only else _("Unknown field.")]
                    continue
                message = control_character_error(value)
                if message:
                    errors[name] = [message]
                    continue
                field = writable[name]
                if isinstance(field, serializers.CharField) and field.max_length is None and isinstance(value, str):
                    if len(value) > TEXT_MAX_LENGTH:
                        errors[name] = [
                            _("Ensure this field has no more than %(limit)d characters.") % {"limit": TEXT_MAX_LENGTH}
                        ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    """Input for a write (see StrictInputMixin), validated by the model's full_clean, so the registry's rules
    answer with the same messages as the admin."""

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

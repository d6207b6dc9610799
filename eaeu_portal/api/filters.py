"""Filtering and ordering that refuse what they do not understand, instead of silently returning everything."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from .errors import ApiError, django_errors_to_fields
from .serializers import control_character_error


def refuse_control_characters(query_params) -> None:
    """A query parameter holding a control character is a 400 naming it, on every endpoint, whatever its type."""
    fields = {
        name: [message]
        for name, values in query_params.lists()
        if (message := control_character_error([name, *values]))
    }
    if fields:
        raise ApiError(_("Some filters are invalid."), fields=fields)


# What a yes/no filter understands; django-filter reads anything else as "no filter", which would return everything.
BOOLEAN_VALUES = frozenset({"true", "false", "1", "0"})


def refuse_unreadable_booleans(query_params, filterset) -> None:
    fields = {
        name: [_("Give true or false.")]
        for name, declared in filterset.filters.items()
        if isinstance(declared, BooleanFilter)
        and name in query_params
        and query_params[name].strip().lower() not in BOOLEAN_VALUES | {""}
    }
    if fields:
        raise ApiError(_("Some filters are invalid."), fields=fields)


class RegistryFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        refuse_control_characters(request.query_params)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        refuse_unreadable_booleans(request.query_params, filterset)
        # Every parameter, the bounding box and distance included, is checked by the form: errors name it.
        if not filterset.is_valid():
            raise ApiError(_("Some filters are invalid."), fields=django_errors_to_fields_from_form(filterset.errors))
        try:
            return filterset.qs
        except DjangoValidationError as exc:
            raise ApiError(_("Some filters are invalid."), fields=django_errors_to_fields(exc)) from exc

    def query_parameters(self, view) -> set[str]:
        filterset_class = getattr(view, "filterset_class", None)
        return set(filterset_class.base_filters) if filterset_class else set()


def django_errors_to_fields_from_form(errors) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in errors.items()}


class StrictOrderingFilter(OrderingFilter):
    """`ordering=-updated_at,name_en`; an unknown field is a 400 listing the allowed ones. Ties break on id, so
    pages never overlap."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params is None:
            return self.get_default_ordering(view)
        fields = [param.strip() for param in params.split(",") if param.strip()]
        allowed = self.allowed_fields(view)
        unknown = [field for field in fields if field.lstrip("-") not in allowed]
        if unknown or not fields:
            raise ApiError(
                _("Order by one or more of: %(fields)s (prefix with - for descending).")
                % {"fields": ", ".join(sorted(allowed))},
                fields={self.ordering_param: [_("Unknown: %(fields)s") % {"fields": ", ".join(unknown) or "—"}]},
            )
        if not any(field.lstrip("-") == "id" for field in fields):
            fields.append("id")
        return fields

    def allowed_fields(self, view) -> set[str]:
        return {field for field in getattr(view, "ordering_fields", ()) if isinstance(field, str)}

    def get_default_ordering(self, view):
        ordering = list(getattr(view, "ordering", None) or ["id"])
        return ordering if "id" in ordering else [*ordering, "id"]

    def query_parameters(self, view) -> set[str]:
        return {self.ordering_param} if getattr(view, "ordering_fields", None) else set()

    def get_schema_operation_parameters(self, view):
        allowed = sorted(self.allowed_fields(view))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Comma-separated fields; prefix with - for descending. One of: " + ", ".join(allowed),
                "schema": {"type": "string", "pattern": self.pattern(allowed)},
            }
        ]

    @staticmethod
    def pattern(allowed: list[str]) -> str:
        field = "-?(" + "|".join(allowed) + ")"
        return f"^{field}(,{field})*$"

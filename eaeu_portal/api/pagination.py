"""Pages of a capped size, and a cursor mode for full syncs.

Page mode (the default): `page` and `page_size` (at most API_MAX_PAGE_SIZE); the body has `count`, `next`,
`previous` and `results`.

Cursor mode, for partners who copy the registry: send `cursor` (empty for the first page) and follow `next` until
it is null. Rows come in the order of the view set's `cursor_ordering`: (updated_at, id) for registry records, id for
reference data. The cursor holds the last row's key, not an offset, so rows added, changed or deleted during the
sync never shift the pages: a record changed meanwhile moves to the end and is seen again in its new state.
"""

import base64
import binascii
import datetime
import json
from collections import OrderedDict

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .errors import ApiError


def _positive_int(value: str, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ApiError(fields={name: [_("A positive whole number is required.")]})
    return number


class RegistryPagination(BasePagination):
    page_query_param = "page"
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    results_key = "results"

    def default_page_size(self) -> int:
        return settings.API_PAGE_SIZE

    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    # --- Parameters -----------------------------------------------------------------------
    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.default_page_size()
        size = _positive_int(raw, self.page_size_query_param)
        if size > self.max_page_size():
            raise ApiError(
                _("Ask for at most %(max)s rows per page.") % {"max": self.max_page_size()},
                code="page_size_too_large",
                fields={self.page_size_query_param: [_("At most %(max)s.") % {"max": self.max_page_size()}]},
            )
        return size

    def query_parameters(self, view) -> set[str]:
        return {self.page_query_param, self.page_size_query_param, self.cursor_query_param}

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.cursor_mode = self.cursor_query_param in request.query_params
        if self.cursor_mode:
            return self._paginate_by_cursor(queryset, request, view)
        return self._paginate_by_page(queryset, request)

    # --- Page mode ------------------------------------------------------------------------
    def _paginate_by_page(self, queryset, request):
        raw = request.query_params.get(self.page_query_param, "1")
        number = _positive_int(raw, self.page_query_param)
        paginator = Paginator(queryset, self.page_size)
        try:
            self.page = paginator.page(number)
        except EmptyPage as exc:
            raise ApiError(
                _("There is no page %(page)s: the last one is %(last)s.")
                % {"page": number, "last": paginator.num_pages},
                code="not_found",
                fields={self.page_query_param: [_("Out of range.")]},
                status_code=404,
            ) from exc
        return list(self.page)

    def _page_link(self, number: int | None) -> str | None:
        if number is None:
            return None
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    # --- Cursor mode ----------------------------------------------------------------------
    def _ordering(self, view) -> tuple[str, ...]:
        return tuple(getattr(view, "cursor_ordering", ("id",)))

    def _decode(self, token: str, ordering: tuple[str, ...]) -> list | None:
        if not token:
            return None
        try:
            values = json.loads(base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            values = None
        valid = isinstance(values, list) and len(values) == len(ordering)
        if valid:
            for index, field in enumerate(ordering):
                if field == "id":
                    valid = valid and isinstance(values[index], int) and not isinstance(values[index], bool)
                else:
                    values[index] = parse_datetime(values[index]) if isinstance(values[index], str) else None
                    valid = valid and values[index] is not None
        if not valid:
            raise ApiError(
                _("This cursor is not one the API gave out: start again with an empty cursor."),
                code="invalid_cursor",
                fields={self.cursor_query_param: [_("Invalid cursor.")]},
            )
        return values

    @staticmethod
    def _encode(values: list) -> str:
        plain = [v.isoformat() if isinstance(v, datetime.datetime) else v for v in values]
        return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")

    def _paginate_by_cursor(self, queryset, request, view):
        if self.page_query_param in request.query_params:
            raise ApiError(
                _("Use either page or cursor, not both."), fields={self.page_query_param: [_("Not with cursor.")]}
            )
        if "ordering" in request.query_params:
            raise ApiError(
                _("Cursor pages have a fixed order; leave out the ordering parameter."),
                fields={"ordering": [_("Not with cursor.")]},
            )
        ordering = self._ordering(view)
        position = self._decode(request.query_params[self.cursor_query_param], ordering)
        if position is not None:
            queryset = queryset.filter(self._after(ordering, position))
        rows = list(queryset.order_by(*ordering)[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.next_position = [getattr(rows[-1], f) for f in ordering] if self.has_next else None
        return rows

    @staticmethod
    def _after(ordering: tuple[str, ...], position: list) -> Q:
        """Rows strictly after `position` in the (a, b, …) order: a > x OR (a = x AND b > y) …"""
        condition = Q()
        for index in range(len(ordering) - 1, -1, -1):
            step = Q(**{f"{ordering[index]}__gt": position[index]})
            if index < len(ordering) - 1:
                step |= Q(**{ordering[index]: position[index]}) & condition
            condition = step
        return condition

    def _cursor_link(self) -> str | None:
        if self.next_position is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self._encode(self.next_position))

    # --- Responses ------------------------------------------------------------------------
    def envelope(self, data) -> OrderedDict:
        if self.cursor_mode:
            return OrderedDict([("next", self._cursor_link()), ("previous", None), (self.results_key, data)])
        page = self.page
        return OrderedDict(
            [
                ("count", page.paginator.count),
                ("next", self._page_link(page.next_page_number() if page.has_next() else None)),
                ("previous", self._page_link(page.previous_page_number() if page.has_previous() else None)),
                (self.results_key, data),
            ]
        )

    def get_paginated_response(self, data):
        return Response(self.envelope(data))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", self.results_key],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Rows matching the filters (page mode only).",
                    "example": 123,
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": "https://registry.example.org/api/v1/clusters/?page=3",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": "https://registry.example.org/api/v1/clusters/?page=1",
                },
                self.results_key: schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows per page (default {self.default_page_size()}, at most {self.max_page_size()}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size()},
            },
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": (
                    "Cursor mode for full syncs: send it empty for the first page, then follow `next`. "
                    f"Rows in the order {', '.join(self._ordering(view))}; not combinable with page or ordering."
                ),
                "schema": {"type": "string"},
                "allowEmptyValue": True,
            },
        ]


class GeoJsonPagination(RegistryPagination):
    """The same modes with a FeatureCollection body; larger pages, since a feature is only what a marker needs."""

    results_key = "features"

    def default_page_size(self) -> int:
        return settings.API_GEOJSON_PAGE_SIZE

    def max_page_size(self) -> int:
        return settings.API_GEOJSON_MAX_PAGE_SIZE

    def get_paginated_response(self, data):
        body = self.envelope(data)
        return Response(OrderedDict([("type", "FeatureCollection"), *body.items()]))

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        body["properties"] = {
            "type": {"type": "string", "enum": ["FeatureCollection"], "example": "FeatureCollection"},
            **body["properties"],
        }
        body["required"] = ["type", *body["required"]]
        return body

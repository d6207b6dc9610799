"""Base view sets: strict query parameters, conditional GET with ETags, created records start as drafts."""

import hashlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from directory.choices import PublicationStatus

from .errors import ApiError
from .filters import RegistryFilterBackend, StrictOrderingFilter, refuse_control_characters
from .pagination import GeoJsonPagination, RegistryPagination
from .permissions import RegistryPermission

# Responses differ by language, by who asks and by what format is accepted: shared caches must keep them apart.
VARY = ("Accept", "Accept-Language", "Cookie", "Authorization", "X-API-Key")
# Chooses the language of names, descriptions and messages; it wins over Accept-Language.
LANGUAGE_PARAMETER = "lang"


def supported_language(value: str) -> str | None:
    """The interface language a `lang` value names ("zh-hans", "zh_Hans", "zh", "ru-RU"…), or None."""
    code = value.strip().lower().replace("_", "-")
    if not code or len(code) > 35:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [tag.strip() for tag in header.split(",")]
    bare = etag.removeprefix("W/")
    return "*" in candidates or any(candidate.removeprefix("W/") == bare for candidate in candidates)


class ConditionalGetMixin:
    """An ETag on every successful GET (a digest of the body, so it changes whenever anything shown changes),
    and 304 Not Modified when the client's If-None-Match already holds it."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, VARY)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache" if request.user.is_authenticated else "no-cache"
        if _etag_matches(request.headers.get("If-None-Match", ""), etag):
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Cache-Control", "Vary"):
                not_modified[header] = response[header]
            return not_modified
        return response


class LanguageParameterMixin:
    """`?lang=` activates an interface language for the request, so that a partner can choose it in a link where
    setting Accept-Language is not possible. A value naming no interface language is a 400 listing the ones there
    are; the check comes after authentication and throttling, as for any other bad parameter."""

    def initial(self, request, *args, **kwargs):
        value = request.query_params.get(LANGUAGE_PARAMETER)
        language = supported_language(value) if value is not None else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = request._request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)
        if value is not None and not language:
            codes = ", ".join(code for code, _name in settings.LANGUAGES)
            message = _("lang must be one of: %(codes)s.") % {"codes": codes}
            raise ApiError(message, code="invalid", fields={LANGUAGE_PARAMETER: [message]})


class StrictQueryMixin(LanguageParameterMixin):
    """A query parameter the endpoint does not know is a 400 naming it: a partner's typo must not return
    everything as if no filter had been given."""

    extra_query_parameters: frozenset[str] = frozenset()

    def known_query_parameters(self) -> set[str]:
        known = set(self.extra_query_parameters) | {LANGUAGE_PARAMETER}
        if self.detail:
            return known
        for backend in self.filter_backends:
            known |= backend().query_parameters(self) if hasattr(backend, "query_parameters") else set()
        if self.pagination_class is not None:
            known |= self.pagination_class().query_parameters(self)
        return known

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_control_characters(request.query_params)
        unknown = sorted(set(request.query_params) - self.known_query_parameters())
        if unknown:
            known = sorted(self.known_query_parameters())
            raise ApiError(
                _("Unknown query parameters: %(unknown)s. This endpoint accepts: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(known) or "—"},
                code="unknown_parameter",
                fields={name: [_("Unknown parameter.")] for name in unknown},
            )


class ApiViewSetMixin(StrictQueryMixin, ConditionalGetMixin):
    pagination_class = RegistryPagination
    filter_backends = [RegistryFilterBackend, StrictOrderingFilter]
    permission_classes = [RegistryPermission]
    # (updated_at, id) for records partners sync; reference data has no updated_at and pages by id.
    cursor_ordering: tuple[str, ...] = ("id",)


class ReadOnlyViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RegistryViewSet(
    ApiViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """A registry record: read by whoever may see it, written by its manager and staff.

    `serializer_class` shapes list rows, `detail_serializer_class` a single record (and every write's answer, so
    a write returns exactly what a later GET does), `write_serializer_class` validates input.
    """

    cursor_ordering = ("updated_at", "id")
    detail_serializer_class = None
    write_serializer_class = None
    # A new publishable record is its creator's draft; memberships and residencies have no state of their own.
    creates_drafts = True

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        if self.action == "list":
            return self.serializer_class
        return self.detail_serializer_class or self.serializer_class

    def perform_create(self, serializer):
        if self.creates_drafts:
            # Status and ownership are never taken from input (they are read-only in the write serializer).
            serializer.save(created_by=self.request.user, status=PublicationStatus.DRAFT, published_at=None)
        else:
            serializer.save()

    def _read_response(self, pk, status_code: int, headers=None) -> Response:
        # Read back through the view set's queryset: the answer has the same joins, rules and shape as a GET.
        instance = self.get_queryset().get(pk=pk)
        serializer_class = self.detail_serializer_class or self.serializer_class
        data = serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=headers)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        response = self._read_response(serializer.instance.pk, status.HTTP_201_CREATED)
        if isinstance(response.data, dict) and response.data.get("url"):
            response["Location"] = response.data["url"]
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return self._read_response(instance.pk, status.HTTP_200_OK)


class GeoJsonMixin:
    """Adds `…/geojson/` to a view set that gives `geo_serializer_class` and `get_geojson_queryset`."""

    geo_serializer_class = None

    def get_geojson_queryset(self):
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_geojson_queryset()")

    @action(detail=False, methods=["get"], url_path="geojson", pagination_class=GeoJsonPagination)
    def geojson(self, request, *args, **kwargs):
        """The same list with the same filters, as a GeoJSON FeatureCollection for maps and GIS tools (QGIS,
        GDAL's ogr2ogr). Features carry only what a marker needs; details come from the detail endpoint. Records
        without a geometry are left out. Pages are larger than elsewhere (see page_size)."""
        queryset = self.filter_queryset(self.get_geojson_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.geo_serializer_class(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

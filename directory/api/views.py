"""Reference data (read-only; it changes through the admin) and organisations (written by their managers)."""

from drf_spectacular.utils import extend_schema_view

from eaeu_portal.api.viewsets import GeoJsonMixin, ReadOnlyViewSet, RegistryViewSet

from .. import selectors
from ..filtersets import BlocFilterSet, CountryFilterSet, OrganisationFilterSet, RegionFilterSet, SectorFilterSet
from ..models import Country, Organisation, Region
from ..permissions import visible_records
from . import examples
from .serializers import (
    BlocSerializer,
    CountryFeatureSerializer,
    CountrySerializer,
    OrganisationFeatureSerializer,
    OrganisationSerializer,
    OrganisationWriteSerializer,
    RegionFeatureSerializer,
    RegionSerializer,
    SectorSerializer,
)

NAME_ORDERING = ("name_en", "name_ru", "name_original")


@extend_schema_view(**examples.COUNTRIES)
class CountryViewSet(GeoJsonMixin, ReadOnlyViewSet):
    """Countries with their ISO codes and the blocs they belong to today."""

    serializer_class = CountrySerializer
    geo_serializer_class = CountryFeatureSerializer
    filterset_class = CountryFilterSet
    ordering = ["name_en"]
    ordering_fields = ("id", "iso2", "iso3", *NAME_ORDERING)

    def get_queryset(self):
        return selectors.country_list()

    def get_geojson_queryset(self):
        return Country.objects.filter(boundary__isnull=False).only("id", "iso2", *NAME_ORDERING, "name_zh", "boundary")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("list", "retrieve"):
            context["bloc_codes"] = selectors.current_bloc_codes_by_country()
        return context


@extend_schema_view(**examples.BLOCS)
class BlocViewSet(ReadOnlyViewSet):
    """The integration blocs (EAEU, SCO, the Union State) and their member states over time."""

    serializer_class = BlocSerializer
    filterset_class = BlocFilterSet
    ordering = ["code"]
    ordering_fields = ("id", "code", "founded_on", *NAME_ORDERING)

    def get_queryset(self):
        return selectors.bloc_list()


@extend_schema_view(**examples.REGIONS)
class RegionViewSet(GeoJsonMixin, ReadOnlyViewSet):
    """First-level administrative regions (ISO 3166-2) of the member states."""

    serializer_class = RegionSerializer
    geo_serializer_class = RegionFeatureSerializer
    filterset_class = RegionFilterSet
    ordering = ["country__iso2", "name_en"]
    ordering_fields = ("id", "iso_code", *NAME_ORDERING)

    def get_queryset(self):
        return selectors.region_list()

    def get_geojson_queryset(self):
        return Region.objects.filter(boundary__isnull=False).only(
            "id", "iso_code", "country_id", *NAME_ORDERING, "name_zh", "boundary"
        )


@extend_schema_view(**examples.SECTORS)
class SectorViewSet(ReadOnlyViewSet):
    """NACE Rev. 2 sections and divisions (OKVED 2 shares the codes)."""

    serializer_class = SectorSerializer
    filterset_class = SectorFilterSet
    ordering = ["section_code", "level", "code"]
    ordering_fields = ("id", "code", "section_code", "level", *NAME_ORDERING)

    def get_queryset(self):
        return selectors.sector_list()


@extend_schema_view(**examples.ORGANISATIONS)
class OrganisationViewSet(GeoJsonMixin, RegistryViewSet):
    """Companies, universities, research institutes and other organisations: cluster members, technopark
    residents and operators."""

    serializer_class = OrganisationSerializer
    write_serializer_class = OrganisationWriteSerializer
    geo_serializer_class = OrganisationFeatureSerializer
    filterset_class = OrganisationFilterSet
    ordering = ["name_en", "name_original"]
    ordering_fields = ("id", "updated_at", "published_at", "kind", "city", *NAME_ORDERING)

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)

    def get_geojson_queryset(self):
        return visible_records(
            Organisation.objects.filter(location__isnull=False).only(
                "id", "kind", *NAME_ORDERING, "name_zh", "location", "status", "created_by"
            ),
            self.request.user,
        )

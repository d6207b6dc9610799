from django.db.models import Prefetch
from rest_framework.viewsets import ReadOnlyModelViewSet

from eaeu_portal.api.viewsets import LanguageParameterMixin

from ..filtersets import (
    IndicatorFilterSet,
    IndicatorValueFilterSet,
    PriorityFilterSet,
    PriorityListFilterSet,
    SpecialisationProfileFilterSet,
    TrendFilterSet,
)
from ..models import Indicator, IndicatorValue, Priority, PriorityList, PriorityListEntry, Trend
from ..selectors import specialisation_profiles
from .serializers import (
    IndicatorSerializer,
    IndicatorValueSerializer,
    PriorityListSerializer,
    PrioritySerializer,
    SpecialisationProfileSerializer,
    TrendSerializer,
)


class PriorityViewSet(LanguageParameterMixin, ReadOnlyModelViewSet):
    """The S&T priority taxonomy: areas, priorities and critical technologies."""

    queryset = Priority.objects.select_related("parent").order_by("code")
    serializer_class = PrioritySerializer
    filterset_class = PriorityFilterSet


class PriorityListViewSet(LanguageParameterMixin, ReadOnlyModelViewSet):
    """National priority lists of countries and common lists of blocs, with their entries."""

    queryset = (
        PriorityList.objects.select_related("country", "bloc")
        .prefetch_related(Prefetch("entries", PriorityListEntry.objects.select_related("priority")))
        .order_by("scope", "code")
    )
    serializer_class = PriorityListSerializer
    filterset_class = PriorityListFilterSet


class TrendViewSet(LanguageParameterMixin, ReadOnlyModelViewSet):
    """S&T trends with their signals and linked priorities."""

    queryset = Trend.objects.prefetch_related("priorities", "signals").order_by("horizon_year", "code")
    serializer_class = TrendSerializer
    filterset_class = TrendFilterSet


class SpecialisationProfileViewSet(LanguageParameterMixin, ReadOnlyModelViewSet):
    """Regional smart specialisation: priorities, sectors, stakeholders, goals and SWOT."""

    queryset = (
        specialisation_profiles()
        .prefetch_related("sector_choices__sector", "stakeholders", "goals__priority", "swot_items")
        .order_by("region__iso_code")
    )
    serializer_class = SpecialisationProfileSerializer
    filterset_class = SpecialisationProfileFilterSet


class IndicatorViewSet(LanguageParameterMixin, ReadOnlyModelViewSet):
    """Definitions of S&T indicators (Frascati and Oslo manuals)."""

    queryset = Indicator.objects.order_by("sort_order", "code")
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet


class IndicatorValueViewSet(LanguageParameterMixin, ReadOnlyModelViewSet):
    """Yearly values of S&T indicators by country or region."""

    queryset = IndicatorValue.objects.select_related("indicator", "country", "region").order_by(
        "indicator__sort_order", "indicator__code", "country__iso2", "region__iso_code", "year"
    )
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilterSet

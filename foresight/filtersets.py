"""Filters shared by the foresight pages and the API."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import Bloc, Country, Region

from .choices import IndicatorManual, IndicatorUnit, PriorityLevel, PriorityListScope, TrendImpact
from .models import Indicator, IndicatorValue, Priority, PriorityList, SpecialisationProfile, Trend


def name_query(prefix: str = "") -> callable:
    def method(queryset, _name, value):
        condition = Q()
        for field in ("name_en", "name_ru", "name_original"):
            condition |= Q(**{f"{prefix}{field}__icontains": value})
        return queryset.filter(condition)

    return method


class PriorityFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    code = filters.CharFilter(lookup_expr="istartswith", label=_("Code starts with"))
    level = filters.ChoiceFilter(choices=PriorityLevel.choices)
    parent = filters.ModelChoiceFilter(queryset=Priority.objects.all(), label=_("Parent (id)"))
    parent_code = filters.CharFilter(field_name="parent__code", label=_("Parent (code)"))
    listed_by_country = filters.CharFilter(
        method="filter_listed_by_country", label=_("Listed by country (ISO alpha-2)")
    )
    listed_by_bloc = filters.CharFilter(method="filter_listed_by_bloc", label=_("Listed by bloc (code)"))

    class Meta:
        model = Priority
        fields = ["q", "code", "level", "parent", "parent_code"]

    def filter_q(self, queryset, name, value):
        return name_query()(queryset, name, value) | queryset.filter(code__icontains=value)

    def filter_listed_by_country(self, queryset, _name, value):
        return queryset.filter(list_entries__priority_list__country__iso2=value.upper()).distinct()

    def filter_listed_by_bloc(self, queryset, _name, value):
        return queryset.filter(list_entries__priority_list__bloc__code=value.lower()).distinct()


class PriorityListFilterSet(filters.FilterSet):
    q = filters.CharFilter(method=name_query(), label=_("Search"))
    scope = filters.ChoiceFilter(choices=PriorityListScope.choices)
    country = filters.ModelChoiceFilter(queryset=Country.objects.all(), label=_("Country (id)"))
    country_iso2 = filters.CharFilter(
        field_name="country__iso2", lookup_expr="iexact", label=_("Country (ISO alpha-2)")
    )
    bloc = filters.ModelChoiceFilter(queryset=Bloc.objects.all(), label=_("Bloc (id)"))
    bloc_code = filters.CharFilter(field_name="bloc__code", lookup_expr="iexact", label=_("Bloc (code)"))
    year_adopted = filters.NumberFilter()
    year_adopted_min = filters.NumberFilter(field_name="year_adopted", lookup_expr="gte")
    is_current = filters.BooleanFilter()
    is_approximate = filters.BooleanFilter()
    priority_code = filters.CharFilter(
        field_name="entries__priority__code", distinct=True, label=_("Contains the priority (code)")
    )

    class Meta:
        model = PriorityList
        fields = [
            "q",
            "code",
            "scope",
            "country",
            "country_iso2",
            "bloc",
            "bloc_code",
            "year_adopted",
            "is_current",
            "is_approximate",
        ]


class TrendFilterSet(filters.FilterSet):
    q = filters.CharFilter(method=name_query(), label=_("Search"))
    impact = filters.ChoiceFilter(choices=TrendImpact.choices)
    horizon_year = filters.NumberFilter()
    horizon_year_max = filters.NumberFilter(field_name="horizon_year", lookup_expr="lte")
    priority = filters.ModelChoiceFilter(
        field_name="priorities", queryset=Priority.objects.all(), distinct=True, label=_("Priority (id)")
    )
    priority_code = filters.CharFilter(field_name="priorities__code", distinct=True, label=_("Priority (code)"))
    is_demo = filters.BooleanFilter()

    class Meta:
        model = Trend
        fields = ["q", "code", "impact", "horizon_year", "priority", "priority_code", "is_demo"]


class SpecialisationProfileFilterSet(filters.FilterSet):
    q = filters.CharFilter(method=name_query("region__"), label=_("Search"))
    region = filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("Region (id)"))
    region_code = filters.CharFilter(
        field_name="region__iso_code", lookup_expr="iexact", label=_("Region (ISO 3166-2)")
    )
    country = filters.ModelChoiceFilter(
        field_name="region__country", queryset=Country.objects.all(), label=_("Country (id)")
    )
    country_iso2 = filters.CharFilter(
        field_name="region__country__iso2", lookup_expr="iexact", label=_("Country (ISO alpha-2)")
    )
    priority_code = filters.CharFilter(method="filter_priority_code", label=_("Specialised in (priority code)"))
    min_strength = filters.NumberFilter(method="filter_min_strength", label=_("Minimum strength (with priority_code)"))
    is_demo = filters.BooleanFilter()

    class Meta:
        model = SpecialisationProfile
        fields = ["q", "region", "region_code", "country", "country_iso2", "is_demo", "adopted_year"]

    def filter_priority_code(self, queryset, _name, value):
        condition = (
            Q(priority_choices__priority__code=value)
            | Q(priority_choices__priority__parent__code=value)
            | Q(priority_choices__priority__parent__parent__code=value)
        )
        strength = self.data.get("min_strength")
        if strength not in (None, ""):
            try:
                condition &= Q(priority_choices__strength__gte=int(strength))
            except ValueError:
                return queryset.none()
        return queryset.filter(condition).distinct()

    def filter_min_strength(self, queryset, _name, _value):
        # Applied together with priority_code, which reads it.
        return queryset


class IndicatorFilterSet(filters.FilterSet):
    q = filters.CharFilter(method=name_query(), label=_("Search"))
    unit = filters.ChoiceFilter(choices=IndicatorUnit.choices)
    manual = filters.ChoiceFilter(choices=IndicatorManual.choices)

    class Meta:
        model = Indicator
        fields = ["q", "code", "unit", "manual"]


class IndicatorValueFilterSet(filters.FilterSet):
    indicator = filters.ModelChoiceFilter(queryset=Indicator.objects.all(), label=_("Indicator (id)"))
    indicator_code = filters.CharFilter(field_name="indicator__code", label=_("Indicator (code)"))
    country = filters.ModelChoiceFilter(queryset=Country.objects.all(), label=_("Country (id)"))
    country_iso2 = filters.CharFilter(
        field_name="country__iso2", lookup_expr="iexact", label=_("Country (ISO alpha-2)")
    )
    region = filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("Region (id)"))
    region_code = filters.CharFilter(
        field_name="region__iso_code", lookup_expr="iexact", label=_("Region (ISO 3166-2)")
    )
    year = filters.NumberFilter()
    year_min = filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = filters.NumberFilter(field_name="year", lookup_expr="lte")
    unit = filters.ChoiceFilter(choices=IndicatorUnit.choices)
    is_approximate = filters.BooleanFilter()
    q = filters.CharFilter(method="filter_q", label=_("Search (indicator or source)"))

    class Meta:
        model = IndicatorValue
        fields = [
            "indicator",
            "indicator_code",
            "country",
            "country_iso2",
            "region",
            "region_code",
            "year",
            "unit",
            "is_approximate",
            "source",
        ]

    def filter_q(self, queryset, _name, value):
        return queryset.filter(
            Q(indicator__code__icontains=value) | Q(indicator__name_en__icontains=value) | Q(source__icontains=value)
        )

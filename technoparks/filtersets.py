from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from clusters.filtersets import technology_q_ids
from directory.filtersets import RegistryFilterSet, sector_q, semi_join
from directory.models import Region

from .choices import PoolStatus, TechnoparkKind, TechnoparkService
from .models import PoolMembership, Residency, Technopark

POOL_ACTIVE = [PoolStatus.NOMINATED, PoolStatus.ADMITTED]


class TechnoparkFilterSet(RegistryFilterSet):
    kind = filters.MultipleChoiceFilter(choices=TechnoparkKind.choices, label=_("Kind"), distinct=False)
    region = filters.ModelMultipleChoiceFilter(queryset=Region.objects.all(), label=_("Region (id)"), distinct=False)
    region_code = filters.CharFilter(
        field_name="region__iso_code", lookup_expr="iexact", label=_("Region (ISO 3166-2)")
    )
    sector = filters.CharFilter(method="filter_sector", label=_("Sector code (a section includes its divisions)"))
    technology = filters.CharFilter(method="filter_technology", label=_("Technology or priority (code or id)"))
    founded_min = filters.NumberFilter(field_name="founded_year", lookup_expr="gte", label=_("Founded in or after"))
    founded_max = filters.NumberFilter(field_name="founded_year", lookup_expr="lte", label=_("Founded in or before"))
    sco_pool = filters.BooleanFilter(method="filter_sco_pool", label=_("In the SCO Pool"))
    sandbox = filters.BooleanFilter(field_name="sandbox_available", label=_("Experimental legal regime available"))
    service = filters.MultipleChoiceFilter(
        choices=TechnoparkService.choices, method="filter_service", label=_("Offers the service")
    )
    operator = filters.NumberFilter(field_name="operator", label=_("Operator (organisation id)"))
    resident = filters.NumberFilter(method="filter_resident", label=_("Has resident (organisation id)"))
    free_land_min = filters.NumberFilter(
        field_name="land_free_ha", lookup_expr="gte", label=_("Free land at least (ha)")
    )
    free_premises_min = filters.NumberFilter(
        field_name="premises_free_m2", lookup_expr="gte", label=_("Free premises at least (m²)")
    )

    class Meta:
        model = Technopark
        fields = [
            "q",
            "country",
            "country_code",
            "bloc",
            "region",
            "region_code",
            "kind",
            "sector",
            "technology",
            "founded_min",
            "founded_max",
            "sco_pool",
            "sandbox",
            "service",
            "operator",
            "resident",
            "free_land_min",
            "free_premises_min",
            "status",
            "updated_since",
            "bbox",
            "near",
        ]

    # To-many relations filter by a semi-join (directory.filtersets.semi_join), never by DISTINCT.
    def filter_sector(self, qs, name, value):
        return semi_join(qs, sector_q(value, "sectors"))

    def filter_technology(self, qs, name, value):
        return semi_join(qs, Q(technologies__in=technology_q_ids(value)))

    def filter_resident(self, qs, name, value):
        return semi_join(qs, Q(residencies__organisation=value))

    def filter_sco_pool(self, qs, name, value):
        in_pool = Q(pool_memberships__status__in=POOL_ACTIVE)
        return semi_join(qs, in_pool) if value else qs.exclude(in_pool)

    def filter_service(self, qs, name, value):
        return qs.filter(services__contains=list(value)) if value else qs


class ResidencyFilterSet(filters.FilterSet):
    technopark = filters.NumberFilter()
    organisation = filters.NumberFilter()
    current = filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label=_("Current residents only"))

    class Meta:
        model = Residency
        fields = ["technopark", "organisation", "current"]


class PoolMembershipFilterSet(filters.FilterSet):
    nominated_by = filters.CharFilter(field_name="nominated_by__iso2", lookup_expr="iexact")
    status = filters.MultipleChoiceFilter(choices=PoolStatus.choices)

    class Meta:
        model = PoolMembership
        fields = ["nominated_by", "status"]

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from directory.filtersets import RegistryFilterSet, sector_q, semi_join
from directory.models import Region
from foresight.models import Priority

from .choices import ClusterKind
from .models import Cluster, Membership


def technology_q_ids(value: str) -> list[int]:
    """A taxonomy node given by code or id, with every node below it."""
    value = value.strip()
    node = Priority.objects.filter(code=value).first() or (
        Priority.objects.filter(pk=int(value)).first() if value.isdigit() else None
    )
    if node is None:
        return []
    ids, frontier = [node.pk], [node.pk]
    while frontier:
        frontier = list(Priority.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


class ClusterFilterSet(RegistryFilterSet):
    kind = filters.MultipleChoiceFilter(choices=ClusterKind.choices, label=_("Kind"), distinct=False)
    region = filters.ModelMultipleChoiceFilter(
        field_name="regions", queryset=Region.objects.all(), label=_("Region covered (id)"), method="filter_region"
    )
    region_code = filters.CharFilter(method="filter_region_code", label=_("Region covered (ISO 3166-2)"))
    sector = filters.CharFilter(method="filter_sector", label=_("Sector code (a section includes its divisions)"))
    technology = filters.CharFilter(method="filter_technology", label=_("Technology or priority (code or id)"))
    founded_min = filters.NumberFilter(field_name="founded_year", lookup_expr="gte", label=_("Founded in or after"))
    founded_max = filters.NumberFilter(field_name="founded_year", lookup_expr="lte", label=_("Founded in or before"))
    sco_pool = filters.BooleanFilter(method="filter_sco_pool", label=_("In the SCO Pool"))
    member = filters.NumberFilter(method="filter_member", label=_("Has member (organisation id)"))

    class Meta:
        model = Cluster
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
            "member",
            "status",
            "updated_since",
            "bbox",
            "near",
        ]

    # To-many relations filter by a semi-join (directory.filtersets.semi_join), never by DISTINCT.
    def filter_region(self, qs, name, value):
        return semi_join(qs, Q(regions__in=value)) if value else qs

    def filter_region_code(self, qs, name, value):
        return semi_join(qs, Q(regions__iso_code__iexact=value.strip()))

    def filter_sector(self, qs, name, value):
        return semi_join(qs, sector_q(value, "primary_sector", "secondary_sectors"))

    def filter_technology(self, qs, name, value):
        return semi_join(qs, Q(technologies__in=technology_q_ids(value)))

    def filter_member(self, qs, name, value):
        return semi_join(qs, Q(memberships__organisation=value))

    def filter_sco_pool(self, qs, name, value):
        # The Pool lives in the technoparks app; a reverse relation keeps this app free of that import.
        in_pool = Q(pool_memberships__status__in=["nominated", "admitted"])
        return semi_join(qs, in_pool) if value else qs.exclude(in_pool)


class MembershipFilterSet(filters.FilterSet):
    cluster = filters.NumberFilter()
    organisation = filters.NumberFilter()
    role = filters.CharFilter()
    current = filters.BooleanFilter(field_name="left_on", lookup_expr="isnull", label=_("Current members only"))

    class Meta:
        model = Membership
        fields = ["cluster", "organisation", "role", "current"]

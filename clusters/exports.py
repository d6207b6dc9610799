"""Clusters (with their members) and their yearly indicators as open datasets.

The columns are read back by clusters/imports.py. Members are one cell: “RU/1655065554=anchor; KZ/Name=participant”,
each the member's country and registration number (or name when it has none), then its role.
"""

from django.db.models import Prefetch
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from directory.choices import PublicationStatus
from directory.exports import country_field, sector_list_field, source_field, updated_at_field
from directory.imports import organisation_reference
from directory.selectors import visible_records
from eaeu_portal.opendata.exporting import ExportDataset
from eaeu_portal.opendata.fields import (
    Field,
    choice_field,
    decimal_field,
    export_only,
    integer_field,
    location_fields,
    model_field,
    multilingual_fields,
    parse_text,
    split_list,
    text_field,
)

from .choices import ClusterKind, MembershipRole
from .filtersets import ClusterFilterSet
from .models import Cluster, ClusterIndicator, Membership

ROLE_SEPARATOR = "="


def cluster_reference(cluster: Cluster) -> str:
    """How an indicator row names its cluster: the external id, else the country and the name."""
    if cluster.external_id:
        return cluster.external_id
    return f"{cluster.country.iso2}/{cluster.name_en or cluster.name_original or cluster.name_ru or cluster.name_zh}"


def members_cell(cluster: Cluster) -> list[str]:
    return sorted(
        f"{organisation_reference(m.organisation)}{ROLE_SEPARATOR}{m.role}" for m in cluster.current_memberships
    )


def technology_codes(obj) -> list[str]:
    return sorted(priority.code for priority in obj.technologies.all())


def external_id_field() -> Field:
    return Field(
        name="external_id",
        label=_("External id (a stable identifier from the national registry)"),
        kind="string",
        get=lambda obj: obj.external_id or "",
        parse=parse_text,
        aliases=("registry id", "registry number", "номер в реестре", "реестровый номер", "id в реестре"),
    )


def technologies_field() -> Field:
    return Field(
        name="technologies",
        label=_("Technologies and priorities (codes of the foresight taxonomy)"),
        kind="list",
        get=technology_codes,
        parse=split_list,
        aliases=("priorities", "технологии"),
    )


CLUSTER_FIELDS: tuple[Field, ...] = (
    external_id_field(),
    country_field(),
    choice_field("kind", _("Kind"), ClusterKind, aliases=("type", "тип кластера")),
    *multilingual_fields(),
    Field(
        name="regions",
        label=_("Regions covered (ISO 3166-2 codes)"),
        kind="list",
        get=lambda obj: sorted(region.iso_code for region in obj.regions.all()),
        parse=split_list,
        aliases=("region", "регион", "регионы", "субъект"),
    ),
    *location_fields(),
    Field(
        name="primary_sector",
        label=_("Primary sector (NACE Rev. 2 code)"),
        kind="code",
        get=lambda obj: obj.primary_sector.code if obj.primary_sector_id else "",
        parse=parse_text,
        aliases=("sector", "отрасль", "оквэд"),
    ),
    sector_list_field("secondary_sectors", _("Secondary sectors (NACE Rev. 2 codes)"), "secondary_sectors"),
    technologies_field(),
    integer_field("founded_year", _("Founding year"), aliases=("founded", "год создания")),
    model_field("website", _("Website"), kind="url", aliases=("site", "сайт")),
    decimal_field("management_staff_fte", _("Management staff (FTE)")),
    text_field("support_programmes", _("Support programmes")),
    Field(
        name="specialised_organisation",
        label=_("Specialised organisation (country/registration number or name)"),
        kind="reference",
        get=lambda obj: organisation_reference(obj.specialised_organisation),
        parse=parse_text,
        aliases=("specialised organization", "специализированная организация"),
    ),
    Field(
        name="members",
        label=_("Current members (country/number or name=role, separated by semicolons)"),
        kind="list",
        get=members_cell,
        parse=split_list,
        aliases=("participants", "участники"),
        help=format_lazy(
            "{} {}", _("e.g. RU/1655065554=anchor; KZ/Astana Hub=participant. Roles:"), ", ".join(MembershipRole.values)
        ),
    ),
    export_only("member_count", _("Number of current members"), lambda obj: len(obj.current_memberships), "integer"),
    updated_at_field(),
    source_field(),
)


def cluster_export_queryset():
    memberships = Membership.objects.filter(left_on__isnull=True).select_related("organisation__country")
    queryset = (
        Cluster.objects.select_related("country", "primary_sector", "specialised_organisation__country")
        .defer("country__boundary", "specialised_organisation__country__boundary")
        .prefetch_related(
            "regions",
            "secondary_sectors",
            "technologies",
            Prefetch(
                "memberships",
                queryset=memberships.defer("organisation__country__boundary"),
                to_attr="current_memberships",
            ),
        )
    )
    return visible_records(queryset)


CLUSTERS = ExportDataset(
    key="clusters",
    title=_("Innovation and industrial clusters"),
    description=_(
        "Clusters of the EAEU and SCO member states with their kind, location, sectors, specialised organisation "
        "and current members."
    ),
    model=Cluster,
    fields=CLUSTER_FIELDS,
    queryset=cluster_export_queryset,
    filterset_class=ClusterFilterSet,
    detail_url_name="clusters:detail",
    list_url_name="clusters:list",
    geographic=True,
    import_kind="clusters",
)


# --- Indicators -----------------------------------------------------------------------------------------------
INDICATOR_FIELDS: tuple[Field, ...] = (
    Field(
        name="cluster",
        label=_("Cluster (its external id, or country/name)"),
        kind="reference",
        get=lambda obj: cluster_reference(obj.cluster),
        parse=parse_text,
        required=True,
        aliases=("cluster id", "external id", "кластер"),
    ),
    export_only("cluster_name", _("Cluster name"), lambda obj: obj.cluster.name),
    export_only("country", _("Country (ISO 3166-1 alpha-2 code)"), lambda obj: obj.cluster.country.iso2, "code"),
    integer_field("year", _("Year"), required=True, aliases=("год",)),
    integer_field("employees", _("Employees"), aliases=("численность", "работники")),
    decimal_field("revenue", _("Revenue"), aliases=("выручка",)),
    text_field("currency", _("Currency (ISO 4217)"), aliases=("валюта",)),
    decimal_field("export_share", _("Export share (%)")),
    decimal_field("rd_spending", _("R&D spending"), aliases=("r&d", "ниокр")),
    integer_field("members_count", _("Members")),
    integer_field("patents", _("Patents"), aliases=("патенты",)),
)


def indicator_export_queryset():
    return (
        ClusterIndicator.objects.filter(cluster__status=PublicationStatus.PUBLISHED)
        .select_related("cluster__country")
        .defer("cluster__country__boundary", "cluster__location")
    )


def filter_indicators(queryset, clusters):
    return queryset.filter(cluster__in=clusters.values("pk"))


CLUSTER_INDICATORS = ExportDataset(
    key="cluster-indicators",
    title=_("Yearly indicators of clusters"),
    description=_("Employees, revenue, export share, R&D spending, members and patents of each cluster by year."),
    model=ClusterIndicator,
    fields=INDICATOR_FIELDS,
    queryset=indicator_export_queryset,
    filterset_class=ClusterFilterSet,
    filter_base=lambda: visible_records(Cluster.objects.all()),
    filter_rows=filter_indicators,
    detail_url_name="clusters:detail",
    list_url_name="clusters:list",
    url_record=lambda obj: obj.cluster,
    updated_field="cluster__updated_at",
    import_kind="cluster-indicators",
)

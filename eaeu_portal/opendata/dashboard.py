"""The statistics of the registry: counts of published clusters, technoparks, members and residents by bloc, country,
kind and sector; growth by founding year and by registration date; projects by status and integration component.

Each chart is computed by a few GROUP BY queries in PostgreSQL; the page and the CSV downloads use the same numbers.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from clusters.choices import ClusterKind
from clusters.models import Cluster, Membership
from directory.choices import PublicationStatus
from directory.models import Bloc, BlocMembership, Country, Sector
from projects.choices import ProjectStage
from projects.models import Project, ProjectParticipant
from technoparks.choices import TechnoparkKind
from technoparks.models import Residency, Technopark

PUBLISHED = PublicationStatus.PUBLISHED


@dataclass
class Chart:
    key: str
    title: str
    labels: list[str]
    series: list[tuple[str, list[int]]]
    kind: str = "bar"
    note: str = ""
    # Long category names (countries, kinds, sectors) read better as horizontal bars.
    horizontal: bool = False

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "labels": self.labels,
            "datasets": [{"label": label, "data": data} for label, data in self.series],
            "kind": self.kind,
            "horizontal": self.horizontal,
        }

    def rows(self) -> list[list]:
        return [[label, *(data[i] for _name, data in self.series)] for i, label in enumerate(self.labels)]

    @property
    def has_data(self) -> bool:
        return any(any(data) for _name, data in self.series)

    @property
    def total_row(self) -> list[int]:
        return [sum(data) for _name, data in self.series]


@dataclass
class Scope:
    """The bloc and country the dashboard is narrowed to; empty for the whole registry."""

    bloc: Bloc | None = None
    country: Country | None = None
    country_ids: list[int] | None = field(default=None)

    @classmethod
    def build(cls, bloc_code: str = "", country_code: str = "") -> "Scope":
        bloc = Bloc.objects.filter(code=bloc_code.strip().lower()).first() if bloc_code else None
        country = (
            Country.objects.defer("boundary").filter(iso2=country_code.strip().upper()).first()
            if country_code
            else None
        )
        ids = None
        if bloc is not None:
            ids = set(BlocMembership.objects.current().filter(bloc=bloc).values_list("country_id", flat=True))
        if country is not None:
            ids = {country.pk} if ids is None else ids & {country.pk}
        return cls(bloc=bloc, country=country, country_ids=sorted(ids) if ids is not None else None)

    def records(self, queryset: QuerySet, path: str = "country") -> QuerySet:
        if self.country_ids is None:
            return queryset
        return queryset.filter(**{f"{path}__in": self.country_ids})


def published(scope: Scope):
    clusters = scope.records(Cluster.objects.filter(status=PUBLISHED))
    technoparks = scope.records(Technopark.objects.filter(status=PUBLISHED))
    members = Membership.objects.filter(left_on__isnull=True, cluster__in=clusters.values("pk"))
    residents = Residency.objects.filter(ended_on__isnull=True, technopark__in=technoparks.values("pk"))
    return clusters, technoparks, members, residents


def _counts(queryset: QuerySet, key: str) -> dict:
    return {row[key]: row["n"] for row in queryset.order_by().values(key).annotate(n=Count("pk", distinct=True))}


def _registry_series(scope: Scope, keys: dict[str, tuple[str, str, str, str]]) -> list[dict]:
    """Counts of the four registry subjects grouped by the given lookups (clusters, technoparks, members, residents)."""
    clusters, technoparks, members, residents = published(scope)
    return [
        _counts(clusters, keys["clusters"]),
        _counts(technoparks, keys["technoparks"]),
        _counts(members, keys["members"]),
        _counts(residents, keys["residents"]),
    ]


def _subject_labels() -> list[str]:
    return [_("Clusters"), _("Technoparks"), _("Cluster members"), _("Technopark residents")]


def by_country(scope: Scope) -> Chart:
    counts = _registry_series(
        scope,
        {
            "clusters": "country_id",
            "technoparks": "country_id",
            "members": "cluster__country_id",
            "residents": "technopark__country_id",
        },
    )
    present = set().union(*counts)
    countries = sorted(Country.objects.defer("boundary").filter(pk__in=present), key=lambda c: c.name)
    return Chart(
        key="by-country",
        horizontal=True,
        title=_("Registry by country"),
        labels=[c.name for c in countries],
        series=[
            (label, [series.get(c.pk, 0) for c in countries])
            for label, series in zip(_subject_labels(), counts, strict=True)
        ],
    )


def by_bloc(scope: Scope) -> Chart:
    """A record counts in every bloc its country currently belongs to."""
    country_chart_counts = _registry_series(
        scope,
        {
            "clusters": "country_id",
            "technoparks": "country_id",
            "members": "cluster__country_id",
            "residents": "technopark__country_id",
        },
    )
    blocs = list(Bloc.objects.all())
    if scope.bloc is not None:
        blocs = [scope.bloc]
    members_of: dict[int, set[int]] = defaultdict(set)
    for bloc_id, country_id in BlocMembership.objects.current().values_list("bloc_id", "country_id"):
        members_of[bloc_id].add(country_id)
    return Chart(
        key="by-bloc",
        title=_("Registry by bloc"),
        labels=[bloc.abbreviation for bloc in blocs],
        series=[
            (label, [sum(v for k, v in series.items() if k in members_of[b.pk]) for b in blocs])
            for label, series in zip(_subject_labels(), country_chart_counts, strict=True)
        ],
        note=_("A record counts in each bloc its country belongs to."),
    )


def cluster_kinds(scope: Scope) -> Chart:
    clusters, _technoparks, members, _residents = published(scope)
    clusters_by, members_by = _counts(clusters, "kind"), _counts(members, "cluster__kind")
    kinds = ClusterKind.choices
    return Chart(
        key="cluster-kinds",
        horizontal=True,
        title=_("Clusters by kind"),
        labels=[str(label) for _value, label in kinds],
        series=[
            (_("Clusters"), [clusters_by.get(value, 0) for value, _label in kinds]),
            (_("Cluster members"), [members_by.get(value, 0) for value, _label in kinds]),
        ],
    )


def technopark_kinds(scope: Scope) -> Chart:
    _clusters, technoparks, _members, residents = published(scope)
    parks_by, residents_by = _counts(technoparks, "kind"), _counts(residents, "technopark__kind")
    kinds = TechnoparkKind.choices
    return Chart(
        key="technopark-kinds",
        horizontal=True,
        title=_("Technoparks by kind"),
        labels=[str(label) for _value, label in kinds],
        series=[
            (_("Technoparks"), [parks_by.get(value, 0) for value, _label in kinds]),
            (_("Technopark residents"), [residents_by.get(value, 0) for value, _label in kinds]),
        ],
    )


def by_sector(scope: Scope) -> Chart:
    """Clusters by the section of their primary sector; technoparks by each section of their sectors."""
    counts = _registry_series(
        scope,
        {
            "clusters": "primary_sector__section_code",
            "technoparks": "sectors__section_code",
            "members": "cluster__primary_sector__section_code",
            "residents": "technopark__sectors__section_code",
        },
    )
    present = sorted({code for series in counts for code in series if code})
    sections = {s.code: s for s in Sector.objects.filter(code__in=present, parent__isnull=True)}
    return Chart(
        key="by-sector",
        horizontal=True,
        title=_("Registry by sector (NACE Rev. 2 section)"),
        labels=[f"{code} {sections[code].name}" if code in sections else code for code in present],
        series=[
            (label, [series.get(code, 0) for code in present])
            for label, series in zip(_subject_labels(), counts, strict=True)
        ],
        note=_("A technopark with sectors in several sections counts in each."),
    )


def founding_years(scope: Scope) -> Chart:
    clusters, technoparks, _members, _residents = published(scope)
    clusters_by = _counts(clusters.filter(founded_year__isnull=False), "founded_year")
    parks_by = _counts(technoparks.filter(founded_year__isnull=False), "founded_year")
    years = sorted(set(clusters_by) | set(parks_by))
    return Chart(
        key="founding-years",
        title=_("Growth by founding year"),
        labels=[str(year) for year in years],
        series=[
            (_("Clusters founded"), [clusters_by.get(y, 0) for y in years]),
            (_("Technoparks founded"), [parks_by.get(y, 0) for y in years]),
        ],
    )


def registrations(scope: Scope) -> Chart:
    clusters, technoparks, _members, _residents = published(scope)

    def monthly(queryset):
        rows = queryset.order_by().annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk"))
        return {row["month"].strftime("%Y-%m"): row["n"] for row in rows}

    clusters_by, parks_by = monthly(clusters), monthly(technoparks)
    months = sorted(set(clusters_by) | set(parks_by))
    return Chart(
        key="registrations",
        title=_("Growth by registration date (month registered in the portal)"),
        labels=months,
        series=[
            (_("Clusters registered"), [clusters_by.get(m, 0) for m in months]),
            (_("Technoparks registered"), [parks_by.get(m, 0) for m in months]),
        ],
    )


def _projects(scope: Scope) -> QuerySet:
    projects = Project.objects.filter(status=PUBLISHED)
    if scope.country_ids is None:
        return projects
    taking_part = ProjectParticipant.objects.filter(project=OuterRef("pk"), organisation__country__in=scope.country_ids)
    return projects.filter(Q(Exists(taking_part)) | Q(lead_organisation__country__in=scope.country_ids))


def project_status(scope: Scope) -> Chart:
    by_stage = _counts(_projects(scope), "stage")
    return Chart(
        key="project-status",
        title=_("Projects by status"),
        labels=[str(label) for _value, label in ProjectStage.choices],
        series=[(_("Projects"), [by_stage.get(value, 0) for value, _label in ProjectStage.choices])],
    )


def project_integration(scope: Scope) -> Chart:
    by_count = _counts(_projects(scope), "member_state_count")
    counts = sorted(by_count)
    return Chart(
        key="project-integration",
        title=_("Projects by integration component (number of states taking part)"),
        labels=[str(n) for n in counts],
        series=[(_("Projects"), [by_count[n] for n in counts])],
        note=_("Projects in the chosen bloc or country are those with a participant from it."),
    )


CHARTS = {
    "by-bloc": by_bloc,
    "by-country": by_country,
    "cluster-kinds": cluster_kinds,
    "technopark-kinds": technopark_kinds,
    "by-sector": by_sector,
    "founding-years": founding_years,
    "registrations": registrations,
    "project-status": project_status,
    "project-integration": project_integration,
}


def dashboard(scope: Scope) -> list[Chart]:
    return [build(scope) for build in CHARTS.values()]

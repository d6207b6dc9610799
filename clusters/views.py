"""Cluster pages (list, profile) and the clusters layer of the map."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from directory.views import filter_choices, list_page, record_map_data
from eaeu_portal import map as portal_map
from foresight.models import Priority

from .choices import ClusterKind
from .filtersets import ClusterFilterSet
from .matching.selectors import cluster_suggestions
from .selectors import cluster_detail_queryset, cluster_list, cluster_table

# Partials of features built elsewhere (joint projects); the profile shows each one once it exists.
PROFILE_PARTIALS = ("projects/includes/cluster_projects.html",)
SUGGESTED_PARTNERS_SHOWN = 8

CLUSTER_SORTS = {
    "name": (_("Name"), ["sort_name"]),
    "-name": (_("Name, Z to A"), ["-sort_name"]),
    "country": (_("Country"), ["country__iso2", "sort_name"]),
    "-members": (_("Most members"), ["-member_count", "sort_name"]),
    "-founded": (_("Newest"), ["-founded_year", "sort_name"]),
    "founded": (_("Oldest"), ["founded_year", "sort_name"]),
    "-updated": (_("Recently updated"), ["-updated_at"]),
}


def technology_choices() -> list[Priority]:
    return list(Priority.objects.only("pk", "code", "level", "parent_id", "name_en", "name_ru", "name_original"))


@require_GET
def cluster_list_view(request: HttpRequest) -> HttpResponse:
    page = list_page(
        request,
        queryset=cluster_table(user=request.user),
        filterset_class=ClusterFilterSet,
        sorts=CLUSTER_SORTS,
        default_sort="name",
    )
    context = {
        "page": page,
        "kind_groups": [(_("Kind"), ClusterKind.choices)],
        "selected_kinds": request.GET.getlist("kind"),
        "technologies": technology_choices(),
        **filter_choices(),
    }
    return render(request, "clusters/cluster_list.html", context, status=400 if page.errors else 200)


def _existing_partials() -> list[str]:
    found = []
    for name in PROFILE_PARTIALS:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


@require_GET
def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(
        cluster_detail_queryset(user=request.user).prefetch_related("pool_memberships__nominated_by"), pk=pk
    )
    indicators = list(cluster.indicators.all())
    chart = {
        "years": [i.year for i in indicators],
        "series": [
            {"key": "employees", "label": str(_("Employees")), "values": [i.employees for i in indicators]},
            {"key": "members", "label": str(_("Members")), "values": [i.members_count for i in indicators]},
            {"key": "patents", "label": str(_("Patents")), "values": [i.patents for i in indicators]},
            {
                "key": "export_share",
                "label": str(_("Export share (%)")),
                "values": [float(i.export_share) if i.export_share is not None else None for i in indicators],
            },
        ],
    }
    context = {
        "cluster": cluster,
        "indicators": indicators,
        "chart": chart if indicators else None,
        "public_contacts": [c for c in cluster.contacts.all() if c.is_public],
        "pool_memberships": list(cluster.pool_memberships.all()),
        "api_url": f"/api/v1/clusters/{cluster.pk}/",
        "record_map": record_map_data(cluster, "clusters"),
        "suggestions": cluster_suggestions(cluster=cluster, limit=SUGGESTED_PARTNERS_SHOWN),
        "partials": _existing_partials(),
    }
    return render(request, "clusters/cluster_detail.html", context)


@require_GET
def cluster_popup(request: HttpRequest, pk: int) -> JsonResponse:
    """What a marker's popup shows; the features of the layer carry only what the marker needs."""
    cluster = get_object_or_404(cluster_list(user=request.user).prefetch_related("regions"), pk=pk)
    sector = cluster.primary_sector
    return JsonResponse(
        {
            "id": cluster.pk,
            "layer": "clusters",
            "name": cluster.name,
            "kind": cluster.get_kind_display(),
            "country": cluster.country.name,
            "regions": [region.name for region in cluster.regions.all()],
            "sector": f"{sector.code} {sector.name}" if sector else "",
            "count": cluster.member_count,
            "count_label": str(_("members")),
            "url": reverse("clusters:detail", args=[cluster.pk]),
        }
    )


@require_GET
def cluster_features(request: HttpRequest) -> HttpResponse:
    return portal_map.features_view(request, portal_map.CLUSTERS)


@require_GET
def cluster_counts(request: HttpRequest) -> HttpResponse:
    return portal_map.counts_view(request, portal_map.CLUSTERS)


@require_GET
def cluster_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return portal_map.export_view(request, portal_map.CLUSTERS, fmt)

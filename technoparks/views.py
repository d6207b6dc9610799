"""Technopark pages (list, profile) and the technoparks layer of the map."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from clusters.matching.selectors import partner_suggestions_for_technopark
from clusters.views import technology_choices
from directory.views import filter_choices, list_page, record_map_data
from eaeu_portal import map as portal_map

from .choices import TechnoparkKind, TechnoparkService
from .filtersets import TechnoparkFilterSet
from .models import CAPACITY_PAIRS, Technopark
from .selectors import technopark_detail_queryset, technopark_list, technopark_table

# Cluster partners suggested for a technopark's residents on its profile.
RESIDENT_PARTNERS_SHOWN = 6

TECHNOPARK_SORTS = {
    "name": (_("Name"), ["sort_name"]),
    "-name": (_("Name, Z to A"), ["-sort_name"]),
    "country": (_("Country"), ["country__iso2", "sort_name"]),
    "-residents": (_("Most residents"), ["-resident_count", "sort_name"]),
    "-founded": (_("Newest"), ["-founded_year", "sort_name"]),
    "founded": (_("Oldest"), ["founded_year", "sort_name"]),
    "-updated": (_("Recently updated"), ["-updated_at"]),
}


@require_GET
def technopark_list_view(request: HttpRequest) -> HttpResponse:
    page = list_page(
        request,
        queryset=technopark_table(user=request.user),
        filterset_class=TechnoparkFilterSet,
        sorts=TECHNOPARK_SORTS,
        default_sort="name",
    )
    context = {
        "page": page,
        "kind_groups": [(_("Kind"), TechnoparkKind.choices)],
        "selected_kinds": request.GET.getlist("kind"),
        "technologies": technology_choices(),
        **filter_choices(),
    }
    return render(request, "technoparks/technopark_list.html", context, status=400 if page.errors else 200)


CAPACITY_LABELS = {
    "land_total_ha": (_("Land"), _("ha")),
    "premises_total_m2": (_("Premises"), _("m²")),
    "electricity_total_mw": (_("Electricity"), _("MW")),
    "gas_total_m3h": (_("Gas"), _("m³/h")),
    "water_total_m3d": (_("Water"), _("m³/day")),
    "heat_total_gcalh": (_("Heat"), _("Gcal/h")),
}


def _capacity_rows(technopark: Technopark) -> list[dict]:
    """Total and free capacity side by side, only where the operator reported something."""
    rows = []
    for total, free in CAPACITY_PAIRS:
        total_value, free_value = getattr(technopark, total), getattr(technopark, free)
        if total_value is None and free_value is None:
            continue
        label, unit = CAPACITY_LABELS[total]
        rows.append({"label": label, "unit": unit, "total": total_value, "free": free_value})
    return rows


@require_GET
def technopark_detail(request: HttpRequest, pk: int) -> HttpResponse:
    technopark = get_object_or_404(technopark_detail_queryset(user=request.user), pk=pk)
    services = dict(TechnoparkService.choices)
    context = {
        "technopark": technopark,
        "services": [services.get(code, code) for code in technopark.services],
        "capacity": _capacity_rows(technopark),
        "api_url": f"/api/v1/technoparks/{technopark.pk}/",
        "record_map": record_map_data(technopark, "technoparks"),
        "resident_partners": partner_suggestions_for_technopark(technopark=technopark, limit=RESIDENT_PARTNERS_SHOWN),
    }
    return render(request, "technoparks/technopark_detail.html", context)


@require_GET
def technopark_popup(request: HttpRequest, pk: int) -> JsonResponse:
    """What a marker's popup shows; the features of the layer carry only what the marker needs."""
    technopark = get_object_or_404(technopark_list(user=request.user).prefetch_related("sectors"), pk=pk)
    sectors = list(technopark.sectors.all())
    return JsonResponse(
        {
            "id": technopark.pk,
            "layer": "technoparks",
            "name": technopark.name,
            "kind": technopark.get_kind_display(),
            "country": technopark.country.name,
            "regions": [technopark.region.name] if technopark.region else [],
            "sector": f"{sectors[0].code} {sectors[0].name}" if sectors else "",
            "count": technopark.resident_count,
            "count_label": str(_("residents")),
            "url": reverse("technoparks:detail", args=[technopark.pk]),
        }
    )


@require_GET
def technopark_features(request: HttpRequest) -> HttpResponse:
    return portal_map.features_view(request, portal_map.TECHNOPARKS)


@require_GET
def technopark_counts(request: HttpRequest) -> HttpResponse:
    return portal_map.counts_view(request, portal_map.TECHNOPARKS)


@require_GET
def technopark_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return portal_map.export_view(request, portal_map.TECHNOPARKS, fmt)

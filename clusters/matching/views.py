"""Pages of the matching index: the staff rebuild page, the partner lines of the map, the network of the strongest
links between clusters, and the search for partners from a free-text need."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from clusters.models import Cluster
from directory.models import Country
from directory.views import conditional_response

from . import selectors, services

# Lines from a selected cluster: enough to show where its best partners are without hiding the map.
PARTNER_LINES_SHOWN = 10
NETWORK_LINKS_SHOWN = 150
NETWORK_TABLE_ROWS = 50
NETWORK_DEFAULT_MIN_SCORE = 0.3
NEED_MAX_LENGTH = 500
NEED_MATCHES_SHOWN = 12
NEED_EXAMPLES = (
    gettext_lazy("We seek a partner in machine-tool building in Kazakhstan"),
    gettext_lazy("Pharmaceutical production and biotechnology in Russia or Belarus"),
    gettext_lazy("Software and artificial intelligence for agriculture"),
)


# --- Rebuild (staff) ------------------------------------------------------------------------
@staff_member_required
@require_http_methods(["GET", "POST"])
def matching_rebuild_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            services.matching_rebuild_start(requested_by=request.user)
        except services.MatchingRebuildRunning:
            messages.warning(request, _("A rebuild is already running; its progress is shown below."))
        else:
            messages.success(request, _("The rebuild has started."))
        return redirect("matching:rebuild")
    return render(request, "clusters/matching/rebuild.html", {"progress": selectors.matching_rebuild_progress()})


@staff_member_required
@require_GET
def matching_progress_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.matching_rebuild_progress())


# --- Partner lines of the map ----------------------------------------------------------------
@require_GET
def partner_lines_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GeoJSON lines from a published cluster to its best partners; a client that holds them gets a 304."""
    cluster = get_object_or_404(Cluster.objects.published().only("pk", "location"), pk=pk)
    lines = selectors.cluster_partner_lines(cluster=cluster, limit=PARTNER_LINES_SHOWN)
    return conditional_response(request, json.dumps(lines, ensure_ascii=False), "application/geo+json")


# --- Network of the strongest links ----------------------------------------------------------
class NetworkFilterForm(forms.Form):
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a country from the list.")},
    )
    min_score = forms.FloatField(
        label=gettext_lazy("Minimum score"),
        required=False,
        min_value=0,
        max_value=1,
        error_messages={
            "invalid": gettext_lazy("Enter a score from 0 to 1, such as 0.3."),
            "min_value": gettext_lazy("Enter a score from 0 to 1, such as 0.3."),
            "max_value": gettext_lazy("Enter a score from 0 to 1, such as 0.3."),
        },
    )

    def __init__(self, *args, countries: list[Country], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries"))] + [(c.iso2, c.name) for c in countries]


def _map_settings() -> dict:
    leaflet = settings.LEAFLET_CONFIG
    return {
        "tiles": {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION},
        "center": list(leaflet.get("DEFAULT_CENTER", (45.0, 75.0))),
        "zoom": leaflet.get("DEFAULT_ZOOM", 3),
        "boundaries": reverse("directory:country-boundaries"),
    }


@require_GET
def matching_network_view(request: HttpRequest) -> HttpResponse:
    countries = sorted(Country.objects.defer("boundary"), key=lambda c: c.name)
    form = NetworkFilterForm(request.GET or None, countries=countries)
    context = {"form": form, "nodes": {}, "network": None, "min_score_default": NETWORK_DEFAULT_MIN_SCORE}
    if request.GET and not form.is_valid():
        return render(request, "clusters/matching/network.html", context, status=400)
    filters = form.cleaned_data if request.GET else {}
    min_score = filters.get("min_score")
    min_score = NETWORK_DEFAULT_MIN_SCORE if min_score is None else min_score
    network = selectors.matching_network(
        min_score=min_score, limit=NETWORK_LINKS_SHOWN, country=filters.get("country") or None
    )
    locations = dict(
        Cluster.objects.filter(pk__in=[node["id"] for node in network["nodes"]]).values_list("pk", "location")
    )
    country_names = {c.iso2: c.name for c in countries}
    detail_prefix = reverse("clusters:detail", args=[0])[: -len("0/")]
    nodes = {}
    for node in network["nodes"]:
        location = locations.get(node["id"])
        nodes[node["id"]] = {
            **node,
            "country_name": country_names.get(node["country"], node["country"]),
            "url": f"{detail_prefix}{node['id']}/",
            "lat": location.y if location else None,
            "lng": location.x if location else None,
        }
    links = sorted(network["links"], key=lambda link: (-link["score"], link["source"], link["target"]))
    context.update(
        {
            "min_score": min_score,
            "nodes": nodes,
            "rows": [
                {"a": nodes[link["source"]], "b": nodes[link["target"]], "score": link["score"]}
                for link in links[:NETWORK_TABLE_ROWS]
            ],
            "links_total": len(links),
            "links_capped": len(links) >= NETWORK_LINKS_SHOWN,
            "network": {
                **_map_settings(),
                "nodes": list(nodes.values()),
                "links": links,
                "text": {
                    "score": _("score"),
                    "links": _("links"),
                    "openProfile": _("Open the profile"),
                    "notLocated": _("%(count)s clusters without a location are listed in the table only."),
                    "error": _("The map data could not be loaded."),
                },
            },
        }
    )
    return render(request, "clusters/matching/network.html", context)


# --- Partners for a free-text need -----------------------------------------------------------
class NeedForm(forms.Form):
    need = forms.CharField(
        label=gettext_lazy("What partner are you looking for?"),
        max_length=NEED_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NEED_MAX_LENGTH}),
        error_messages={
            "required": gettext_lazy("Describe the partner you are looking for."),
            "max_length": gettext_lazy(
                "Keep the description to %(limit_value)d characters or fewer (it has %(show_value)d)."
            ),
        },
    )


@require_GET
def find_partners_view(request: HttpRequest) -> HttpResponse:
    form = NeedForm(request.GET if "need" in request.GET else None)
    context = {"form": form, "result": None, "examples": [str(example) for example in NEED_EXAMPLES]}
    if not form.is_bound:
        return render(request, "clusters/matching/find.html", context)
    if form.is_valid():
        try:
            context["result"] = selectors.partner_suggestions_for_need(
                text=form.cleaned_data["need"], limit=NEED_MATCHES_SHOWN
            )
        except ValueError as exc:
            form.add_error("need", str(exc))
    return render(request, "clusters/matching/find.html", context, status=200 if form.is_valid() else 400)

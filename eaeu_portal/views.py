"""The portal's front page: the map of every published cluster and technopark."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusters.choices import ClusterKind
from clusters.views import technology_choices
from directory.views import filter_choices
from technoparks.choices import TechnoparkKind

from . import map as portal_map


def map_config() -> dict:
    """Everything the map script needs, passed through json_script (the page has no inline scripts)."""
    leaflet = settings.LEAFLET_CONFIG
    layers = {}
    for layer, kinds, label in (
        (portal_map.CLUSTERS, ClusterKind, _("Clusters")),
        (portal_map.TECHNOPARKS, TechnoparkKind, _("Technoparks")),
    ):
        app = layer.key
        layers[app] = {
            "label": label,
            "features": reverse(f"{app}:features"),
            "counts": reverse(f"{app}:counts"),
            "popup": reverse(f"{app}:popup", args=[0]),
            "exportCsv": reverse(f"{app}:export-csv"),
            "exportGeojson": reverse(f"{app}:export-geojson"),
            "kinds": {value: str(text) for value, text in kinds.choices},
        }
    return {
        "tiles": {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION},
        "center": list(leaflet.get("DEFAULT_CENTER", (45.0, 75.0))),
        "zoom": leaflet.get("DEFAULT_ZOOM", 3),
        "minZoom": leaflet.get("MIN_ZOOM", 2),
        "maxZoom": leaflet.get("MAX_ZOOM", 18),
        "layers": layers,
        "boundaries": {
            "country": reverse("directory:country-boundaries"),
            "region": reverse("directory:region-boundaries"),
        },
        "text": {
            "loading": _("Loading…"),
            "openProfile": _("Open the profile"),
            "noResults": _("Nothing matches these filters."),
            "notLocated": _("%(count)s without a location are not on the map."),
            "perCountry": _("per country"),
            "perRegion": _("per region"),
            "noData": _("none"),
            "error": _("The map data could not be loaded."),
            "legend": _("Legend"),
        },
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "map_config": map_config(),
        "kind_groups": [(_("Kind of cluster"), ClusterKind.choices), (_("Kind of technopark"), TechnoparkKind.choices)],
        "selected_kinds": request.GET.getlist("kind"),
        "technologies": technology_choices(),
        "layers_shown": (",".join(request.GET.getlist("layers")) or "clusters,technoparks").split(","),
        "choropleth": request.GET.get("choropleth", ""),
        "choropleth_choices": [
            ("", _("No choropleth")),
            ("clusters-country", _("Clusters per country")),
            ("clusters-region", _("Clusters per region")),
            ("technoparks-country", _("Technoparks per country")),
            ("technoparks-region", _("Technoparks per region")),
        ],
        **filter_choices(),
    }
    return render(request, "home.html", context)

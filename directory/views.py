"""Organisation pages, country and region boundaries for the map, and what every registry list page shares."""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .choices import OrganisationKind, PublicationStatus
from .filtersets import OrganisationFilterSet
from .i18n import language_suffixes
from .models import Bloc, Country, Region, Sector
from .selectors import boundaries_geojson, current_bloc_codes_by_country, organisation_list

PAGE_SIZE = 25
# A browser may reuse a response only after asking whether it is still current; the ETag makes that check cheap.
FEATURES_CACHE_CONTROL = "public, max-age=0, must-revalidate"
BOUNDARIES_CACHE_CONTROL = "public, max-age=3600"


# --- Conditional responses (ETag and 304) --------------------------------------------------
def conditional_response(
    request: HttpRequest, body: str | bytes, content_type: str, cache_control: str = FEATURES_CACHE_CONTROL
) -> HttpResponse:
    """The body with an ETag from its hash; a 304 with no body when the client already holds it."""
    data = body.encode() if isinstance(body, str) else body
    etag = '"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '"'
    presented = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
    response = HttpResponseNotModified() if etag in presented else HttpResponse(data, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


# --- List pages: filters, sorting, pagination ----------------------------------------------
def localized_name_expression(prefix: str = ""):
    """Sort key for a multilingual name: the reader's language first, then the fallback chain."""
    parts = [NullIf(F(f"{prefix}name_{suffix}"), Value("")) for suffix in language_suffixes()]
    return Coalesce(*parts, Value(""))


@dataclass
class ListPage:
    """A filtered, sorted, paginated list and what its template needs to draw the filters and the links."""

    filterset: object
    page_obj: object
    sort: str
    sort_options: list[tuple[str, str]]
    querystring: str
    errors: dict = field(default_factory=dict)


def list_page(
    request: HttpRequest,
    *,
    queryset: QuerySet,
    filterset_class: type,
    sorts: dict[str, tuple[str, list]],
    default_sort: str,
) -> ListPage:
    """Applies the app's FilterSet to the records a user may read; bad filters give their messages and no rows."""
    params = request.GET.copy()
    page_number = params.pop("page", ["1"])[-1]
    sort = params.get("sort", default_sort)
    if sort not in sorts:
        sort = default_sort
    params.pop("sort", None)
    filterset = filterset_class(data=params, queryset=queryset, request=request)
    errors: dict = {}
    if filterset.is_valid():
        try:
            rows = filterset.qs
        except ValidationError as exc:
            # The geographic filters parse their value only when they filter.
            errors = {"__all__": list(exc.messages)}
            rows = queryset.none()
    else:
        errors = {name: list(messages) for name, messages in filterset.errors.items()}
        rows = queryset.none()
    rows = rows.annotate(sort_name=localized_name_expression()).order_by(*sorts[sort][1], "pk")
    page_obj = Paginator(rows, PAGE_SIZE).get_page(page_number)
    keep = request.GET.copy()
    keep.pop("page", None)
    return ListPage(
        filterset=filterset,
        page_obj=page_obj,
        sort=sort,
        sort_options=[(key, label) for key, (label, _order) in sorts.items()],
        querystring=keep.urlencode(),
        errors=errors,
    )


def filter_choices() -> dict:
    """Reference data for the filter panels of the map and the list pages, in a fixed number of queries."""
    bloc_codes = current_bloc_codes_by_country()
    countries = list(Country.objects.defer("boundary"))
    for country in countries:
        country.bloc_codes = " ".join(sorted(bloc_codes.get(country.pk, [])))
    countries.sort(key=lambda c: c.name)
    regions = list(Region.objects.select_related("country").defer("boundary", "country__boundary", "label_point"))
    regions.sort(key=lambda r: (r.country.name, r.name))
    sectors = list(Sector.objects.all())
    sections = [s for s in sectors if s.parent_id is None]
    divisions: dict[int, list] = {}
    for sector in sectors:
        if sector.parent_id is not None:
            divisions.setdefault(sector.parent_id, []).append(sector)
    return {
        "blocs": list(Bloc.objects.all()),
        "countries": countries,
        "regions": regions,
        "sector_groups": [(section, divisions.get(section.pk, [])) for section in sections],
    }


def _status_for(page: ListPage) -> int:
    return 400 if page.errors else 200


# --- Organisations -------------------------------------------------------------------------
ORGANISATION_SORTS = {
    "name": (_("Name"), ["sort_name"]),
    "-name": (_("Name, Z to A"), ["-sort_name"]),
    "country": (_("Country"), ["country__iso2", "sort_name"]),
    "-updated": (_("Recently updated"), ["-updated_at"]),
}


@require_GET
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    page = list_page(
        request,
        queryset=organisation_list(user=request.user),
        filterset_class=OrganisationFilterSet,
        sorts=ORGANISATION_SORTS,
        default_sort="name",
    )
    context = {
        "page": page,
        "kind_groups": [(_("Kind"), OrganisationKind.choices)],
        "selected_kinds": request.GET.getlist("kind"),
        **filter_choices(),
    }
    return render(request, "directory/organisation_list.html", context, status=_status_for(page))


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from django.apps import apps

    # Lower apps do not import upper ones: the clusters and technoparks an organisation belongs to are read through
    # the reverse relations and filtered to what the public may see.
    published = PublicationStatus.PUBLISHED
    membership_model = apps.get_model("clusters", "Membership")
    residency_model = apps.get_model("technoparks", "Residency")
    cluster_model = apps.get_model("clusters", "Cluster")
    technopark_model = apps.get_model("technoparks", "Technopark")
    queryset = organisation_list(user=request.user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=membership_model.objects.filter(cluster__status=published)
            .select_related("cluster__country")
            .defer("cluster__country__boundary")
            .order_by("left_on", "cluster__name_en"),
        ),
        Prefetch(
            "residencies",
            queryset=residency_model.objects.filter(technopark__status=published)
            .select_related("technopark__country")
            .defer("technopark__country__boundary")
            .order_by("ended_on", "technopark__name_en"),
        ),
        Prefetch("managed_clusters", queryset=cluster_model.objects.filter(status=published).only("pk", *NAMES)),
        Prefetch("operated_technoparks", queryset=technopark_model.objects.filter(status=published).only("pk", *NAMES)),
    )
    organisation = get_object_or_404(queryset.defer("country__boundary", "region__boundary"), pk=pk)
    context = {
        "organisation": organisation,
        "api_url": f"/api/v1/organisations/{organisation.pk}/",
        "record_map": record_map_data(organisation),
    }
    return render(request, "directory/organisation_detail.html", context)


NAMES = ("name_en", "name_ru", "name_zh", "name_original")


def record_map_data(record, layer: str = "") -> dict | None:
    """What the small map of a profile page needs; None when the record has no location."""
    if record.location is None:
        return None
    country_code = record.country.iso2
    position = f"9/{record.location.y:.4f}/{record.location.x:.4f}"
    return {
        "map_query": urlencode({"layers": layer, "q": record.name, "map": position}) if layer else "",
        "lat": record.location.y,
        "lng": record.location.x,
        "name": record.name,
        "zoom": 7,
        "tiles": {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION},
        "boundaries": {
            "country": f"{reverse('directory:country-boundaries')}?country_code={country_code}",
            "region": f"{reverse('directory:region-boundaries')}?country_code={country_code}",
        },
    }


# --- Boundaries for the map ------------------------------------------------------------------
@require_GET
def boundaries(request: HttpRequest, level: str) -> HttpResponse:
    codes = [code.strip() for code in request.GET.get("country_code", "").split(",") if code.strip()]
    if any(len(code) != 2 or not code.isalpha() for code in codes):
        return JsonResponse(
            {"errors": {"country_code": [str(_("Give two-letter country codes, separated by commas."))]}}, status=400
        )
    body = boundaries_geojson(level=level, country_codes=codes or None, language=get_language())
    return conditional_response(request, body, "application/geo+json", BOUNDARIES_CACHE_CONTROL)

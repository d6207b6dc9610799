"""Pages of the foresight section: explorer, matrices, smart specialisation, lists, trends and statistics."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from directory.choices import BlocMembershipStatus
from directory.models import BlocMembership, Country, Region

from . import selectors
from .forms import CountryMatrixForm, IndicatorCompareForm, IndicatorImportForm, RegionMatrixForm
from .models import Indicator, Priority, PriorityList, SpecialisationProfile, unit_label
from .registry import serving_registry
from .services import indicator_values_import


# --- CSV ----------------------------------------------------------------------------------------------
def csv_response(filename: str, header: list, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark lets spreadsheet programs read Cyrillic names correctly.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return response


def wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


# --- Explorer ---------------------------------------------------------------------------------------------
def explorer(request):
    tree = selectors.priority_tree()
    compare_form = CountryMatrixForm()
    return render(
        request,
        "foresight/explorer.html",
        {
            "tree": tree,
            "compare_form": compare_form,
            "list_count": PriorityList.objects.count(),
            "profile_count": SpecialisationProfile.objects.count(),
        },
    )


def priority_detail(request, code: str):
    try:
        priority = selectors.priority_by_code(code)
    except Priority.DoesNotExist as exc:
        raise Http404(_("No priority with this code.")) from exc
    overview = selectors.priority_overview(priority)
    return render(request, "foresight/priority_detail.html", {"priority": priority, "overview": overview})


# --- Matrices ---------------------------------------------------------------------------------------------
def _select_columns(matrix: selectors.Matrix, columns: str, kinds) -> selectors.Matrix:
    if columns == "all":
        return matrix
    totals = {c.pk: matrix.column_total(c.pk, kinds) for c in matrix.columns}
    keep = {
        "listed": lambda total: total >= 1,
        "shared": lambda total: total >= 2,
        "unique": lambda total: total == 1,
    }[columns]
    return selectors.Matrix(
        rows=matrix.rows, columns=[c for c in matrix.columns if keep(totals[c.pk])], cells=matrix.cells
    )


def _matrix_csv(matrix: selectors.Matrix, filename: str) -> HttpResponse:
    header = [_("Row"), _("Kind")] + [f"{c.code} {c.name}" for c in matrix.columns]
    rows = [[row.label, row.kind] + [matrix.value(row.key, c.pk) for c in matrix.columns] for row in matrix.rows]
    return csv_response(filename, header, rows)


def country_matrix(request):
    form = CountryMatrixForm(request.GET or None)
    level, columns = form.cleaned_level(), form.cleaned_columns()
    countries = list(form.cleaned_data.get("country") or []) if form.is_valid() else []
    bloc = form.cleaned_data.get("bloc") if form.is_valid() else None
    if bloc is not None and not countries:
        members = BlocMembership.objects.current().filter(bloc=bloc, status=BlocMembershipStatus.MEMBER)
        countries = list(Country.objects.filter(bloc_memberships__in=members).distinct().order_by("name_en"))
    matrix = selectors.country_priority_matrix(countries=countries or None, blocs=[bloc] if bloc else None, level=level)
    matrix = _select_columns(matrix, columns, kinds={"country"})
    if wants_csv(request):
        return _matrix_csv(matrix, f"country-priority-matrix-{level}.csv")
    selected = [c.iso2 for c in countries] if form.is_valid() and form.cleaned_data.get("country") else []
    shared = []
    if len(selected) >= 2:
        selected_countries = [c for c in countries if c.iso2 in selected]
        for column in matrix.shared_columns(selected):
            ids = selectors.priority_subtree_ids(column)
            shared.append(
                {
                    "priority": column,
                    "regions": list(selectors.regions_specialised_in(ids, selected_countries)),
                    "serving": [
                        {"label": kind.label, "items": list(kind.queryset(ids, selected_countries)[:20])}
                        for kind in serving_registry.kinds()
                    ],
                }
            )
    return render(
        request,
        "foresight/country_matrix.html",
        {
            "form": form,
            "matrix": matrix,
            "grid": matrix.grid(kinds_for_total={"country"}),
            "level": level,
            "selected": selected,
            "shared": shared,
            "csv_query": _csv_query(request),
            "columns": columns,
        },
    )


def region_matrix(request):
    form = RegionMatrixForm(request.GET or None)
    level, columns = form.cleaned_level(), form.cleaned_columns()
    countries = list(form.cleaned_data.get("country") or []) if form.is_valid() else []
    matrix = selectors.region_priority_matrix(countries=countries or None, level=level)
    matrix = _select_columns(matrix, columns, kinds=None)
    if wants_csv(request):
        return _matrix_csv(matrix, f"region-priority-matrix-{level}.csv")
    return render(
        request,
        "foresight/region_matrix.html",
        {
            "form": form,
            "matrix": matrix,
            "grid": matrix.grid(),
            "level": level,
            "csv_query": _csv_query(request),
            "columns": columns,
            "selected": [c.iso2 for c in countries],
        },
    )


def _csv_query(request) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


# --- Smart specialisation ------------------------------------------------------------------------------
def profile_list(request):
    profiles = selectors.specialisation_profiles()
    return render(request, "foresight/profile_list.html", {"profiles": profiles})


def profile_detail(request, iso_code: str):
    try:
        profile = selectors.specialisation_profile_detail(iso_code)
    except SpecialisationProfile.DoesNotExist as exc:
        raise Http404(_("This region has no smart specialisation profile.")) from exc
    swot = {
        kind: [item for item in profile.swot_items.all() if item.kind == kind]
        for kind in ("strength", "weakness", "opportunity", "threat")
    }
    region = profile.region
    map_data = {
        "boundary": region.boundary.simplify(0.01, preserve_topology=True).geojson if region.boundary else None,
        "point": [region.label_point.y, region.label_point.x] if region.label_point else None,
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "label": region.name,
    }
    goal_years = sorted({goal.year for goal in profile.goals.all()}, reverse=True)
    return render(
        request,
        "foresight/profile_detail.html",
        {
            "profile": profile,
            "swot": swot,
            "map_data": map_data,
            "goal_years": goal_years,
            "has_indicators": region.indicator_values.exists(),
        },
    )


# --- Lists and trends ----------------------------------------------------------------------------------
def list_index(request):
    return render(request, "foresight/list_index.html", {"lists": selectors.priority_lists()})


def list_detail(request, code: str):
    try:
        priority_list = selectors.priority_list_detail(code)
    except PriorityList.DoesNotExist as exc:
        raise Http404(_("No priority list with this code.")) from exc
    return render(request, "foresight/list_detail.html", {"priority_list": priority_list})


def trend_list(request):
    return render(request, "foresight/trend_list.html", {"trends": selectors.trends()})


def trend_detail(request, code: str):
    trend = get_object_or_404(selectors.trends(), code=code)
    return render(request, "foresight/trend_detail.html", {"trend": trend})


# --- S&T statistics ----------------------------------------------------------------------------------------
def _chart_payload(indicator: Indicator, series: list[selectors.Series]) -> dict:
    years, _rows = selectors.series_table(series)
    lookups = [dict(s.points) for s in series]
    return {
        "title": indicator.name,
        "unit": unit_label(series[0].unit) if series else unit_label(indicator.unit),
        "labels": years,
        "datasets": [
            {"label": s.label, "data": [float(lookup[y]) if y in lookup else None for y in years]}
            for s, lookup in zip(series, lookups, strict=True)
        ],
        "yearLabel": _("Year"),
    }


def _series_csv(indicator: Indicator, series: list[selectors.Series], filename: str) -> HttpResponse:
    _years, rows = selectors.series_table(series)
    header = [_("Year")] + [f"{s.label} ({s.key}), {unit_label(s.unit)}" for s in series]
    return csv_response(filename, header, rows)


DEFAULT_COMPARISON = ("RU", "BY", "KZ", "AM", "KG")


def indicator_compare(request):
    form = IndicatorCompareForm(request.GET or None)
    indicators = list(selectors.indicators_with_data())
    if not indicators:
        return render(request, "foresight/indicator_compare.html", {"form": form, "indicators": []})
    indicator, countries = None, []
    if form.is_valid():
        indicator = form.cleaned_data.get("indicator")
        countries = list(form.cleaned_data.get("country") or [])
    indicator = indicator or next((i for i in indicators if i.value_count), indicators[0])
    if not countries:
        countries = list(form.fields["country"].queryset.filter(iso2__in=DEFAULT_COMPARISON))
    series = selectors.indicator_series(indicator=indicator, countries=countries)
    if wants_csv(request):
        return _series_csv(indicator, series, f"{indicator.code}-comparison.csv")
    years, table = selectors.series_table(series)
    countries_with_data, regions_with_data = selectors.areas_with_indicators()
    return render(
        request,
        "foresight/indicator_compare.html",
        {
            "form": form,
            "indicator": indicator,
            "indicators": indicators,
            "series": series,
            "table": table,
            "chart": _chart_payload(indicator, series),
            "csv_query": _csv_query_with(request, indicator, countries),
            "countries_with_data": countries_with_data,
            "regions_with_data": regions_with_data,
        },
    )


def _csv_query_with(request, indicator, countries) -> str:
    query = request.GET.copy()
    query["indicator"] = indicator.code
    query.setlist("country", [c.iso2 for c in countries])
    query["format"] = "csv"
    return query.urlencode()


def indicator_area(request, code: str):
    code = code.upper()
    if "-" in code:
        region = get_object_or_404(Region.objects.select_related("country"), iso_code=code)
        country, area = None, region
    else:
        country = get_object_or_404(Country, iso2=code)
        region, area = None, country
    charts = selectors.area_indicator_series(country=country, region=region)
    wanted = request.GET.get("indicator")
    if wants_csv(request):
        if wanted:
            chosen = [(i, s) for i, s in charts if i.code == wanted]
            if not chosen:
                raise Http404(_("No values of this indicator here."))
            indicator, series = chosen[0]
            return _series_csv(indicator, [series], f"{slugify(code)}-{indicator.code}.csv")
        rows = [[i.code, i.name, year, value, unit_label(s.unit)] for i, s in charts for year, value in s.points]
        return csv_response(
            f"{slugify(code)}-indicators.csv", [_("Indicator"), _("Name"), _("Year"), _("Value"), _("Unit")], rows
        )
    items = [
        {"indicator": i, "series": s, "chart": _chart_payload(i, [s]), "element_id": f"chart-data-{i.code}"}
        for i, s in charts
    ]
    return render(
        request,
        "foresight/indicator_area.html",
        {
            "area": area,
            "code": code,
            "is_region": region is not None,
            "items": items,
        },
    )


@permission_required("foresight.add_indicatorvalue", raise_exception=True)
def indicator_import(request):
    if request.method == "POST":
        form = IndicatorImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = indicator_values_import(text=form.cleaned_data["file"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                messages.success(
                    request,
                    _("Loaded: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                return redirect("foresight:indicator-import")
    else:
        form = IndicatorImportForm()
    return render(request, "foresight/indicator_import.html", {"form": form, "indicators": Indicator.objects.all()})

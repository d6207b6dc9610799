"""FilterSets shared by the HTML list pages, the map and the API, so the three never drift."""

import math

from django import forms
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .choices import OrganisationKind, PublicationStatus
from .models import Bloc, BlocMembership, Country, Organisation, Region, Sector

MAX_QUERY_LENGTH = 200
MAX_DISTANCE_KM = 5000


# --- Parsing of the geographic parameters -----------------------------------------
def parse_bbox(value: str) -> Polygon:
    """'min_lon,min_lat,max_lon,max_lat' → a polygon; ValidationError with the reason otherwise."""
    parts = value.split(",")
    if len(parts) != 4:
        raise ValidationError(_("A bounding box is four numbers: min_lon,min_lat,max_lon,max_lat."), code="bbox")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError as exc:
        raise ValidationError(
            _("A bounding box is four numbers: min_lon,min_lat,max_lon,max_lat."), code="bbox"
        ) from exc
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise ValidationError(_("Bounding box coordinates are out of range."), code="bbox")
    if min_lon >= max_lon or min_lat >= max_lat:
        raise ValidationError(_("A bounding box's minimum must be less than its maximum."), code="bbox")
    return Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))


def parse_near(value: str) -> tuple[Point, float]:
    """'lon,lat,km' → (point, km)."""
    parts = value.split(",")
    try:
        lon, lat, km = (float(p) for p in parts)
    except ValueError as exc:
        raise ValidationError(_("'near' is three numbers: longitude,latitude,kilometres."), code="near") from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(_("Coordinates are out of range."), code="near")
    if not (0 < km <= MAX_DISTANCE_KM):
        raise ValidationError(
            _("The distance must be between 0 and %(max)s km.") % {"max": MAX_DISTANCE_KM}, code="near"
        )
    return Point(lon, lat, srid=4326), km


class BBoxField(forms.CharField):
    """Validated while the FilterSet validates, so a bad box is reported under its parameter's name."""

    def clean(self, value):
        value = super().clean(value)
        return parse_bbox(value) if value else None


class NearField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return parse_near(value) if value else None


class BBoxFilter(filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__intersects": value})


class NearFilter(filters.Filter):
    field_class = NearField

    def filter(self, qs, value):
        if not value:
            return qs
        point, km = value
        # A degree box that surely holds the circle lets the spatial index narrow the rows; distance_lte then
        # measures on the sphere (a metric dwithin needs geography, which the 4326 geometry column is not).
        latitude_room = min(89.0, abs(point.y) + km / 111.0)
        degrees = km / 111.0 / max(math.cos(math.radians(latitude_room)), 0.01)
        return qs.filter(
            **{f"{self.field_name}__dwithin": (point, degrees), f"{self.field_name}__distance_lte": (point, D(km=km))}
        )


# --- Search ------------------------------------------------------------------------
def search_registry(qs, value: str, *, with_descriptions: bool = True):
    """Names by substring and trigram similarity in every language; descriptions by full-text search
    with the English and Russian configurations (Chinese text has none: substring matching covers it)."""
    value = value.strip()[:MAX_QUERY_LENGTH]
    if not value:
        return qs
    names = Q()
    for field in ("name_en", "name_ru", "name_original", "name_zh"):
        names |= Q(**{f"{field}__icontains": value})
    names |= Q(name_en__trigram_word_similar=value) | Q(name_ru__trigram_word_similar=value)
    if not with_descriptions:
        return qs.filter(names)
    vector = (
        SearchVector("description_en", config="english")
        + SearchVector("description_ru", config="russian")
        + SearchVector("description_original", config="simple")
    )
    query = (
        SearchQuery(value, config="english", search_type="websearch")
        | SearchQuery(value, config="russian", search_type="websearch")
        | SearchQuery(value, config="simple", search_type="websearch")
    )
    return qs.annotate(_search=vector).filter(names | Q(_search=query) | Q(description_zh__icontains=value))


def semi_join(qs, condition: Q):
    """The rows of `qs` meeting a condition over a to-many relation, each once.

    A semi-join (`id IN (…)`) rather than a join and `.distinct()`: DISTINCT makes PostgreSQL compare whole rows,
    and computes every annotation of every matching row (the API list's members as JSON) before a page is cut."""
    return qs.filter(pk__in=qs.model._base_manager.filter(condition).values("pk"))


# --- Base for registry records -------------------------------------------------------
class RegistryFilterSet(filters.FilterSet):
    """Filters every registry record (organisation, cluster, technopark) has; subclasses add their own."""

    q = filters.CharFilter(method="filter_q", label=_("Search"), max_length=MAX_QUERY_LENGTH)
    # Filters on a row's own columns never repeat it: no DISTINCT (django-filter adds one to multiple choices).
    country = filters.ModelMultipleChoiceFilter(queryset=Country.objects.all(), label=_("Country (id)"), distinct=False)
    country_code = filters.CharFilter(method="filter_country_code", label=_("Country (ISO alpha-2, comma-separated)"))
    bloc = filters.CharFilter(method="filter_bloc", label=_("Bloc (code: eaeu, sco, union-state)"))
    status = filters.MultipleChoiceFilter(
        choices=PublicationStatus.choices, label=_("Publication status"), distinct=False
    )
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Updated since"))
    bbox = BBoxFilter(field_name="location", label=_("Bounding box: min_lon,min_lat,max_lon,max_lat"))
    near = NearFilter(field_name="location", label=_("Within a distance: lon,lat,km"))

    def filter_q(self, qs, name, value):
        return search_registry(qs, value)

    def filter_country_code(self, qs, name, value):
        codes = [code.strip().upper() for code in value.split(",") if code.strip()]
        return qs.filter(country__iso2__in=codes) if codes else qs

    def filter_bloc(self, qs, name, value):
        countries = BlocMembership.objects.current().filter(bloc__code=value.strip().lower()).values("country_id")
        return qs.filter(country__in=countries)


def sector_q(value: str, *fields: str) -> Q:
    """A sector code; a section letter includes all of its divisions."""
    value = value.strip().upper()
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__code": value}) | Q(**{f"{field}__section_code": value})
    return condition


class OrganisationFilterSet(RegistryFilterSet):
    kind = filters.MultipleChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"), distinct=False)
    region = filters.ModelMultipleChoiceFilter(queryset=Region.objects.all(), label=_("Region (id)"), distinct=False)
    region_code = filters.CharFilter(field_name="region__iso_code", label=_("Region (ISO 3166-2)"))
    sector = filters.CharFilter(method="filter_sector", label=_("Sector code (a section includes its divisions)"))
    registration_number = filters.CharFilter(label=_("Registration number"))
    city = filters.CharFilter(lookup_expr="icontains", label=_("City"))

    class Meta:
        model = Organisation
        fields = [
            "q",
            "country",
            "country_code",
            "bloc",
            "region",
            "region_code",
            "kind",
            "sector",
            "registration_number",
            "city",
            "status",
            "updated_since",
            "bbox",
            "near",
        ]

    def filter_sector(self, qs, name, value):
        return semi_join(qs, sector_q(value, "sectors"))


class CountryFilterSet(filters.FilterSet):
    bloc = filters.CharFilter(method="filter_bloc", label=_("Bloc (code)"))
    iso2 = filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Country
        fields = ["bloc", "iso2"]

    def filter_bloc(self, qs, name, value):
        return qs.filter(
            bloc_memberships__in=BlocMembership.objects.current().filter(bloc__code=value.lower())
        ).distinct()


class RegionFilterSet(filters.FilterSet):
    country = filters.ModelMultipleChoiceFilter(queryset=Country.objects.all())
    country_code = filters.CharFilter(field_name="country__iso2", lookup_expr="iexact")
    q = filters.CharFilter(method="filter_q", max_length=MAX_QUERY_LENGTH)

    class Meta:
        model = Region
        fields = ["country", "country_code", "q", "iso_code"]

    def filter_q(self, qs, name, value):
        return search_registry(qs, value, with_descriptions=False)


class SectorFilterSet(filters.FilterSet):
    level = filters.CharFilter()
    section = filters.CharFilter(field_name="section_code", lookup_expr="iexact")

    class Meta:
        model = Sector
        fields = ["level", "section", "code"]


class BlocFilterSet(filters.FilterSet):
    class Meta:
        model = Bloc
        fields = ["code"]

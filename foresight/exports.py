"""Science and innovation statistics (Oslo and Frascati indicators) as an open dataset."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eaeu_portal.opendata.exporting import ExportDataset
from eaeu_portal.opendata.fields import export_only

from .filtersets import IndicatorValueFilterSet
from .models import IndicatorValue


def _area_code(value: IndicatorValue) -> str:
    return value.region.iso_code if value.region_id else value.country.iso2


def _path(value: IndicatorValue) -> str:
    return (
        reverse("foresight:indicator-area", args=[_area_code(value)])
        + "?"
        + urlencode({"indicator": value.indicator.code})
    )


INDICATOR_VALUE_FIELDS = (
    export_only("indicator", _("Indicator (code)"), lambda v: v.indicator.code, "code"),
    export_only("indicator_name", _("Indicator"), lambda v: v.indicator.name_en),
    export_only("manual", _("Manual (Oslo or Frascati)"), lambda v: v.indicator.manual, "code"),
    export_only(
        "country",
        _("Country (ISO 3166-1 alpha-2 code)"),
        lambda v: v.country.iso2 if v.country_id else v.region.country.iso2,
        "code",
    ),
    export_only("region", _("Region (ISO 3166-2 code)"), lambda v: v.region.iso_code if v.region_id else "", "code"),
    export_only("year", _("Year"), lambda v: v.year, "integer"),
    export_only("value", _("Value"), lambda v: v.value, "number"),
    export_only("unit", _("Unit"), lambda v: v.unit, "code"),
    export_only("source", _("Source"), lambda v: v.source),
    export_only("is_approximate", _("Approximate"), lambda v: v.is_approximate, "boolean"),
)


def indicator_value_queryset():
    return IndicatorValue.objects.select_related("indicator", "country", "region__country").defer(
        "country__boundary", "region__boundary", "region__label_point", "region__country__boundary"
    )


INDICATOR_VALUES = ExportDataset(
    key="st-indicators",
    title=_("Science and innovation statistics"),
    description=_(
        "Values of science, technology and innovation indicators (Oslo and Frascati manuals) by country, region "
        "and year, with their sources."
    ),
    model=IndicatorValue,
    fields=INDICATOR_VALUE_FIELDS,
    queryset=indicator_value_queryset,
    filterset_class=IndicatorValueFilterSet,
    record_path=_path,
    list_url_name="foresight:indicator-compare",
    updated_field="",
)

"""Technoparks (with their residents) as an open dataset; read back by technoparks/imports.py.

Residents are one cell: “RU/1655065554; KZ/Name”, each the resident's country and registration number (or name).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from clusters.exports import external_id_field, technologies_field
from directory.exports import country_field, sector_list_field, source_field, updated_at_field
from directory.imports import organisation_reference
from directory.selectors import visible_records
from eaeu_portal.opendata.exporting import ExportDataset
from eaeu_portal.opendata.fields import (
    Field,
    boolean_field,
    choice_field,
    choice_list_field,
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

from .choices import TechnoparkKind, TechnoparkService
from .filtersets import TechnoparkFilterSet
from .models import Residency, Technopark

# (column, label) of the figures an investor compares, in the order of the model.
AMOUNTS = (
    ("area_m2", _("Area (m²)")),
    ("land_total_ha", _("Land, total (ha)")),
    ("land_free_ha", _("Land, free (ha)")),
    ("premises_total_m2", _("Premises, total (m²)")),
    ("premises_free_m2", _("Premises, free (m²)")),
    ("rent_rate_m2_year", _("Rent per m² per year")),
    ("electricity_total_mw", _("Electricity, total (MW)")),
    ("electricity_free_mw", _("Electricity, free (MW)")),
    ("gas_total_m3h", _("Gas, total (m³/h)")),
    ("gas_free_m3h", _("Gas, free (m³/h)")),
    ("water_total_m3d", _("Water, total (m³/day)")),
    ("water_free_m3d", _("Water, free (m³/day)")),
    ("heat_total_gcalh", _("Heat, total (Gcal/h)")),
    ("heat_free_gcalh", _("Heat, free (Gcal/h)")),
    ("distance_regional_centre_km", _("Distance to the regional centre (km)")),
    ("distance_rail_km", _("Distance to rail (km)")),
    ("distance_highway_km", _("Distance to a highway (km)")),
    ("distance_airport_km", _("Distance to an international airport (km)")),
    ("investment_total", _("Investment made")),
)


def residents_cell(technopark: Technopark) -> list[str]:
    return sorted(organisation_reference(r.organisation) for r in technopark.current_residencies)


TECHNOPARK_FIELDS: tuple[Field, ...] = (
    external_id_field(),
    country_field(),
    choice_field("kind", _("Kind"), TechnoparkKind, aliases=("type", "тип")),
    *multilingual_fields(),
    Field(
        name="region",
        label=_("Region (ISO 3166-2 code)"),
        kind="code",
        get=lambda obj: obj.region.iso_code if obj.region_id else "",
        parse=parse_text,
        aliases=("region code", "регион", "субъект"),
    ),
    *location_fields(),
    Field(
        name="operator",
        label=_("Operator (country/registration number or name)"),
        kind="reference",
        get=lambda obj: organisation_reference(obj.operator),
        parse=parse_text,
        aliases=("managing company", "управляющая компания", "оператор"),
    ),
    sector_list_field("sectors", _("Sectors (NACE Rev. 2 codes)"), "sectors"),
    technologies_field(),
    integer_field("founded_year", _("Founding year"), aliases=("founded", "год создания")),
    model_field("website", _("Website"), kind="url", aliases=("site", "сайт")),
    choice_list_field("services", _("Services offered (codes, separated by semicolons)"), TechnoparkService),
    boolean_field("sandbox_available", _("Experimental legal regime available")),
    text_field("sandbox_description", _("Experimental legal regime")),
    *(decimal_field(name, label) for name, label in AMOUNTS),
    text_field("currency", _("Currency (ISO 4217)"), aliases=("валюта",)),
    text_field("tax_incentives", _("Tax incentives")),
    text_field("customs_incentives", _("Customs incentives")),
    integer_field("residents_reported", _("Residents (reported)")),
    integer_field("jobs_created", _("Jobs created")),
    Field(
        name="residents",
        label=_("Current residents (country/number or name, separated by semicolons)"),
        kind="list",
        get=residents_cell,
        parse=split_list,
        aliases=("резиденты",),
    ),
    export_only(
        "resident_count", _("Number of current residents"), lambda obj: len(obj.current_residencies), "integer"
    ),
    updated_at_field(),
    source_field(),
)


def technopark_export_queryset():
    residencies = (
        Residency.objects.filter(ended_on__isnull=True)
        .select_related("organisation__country")
        .defer("organisation__country__boundary")
    )
    queryset = (
        Technopark.objects.select_related("country", "region", "operator__country")
        .defer("country__boundary", "region__boundary", "region__label_point", "operator__country__boundary")
        .prefetch_related(
            "sectors", "technologies", Prefetch("residencies", queryset=residencies, to_attr="current_residencies")
        )
    )
    return visible_records(queryset)


TECHNOPARKS = ExportDataset(
    key="technoparks",
    title=_("Technoparks and innovation infrastructure"),
    description=_(
        "Technoparks, science and IT parks, incubators, engineering and shared-use centres and special economic "
        "zones, with what they offer investors and their current residents."
    ),
    model=Technopark,
    fields=TECHNOPARK_FIELDS,
    queryset=technopark_export_queryset,
    filterset_class=TechnoparkFilterSet,
    detail_url_name="technoparks:detail",
    list_url_name="technoparks:list",
    geographic=True,
    import_kind="technoparks",
)

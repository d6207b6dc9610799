"""The organisations as an open dataset, and the columns every registry dataset shares.

The same columns are read back by the import (directory/imports.py), so an exported file re-imports as it is.
"""

from django.utils.translation import gettext_lazy as _

from eaeu_portal.opendata.exporting import ExportDataset
from eaeu_portal.opendata.fields import (
    Field,
    choice_field,
    export_only,
    location_fields,
    model_field,
    multilingual_fields,
    parse_text,
    split_list,
    text_field,
)

from .choices import OrganisationKind
from .filtersets import OrganisationFilterSet
from .models import Organisation
from .selectors import visible_records


def country_field() -> Field:
    return Field(
        name="country",
        label=_("Country (ISO 3166-1 alpha-2 code)"),
        kind="code",
        get=lambda obj: obj.country.iso2,
        parse=parse_text,
        required=True,
        aliases=("country code", "iso2", "страна", "код страны"),
    )


def sector_list_field(name: str, label, attr: str) -> Field:
    return Field(
        name=name,
        label=label,
        kind="list",
        get=lambda obj: sorted(sector.code for sector in getattr(obj, attr).all()),
        parse=split_list,
        aliases=("nace", "okved", "оквэд", "отрасли"),
        help=_("NACE Rev. 2 codes (a section letter or a two-digit division), separated by semicolons."),
    )


def updated_at_field() -> Field:
    return export_only("updated_at", _("Last updated"), lambda obj: obj.updated_at, kind="datetime")


def source_field() -> Field:
    return export_only("source_note", _("Source of the facts"), lambda obj: obj.source_note)


ORGANISATION_FIELDS: tuple[Field, ...] = (
    country_field(),
    text_field(
        "registration_number",
        _("National registration number (INN, BIN, UNP…)"),
        aliases=("inn", "bin", "unp", "инн", "бин", "унп", "регистрационный номер"),
    ),
    choice_field("kind", _("Kind"), OrganisationKind, aliases=("type", "тип")),
    *multilingual_fields(),
    Field(
        name="region",
        label=_("Region (ISO 3166-2 code)"),
        kind="code",
        get=lambda obj: obj.region.iso_code if obj.region_id else "",
        parse=parse_text,
        aliases=("region code", "регион", "субъект"),
    ),
    text_field("city", _("City"), aliases=("город", "населённый пункт")),
    text_field("address", _("Address"), aliases=("адрес",)),
    *location_fields(),
    model_field("website", _("Website"), kind="url", aliases=("site", "url сайта", "сайт")),
    model_field("email", _("E-mail"), aliases=("e-mail", "электронная почта")),
    sector_list_field("sectors", _("Sectors (NACE Rev. 2 codes)"), "sectors"),
    updated_at_field(),
    source_field(),
)


def organisation_export_queryset():
    queryset = (
        Organisation.objects.select_related("country", "region")
        .defer("country__boundary", "region__boundary", "region__label_point")
        .prefetch_related("sectors")
    )
    return visible_records(queryset)


ORGANISATIONS = ExportDataset(
    key="organisations",
    title=_("Organisations"),
    description=_(
        "Companies, universities, research institutes and other organisations of the registry: members of "
        "clusters, residents of technoparks and their operators."
    ),
    model=Organisation,
    fields=ORGANISATION_FIELDS,
    queryset=organisation_export_queryset,
    filterset_class=OrganisationFilterSet,
    detail_url_name="directory:organisation-detail",
    list_url_name="directory:organisation-list",
    geographic=True,
    import_kind="organisations",
)

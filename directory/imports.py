"""Importing organisations from files, and what every registry import shares: reference look-ups, references to
organisations, coordinates, and how an imported record enters the publication workflow.

Organisations are upserted by their country and national registration number. A row without a registration number
(many universities and foreign companies have none the portal checks) is matched by country and name instead: the
organisation of that country with the same name in the same language (case aside); when several match, the row is
refused as ambiguous. Either way, importing the same file again finds the same records.
"""

from typing import Any

from django.contrib.gis.geos import Point
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eaeu_portal.opendata.fields import Field
from eaeu_portal.opendata.importing import (
    Action,
    ImportContext,
    ImportKind,
    RowRefused,
    assign,
    snapshot,
)

from .choices import PublicationStatus
from .models import Country, Organisation, Region, Sector
from .validators import normalise_registration_number

# A row's names, in the order they identify a record when nothing else does.
IDENTIFYING_NAMES = ("name_en", "name_original", "name_ru", "name_zh")
# "RU/7701234567" or "RU/Name of the organisation": the country, then the registration number or the name.
REFERENCE_SEPARATOR = "/"


# --- Reference data ------------------------------------------------------------------------------------------
class ReferenceLookups:
    """Countries, regions and sectors of the registry, read once per import and found by their codes or names."""

    def __init__(self):
        self._countries: dict[str, Country] | None = None
        self._regions: dict[str, Region] | None = None
        self._sectors: dict[str, Sector] | None = None

    def _country_index(self) -> dict[str, Country]:
        if self._countries is None:
            self._countries = {}
            for country in Country.objects.defer("boundary"):
                keys = [country.iso2, country.iso3, country.iso_numeric]
                keys += [getattr(country, name) for name in ("name_en", "name_ru", "name_original", "name_zh")]
                for key in keys:
                    if key:
                        self._countries.setdefault(key.strip().lower(), country)
        return self._countries

    def country(self, value: str) -> Country:
        value = (value or "").strip()
        if not value:
            raise RowRefused(_("Country: this cell is required (the ISO code, e.g. RU, KZ, BY)."))
        country = self._country_index().get(value.lower())
        if country is None:
            raise RowRefused(
                _("Country: “%(value)s” is not a country of the registry (give its ISO code, e.g. RU).")
                % {"value": value}
            )
        return country

    def region(self, value: str, country: Country) -> Region | None:
        value = (value or "").strip().upper()
        if not value:
            return None
        if self._regions is None:
            self._regions = {
                region.iso_code.upper(): region
                for region in Region.objects.defer("boundary", "label_point")
                .select_related("country")
                .defer("country__boundary")
            }
        region = self._regions.get(value) or self._regions.get(f"{country.iso2}-{value}")
        if region is None:
            raise RowRefused(
                _("Region: “%(value)s” is not a region code the registry knows (ISO 3166-2, e.g. RU-TA).")
                % {"value": value}
            )
        return region

    def sectors(self, codes: list[str]) -> list[Sector]:
        if self._sectors is None:
            self._sectors = {sector.code.upper(): sector for sector in Sector.objects.all()}
        found, unknown = [], []
        for code in codes:
            sector = self._sectors.get(code.strip().upper())
            (found if sector else unknown).append(sector or code)
        if unknown:
            raise RowRefused(
                _("Sectors: %(codes)s are not NACE Rev. 2 section letters or division numbers.")
                % {"codes": ", ".join(unknown)}
            )
        return found

    def sector(self, code: str) -> Sector | None:
        return self.sectors([code])[0] if code else None


# --- Organisations as references ------------------------------------------------------------------------------
def organisation_reference(organisation: Organisation | None) -> str:
    """How an export names an organisation so that an import finds it again: country, then number or name."""
    if organisation is None:
        return ""
    identifier = organisation.registration_number or next(
        (getattr(organisation, name) for name in IDENTIFYING_NAMES if getattr(organisation, name)), ""
    )
    return f"{organisation.country.iso2}{REFERENCE_SEPARATOR}{identifier}"


def match_organisation(country: Country, registration_number: str, names: dict[str, str]) -> Organisation | None:
    """The organisation a row or a reference means: by registration number, else by a name in the same language."""
    queryset = Organisation.objects.filter(country=country)
    if registration_number:
        return queryset.filter(registration_number=registration_number).first()
    condition = Q()
    for name in IDENTIFYING_NAMES:
        if names.get(name):
            condition |= Q(**{f"{name}__iexact": names[name].strip()})
    if not condition:
        return None
    found = list(queryset.filter(condition)[:2])
    if len(found) > 1:
        raise RowRefused(
            _(
                "Several organisations of %(country)s have this name; give the registration number to say which "
                "one is meant."
            )
            % {"country": country}
        )
    return found[0] if found else None


def resolve_organisation(reference: str, lookups: ReferenceLookups, label: str) -> Organisation:
    """The organisation a reference (“RU/7701234567” or “KZ/Name”) names; RowRefused when there is none."""
    iso, separator, identifier = reference.strip().partition(REFERENCE_SEPARATOR)
    if not separator or not identifier.strip():
        raise RowRefused(
            _(
                "%(field)s: “%(value)s” should be the country code, a slash and the registration number or the name, "
                "e.g. RU/1655065554."
            )
            % {"field": label, "value": reference}
        )
    country = lookups.country(iso)
    identifier = identifier.strip()
    number = normalise_registration_number(identifier)
    organisation = None
    if number and len(number) <= 20 and any(c.isdigit() for c in number):
        organisation = match_organisation(country, number, {})
    if organisation is None:
        organisation = match_organisation(country, "", dict.fromkeys(IDENTIFYING_NAMES, identifier))
    if organisation is None:
        raise RowRefused(
            _("%(field)s: no organisation “%(value)s” is registered; import the organisations first.")
            % {"field": label, "value": reference}
        )
    return organisation


# --- Coordinates ------------------------------------------------------------------------------------------------
UNCHANGED = object()


def point_from(values: dict[str, Any]):
    """The location the row gives: a Point, None to clear it, or UNCHANGED when the file has no coordinates."""
    has_lon, has_lat = "longitude" in values, "latitude" in values
    if not has_lon and not has_lat:
        return UNCHANGED
    if has_lon != has_lat:
        raise RowRefused(_("Map both the longitude and the latitude columns, or neither."))
    lon, lat = values["longitude"], values["latitude"]
    if lon is None and lat is None:
        return None
    if lon is None or lat is None:
        raise RowRefused(_("Location: give both the longitude and the latitude, or leave both empty."))
    return Point(float(lon), float(lat), srid=4326)


# --- The publication of imported records -----------------------------------------------------------------------
def save_registry_record(obj, *, ctx: ImportContext, before: dict | None, related_changed: bool = False) -> str:
    """Saves an imported record when the row changes it; returns the action. A new record enters the moderation
    workflow as submitted, or published when staff chose so; its source says which file it came from."""
    created = obj.pk is None
    if created:
        obj.status = PublicationStatus.PUBLISHED if ctx.publish else PublicationStatus.SUBMITTED
        obj.status_changed_at = ctx.now
        obj.status_changed_by = ctx.user
        obj.created_by = ctx.user
        obj.source_note = ctx.source_note
        if ctx.publish:
            obj.published_at = ctx.now
    elif ctx.publish and obj.status != PublicationStatus.PUBLISHED:
        obj.status = PublicationStatus.PUBLISHED
        obj.status_changed_at = ctx.now
        obj.status_changed_by = ctx.user
        obj.published_at = obj.published_at or ctx.now
    changed = created or related_changed or snapshot(obj) != before
    if not changed:
        return Action.UNCHANGED
    obj.full_clean()
    obj.save()
    return Action.CREATE if created else Action.UPDATE


def set_related(manager, objects: list, current_ids: set[int] | None = None) -> bool:
    """Sets a many-to-many relation when it differs; True when it changed."""
    wanted = {obj.pk for obj in objects}
    if current_ids is None:
        current_ids = set(manager.values_list("pk", flat=True))
    if wanted == current_ids:
        return False
    manager.set(objects)
    return True


def record_label(obj) -> str:
    return f"{obj.name} ({obj.country.iso2})" if getattr(obj, "country_id", None) else str(obj)


# --- Organisations -------------------------------------------------------------------------------------------------
def organisation_fields() -> tuple[Field, ...]:
    from .exports import ORGANISATION_FIELDS

    return ORGANISATION_FIELDS


class OrganisationImport(ImportKind):
    key = "organisations"
    label = gettext_lazy("Organisations")
    model = Organisation
    key_help = gettext_lazy(
        "Matched by country and registration number; without a number, by country and name in the same language."
    )

    @property
    def fields(self):
        return organisation_fields()

    def new_context(self, **kwargs) -> ImportContext:
        return ImportContext(lookups=ReferenceLookups(), **kwargs)

    def import_row(self, values: dict[str, Any], ctx: ImportContext) -> tuple[str, str]:
        lookups: ReferenceLookups = ctx.lookups
        country = lookups.country(values.get("country", ""))
        number = normalise_registration_number(values.get("registration_number", ""))
        names = {name: values.get(name, "") for name in IDENTIFYING_NAMES}
        if not number and not any(names.values()):
            raise RowRefused(_("Give a name in at least one language."))
        identity = number or next(v for v in (names[n] for n in IDENTIFYING_NAMES) if v).casefold()
        label = f"{country.iso2}{REFERENCE_SEPARATOR}{number or identity}"
        ctx.claim(("organisation", country.pk, identity), label)

        organisation = match_organisation(country, number, names)
        before = snapshot(organisation) if organisation else None
        organisation = organisation or Organisation(country=country)
        # An empty number in the file means "not known", never "remove the number the registry has".
        assign(organisation, [f for f in self.fields if f.name != "registration_number"], values)
        if number:
            organisation.registration_number = number
        organisation.country = country
        if "region" in values:
            organisation.region = lookups.region(values["region"], country)
        location = point_from(values)
        if location is not UNCHANGED:
            organisation.location = location
        sectors = lookups.sectors(values["sectors"]) if "sectors" in values else None
        sectors_changed = False
        if sectors is not None and organisation.pk is not None:
            sectors_changed = {s.pk for s in sectors} != set(organisation.sectors.values_list("pk", flat=True))
        action = save_registry_record(organisation, ctx=ctx, before=before, related_changed=sectors_changed)
        if sectors is not None and (action == Action.CREATE or sectors_changed):
            organisation.sectors.set(sectors)
        return action, record_label(organisation)

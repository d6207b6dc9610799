"""Importing technoparks (with their residents) from files.

A technopark is upserted by its external id (the number in a national technopark or industrial-park registry, or
an SCO Pool nomination), else by country and name. Residents the file lists are added; a resident it does not
list is left as it is.
"""

from typing import Any

from django.utils.translation import gettext_lazy

from clusters.imports import RegistryLookups, find_by_external_id_or_name
from directory.imports import UNCHANGED, point_from, record_label, resolve_organisation, save_registry_record
from eaeu_portal.opendata.importing import Action, ImportContext, ImportKind, assign, snapshot

from .exports import TECHNOPARK_FIELDS
from .models import Residency, Technopark

SPECIAL_FIELDS = {
    "external_id",
    "country",
    "region",
    "operator",
    "sectors",
    "technologies",
    "residents",
    "longitude",
    "latitude",
}


class TechnoparkImport(ImportKind):
    key = "technoparks"
    label = gettext_lazy("Technoparks with their residents")
    model = Technopark
    fields = TECHNOPARK_FIELDS
    key_help = gettext_lazy("Matched by external id; without one, by country and name in the same language.")

    def new_context(self, **kwargs) -> ImportContext:
        return ImportContext(lookups=RegistryLookups(), **kwargs)

    def import_row(self, values: dict[str, Any], ctx: ImportContext) -> tuple[str, str]:
        lookups: RegistryLookups = ctx.lookups
        country = lookups.country(values.get("country", ""))
        technopark = find_by_external_id_or_name(Technopark, ctx, values, country)
        before = snapshot(technopark) if technopark else None
        technopark = technopark or Technopark(country=country)
        assign(technopark, [f for f in self.fields if f.name not in SPECIAL_FIELDS], values)
        if values.get("external_id"):
            technopark.external_id = values["external_id"]
        if technopark.currency:
            technopark.currency = technopark.currency.upper()
        technopark.country = country
        if "region" in values:
            technopark.region = lookups.region(values["region"], country)
        location = point_from(values)
        if location is not UNCHANGED:
            technopark.location = location
        if "operator" in values:
            label = str(self.field("operator").label)
            technopark.operator = (
                resolve_organisation(values["operator"], lookups, label) if values["operator"] else None
            )
        related = {
            "sectors": lookups.sectors(values["sectors"]) if "sectors" in values else None,
            "technologies": lookups.priorities(values["technologies"]) if "technologies" in values else None,
        }
        residents = []
        if "residents" in values:
            label = str(self.field("residents").label)
            residents = [resolve_organisation(reference, lookups, label) for reference in values["residents"]]
        related_changed = technopark.pk is not None and any(
            objects is not None
            and {o.pk for o in objects} != set(getattr(technopark, name).values_list("pk", flat=True))
            for name, objects in related.items()
        )
        action = save_registry_record(technopark, ctx=ctx, before=before, related_changed=related_changed)
        for name, objects in related.items():
            if objects is not None and (action == Action.CREATE or related_changed):
                getattr(technopark, name).set(objects)
        current = set(technopark.residencies.filter(ended_on__isnull=True).values_list("organisation_id", flat=True))
        added = False
        for organisation in residents:
            if organisation.pk in current:
                continue
            residency = Residency(technopark=technopark, organisation=organisation)
            residency.full_clean()
            residency.save()
            current.add(organisation.pk)
            added = True
        if added and action == Action.UNCHANGED:
            technopark.save(update_fields=["updated_at"])
            action = Action.UPDATE
        return action, record_label(technopark)

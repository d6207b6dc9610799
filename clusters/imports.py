"""Importing clusters (with their members) and their yearly indicators from files.

A cluster is upserted by its external id, the stable identifier of a national registry (for example the number in
Russia's industrial cluster registry under Decree 779). A row without one is matched by country and name, like an
organisation without a registration number. Members are added or given their new role; a member the file does not
list is left as it is: a file updates the registry, it does not prune it.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.imports import (
    IDENTIFYING_NAMES,
    UNCHANGED,
    ReferenceLookups,
    point_from,
    record_label,
    resolve_organisation,
    save_registry_record,
)
from eaeu_portal.opendata.importing import Action, ImportContext, ImportKind, RowRefused, assign, snapshot
from foresight.models import Priority

from .choices import MembershipRole
from .exports import CLUSTER_FIELDS, INDICATOR_FIELDS, ROLE_SEPARATOR
from .models import Cluster, ClusterIndicator, Membership

# Columns the cluster import writes itself rather than through `assign`.
SPECIAL_FIELDS = {
    "external_id",
    "country",
    "regions",
    "primary_sector",
    "secondary_sectors",
    "technologies",
    "specialised_organisation",
    "members",
    "longitude",
    "latitude",
}


class RegistryLookups(ReferenceLookups):
    """Reference data plus the foresight taxonomy, by code."""

    def __init__(self):
        super().__init__()
        self._priorities: dict[str, Priority] | None = None

    def priorities(self, codes: list[str]) -> list[Priority]:
        if self._priorities is None:
            self._priorities = {p.code.upper(): p for p in Priority.objects.only("pk", "code")}
        found, unknown = [], []
        for code in codes:
            priority = self._priorities.get(code.strip().upper())
            (found if priority else unknown).append(priority or code)
        if unknown:
            raise RowRefused(
                _("Technologies: %(codes)s are not codes of the foresight taxonomy.") % {"codes": ", ".join(unknown)}
            )
        return found

    def regions_of(self, codes: list[str], country) -> list:
        regions = [self.region(code, country) for code in codes]
        foreign = [region for region in regions if region.country_id != country.pk]
        if foreign:
            raise RowRefused(
                _("Regions: %(regions)s are not regions of %(country)s.")
                % {"regions": ", ".join(r.iso_code for r in foreign), "country": country}
            )
        return regions


def match_by_name(model, country, values: dict[str, Any]):
    """The record of the country with the same name in the same language; RowRefused when several match."""
    from django.db.models import Q

    condition = Q()
    for name in IDENTIFYING_NAMES:
        if values.get(name):
            condition |= Q(**{f"{name}__iexact": values[name].strip()})
    if not condition:
        raise RowRefused(_("Give a name in at least one language."))
    found = list(model.objects.filter(condition, country=country)[:2])
    if len(found) > 1:
        raise RowRefused(
            _("Several records of %(country)s have this name; give the external id to say which one is meant.")
            % {"country": country}
        )
    return found[0] if found else None


def find_by_external_id_or_name(model, ctx: ImportContext, values: dict[str, Any], country):
    """The record a row means and the key that claims it within the file."""
    external_id = values.get("external_id", "")
    if external_id:
        ctx.claim((model.__name__, "external_id", external_id), external_id)
        return model.objects.filter(external_id=external_id).first()
    record = match_by_name(model, country, values)
    name = next(values[n] for n in IDENTIFYING_NAMES if values.get(n))
    ctx.claim((model.__name__, country.pk, name.casefold()), f"{country.iso2}/{name}")
    return record


def parse_members(cells: list[str], lookups: ReferenceLookups, label: str, roles) -> list[tuple[Any, str | None]]:
    """“RU/1655065554=anchor” → (organisation, role); a cell without a role keeps the member's role."""
    members, seen = [], set()
    for cell in cells:
        reference, separator, role = cell.rpartition(ROLE_SEPARATOR)
        if not separator or role.strip() not in roles.values:
            reference, role = cell, None
        else:
            role = role.strip()
        organisation = resolve_organisation(reference, lookups, label)
        if organisation.pk in seen:
            raise RowRefused(_("%(field)s: %(member)s is listed twice.") % {"field": label, "member": reference})
        seen.add(organisation.pk)
        members.append((organisation, role))
    return members


class ClusterImport(ImportKind):
    key = "clusters"
    label = gettext_lazy("Clusters with their members")
    model = Cluster
    fields = CLUSTER_FIELDS
    key_help = gettext_lazy("Matched by external id; without one, by country and name in the same language.")

    def new_context(self, **kwargs) -> ImportContext:
        return ImportContext(lookups=RegistryLookups(), **kwargs)

    def import_row(self, values: dict[str, Any], ctx: ImportContext) -> tuple[str, str]:
        lookups: RegistryLookups = ctx.lookups
        country = lookups.country(values.get("country", ""))
        cluster = find_by_external_id_or_name(Cluster, ctx, values, country)
        before = snapshot(cluster) if cluster else None
        cluster = cluster or Cluster(country=country)
        assign(cluster, [f for f in self.fields if f.name not in SPECIAL_FIELDS], values)
        if values.get("external_id"):
            cluster.external_id = values["external_id"]
        cluster.country = country
        location = point_from(values)
        if location is not UNCHANGED:
            cluster.location = location
        if "primary_sector" in values:
            cluster.primary_sector = lookups.sector(values["primary_sector"])
        related = {
            "regions": lookups.regions_of(values["regions"], country) if "regions" in values else None,
            "secondary_sectors": lookups.sectors(values["secondary_sectors"])
            if "secondary_sectors" in values
            else None,
            "technologies": lookups.priorities(values["technologies"]) if "technologies" in values else None,
        }
        members = (
            parse_members(values["members"], lookups, str(self.field("members").label), MembershipRole)
            if "members" in values
            else None
        )
        specialised = None
        if values.get("specialised_organisation"):
            specialised = resolve_organisation(
                values["specialised_organisation"], lookups, str(self.field("specialised_organisation").label)
            )

        related_changed = cluster.pk is not None and any(
            objects is not None and {o.pk for o in objects} != set(getattr(cluster, name).values_list("pk", flat=True))
            for name, objects in related.items()
        )
        action = save_registry_record(cluster, ctx=ctx, before=before, related_changed=related_changed)
        for name, objects in related.items():
            if objects is not None and (action == Action.CREATE or related_changed):
                getattr(cluster, name).set(objects)
        members_changed = self._sync_members(cluster, members or [])
        # The specialised organisation must be a current member: checked once the members are in place.
        if "specialised_organisation" in values and cluster.specialised_organisation_id != (
            specialised.pk if specialised else None
        ):
            cluster.specialised_organisation = specialised
            cluster.full_clean()
            cluster.save()
            members_changed = True
        if members_changed and action == Action.UNCHANGED:
            cluster.save(update_fields=["updated_at"])
            action = Action.UPDATE
        return action, record_label(cluster)

    @staticmethod
    def _sync_members(cluster: Cluster, members: list) -> bool:
        current = {m.organisation_id: m for m in cluster.memberships.filter(left_on__isnull=True)}
        changed = False
        for organisation, role in members:
            membership = current.get(organisation.pk)
            if membership is None:
                membership = Membership(
                    cluster=cluster, organisation=organisation, role=role or MembershipRole.PARTICIPANT
                )
            elif role is None or membership.role == role:
                continue
            else:
                membership.role = role
            membership.full_clean()
            membership.save()
            changed = True
        return changed


# --- Indicators -------------------------------------------------------------------------------------------------
def resolve_cluster(reference: str, lookups: ReferenceLookups) -> Cluster:
    reference = reference.strip()
    cluster = Cluster.objects.filter(external_id=reference).first()
    if cluster is None and "/" in reference:
        iso, _separator, name = reference.partition("/")
        try:
            country = lookups.country(iso)
        except RowRefused:
            country = None
        if country is not None:
            cluster = match_by_name(Cluster, country, dict.fromkeys(IDENTIFYING_NAMES, name))
    if cluster is None:
        raise RowRefused(
            _("Cluster: no cluster has the external id (or country/name) “%(value)s”; import the clusters first.")
            % {"value": reference}
        )
    return cluster


class ClusterIndicatorImport(ImportKind):
    key = "cluster-indicators"
    label = gettext_lazy("Yearly indicators of clusters")
    model = ClusterIndicator
    fields = INDICATOR_FIELDS
    key_help = gettext_lazy("Matched by cluster and year.")

    def new_context(self, **kwargs) -> ImportContext:
        return ImportContext(lookups=ReferenceLookups(), **kwargs)

    def import_row(self, values: dict[str, Any], ctx: ImportContext) -> tuple[str, str]:
        cluster = resolve_cluster(values["cluster"], ctx.lookups)
        year = values["year"]
        label = f"{cluster.name} {year}"
        ctx.claim(("indicator", cluster.pk, year), label)
        indicator = ClusterIndicator.objects.filter(cluster=cluster, year=year).first()
        before = snapshot(indicator) if indicator else None
        indicator = indicator or ClusterIndicator(cluster=cluster, year=year)
        assign(indicator, [f for f in self.fields if f.name not in {"cluster", "year"}], values)
        if indicator.currency:
            indicator.currency = indicator.currency.upper()
        if indicator.pk is not None and snapshot(indicator) == before:
            return Action.UNCHANGED, label
        created = indicator.pk is None
        indicator.full_clean()
        indicator.save()
        return (Action.CREATE if created else Action.UPDATE), label

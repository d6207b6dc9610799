"""Joint projects as an open dataset (published projects only)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from directory.exports import updated_at_field
from directory.imports import organisation_reference
from directory.selectors import visible_records
from eaeu_portal.opendata.exporting import ExportDataset
from eaeu_portal.opendata.fields import export_only, multilingual_fields

from .filtersets import ProjectFilterSet
from .models import Project, ProjectParticipant


def _participants(project: Project) -> list[str]:
    return sorted(f"{organisation_reference(p.organisation)}={p.role}" for p in project.participations.all())


PROJECT_FIELDS = (
    export_only("external_id", _("External id"), lambda p: p.external_id or ""),
    *(f for f in multilingual_fields() if f.name != "original_language"),
    export_only("stage", _("Project status"), lambda p: p.stage, "code"),
    export_only(
        "integration_component",
        _("Integration component (number of states taking part)"),
        lambda p: p.member_state_count,
        "integer",
    ),
    export_only(
        "countries",
        _("States taking part (ISO codes)"),
        lambda p: sorted({x.organisation.country.iso2 for x in p.participations.all()}),
        "list",
    ),
    export_only(
        "lead_organisation",
        _("Lead organisation (country/number or name)"),
        lambda p: organisation_reference(p.lead_organisation),
        "reference",
    ),
    export_only("participants", _("Participants (country/number or name=role)"), _participants, "list"),
    export_only("programme", _("Programme"), lambda p: p.programme.name if p.programme_id else ""),
    export_only("clusters", _("Linked clusters (ids)"), lambda p: sorted(c.pk for c in p.clusters.all()), "list"),
    export_only(
        "technoparks", _("Linked technoparks (ids)"), lambda p: sorted(t.pk for t in p.technoparks.all()), "list"
    ),
    export_only(
        "priorities", _("Foresight priorities (codes)"), lambda p: sorted(x.code for x in p.priorities.all()), "list"
    ),
    export_only("trl_start", _("TRL at start"), lambda p: p.trl_start, "integer"),
    export_only("trl_target", _("Target TRL"), lambda p: p.trl_target, "integer"),
    export_only("starts_on", _("Starts on"), lambda p: p.starts_on, "date"),
    export_only("ends_on", _("Ends on"), lambda p: p.ends_on, "date"),
    export_only("budget", _("Total budget"), lambda p: p.budget, "number"),
    export_only("currency", _("Currency (ISO 4217)"), lambda p: p.currency),
    export_only("website", _("Website"), lambda p: p.website, "url"),
    updated_at_field(),
)


def project_export_queryset():
    participations = ProjectParticipant.objects.select_related("organisation__country").defer(
        "organisation__country__boundary", "organisation__location"
    )
    queryset = (
        Project.objects.select_related("lead_organisation__country", "programme")
        .defer("lead_organisation__country__boundary", "lead_organisation__location")
        .prefetch_related(Prefetch("participations", queryset=participations), "clusters", "technoparks", "priorities")
    )
    return visible_records(queryset)


PROJECTS = ExportDataset(
    key="projects",
    title=_("Joint projects"),
    description=_(
        "Joint projects of the full innovation cycle with their status, integration component (how many states "
        "take part), participants, readiness levels and budget."
    ),
    model=Project,
    fields=PROJECT_FIELDS,
    queryset=project_export_queryset,
    filterset_class=ProjectFilterSet,
    detail_url_name="projects:project_detail",
    list_url_name="projects:project_list",
)

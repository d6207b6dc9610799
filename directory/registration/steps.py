"""The entries a manager registers and the steps of their guided forms.

The models are named by label and loaded through the app registry: directory sits below clusters and technoparks
and imports neither.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...] = ()
    # "fields" (a form of the record's own fields), "members"/"residents"/"indicators" (rows), "logo", "review".
    kind: str = "fields"


NAMES = ("name_original", "original_language", "name_en", "name_ru", "name_zh")
DESCRIPTIONS = ("description_original", "description_en", "description_ru", "description_zh")


@dataclass(frozen=True)
class EntryKind:
    slug: str
    model_label: str
    title: str
    steps: tuple[Step, ...]

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    def step(self, slug: str) -> Step:
        for step in self.steps:
            if step.slug == slug:
                return step
        raise Http404("unknown step")

    def next_step(self, step: Step) -> Step | None:
        index = self.steps.index(step)
        return self.steps[index + 1] if index + 1 < len(self.steps) else None

    def previous_step(self, step: Step) -> Step | None:
        index = self.steps.index(step)
        return self.steps[index - 1] if index > 0 else None


LOGO = Step("logo", _("Logo"), kind="logo")
REVIEW = Step("review", _("Review and submit"), kind="review")

ENTRY_KINDS = {
    "organisation": EntryKind(
        "organisation",
        "directory.Organisation",
        _("Organisation"),
        (
            Step("basics", _("Name and country"), (*NAMES, "kind", "country", *DESCRIPTIONS)),
            Step("location", _("Location"), ("region", "city", "address", "location")),
            Step("profile", _("Profile"), ("registration_number", "website", "email", "sectors")),
            LOGO,
            REVIEW,
        ),
    ),
    "cluster": EntryKind(
        "cluster",
        "clusters.Cluster",
        _("Cluster"),
        (
            Step("basics", _("Name and country"), (*NAMES, "kind", "country", *DESCRIPTIONS)),
            Step("location", _("Location"), ("regions", "location")),
            Step(
                "activity",
                _("Sectors and technologies"),
                (
                    "primary_sector",
                    "secondary_sectors",
                    "technologies",
                    "founded_year",
                    "website",
                    "management_staff_fte",
                    "support_programmes",
                ),
            ),
            Step("members", _("Members"), ("memberships", "specialised_organisation"), kind="members"),
            Step("indicators", _("Yearly indicators"), ("indicators",), kind="indicators"),
            LOGO,
            REVIEW,
        ),
    ),
    "technopark": EntryKind(
        "technopark",
        "technoparks.Technopark",
        _("Technopark"),
        (
            Step("basics", _("Name and country"), (*NAMES, "kind", "country", *DESCRIPTIONS)),
            Step("location", _("Location"), ("region", "location")),
            Step(
                "activity",
                _("Sectors, technologies and services"),
                ("sectors", "technologies", "services", "founded_year", "website", "area_m2", "jobs_created"),
            ),
            Step("residents", _("Residents"), ("residencies", "operator"), kind="residents"),
            LOGO,
            REVIEW,
        ),
    ),
}


def entry_kind(slug: str) -> EntryKind:
    try:
        return ENTRY_KINDS[slug]
    except KeyError:
        raise Http404("unknown kind of entry") from None


def kind_of(record: Model) -> EntryKind:
    label = record._meta.label
    for kind in ENTRY_KINDS.values():
        if kind.model_label == label:
            return kind
    raise LookupError(label)

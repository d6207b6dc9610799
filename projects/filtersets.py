"""FilterSets shared by the HTML list pages and the API."""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from clusters.filtersets import technology_q_ids
from directory.choices import PublicationStatus
from directory.filtersets import MAX_QUERY_LENGTH, search_registry, sector_q
from directory.models import BlocMembership, Country, Organisation

from .choices import CallKind, IdeaKind, ProgrammeKind, ProjectStage
from .models import Call, Idea, Programme, Project, ProjectParticipant
from .selectors import open_calls_q


def _codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.split(",") if code.strip()]


class _SearchMixin(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Search"), max_length=MAX_QUERY_LENGTH)
    status = filters.MultipleChoiceFilter(choices=PublicationStatus.choices, label=_("Publication status"))
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Updated since"))

    def filter_q(self, qs, name, value):
        return search_registry(qs, value)


class ProgrammeFilterSet(_SearchMixin):
    kind = filters.MultipleChoiceFilter(choices=ProgrammeKind.choices, label=_("Kind"))
    country = filters.ModelMultipleChoiceFilter(
        field_name="countries", queryset=Country.objects.all(), label=_("Participating state (id)"), distinct=True
    )
    country_code = filters.CharFilter(method="filter_country_code", label=_("Participating state (ISO alpha-2)"))
    owner_body = filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Owner body (id)"))
    active_on = filters.DateFilter(method="filter_active_on", label=_("Running on (date)"))

    class Meta:
        model = Programme
        fields = ["q", "kind", "country", "country_code", "owner_body", "active_on", "status", "updated_since"]

    def filter_country_code(self, qs, name, value):
        codes = _codes(value)
        return qs.filter(countries__iso2__in=codes).distinct() if codes else qs

    def filter_active_on(self, qs, name, value):
        return qs.filter(starts_on__lte=value).exclude(ends_on__lt=value)


class ProjectFilterSet(_SearchMixin):
    """Projects by participating state, priority, status, programme and integration component."""

    country = filters.ModelMultipleChoiceFilter(
        field_name="participations__organisation__country",
        queryset=Country.objects.all(),
        method="filter_country",
        label=_("Participating state (id)"),
    )
    country_code = filters.CharFilter(method="filter_country_code", label=_("Participating state (ISO alpha-2)"))
    bloc = filters.CharFilter(method="filter_bloc", label=_("Participants from a bloc (code: eaeu, sco, union-state)"))
    priority = filters.CharFilter(method="filter_priority", label=_("Foresight priority (code or id)"))
    stage = filters.MultipleChoiceFilter(choices=ProjectStage.choices, label=_("Project status"))
    programme = filters.ModelChoiceFilter(queryset=Programme.objects.all(), label=_("Programme (id)"))
    programme_kind = filters.MultipleChoiceFilter(
        field_name="programme__kind", choices=ProgrammeKind.choices, label=_("Programme kind")
    )
    integration_min = filters.NumberFilter(
        field_name="member_state_count", lookup_expr="gte", min_value=0, label=_("Integration component at least")
    )
    trl_target_min = filters.NumberFilter(field_name="trl_target", lookup_expr="gte", label=_("Target TRL at least"))
    lead_organisation = filters.NumberFilter(field_name="lead_organisation", label=_("Lead organisation (id)"))
    participant = filters.NumberFilter(method="filter_participant", label=_("Participant (organisation id)"))
    cluster = filters.NumberFilter(field_name="clusters", distinct=True, label=_("Linked cluster (id)"))
    technopark = filters.NumberFilter(field_name="technoparks", distinct=True, label=_("Linked technopark (id)"))
    source_idea = filters.NumberFilter(field_name="source_idea", label=_("Grew from the idea (id)"))

    class Meta:
        model = Project
        fields = [
            "q",
            "country",
            "country_code",
            "bloc",
            "priority",
            "stage",
            "programme",
            "programme_kind",
            "integration_min",
            "trl_target_min",
            "lead_organisation",
            "participant",
            "cluster",
            "technopark",
            "source_idea",
            "status",
            "updated_since",
        ]

    # Participation filters use EXISTS so that a project is never listed twice.
    def _with_participant(self, qs, **lookup):
        return qs.filter(Exists(ProjectParticipant.objects.filter(project=OuterRef("pk"), **lookup)))

    def filter_country(self, qs, name, value):
        return self._with_participant(qs, organisation__country__in=value) if value else qs

    def filter_country_code(self, qs, name, value):
        codes = _codes(value)
        return self._with_participant(qs, organisation__country__iso2__in=codes) if codes else qs

    def filter_bloc(self, qs, name, value):
        countries = BlocMembership.objects.current().filter(bloc__code=value.strip().lower()).values("country_id")
        return self._with_participant(qs, organisation__country__in=countries)

    def filter_participant(self, qs, name, value):
        return self._with_participant(qs, organisation_id=value)

    def filter_priority(self, qs, name, value):
        return qs.filter(priorities__in=technology_q_ids(value)).distinct()


class IdeaFilterSet(_SearchMixin):
    kind = filters.MultipleChoiceFilter(choices=IdeaKind.choices, label=_("Kind"))
    country = filters.ModelMultipleChoiceFilter(queryset=Country.objects.all(), label=_("Country (id)"))
    country_code = filters.CharFilter(method="filter_country_code", label=_("Country (ISO alpha-2)"))
    sector = filters.CharFilter(method="filter_sector", label=_("Sector code (a section includes its divisions)"))
    tag = filters.CharFilter(method="filter_tag", label=_("Tag"))
    priority = filters.CharFilter(method="filter_priority", label=_("Foresight priority (code or id)"))
    author_organisation = filters.NumberFilter(field_name="author_organisation", label=_("Author organisation (id)"))
    became_project = filters.BooleanFilter(
        field_name="project", lookup_expr="isnull", exclude=True, label=_("Became a project")
    )

    class Meta:
        model = Idea
        fields = [
            "q",
            "kind",
            "country",
            "country_code",
            "sector",
            "tag",
            "priority",
            "author_organisation",
            "became_project",
            "status",
            "updated_since",
        ]

    def filter_country_code(self, qs, name, value):
        codes = _codes(value)
        return qs.filter(country__iso2__in=codes) if codes else qs

    def filter_sector(self, qs, name, value):
        return qs.filter(sector_q(value, "sector"))

    def filter_tag(self, qs, name, value):
        tags = [t.strip().lower() for t in value.split(",") if t.strip()]
        return qs.filter(tags__contains=tags) if tags else qs

    def filter_priority(self, qs, name, value):
        return qs.filter(priorities__in=technology_q_ids(value)).distinct()


class CallFilterSet(_SearchMixin):
    kind = filters.MultipleChoiceFilter(choices=CallKind.choices, label=_("Kind"))
    country = filters.ModelMultipleChoiceFilter(
        field_name="eligible_countries",
        queryset=Country.objects.all(),
        distinct=True,
        label=_("Open to organisations from (id)"),
    )
    country_code = filters.CharFilter(method="filter_country_code", label=_("Open to organisations from (ISO alpha-2)"))
    is_open = filters.BooleanFilter(method="filter_open", label=_("Open now"))
    organiser = filters.NumberFilter(field_name="organiser", label=_("Organiser (organisation id)"))
    programme = filters.NumberFilter(field_name="programme", label=_("Programme (id)"))
    deadline_after = filters.IsoDateTimeFilter(field_name="deadline", lookup_expr="gte", label=_("Deadline after"))

    class Meta:
        model = Call
        fields = [
            "q",
            "kind",
            "country",
            "country_code",
            "is_open",
            "organiser",
            "programme",
            "deadline_after",
            "status",
            "updated_since",
        ]

    def filter_country_code(self, qs, name, value):
        codes = _codes(value)
        return qs.filter(eligible_countries__iso2__in=codes).distinct() if codes else qs

    def filter_open(self, qs, name, value):
        condition = open_calls_q(timezone.now())
        return qs.filter(condition) if value else qs.exclude(condition)

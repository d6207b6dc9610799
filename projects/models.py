"""Joint programmes and projects, their participants, co-financing, goals and teams; the idea bank; calls."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from directory.models import (
    Country,
    MultilingualDescriptionModel,
    MultilingualNameModel,
    Organisation,
    PublishableModel,
    Sector,
)
from foresight.models import Priority
from technoparks.models import Technopark

from .choices import (
    ApplicationStatus,
    CallKind,
    FundingSource,
    IdeaKind,
    ParticipantRole,
    ProgrammeKind,
    ProjectStage,
    TeamRole,
)
from .validators import TRL_MAX, TRL_MIN, trl_validators, validate_currency, validate_tag


def _money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=18, decimal_places=2, validators=[MinValueValidator(0)], **kwargs
    )


def _external_id():
    return models.CharField(
        _("external id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("A stable identifier from the source, used to update the record on re-import."),
    )


def _dates_ordered(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
        name=f"{prefix}_dates_ordered",
        violation_error_message=_("The end date cannot be before the start date."),
    )


# --- Programme ------------------------------------------------------------------------
class Programme(MultilingualNameModel, MultilingualDescriptionModel, PublishableModel):
    """An interstate, Union State, EAEU or SCO programme that joint projects are carried out under."""

    external_id = _external_id()
    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeKind.choices)
    owner_body = models.ForeignKey(
        Organisation, verbose_name=_("owner body"), on_delete=models.PROTECT, related_name="owned_programmes"
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("participating states"), blank=True, related_name="programmes"
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    budget = _money(_("budget"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[validate_currency])
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["-starts_on", "name_en"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            MultilingualNameModel.name_required_constraint("programme"),
            _dates_ordered("programme"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | ~Q(currency=""),
                name="programme_budget_has_currency",
                violation_error_message=_("Give the currency of the budget."),
            ),
        ]

    def clean(self):
        if self.budget is not None and not self.currency:
            raise ValidationError({"currency": _("Give the currency of the budget.")})


# --- Idea bank -----------------------------------------------------------------------
class Idea(MultilingualNameModel, MultilingualDescriptionModel, PublishableModel):
    """An innovative idea or a best practice offered for regional cooperation; an idea can become a project."""

    external_id = _external_id()
    kind = models.CharField(_("kind"), max_length=20, choices=IdeaKind.choices, default=IdeaKind.IDEA)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="ideas")
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="ideas"
    )
    author_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("author organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    tags = ArrayField(
        models.CharField(max_length=40, validators=[validate_tag]),
        verbose_name=_("tags"),
        default=list,
        blank=True,
        help_text=_("Words separated by commas."),
    )
    priorities = models.ManyToManyField(
        Priority, verbose_name=_("priorities and technologies"), blank=True, related_name="ideas"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idea or best practice")
        verbose_name_plural = _("ideas and best practices")
        constraints = [MultilingualNameModel.name_required_constraint("idea")]
        indexes = [GinIndex(name="idea_tags", fields=["tags"])]

    def clean(self):
        if self.author_organisation_id and self.country_id and self.author_organisation.country_id != self.country_id:
            raise ValidationError({"author_organisation": _("The author organisation is not from the idea's country.")})


# --- Project ---------------------------------------------------------------------------
class Project(MultilingualNameModel, MultilingualDescriptionModel, PublishableModel):
    """A joint project of the full innovation cycle; its integration component is the number of states taking part."""

    external_id = _external_id()
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    source_idea = models.OneToOneField(
        Idea,
        verbose_name=_("grew from the idea"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project",
    )
    lead_organisation = models.ForeignKey(
        Organisation, verbose_name=_("lead organisation"), on_delete=models.PROTECT, related_name="led_projects"
    )
    participants = models.ManyToManyField(
        Organisation, through="ProjectParticipant", related_name="participated_projects"
    )
    # Kept by the services whenever participants change, so lists filter and sort on it cheaply.
    member_state_count = models.PositiveSmallIntegerField(
        _("integration component"), default=0, editable=False, help_text=_("Number of states taking part.")
    )
    clusters = models.ManyToManyField(Cluster, verbose_name=_("clusters"), blank=True, related_name="projects")
    technoparks = models.ManyToManyField(Technopark, verbose_name=_("technoparks"), blank=True, related_name="projects")
    priorities = models.ManyToManyField(
        Priority, verbose_name=_("foresight priorities"), blank=True, related_name="projects"
    )
    stage = models.CharField(
        _("project status"), max_length=12, choices=ProjectStage.choices, default=ProjectStage.IDEA, db_index=True
    )
    trl_start = models.PositiveSmallIntegerField(_("TRL at start"), validators=trl_validators)
    trl_target = models.PositiveSmallIntegerField(_("target TRL"), validators=trl_validators)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    budget = _money(_("total budget"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD", validators=[validate_currency])
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["-member_state_count", "name_en"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            MultilingualNameModel.name_required_constraint("project"),
            _dates_ordered("project"),
            models.CheckConstraint(
                condition=Q(trl_start__gte=TRL_MIN, trl_start__lte=TRL_MAX),
                name="project_trl_start_range",
                violation_error_message=_("A technology readiness level is from 1 to 9."),
            ),
            models.CheckConstraint(
                condition=Q(trl_target__gte=TRL_MIN, trl_target__lte=TRL_MAX),
                name="project_trl_target_range",
                violation_error_message=_("A technology readiness level is from 1 to 9."),
            ),
            models.CheckConstraint(
                condition=Q(trl_target__gte=F("trl_start")),
                name="project_trl_target_not_below_start",
                violation_error_message=_("The target TRL cannot be below the TRL at start."),
            ),
        ]
        indexes = [
            GinIndex(name="project_name_en_trgm", fields=["name_en"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="project_name_ru_trgm", fields=["name_ru"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["status", "stage"], name="project_status_stage"),
        ]

    def clean(self):
        errors = {}
        if self.trl_start is not None and self.trl_target is not None and self.trl_target < self.trl_start:
            errors["trl_target"] = [_("The target TRL cannot be below the TRL at start.")]
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = [_("The end date cannot be before the start date.")]
        if errors:
            raise ValidationError(errors)


class ProjectParticipant(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="project_participations")
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.PARTNER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        ordering = ["project", "role", "organisation"]
        verbose_name = _("project participant")
        verbose_name_plural = _("project participants")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="project_participant_once",
                violation_error_message=_("This organisation already takes part in the project."),
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role=ParticipantRole.LEAD),
                name="project_one_lead_participant",
                violation_error_message=_("A project has one lead organisation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"


class ProjectFunding(models.Model):
    """One source's share of a project's co-financing."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("source"), max_length=30, choices=FundingSource.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("state"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_fundings",
        help_text=_("The state whose budget pays; required for state budgets."),
    )
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_fundings",
        help_text=_("The development institution or company that pays, e.g. the Eurasian Development Bank."),
    )
    amount = _money(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "source", "-amount"]
        verbose_name = _("co-financing")
        verbose_name_plural = _("co-financing")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=FundingSource.STATE_BUDGET) | Q(country__isnull=False),
                name="project_funding_state_budget_has_country",
                violation_error_message=_("State budget funding names the state that pays."),
            ),
            models.CheckConstraint(
                condition=~Q(source=FundingSource.DEVELOPMENT_INSTITUTION) | Q(funder__isnull=False),
                name="project_funding_institution_named",
                violation_error_message=_("Development institution funding names the institution."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="project_funding_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount} {self.currency}"

    @property
    def payer(self) -> str:
        return str(self.funder or self.country or self.get_source_display())

    def clean(self):
        errors = {}
        if self.source == FundingSource.STATE_BUDGET and not self.country_id:
            errors["country"] = [_("State budget funding names the state that pays.")]
        if self.source == FundingSource.DEVELOPMENT_INSTITUTION and not self.funder_id:
            errors["funder"] = [_("Development institution funding names the institution.")]
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = [_("The amount must be more than zero.")]
        if errors:
            raise ValidationError(errors)


class ProjectStageChange(models.Model):
    """The history of a project's status: who moved it, when, from where to where."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=ProjectStage.choices)
    to_stage = models.CharField(_("to"), max_length=12, choices=ProjectStage.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "changed_at"]
        verbose_name = _("project status change")
        verbose_name_plural = _("project status changes")

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


# --- Goals and teams -----------------------------------------------------------------------
class ProjectGoal(models.Model):
    """A SMART goal: specific (statement), measurable (indicator and unit), time-bound (due year)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals")
    statement = models.CharField(_("goal"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=2, null=True, blank=True)
    due_year = models.PositiveSmallIntegerField(_("due year"))

    class Meta:
        ordering = ["project", "due_year", "id"]
        verbose_name = _("SMART goal")
        verbose_name_plural = _("SMART goals")
        constraints = [
            models.CheckConstraint(condition=Q(due_year__gte=1990, due_year__lte=2100), name="project_goal_due_year")
        ]

    def __str__(self) -> str:
        return self.statement


class GoalValue(models.Model):
    """The target and, once known, the actual value of a goal's indicator in one year."""

    goal = models.ForeignKey(ProjectGoal, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["goal", "year"]
        verbose_name = _("goal value")
        verbose_name_plural = _("goal values")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "year"],
                name="goal_value_one_per_year",
                violation_error_message=_("This goal already has values for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.actual if self.actual is not None else '—'} / {self.target}"

    @property
    def achieved(self) -> bool | None:
        return None if self.actual is None else self.actual >= self.target


class WorkingTeam(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("working team")
        verbose_name_plural = _("working teams")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="working_team_unique_name",
                violation_error_message=_("The project already has a working team of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(WorkingTeam, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="team_members"
    )
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices, default=TeamRole.RESEARCHER)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["team", "role", "full_name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(role=TeamRole.LEADER),
                name="working_team_one_leader",
                violation_error_message=_("A working team has one leader."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.get_role_display()}"


# --- Calls -----------------------------------------------------------------------------------
class Call(MultilingualNameModel, MultilingualDescriptionModel, PublishableModel):
    """A startup contest or a grant or scholarship call; open between its opening and its deadline."""

    external_id = _external_id()
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="organised_calls"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    eligible_countries = models.ManyToManyField(
        Country, verbose_name=_("eligible countries"), related_name="eligible_calls"
    )
    opens_at = models.DateTimeField(_("opens at"))
    deadline = models.DateTimeField(_("deadline"))
    closed_early_at = models.DateTimeField(
        _("closed early at"), null=True, blank=True, help_text=_("Set when the organiser closes the call early.")
    )
    max_award = _money(_("largest award"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[validate_currency])

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            MultilingualNameModel.name_required_constraint("call"),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("opens_at")),
                name="call_deadline_after_opening",
                violation_error_message=_("The deadline must come after the opening."),
            ),
            models.CheckConstraint(
                condition=Q(max_award__isnull=True) | ~Q(currency=""),
                name="call_award_has_currency",
                violation_error_message=_("Give the currency of the award."),
            ),
        ]

    def clean(self):
        errors = {}
        if self.opens_at and self.deadline and self.deadline <= self.opens_at:
            errors["deadline"] = [_("The deadline must come after the opening.")]
        if self.max_award is not None and not self.currency:
            errors["currency"] = [_("Give the currency of the award.")]
        if errors:
            raise ValidationError(errors)

    def closes_at(self):
        return min(self.deadline, self.closed_early_at) if self.closed_early_at else self.deadline

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.is_public and self.opens_at <= at < self.closes_at()


class CallApplication(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="call_applications")
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_applications",
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    requested_amount = _money(_("amount requested"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["call", "-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"],
                name="call_application_one_per_organisation",
                violation_error_message=_("This organisation has already applied to the call."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.title}"

"""Writes with rules: projects and their life cycle, participants, co-financing, goals, teams, ideas, calls."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from directory.choices import PublicationStatus
from directory.models import Country, Organisation

from .choices import FundingSource, IdeaKind, ParticipantRole, ProjectStage, TeamRole
from .models import (
    Call,
    CallApplication,
    GoalValue,
    Idea,
    Project,
    ProjectFunding,
    ProjectGoal,
    ProjectParticipant,
    ProjectStageChange,
    TeamMember,
    WorkingTeam,
)
from .permissions import can_manage

# The moves a project may make; completed and cancelled projects are closed.
STAGE_TRANSITIONS: dict[str, set[str]] = {
    ProjectStage.IDEA: {ProjectStage.PROPOSAL, ProjectStage.CANCELLED},
    ProjectStage.PROPOSAL: {ProjectStage.APPROVED, ProjectStage.IDEA, ProjectStage.CANCELLED},
    ProjectStage.APPROVED: {ProjectStage.IN_PROGRESS, ProjectStage.CANCELLED},
    ProjectStage.IN_PROGRESS: {ProjectStage.COMPLETED, ProjectStage.CANCELLED},
    ProjectStage.COMPLETED: set(),
    ProjectStage.CANCELLED: set(),
}
# A joint project brings together organisations of at least this many states before it is proposed.
MIN_STATES_FOR_PROPOSAL = 2
PROJECT_M2M_FIELDS = ("clusters", "technoparks", "priorities")


def _require(user, organisation: Organisation) -> None:
    if not can_manage(user, organisation):
        raise PermissionDenied(
            _("Only the manager of %(organisation)s or a moderator may do this.") % {"organisation": organisation}
        )


def _money(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


# --- Projects ----------------------------------------------------------------------------
def project_refresh_integration(*, project: Project) -> int:
    """Recounts the states taking part (the integration component) from the participants and stores it."""
    count = Organisation.objects.filter(project_participations__project=project).values("country_id").distinct().count()
    if project.member_state_count != count:
        project.member_state_count = count
        Project.objects.filter(pk=project.pk).update(member_state_count=count)
    return count


def _set_lead(project: Project, organisation: Organisation) -> None:
    current = project.participations.filter(role=ParticipantRole.LEAD).first()
    if current and current.organisation_id == organisation.pk:
        return
    if current:
        current.role = ParticipantRole.PARTNER
        current.save(update_fields=["role"])
    participation, _created = ProjectParticipant.objects.get_or_create(
        project=project, organisation=organisation, defaults={"role": ParticipantRole.LEAD}
    )
    if participation.role != ParticipantRole.LEAD:
        participation.role = ParticipantRole.LEAD
        participation.save(update_fields=["role"])


@transaction.atomic
def project_create(*, user, lead_organisation: Organisation, related: dict | None = None, **fields) -> Project:
    """A new project in draft, its lead organisation its first participant; the integration component counted."""
    _require(user, lead_organisation)
    project = Project(lead_organisation=lead_organisation, created_by=user, status=PublicationStatus.DRAFT, **fields)
    project.full_clean()
    project.save()
    for name, values in (related or {}).items():
        if name in PROJECT_M2M_FIELDS:
            getattr(project, name).set(values)
    _set_lead(project, lead_organisation)
    project_refresh_integration(project=project)
    return project


@transaction.atomic
def project_update(*, project: Project, user, related: dict | None = None, **fields) -> Project:
    """Changes a project's fields; a new lead organisation becomes the lead participant (the old one a partner)."""
    _require(user, project.lead_organisation)
    new_lead = fields.get("lead_organisation")
    if new_lead is not None and new_lead.pk != project.lead_organisation_id:
        _require(user, new_lead)
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    for name, values in (related or {}).items():
        if name in PROJECT_M2M_FIELDS:
            getattr(project, name).set(values)
    _set_lead(project, project.lead_organisation)
    project_refresh_integration(project=project)
    return project


def _transition_errors(project: Project, to_stage: str, user) -> list[str]:
    errors = []
    if to_stage == ProjectStage.PROPOSAL and project.member_state_count < MIN_STATES_FOR_PROPOSAL:
        errors.append(
            _("A joint project needs participants from at least %(n)s states before it is proposed; it has %(has)s.")
            % {"n": MIN_STATES_FOR_PROPOSAL, "has": project.member_state_count}
        )
    if to_stage == ProjectStage.APPROVED:
        if not (user and user.is_staff):
            errors.append(_("Only a moderator may approve a project."))
        if project.budget is None:
            errors.append(_("An approved project needs its total budget."))
        if not GoalValue.objects.filter(goal__project=project).exists():
            errors.append(_("An approved project needs at least one SMART goal with a target value."))
    if to_stage == ProjectStage.IN_PROGRESS:
        if not TeamMember.objects.filter(team__project=project, role=TeamRole.LEADER).exists():
            errors.append(_("A project starts work only with a working team that has a leader."))
        if project.starts_on is None:
            errors.append(_("A project in progress needs its start date."))
    return errors


@transaction.atomic
def project_transition(*, project: Project, to_stage: str, user, note: str = "") -> Project:
    """Moves a project to another status if the move is allowed and its conditions hold; records the change."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(user, project.lead_organisation)
    if to_stage not in ProjectStage.values:
        raise ValidationError(_("Unknown project status: %(stage)s.") % {"stage": to_stage}, code="unknown_stage")
    allowed = STAGE_TRANSITIONS[project.stage]
    if to_stage not in allowed:
        names = ", ".join(str(ProjectStage(s).label) for s in sorted(allowed)) or _("none: the project is closed")
        raise ValidationError(
            _("A project cannot move from “%(from)s” to “%(to)s”. Allowed: %(allowed)s.")
            % {"from": project.get_stage_display(), "to": ProjectStage(to_stage).label, "allowed": names},
            code="stage_transition",
        )
    errors = _transition_errors(project, to_stage, user)
    if errors:
        raise ValidationError(errors, code="stage_conditions")
    ProjectStageChange.objects.create(
        project=project, from_stage=project.stage, to_stage=to_stage, changed_by=user, note=note
    )
    project.stage = to_stage
    project.save(update_fields=["stage", "updated_at"])
    return project


# --- Participants and co-financing ----------------------------------------------------------------
@transaction.atomic
def participant_add(
    *, project: Project, organisation: Organisation, role: str = ParticipantRole.PARTNER, user, joined_on=None
) -> ProjectParticipant:
    """Adds a participant and recounts the integration component; the lead is set only through the project."""
    _require(user, project.lead_organisation)
    if role == ParticipantRole.LEAD:
        raise ValidationError(
            {"role": _("The lead organisation is chosen on the project itself; give this participant another role.")}
        )
    participation = ProjectParticipant(project=project, organisation=organisation, role=role, joined_on=joined_on)
    participation.full_clean()
    participation.save()
    project_refresh_integration(project=project)
    return participation


@transaction.atomic
def participant_remove(*, participation: ProjectParticipant, user) -> None:
    project = participation.project
    _require(user, project.lead_organisation)
    if participation.role == ParticipantRole.LEAD:
        raise ValidationError(_("The lead organisation cannot be removed; choose another lead first."))
    if TeamMember.objects.filter(team__project=project, organisation=participation.organisation).exists():
        raise ValidationError(
            _("%(organisation)s has members in the project's working teams; remove them first.")
            % {"organisation": participation.organisation}
        )
    participation.delete()
    project_refresh_integration(project=project)


@transaction.atomic
def funding_add(
    *,
    project: Project,
    source: str,
    amount: Decimal,
    currency: str,
    user,
    country: Country | None = None,
    funder: Organisation | None = None,
    note: str = "",
) -> ProjectFunding:
    """Records a co-financing share; a state budget must be a participating state's, and the shares in the
    project's currency never add up to more than its budget."""
    _require(user, project.lead_organisation)
    funding = ProjectFunding(
        project=project,
        source=source,
        amount=amount,
        currency=(currency or "").upper(),
        country=country,
        funder=funder,
        note=note,
    )
    funding.full_clean()
    if (
        source == FundingSource.STATE_BUDGET
        and not project.participations.filter(organisation__country=country).exists()
    ):
        raise ValidationError(
            {
                "country": _("%(country)s takes no part in the project: its budget cannot co-finance it.")
                % {"country": country}
            }
        )
    if project.budget is not None and funding.currency == project.currency:
        already = project.fundings.filter(currency=project.currency).aggregate(total=Sum("amount"))["total"] or 0
        total = already + funding.amount
        if total > project.budget:
            raise ValidationError(
                {
                    "amount": _(
                        "Co-financing in %(currency)s would reach %(total)s, above the project's budget of %(budget)s."
                    )
                    % {"currency": project.currency, "total": _money(total), "budget": _money(project.budget)}
                }
            )
    funding.save()
    return funding


# --- Goals and teams ---------------------------------------------------------------------------
@transaction.atomic
def goal_add(
    *, project: Project, statement: str, indicator: str, unit: str, due_year: int, user, baseline=None
) -> ProjectGoal:
    """A SMART goal: a statement, a measurable indicator with its unit, and the year it is due within the project."""
    _require(user, project.lead_organisation)
    goal = ProjectGoal(
        project=project, statement=statement, indicator=indicator, unit=unit, due_year=due_year, baseline=baseline
    )
    goal.full_clean()
    if project.ends_on and due_year > project.ends_on.year:
        raise ValidationError(
            {"due_year": _("The goal is due after the project ends (%(year)s).") % {"year": project.ends_on.year}}
        )
    if project.starts_on and due_year < project.starts_on.year:
        raise ValidationError(
            {"due_year": _("The goal is due before the project starts (%(year)s).") % {"year": project.starts_on.year}}
        )
    goal.save()
    return goal


@transaction.atomic
def goal_value_record(
    *, goal: ProjectGoal, year: int, target: Decimal, user, actual: Decimal | None = None
) -> GoalValue:
    """Sets the target, and the actual value once known, of a goal's indicator for a year up to its due year."""
    project = goal.project
    _require(user, project.lead_organisation)
    first_year = project.starts_on.year if project.starts_on else None
    if year > goal.due_year or (first_year and year < first_year):
        raise ValidationError(
            {
                "year": _("Values are recorded for the years from %(first)s to the goal's due year %(due)s.")
                % {"first": first_year or "…", "due": goal.due_year}
            }
        )
    if actual is not None and year > timezone.localdate().year:
        raise ValidationError({"actual": _("An actual value cannot be recorded for a year still to come.")})
    value = GoalValue.objects.filter(goal=goal, year=year).first() or GoalValue(goal=goal, year=year)
    value.target, value.actual = target, actual
    value.full_clean()
    value.save()
    return value


@transaction.atomic
def team_create(*, project: Project, name: str, user) -> WorkingTeam:
    _require(user, project.lead_organisation)
    team = WorkingTeam(project=project, name=name)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_member_add(
    *, team: WorkingTeam, full_name: str, organisation: Organisation, role: str, user, email: str = ""
) -> TeamMember:
    """Adds a member from a participating organisation; a team has one leader."""
    project = team.project
    _require(user, project.lead_organisation)
    if role == TeamRole.LEADER:
        leader = team.members.filter(role=TeamRole.LEADER).first()
        if leader is not None:
            raise ValidationError({"role": _("The team already has a leader: %(name)s.") % {"name": leader.full_name}})
    if not project.participations.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("%(organisation)s does not take part in the project.") % {"organisation": organisation}}
        )
    member = TeamMember(team=team, full_name=full_name, organisation=organisation, role=role, email=email)
    member.full_clean()
    member.save()
    return member


# --- Idea bank -------------------------------------------------------------------------------------
@transaction.atomic
def idea_create(
    *,
    user,
    country: Country,
    author_organisation: Organisation | None = None,
    tags: Iterable[str] = (),
    priorities=(),
    **fields,
) -> Idea:
    if author_organisation is not None:
        _require(user, author_organisation)
    elif not (user and user.is_staff):
        raise PermissionDenied(_("Name the organisation the idea comes from."))
    idea = Idea(
        country=country,
        author_organisation=author_organisation,
        tags=normalise_tags(tags),
        created_by=user,
        status=PublicationStatus.DRAFT,
        **fields,
    )
    idea.full_clean()
    idea.save()
    if priorities:
        idea.priorities.set(priorities)
    return idea


def normalise_tags(tags: Iterable[str] | str) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    seen: list[str] = []
    for tag in tags:
        tag = "-".join(tag.strip().lower().split())
        if tag and tag not in seen:
            seen.append(tag)
    return seen


@transaction.atomic
def idea_convert_to_project(
    *, idea: Idea, user, lead_organisation: Organisation | None = None, trl_start: int = 1, trl_target: int = 4
) -> Project:
    """Turns an idea of the bank into a project at the idea stage; an idea becomes at most one project."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.kind != IdeaKind.IDEA:
        raise ValidationError(_("A best practice is shared as it is; only an idea can become a project."))
    if Project.objects.filter(source_idea=idea).exists():
        raise ValidationError(_("This idea has already become a project."))
    lead = lead_organisation or idea.author_organisation
    if lead is None:
        raise ValidationError({"lead_organisation": _("Choose the organisation that will lead the project.")})
    return project_create(
        user=user,
        lead_organisation=lead,
        source_idea=idea,
        stage=ProjectStage.IDEA,
        trl_start=trl_start,
        trl_target=trl_target,
        related={"priorities": list(idea.priorities.all())},
        **{
            f: getattr(idea, f)
            for f in (
                *Idea.NAME_FIELDS,
                "original_language",
                "description_original",
                "description_en",
                "description_ru",
                "description_zh",
            )
        },
    )


# --- Calls -------------------------------------------------------------------------------------------
def _date(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


@transaction.atomic
def application_submit(
    *,
    call: Call,
    organisation: Organisation,
    title: str,
    summary: str,
    user,
    requested_amount: Decimal | None = None,
    project: Project | None = None,
    at: datetime | None = None,
) -> CallApplication:
    """An application from an eligible organisation to an open call; a closed call accepts nothing."""
    _require(user, organisation)
    at = at or timezone.now()
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not call.is_public:
        raise ValidationError(_("This call is not published and accepts no applications."), code="call_closed")
    if at < call.opens_at:
        raise ValidationError(
            _("This call opens on %(date)s; it accepts no applications before then.") % {"date": _date(call.opens_at)},
            code="call_not_open",
        )
    if at >= call.closes_at():
        raise ValidationError(
            _("This call closed on %(date)s; it accepts no applications.") % {"date": _date(call.closes_at())},
            code="call_closed",
        )
    eligible = list(call.eligible_countries.all())
    if eligible and organisation.country_id not in {c.pk for c in eligible}:
        raise ValidationError(
            {
                "organisation": _("Organisations from %(country)s are not eligible; the call is open to %(list)s.")
                % {"country": organisation.country, "list": ", ".join(str(c) for c in eligible)}
            },
            code="not_eligible",
        )
    if requested_amount is not None and call.max_award is not None and requested_amount > call.max_award:
        raise ValidationError(
            {
                "requested_amount": _("The largest award of this call is %(amount)s %(currency)s.")
                % {"amount": _money(call.max_award), "currency": call.currency}
            }
        )
    if project is not None and not project.participations.filter(organisation=organisation).exists():
        raise ValidationError({"project": _("The applicant does not take part in this project.")})
    application = CallApplication(
        call=call,
        organisation=organisation,
        title=title,
        summary=summary,
        requested_amount=requested_amount,
        project=project,
        submitted_at=at,
        submitted_by=user,
    )
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def call_close(*, call: Call, user, at: datetime | None = None) -> Call:
    """Closes a call before its deadline; from then on it accepts nothing."""
    _require(user, call.organiser)
    at = at or timezone.now()
    if at >= call.closes_at():
        raise ValidationError(_("This call is already closed."))
    call.closed_early_at = at
    call.save(update_fields=["closed_early_at", "updated_at"])
    return call

"""The rules of projects, co-financing, goals, teams, ideas and calls: allowed and refused cases."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from directory.tests.factories import CountryFactory, OrganisationFactory
from projects import services
from projects.choices import FundingSource, IdeaKind, ParticipantRole, ProjectStage, TeamRole
from projects.models import CallApplication, Project, ProjectFunding, ProjectParticipant, ProjectStageChange
from projects.tests.factories import (
    CallFactory,
    GoalFactory,
    GoalValueFactory,
    IdeaFactory,
    ProjectFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
    add_participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(username="manager")


@pytest.fixture
def moderator():
    return UserFactory(username="moderator", is_staff=True)


@pytest.fixture
def lead(manager):
    return OrganisationFactory(created_by=manager)


@pytest.fixture
def project(lead):
    return ProjectFactory(lead_organisation=lead)


# --- Creating and editing -----------------------------------------------------------------
def test_project_create_makes_the_lead_its_first_participant(manager, lead):
    project = services.project_create(
        user=manager, lead_organisation=lead, name_en="Smart grids", trl_start=2, trl_target=5
    )
    assert project.participations.get().role == ParticipantRole.LEAD
    assert project.member_state_count == 1
    assert project.created_by == manager and not project.is_public


def test_project_create_refuses_a_user_who_does_not_manage_the_lead(lead):
    with pytest.raises(PermissionDenied):
        services.project_create(user=UserFactory(), lead_organisation=lead, name_en="X", trl_start=1, trl_target=2)
    assert not Project.objects.exists()


def test_project_create_refuses_a_target_trl_below_the_start(manager, lead):
    with pytest.raises(ValidationError) as exc:
        services.project_create(user=manager, lead_organisation=lead, name_en="X", trl_start=6, trl_target=4)
    assert "target TRL cannot be below" in str(exc.value)
    assert not Project.objects.exists()


def test_project_create_refuses_a_trl_outside_one_to_nine(manager, lead):
    with pytest.raises(ValidationError, match="from 1 to 9"):
        services.project_create(user=manager, lead_organisation=lead, name_en="X", trl_start=0, trl_target=10)


def test_project_update_with_a_new_lead_keeps_the_old_one_as_partner(manager, project):
    new_lead = OrganisationFactory(created_by=manager)
    old_lead = project.lead_organisation
    services.project_update(project=project, user=manager, lead_organisation=new_lead)
    roles = dict(project.participations.values_list("organisation_id", "role"))
    assert roles == {old_lead.pk: ParticipantRole.PARTNER, new_lead.pk: ParticipantRole.LEAD}
    assert project.member_state_count == 2


# --- Integration component ----------------------------------------------------------------
def test_integration_component_counts_distinct_states(manager, project):
    first_country = project.lead_organisation.country
    services.participant_add(project=project, organisation=OrganisationFactory(country=first_country), user=manager)
    assert project.member_state_count == 1
    other = OrganisationFactory()
    participation = services.participant_add(
        project=project, organisation=other, role=ParticipantRole.RESEARCH_PARTNER, user=manager
    )
    assert Project.objects.get(pk=project.pk).member_state_count == 2
    services.participant_remove(participation=participation, user=manager)
    assert Project.objects.get(pk=project.pk).member_state_count == 1


def test_participant_added_twice_is_refused(manager, project):
    organisation = OrganisationFactory()
    services.participant_add(project=project, organisation=organisation, user=manager)
    with pytest.raises(ValidationError, match="already takes part"):
        services.participant_add(project=project, organisation=organisation, user=manager)


def test_lead_participant_cannot_be_removed(manager, project):
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.participant_remove(participation=project.participations.get(), user=manager)
    assert ProjectParticipant.objects.filter(project=project).count() == 1


def test_second_lead_participant_is_refused(manager, project):
    with pytest.raises(ValidationError, match="chosen on the project"):
        services.participant_add(project=project, organisation=OrganisationFactory(), role="lead", user=manager)


# --- Status transitions ---------------------------------------------------------------------
def test_idea_becomes_a_proposal_once_two_states_take_part(manager, project):
    add_participant(project)
    services.project_transition(project=project, to_stage=ProjectStage.PROPOSAL, user=manager)
    project.refresh_from_db()
    assert project.stage == ProjectStage.PROPOSAL
    change = ProjectStageChange.objects.get(project=project)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("idea", "proposal", manager)


def test_proposal_from_a_single_state_is_refused(manager, project):
    with pytest.raises(ValidationError, match="at least 2 states"):
        services.project_transition(project=project, to_stage=ProjectStage.PROPOSAL, user=manager)
    assert Project.objects.get(pk=project.pk).stage == ProjectStage.IDEA


def test_transition_not_in_the_allowed_list_is_refused(manager, project):
    with pytest.raises(ValidationError) as exc:
        services.project_transition(project=project, to_stage=ProjectStage.COMPLETED, user=manager)
    assert "cannot move from “Idea” to “Completed”" in str(exc.value)
    assert not ProjectStageChange.objects.exists()


def test_closed_project_moves_nowhere(manager, project):
    services.project_transition(project=project, to_stage=ProjectStage.CANCELLED, user=manager)
    with pytest.raises(ValidationError, match="the project is closed"):
        services.project_transition(project=project, to_stage=ProjectStage.IDEA, user=manager)


def test_approval_needs_a_moderator_a_budget_and_a_smart_goal(manager, moderator, project):
    project.stage = ProjectStage.PROPOSAL
    project.budget = None
    project.save()
    with pytest.raises(ValidationError) as exc:
        services.project_transition(project=project, to_stage=ProjectStage.APPROVED, user=manager)
    messages = " ".join(exc.value.messages)
    assert "moderator" in messages and "budget" in messages and "SMART goal" in messages
    project.budget = Decimal("500000")
    project.save()
    GoalValueFactory(goal=GoalFactory(project=project))
    services.project_transition(project=project, to_stage=ProjectStage.APPROVED, user=moderator)
    assert Project.objects.get(pk=project.pk).stage == ProjectStage.APPROVED


def test_work_starts_only_with_a_team_leader(manager, project):
    Project.objects.filter(pk=project.pk).update(stage=ProjectStage.APPROVED)
    with pytest.raises(ValidationError, match="leader"):
        services.project_transition(project=project, to_stage=ProjectStage.IN_PROGRESS, user=manager)
    TeamMemberFactory(team=TeamFactory(project=project), role=TeamRole.LEADER)
    services.project_transition(project=project, to_stage=ProjectStage.IN_PROGRESS, user=manager)
    assert Project.objects.get(pk=project.pk).stage == ProjectStage.IN_PROGRESS


def test_transition_by_an_outsider_is_refused(project):
    with pytest.raises(PermissionDenied):
        services.project_transition(project=project, to_stage=ProjectStage.CANCELLED, user=UserFactory())


# --- Co-financing ------------------------------------------------------------------------------
def test_state_budget_of_a_participating_state_cofinances(manager, project):
    funding = services.funding_add(
        project=project,
        source=FundingSource.STATE_BUDGET,
        amount=Decimal("300000"),
        currency="usd",
        country=project.lead_organisation.country,
        user=manager,
    )
    assert funding.currency == "USD"


def test_state_budget_of_a_state_not_taking_part_is_refused(manager, project):
    with pytest.raises(ValidationError, match="takes no part"):
        services.funding_add(
            project=project,
            source=FundingSource.STATE_BUDGET,
            amount=Decimal("1"),
            currency="USD",
            country=CountryFactory(),
            user=manager,
        )
    assert not ProjectFunding.objects.exists()


def test_state_budget_without_a_state_is_refused(manager, project):
    with pytest.raises(ValidationError, match="names the state"):
        services.funding_add(
            project=project, source=FundingSource.STATE_BUDGET, amount=Decimal("1"), currency="USD", user=manager
        )


def test_development_institution_funding_names_the_institution(manager, project):
    with pytest.raises(ValidationError, match="names the institution"):
        services.funding_add(
            project=project,
            source=FundingSource.DEVELOPMENT_INSTITUTION,
            amount=Decimal("1"),
            currency="USD",
            user=manager,
        )
    bank = OrganisationFactory(name_en="Eurasian Development Bank")
    funding = services.funding_add(
        project=project,
        source=FundingSource.DEVELOPMENT_INSTITUTION,
        amount=Decimal("200000"),
        currency="USD",
        funder=bank,
        user=manager,
    )
    assert funding.payer == "Eurasian Development Bank"


def test_cofinancing_above_the_budget_is_refused(manager, project):
    services.funding_add(
        project=project, source=FundingSource.PRIVATE, amount=Decimal("900000"), currency="USD", user=manager
    )
    with pytest.raises(ValidationError, match="above the project's budget"):
        services.funding_add(
            project=project, source=FundingSource.PRIVATE, amount=Decimal("100000.01"), currency="USD", user=manager
        )
    # Another currency is not compared with the budget: no exchange rate is assumed.
    services.funding_add(
        project=project, source=FundingSource.PRIVATE, amount=Decimal("5000000"), currency="RUB", user=manager
    )
    assert project.fundings.count() == 2


def test_bad_currency_code_is_refused(manager, project):
    with pytest.raises(ValidationError, match="ISO 4217"):
        services.funding_add(
            project=project, source=FundingSource.PRIVATE, amount=Decimal("1"), currency="DOLLARS", user=manager
        )


# --- Goals and teams --------------------------------------------------------------------------------
def test_smart_goal_is_due_within_the_project(manager, project):
    goal = services.goal_add(
        project=project, statement="Pilot line", indicator="Units", unit="pcs", due_year=2026, user=manager
    )
    assert goal.pk
    with pytest.raises(ValidationError, match="after the project ends"):
        services.goal_add(project=project, statement="Late", indicator="Units", unit="pcs", due_year=2030, user=manager)


def test_goal_values_by_year_up_to_the_due_year(manager, project):
    goal = GoalFactory(project=project, due_year=2026)
    value = services.goal_value_record(goal=goal, year=2025, target=Decimal("10"), actual=Decimal("12"), user=manager)
    assert value.achieved is True
    value = services.goal_value_record(goal=goal, year=2025, target=Decimal("15"), actual=Decimal("12"), user=manager)
    assert value.achieved is False and goal.values.count() == 1
    with pytest.raises(ValidationError, match="due year 2026"):
        services.goal_value_record(goal=goal, year=2027, target=Decimal("1"), user=manager)


def test_actual_value_for_a_future_year_is_refused(manager, project):
    goal = GoalFactory(project=project, due_year=2100)
    Project.objects.filter(pk=project.pk).update(ends_on=None)
    future = timezone.localdate().year + 1
    with pytest.raises(ValidationError, match="still to come"):
        services.goal_value_record(goal=goal, year=future, target=Decimal("1"), actual=Decimal("1"), user=manager)


def test_working_team_has_one_leader(manager, project):
    team = services.team_create(project=project, name="Sensors", user=manager)
    services.team_member_add(
        team=team, full_name="Anna Leader", organisation=project.lead_organisation, role=TeamRole.LEADER, user=manager
    )
    with pytest.raises(ValidationError, match="already has a leader: Anna Leader"):
        services.team_member_add(
            team=team, full_name="Boris", organisation=project.lead_organisation, role=TeamRole.LEADER, user=manager
        )
    assert team.members.count() == 1


def test_team_member_from_an_organisation_outside_the_project_is_refused(manager, project):
    team = TeamFactory(project=project)
    with pytest.raises(ValidationError, match="does not take part"):
        services.team_member_add(
            team=team, full_name="Outsider", organisation=OrganisationFactory(), role=TeamRole.EXPERT, user=manager
        )


# --- Ideas ----------------------------------------------------------------------------------------------
def test_idea_becomes_a_project_once(manager, lead):
    idea = IdeaFactory(author_organisation=lead, country=lead.country, name_en="Digital twin of a city")
    project = services.idea_convert_to_project(idea=idea, user=manager)
    assert project.source_idea == idea and project.name_en == "Digital twin of a city"
    assert project.stage == ProjectStage.IDEA
    with pytest.raises(ValidationError, match="already become a project"):
        services.idea_convert_to_project(idea=idea, user=manager)
    assert Project.objects.count() == 1


def test_best_practice_does_not_become_a_project(manager, lead):
    practice = IdeaFactory(author_organisation=lead, country=lead.country, kind=IdeaKind.BEST_PRACTICE)
    with pytest.raises(ValidationError, match="only an idea"):
        services.idea_convert_to_project(idea=practice, user=manager)


def test_idea_create_normalises_tags(manager, lead):
    idea = services.idea_create(
        user=manager,
        country=lead.country,
        author_organisation=lead,
        name_en="Agro drones",
        tags="Drones, agro tech, drones",
    )
    assert idea.tags == ["drones", "agro-tech"]


def test_idea_from_an_organisation_of_another_country_is_refused(manager, lead):
    with pytest.raises(ValidationError, match="not from the idea's country"):
        services.idea_create(user=manager, country=CountryFactory(), author_organisation=lead, name_en="X")


# --- Calls ------------------------------------------------------------------------------------------------
def test_eligible_organisation_applies_to_an_open_call(manager, lead):
    call = CallFactory(eligible_countries=[lead.country])
    application = services.application_submit(
        call=call, organisation=lead, title="Sensors", summary="…", requested_amount=Decimal("40000"), user=manager
    )
    assert application.pk


def test_closed_call_accepts_nothing(manager, lead):
    call = CallFactory(opens_at=timezone.now() - timedelta(days=30), deadline=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError, match="closed on"):
        services.application_submit(call=call, organisation=lead, title="X", summary="Y", user=manager)
    assert not CallApplication.objects.exists()


def test_call_closed_early_accepts_nothing(manager, lead):
    call = CallFactory()
    services.call_close(call=call, user=UserFactory(is_staff=True, username="staff"))
    with pytest.raises(ValidationError, match="closed on"):
        services.application_submit(call=call, organisation=lead, title="X", summary="Y", user=manager)


def test_call_not_yet_open_accepts_nothing(manager, lead):
    call = CallFactory(opens_at=timezone.now() + timedelta(days=1), deadline=timezone.now() + timedelta(days=5))
    with pytest.raises(ValidationError, match="opens on"):
        services.application_submit(call=call, organisation=lead, title="X", summary="Y", user=manager)


def test_organisation_from_a_country_not_eligible_is_refused(manager, lead):
    call = CallFactory(eligible_countries=[CountryFactory(name_en="Elsewhere")])
    with pytest.raises(ValidationError) as exc:
        services.application_submit(call=call, organisation=lead, title="X", summary="Y", user=manager)
    assert "not eligible" in str(exc.value) and "Elsewhere" in str(exc.value)


def test_second_application_from_one_organisation_is_refused(manager, lead):
    call = CallFactory()
    services.application_submit(call=call, organisation=lead, title="X", summary="Y", user=manager)
    with pytest.raises(ValidationError, match="already applied"):
        services.application_submit(call=call, organisation=lead, title="X2", summary="Y", user=manager)


def test_request_above_the_largest_award_is_refused(manager, lead):
    call = CallFactory(max_award=Decimal("50000"))
    with pytest.raises(ValidationError, match="largest award"):
        services.application_submit(
            call=call, organisation=lead, title="X", summary="Y", requested_amount=Decimal("50001"), user=manager
        )


def test_unpublished_call_accepts_nothing(manager, lead):
    call = CallFactory(status="draft")
    with pytest.raises(ValidationError, match="not published"):
        services.application_submit(call=call, organisation=lead, title="X", summary="Y", user=manager)


def test_application_on_behalf_of_an_organisation_one_does_not_manage_is_refused(lead):
    with pytest.raises(PermissionDenied):
        services.application_submit(call=CallFactory(), organisation=lead, title="X", summary="Y", user=UserFactory())


def test_deadline_before_opening_is_refused_by_the_model():
    call = CallFactory.build(
        organiser=OrganisationFactory(), opens_at=timezone.now(), deadline=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="after the opening"):
        call.full_clean()

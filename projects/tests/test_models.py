"""What the database itself refuses, whatever path the data takes."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from directory.tests.factories import OrganisationFactory
from projects.choices import FundingSource, ParticipantRole, TeamRole
from projects.models import Project, ProjectFunding, ProjectParticipant, TeamMember
from projects.tests.factories import ProjectFactory, TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("start", "target"), [(0, 5), (3, 10), (6, 4)])
def test_database_refuses_a_trl_outside_one_to_nine_or_a_target_below_the_start(start, target):
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(trl_start=start, trl_target=target)


def test_database_accepts_equal_start_and_target_trl():
    project = ProjectFactory()
    assert Project.objects.filter(pk=project.pk).update(trl_start=9, trl_target=9) == 1


def test_database_refuses_a_second_leader_in_a_team():
    team = TeamFactory()
    TeamMemberFactory(team=team, role=TeamRole.LEADER)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.create(
            team=team, full_name="Second", organisation=team.project.lead_organisation, role=TeamRole.LEADER
        )


def test_two_teams_each_have_their_own_leader():
    project = ProjectFactory()
    for name in ("A", "B"):
        TeamMemberFactory(team=TeamFactory(project=project, name=name), role=TeamRole.LEADER)
    assert TeamMember.objects.filter(team__project=project, role=TeamRole.LEADER).count() == 2


def test_database_refuses_a_second_lead_participant():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectParticipant.objects.create(
            project=project, organisation=OrganisationFactory(), role=ParticipantRole.LEAD
        )


def test_database_refuses_state_budget_funding_without_a_state():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFunding.objects.create(
            project=project, source=FundingSource.STATE_BUDGET, amount=Decimal("1"), currency="USD"
        )


def test_project_name_falls_back_to_another_language():
    project = ProjectFactory(name_en="", name_ru="Проект")
    assert str(project) == "Проект"

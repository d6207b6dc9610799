"""Pages of programmes, projects, ideas and calls: lists with filters, details, forms for managers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.tests.factories import PriorityFactory
from directory.tests.factories import OrganisationFactory
from projects.choices import FundingSource, ProjectStage
from projects.models import Project
from projects.tests.factories import (
    CallFactory,
    FundingFactory,
    IdeaFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    add_participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(username="manager")


@pytest.fixture
def lead(manager):
    return OrganisationFactory(created_by=manager)


def test_project_list_filters_by_country_priority_status_and_integration(client, django_assert_max_num_queries):
    priority = PriorityFactory(code="AI")
    wide = ProjectFactory(name_en="Wide project", stage=ProjectStage.IN_PROGRESS, priorities=[priority])
    add_participant(wide)
    narrow = ProjectFactory(name_en="Narrow project")
    ProjectFactory(name_en="Hidden draft", draft=True)
    for _ in range(5):
        add_participant(ProjectFactory())
    url = reverse("projects:project_list")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert "Wide project" in response.text and "Hidden draft" not in response.text
    assert "Narrow project" not in client.get(url, {"integration_min": 2}).text
    assert "Wide project" in client.get(url, {"integration_min": 2}).text
    only = client.get(url, {"country": narrow.lead_organisation.country_id}).text
    assert "Narrow project" in only and "Wide project" not in only
    assert "Narrow project" not in client.get(url, {"priority": "AI"}).text
    assert "Wide project" in client.get(url, {"stage": "in_progress"}).text
    assert "Narrow project" not in client.get(url, {"stage": "in_progress"}).text


def test_project_detail_shows_integration_component_and_cofinancing(client):
    project = ProjectFactory(name_en="Grid sensors")
    add_participant(project)
    FundingFactory(
        project=project,
        source=FundingSource.STATE_BUDGET,
        country=project.lead_organisation.country,
        amount=Decimal("250000"),
    )
    FundingFactory(project=project, source=FundingSource.PRIVATE, amount=Decimal("750000"))
    response = client.get(reverse("projects:project_detail", args=[project.pk]))
    assert response.status_code == 200
    assert 'id="integration-component">2<' in response.text
    assert "State budget" in response.text and "25.0 %" in response.text and "75.0 %" in response.text
    assert "100.0 % of the budget" in response.text
    assert "Manage the project" not in response.text


def test_draft_project_is_hidden_from_the_public_but_shown_to_its_manager(client, manager, lead):
    project = ProjectFactory(lead_organisation=lead, draft=True)
    url = reverse("projects:project_detail", args=[project.pk])
    assert client.get(url).status_code == 404
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200 and "Manage the project" in response.text


def test_manager_creates_a_project(client, manager, lead):
    client.force_login(manager)
    response = client.post(
        reverse("projects:project_create"),
        {
            "name_en": "Hydrogen buses",
            "lead_organisation": lead.pk,
            "trl_start": 4,
            "trl_target": 7,
            "currency": "USD",
            "budget": "2000000",
        },
    )
    project = Project.objects.get(name_en="Hydrogen buses")
    assert response.status_code == 302 and response.url == reverse("projects:project_detail", args=[project.pk])
    assert project.member_state_count == 1 and project.created_by == manager


def test_project_form_shows_the_rule_that_refused_it(client, manager, lead):
    client.force_login(manager)
    response = client.post(
        reverse("projects:project_create"),
        {
            "name_en": "Backwards",
            "lead_organisation": lead.pk,
            "trl_start": 7,
            "trl_target": 3,
            "currency": "USD",
        },
    )
    assert response.status_code == 400
    assert "target TRL cannot be below" in response.text
    assert not Project.objects.exists()


def test_user_without_an_organisation_cannot_create_a_project(client):
    client.force_login(UserFactory())
    assert client.get(reverse("projects:project_create")).status_code == 403


def test_outsider_cannot_edit_or_move_a_project(client, lead):
    project = ProjectFactory(lead_organisation=lead)
    client.force_login(UserFactory(username="outsider"))
    assert client.get(reverse("projects:project_edit", args=[project.pk])).status_code == 403
    response = client.post(reverse("projects:project_transition", args=[project.pk]), {"to_stage": "cancelled"})
    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).stage == ProjectStage.IDEA


def test_refused_transition_is_explained_on_the_page(client, manager, lead):
    project = ProjectFactory(lead_organisation=lead)
    client.force_login(manager)
    response = client.post(reverse("projects:project_transition", args=[project.pk]), {"to_stage": "proposal"})
    assert response.status_code == 400
    assert "at least 2 states" in response.text
    assert Project.objects.get(pk=project.pk).stage == ProjectStage.IDEA


def test_manager_adds_a_participant_and_the_integration_component_grows(client, manager, lead):
    project = ProjectFactory(lead_organisation=lead)
    partner = OrganisationFactory()
    client.force_login(manager)
    response = client.post(
        reverse("projects:participant_add", args=[project.pk]), {"organisation": partner.pk, "role": "partner"}
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).member_state_count == 2


def test_programme_pages_list_and_show_projects(client, django_assert_max_num_queries):
    programme = ProgrammeFactory(name_en="Union State programme of microelectronics")
    ProjectFactory(programme=programme, name_en="Chip design centre")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("projects:programme_list"))
    assert "Union State programme of microelectronics" in response.text
    detail = client.get(reverse("projects:programme_detail", args=[programme.pk]))
    assert "Chip design centre" in detail.text


def test_idea_bank_filters_by_tag_and_an_idea_becomes_a_project(client, manager, lead, django_assert_max_num_queries):
    idea = IdeaFactory(name_en="Agro drones", tags=["drones"], author_organisation=lead, country=lead.country)
    IdeaFactory(name_en="Open library", tags=["culture"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("projects:idea_list"), {"tag": "drones"})
    assert "Agro drones" in response.text and "Open library" not in response.text
    client.force_login(manager)
    response = client.post(reverse("projects:idea_convert", args=[idea.pk]), {"lead_organisation": lead.pk})
    project = Project.objects.get(source_idea=idea)
    assert response.url == reverse("projects:project_detail", args=[project.pk])


def test_call_page_takes_an_application_while_open(client, manager, lead):
    call = CallFactory(eligible_countries=[lead.country])
    client.force_login(manager)
    url = reverse("projects:call_detail", args=[call.pk])
    assert "Submit the application" in client.get(url).text
    response = client.post(url, {"organisation": lead.pk, "title": "Sensors", "summary": "Cheap sensors"})
    assert response.status_code == 302 and call.applications.count() == 1


def test_call_list_marks_closed_calls(client, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    CallFactory(
        name_en="Old contest",
        opens_at=timezone.now() - timedelta(days=60),
        deadline=timezone.now() - timedelta(days=30),
    )
    CallFactory(name_en="Current contest")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("projects:call_list"), {"is_open": "true"})
    assert "Current contest" in response.text and "Old contest" not in response.text

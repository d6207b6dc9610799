"""The /api/v1/ endpoints of programmes, projects, ideas and calls."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from directory.tests.factories import OrganisationFactory
from projects.choices import ProjectStage
from projects.models import Project
from projects.tests.factories import (
    CallFactory,
    IdeaFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    add_participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def manager():
    return UserFactory(username="manager")


@pytest.fixture
def lead(manager):
    return OrganisationFactory(created_by=manager)


def test_project_list_is_public_shows_published_only_and_filters(api, django_assert_max_num_queries):
    wide = ProjectFactory(name_en="Wide")
    add_participant(wide)
    add_participant(wide)
    ProjectFactory(name_en="Narrow")
    ProjectFactory(name_en="Draft", draft=True)
    for _ in range(5):
        ProjectFactory()
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/projects/")
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert "Wide" in names and "Draft" not in names
    filtered = api.get("/api/v1/projects/", {"integration_min": 3}).json()["results"]
    assert [row["name"] for row in filtered] == ["Wide"] and filtered[0]["integration_component"] == 3


def test_project_detail_gives_participants_and_cofinancing(api):
    project = ProjectFactory()
    add_participant(project)
    body = api.get(f"/api/v1/projects/{project.pk}/").json()
    assert body["integration_component"] == 2
    assert len(body["participants"]) == 2 and body["co_financing"] == []


def test_draft_project_is_not_found_for_the_public(api):
    project = ProjectFactory(draft=True)
    assert api.get(f"/api/v1/projects/{project.pk}/").status_code == 404


def test_manager_creates_a_project_through_the_api(api, manager, lead):
    api.force_authenticate(manager)
    response = api.post(
        "/api/v1/projects/",
        {"name_en": "API project", "lead_organisation": lead.pk, "trl_start": 2, "trl_target": 5, "currency": "EUR"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["integration_component"] == 1
    assert Project.objects.get(name_en="API project").created_by == manager


def test_create_for_an_organisation_one_does_not_manage_is_forbidden(api, lead):
    api.force_authenticate(UserFactory(username="outsider"))
    response = api.post(
        "/api/v1/projects/",
        {"name_en": "Not mine", "lead_organisation": lead.pk, "trl_start": 2, "trl_target": 5},
        format="json",
    )
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_anonymous_writes_are_refused(api, lead):
    response = api.post("/api/v1/projects/", {"name_en": "X"}, format="json")
    assert response.status_code in (401, 403)


def test_transition_refused_with_the_rule(api, manager, lead):
    project = ProjectFactory(lead_organisation=lead)
    api.force_authenticate(manager)
    response = api.post(f"/api/v1/projects/{project.pk}/transition/", {"to_stage": "completed"}, format="json")
    assert response.status_code == 400
    assert "cannot move from" in response.content.decode()
    response = api.post(f"/api/v1/projects/{project.pk}/transition/", {"to_stage": "cancelled"}, format="json")
    assert response.status_code == 200 and response.json()["stage"] == ProjectStage.CANCELLED


def test_programmes_ideas_and_calls_are_listed_with_filters(api, django_assert_max_num_queries):
    ProgrammeFactory(name_en="EAEU programme", kind="eaeu")
    ProgrammeFactory(name_en="Union State programme", kind="union_state")
    IdeaFactory(name_en="Drones", tags=["drones"])
    IdeaFactory(name_en="Library", tags=["culture"])
    CallFactory(name_en="Open call")
    CallFactory(
        name_en="Closed call", opens_at=timezone.now() - timedelta(days=9), deadline=timezone.now() - timedelta(days=1)
    )
    with django_assert_max_num_queries(6):
        programmes = api.get("/api/v1/programmes/", {"kind": "eaeu"}).json()["results"]
    assert [p["name"] for p in programmes] == ["EAEU programme"]
    with django_assert_max_num_queries(6):
        ideas = api.get("/api/v1/ideas/", {"tag": "drones"}).json()["results"]
    assert [i["name"] for i in ideas] == ["Drones"]
    with django_assert_max_num_queries(6):
        calls = api.get("/api/v1/calls/", {"is_open": "true"}).json()["results"]
    assert [c["name"] for c in calls] == ["Open call"] and calls[0]["is_open"] is True


def test_apply_to_a_closed_call_is_refused(api, manager, lead):
    call = CallFactory(opens_at=timezone.now() - timedelta(days=9), deadline=timezone.now() - timedelta(days=1))
    api.force_authenticate(manager)
    response = api.post(
        f"/api/v1/calls/{call.pk}/apply/", {"organisation": lead.pk, "title": "T", "summary": "S"}, format="json"
    )
    assert response.status_code == 400 and "closed on" in response.content.decode()
    assert call.applications.count() == 0


def test_apply_to_an_open_call(api, manager, lead):
    call = CallFactory()
    api.force_authenticate(manager)
    response = api.post(
        f"/api/v1/calls/{call.pk}/apply/", {"organisation": lead.pk, "title": "T", "summary": "S"}, format="json"
    )
    assert response.status_code == 201 and call.applications.count() == 1


def test_openapi_schema_documents_the_project_endpoints(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    text = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/projects/{id}/transition/" in text and "integration_min" in text
    assert "/api/v1/pool/meetings/" in text

"""Pages and API of the SCO Pool: a secretary runs a meeting cycle; deadlines and consensus are enforced."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from projects.tests.factories import UserFactory
from technoparks.models import Decision, DecisionPosition, WorkPlanProposal
from technoparks.pool_choices import DecisionOutcome, Position
from technoparks.tests.factories import PoolMembershipFactory, TechnoparkFactory
from technoparks.tests.pool_factories import (
    DecisionFactory,
    MeetingFactory,
    PoolCommissionFactory,
    RepresentativeFactory,
    sco_states,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("technoparks.tests.pool_urlconf")]


@pytest.fixture
def states():
    return sco_states(3)


@pytest.fixture
def meeting(states):
    commission = PoolCommissionFactory()
    for state in states:
        RepresentativeFactory(commission=commission, country=state)
    return MeetingFactory(commission=commission, presiding_country=states[0], held_on=datetime.date(2030, 10, 15))


@pytest.fixture
def secretary(client):
    user = UserFactory(username="secretary", is_staff=True)
    client.force_login(user)
    return user


def test_overview_shows_members_and_the_commission(client, meeting, states, django_assert_max_num_queries):
    PoolMembershipFactory(technopark=TechnoparkFactory(country=states[0], name_en="Astana Hub"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("pool:overview"))
    assert response.status_code == 200
    assert "Astana Hub" in response.text and "Representative" in response.text


def test_meeting_page_shows_the_deadlines(client, meeting, django_assert_max_num_queries):
    DecisionFactory(meeting=meeting)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("pool:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    assert "July 15, 2030" in response.text and "Aug. 15, 2030" in response.text
    # A visitor sees the cycle but none of the secretariat's controls.
    assert "Adopt by consensus" not in response.text and "Close the meeting" not in response.text


def test_meeting_list_is_public(client, meeting, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("pool:meeting_list"))
    assert response.status_code == 200 and "Oct. 15, 2030" in response.text


def test_late_proposal_is_refused_on_the_page_with_its_due_date(client, meeting, states, secretary):
    # A meeting a month away: its proposals were due two months ago.
    meeting.held_on = datetime.date.today() + datetime.timedelta(days=30)
    meeting.save()
    response = client.post(
        reverse("pool:proposal_submit", args=[meeting.pk]), {"country": states[1].pk, "title": "Late proposal"}
    )
    assert response.status_code == 400
    assert "were due to the chair by" in response.text
    assert not WorkPlanProposal.objects.exists()


def test_secretary_runs_a_meeting_cycle(client, meeting, states, secretary):
    meeting.held_on = datetime.date.today() + datetime.timedelta(days=120)
    meeting.save()
    url = reverse("pool:meeting_detail", args=[meeting.pk])
    response = client.post(
        reverse("pool:proposal_submit", args=[meeting.pk]),
        {"country": states[1].pk, "title": "Joint forum of technoparks"},
    )
    assert response.status_code == 302
    proposal = WorkPlanProposal.objects.get()
    assert (
        client.post(reverse("pool:work_plan_draft", args=[meeting.pk]), {"proposals": [proposal.pk]}).status_code == 302
    )
    assert (
        client.post(
            reverse("pool:decision_propose", args=[meeting.pk]),
            {"title": "On the work plan", "approves_work_plan": "on"},
        ).status_code
        == 302
    )
    decision = Decision.objects.get()
    for state in states[:2]:
        client.post(
            reverse("pool:position_record", args=[meeting.pk]),
            {"decision": decision.pk, "country": state.pk, "position": Position.AGREE},
        )
    client.post(reverse("pool:decision_adopt", args=[meeting.pk, decision.pk]), follow=True)
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.PENDING
    client.post(
        reverse("pool:position_record", args=[meeting.pk]),
        {"decision": decision.pk, "country": states[2].pk, "position": Position.ABSTAIN},
    )
    response = client.post(reverse("pool:decision_adopt", args=[meeting.pk, decision.pk]), follow=True)
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.ADOPTED
    assert "Adopted by consensus" in response.text
    assert client.get(url).status_code == 200


def test_adoption_without_consensus_is_explained(client, meeting, states, secretary):
    decision = DecisionFactory(meeting=meeting)
    DecisionPosition.objects.create(decision=decision, country=states[0], position=Position.OBJECT)
    response = client.post(reverse("pool:decision_adopt", args=[meeting.pk, decision.pk]), follow=True)
    assert "No consensus" in response.text and "object" in response.text


def test_visitor_cannot_run_the_commission(client, meeting, states):
    client.force_login(UserFactory(username="visitor"))
    assert client.get(reverse("pool:meeting_create")).status_code == 403
    decision = DecisionFactory(meeting=meeting)
    response = client.post(
        reverse("pool:position_record", args=[meeting.pk]),
        {"decision": decision.pk, "country": states[0].pk, "position": Position.AGREE},
    )
    assert response.status_code in (400, 403)
    assert not DecisionPosition.objects.exists()


def test_secretary_schedules_a_meeting(client, states, secretary):
    PoolCommissionFactory()
    response = client.post(
        reverse("pool:meeting_create"),
        {
            "kind": "regular",
            "presiding_country": states[0].pk,
            "host_country": states[1].pk,
            "held_on": "2031-06-01",
            "city": "Somewhere",
        },
    )
    assert response.status_code == 400 and "held in the presiding state" in response.text


# --- API ------------------------------------------------------------------------------------------
def test_api_meetings_give_the_deadlines(meeting, django_assert_max_num_queries):
    api = APIClient()
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/pool/meetings/").json()
    row = body["results"][0]
    assert row["deadlines"] == {
        "proposals_due": "2030-07-15",
        "draft_plan_due": "2030-08-15",
        "draft_agenda_due": "2030-08-15",
        "draft_protocol_due": "2030-08-15",
    }


def test_api_adopt_is_refused_without_every_member_state(meeting, states):
    decision = DecisionFactory(meeting=meeting)
    api = APIClient()
    api.force_authenticate(UserFactory(username="api-secretary", is_staff=True))
    response = api.post(
        f"/api/v1/pool/decisions/{decision.pk}/positions/",
        {"country": states[0].iso2, "position": "agree"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["positions"][0]["position"] == "agree"
    response = api.post(f"/api/v1/pool/decisions/{decision.pk}/adopt/", format="json")
    assert response.status_code == 400 and "missing" in response.content.decode()


def test_api_late_proposal_is_refused(meeting, states):
    api = APIClient()
    api.force_authenticate(UserFactory(username="api-secretary", is_staff=True))
    meeting.held_on = datetime.date.today() + datetime.timedelta(days=10)
    meeting.save()
    response = api.post(
        f"/api/v1/pool/meetings/{meeting.pk}/proposals/", {"country": states[1].iso2, "title": "Late"}, format="json"
    )
    assert response.status_code == 400 and "were due to the chair by" in response.content.decode()

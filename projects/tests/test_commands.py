"""manage.py load_projects: the demo fixtures load, follow the rules, and load again without duplicates."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from directory.choices import BlocMembershipStatus
from directory.models import Country
from directory.tests.factories import BlocFactory, BlocMembershipFactory, CountryFactory
from projects.models import Call, Idea, Programme, Project
from technoparks.models import CommissionMeeting, CommissionRepresentative, Decision, WorkPlan
from technoparks.pool_choices import DecisionOutcome, WorkPlanStatus

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SCO = ["BY", "CN", "IN", "IR", "KZ", "KG", "PK", "RU", "TJ", "UZ"]


@pytest.fixture
def reference():
    """The countries the fixtures name, and the SCO with its member states (Belarus since 2024)."""
    codes = set(SCO) | {"AM"}
    for n, iso2 in enumerate(sorted(codes)):
        CountryFactory(iso2=iso2, iso3=f"{iso2}X", iso_numeric=f"{700 + n}", name_en=f"Country {iso2}")
    bloc = BlocFactory(code="sco")
    for iso2 in SCO:
        joined = datetime.date(2024, 7, 4) if iso2 == "BY" else datetime.date(2017, 6, 9)
        BlocMembershipFactory(
            bloc=bloc, country=Country.objects.get(iso2=iso2), status=BlocMembershipStatus.MEMBER, joined_on=joined
        )


def _run() -> str:
    out = StringIO()
    call_command("load_projects", stdout=out)
    return out.getvalue()


def test_load_projects_loads_everything_and_names_what_it_had_to_create(reference):
    output = _run()
    fixture = json.loads((FIXTURES / "projects" / "projects.json").read_text())
    assert Programme.objects.count() == len(fixture["programmes"])
    assert Project.objects.count() == len(fixture["projects"])
    assert Idea.objects.count() == len(fixture["ideas"])
    assert Call.objects.count() == len(fixture["calls"])
    assert "created" in output and "not loaded" in output
    speech = Project.objects.get(external_id="demo-prj-speech-central-asia")
    assert speech.member_state_count == 5 and speech.is_public and speech.is_demo
    assert Project.objects.get(external_id="demo-prj-ev-buses").source_idea.external_id == "demo-idea-ev-buses"


def test_load_projects_twice_changes_nothing(reference):
    _run()
    before = (Project.objects.count(), Decision.objects.count(), CommissionRepresentative.objects.count())
    _run()
    assert (Project.objects.count(), Decision.objects.count(), CommissionRepresentative.objects.count()) == before


def test_demo_meeting_follows_the_commissions_rules(reference):
    _run()
    held = CommissionMeeting.objects.get(held_on=datetime.date(2025, 11, 10))
    assert all(p.submitted_on <= held.proposals_due for p in held.proposals.all())
    plan = WorkPlan.objects.get(meeting=held)
    assert plan.draft_sent_on <= held.draft_plan_due and plan.status == WorkPlanStatus.APPROVED
    outcomes = dict(held.decisions.values_list("number", "outcome"))
    # Decision 3 lacks the positions of India, Iran and Pakistan: no consensus.
    assert outcomes == {1: DecisionOutcome.ADOPTED, 2: DecisionOutcome.ADOPTED, 3: DecisionOutcome.NOT_ADOPTED}
    assert held.documents.filter(kind="protocol").exists()
    assert CommissionRepresentative.objects.filter(ended_on__isnull=True).count() == len(SCO)


def test_missing_countries_are_reported_not_fatal():
    output = _run()
    assert "is not loaded (run load_reference)" in output
    assert Project.objects.count() == 0

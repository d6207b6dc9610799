"""The Managing Commission's rules (SCO decision no. 136): allowed and refused cases."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from directory.choices import BlocMembershipStatus
from directory.tests.factories import BlocFactory, BlocMembershipFactory, CountryFactory
from projects.tests.factories import UserFactory
from technoparks import pool_services as services
from technoparks.choices import PoolStatus
from technoparks.models import CommissionRepresentative, Decision, DecisionPosition, PoolMembership, WorkPlanProposal
from technoparks.pool_choices import (
    DecisionOutcome,
    DocumentKind,
    MeetingKind,
    MeetingStatus,
    Position,
    ProposalStatus,
    WorkPlanStatus,
)
from technoparks.tests.factories import TechnoparkFactory
from technoparks.tests.pool_factories import (
    DecisionFactory,
    MeetingFactory,
    PoolCommissionFactory,
    ProposalFactory,
    RepresentativeFactory,
    sco_states,
)

pytestmark = pytest.mark.django_db

MEETING_DAY = datetime.date(2030, 10, 15)


@pytest.fixture
def secretary():
    return UserFactory(username="secretary", is_staff=True)


@pytest.fixture
def states():
    return sco_states(3)


@pytest.fixture
def meeting(states):
    return MeetingFactory(presiding_country=states[0], held_on=MEETING_DAY)


# --- Representatives ----------------------------------------------------------------------
def test_representative_appoint_accepts_one_per_member_state(states, secretary):
    commission = PoolCommissionFactory()
    rep = services.representative_appoint(
        commission=commission,
        country=states[0],
        full_name="A. Rep",
        appointed_on=datetime.date(2024, 1, 1),
        user=secretary,
    )
    assert rep.pk and rep.country == states[0]


def test_representative_appoint_refuses_a_second_for_the_same_state(states, secretary):
    commission = PoolCommissionFactory()
    RepresentativeFactory(commission=commission, country=states[0], full_name="First Person")
    with pytest.raises(ValidationError) as exc:
        services.representative_appoint(
            commission=commission,
            country=states[0],
            full_name="Second Person",
            appointed_on=datetime.date(2024, 1, 1),
            user=secretary,
        )
    assert "already has a representative" in str(exc.value) and "First Person" in str(exc.value)
    assert CommissionRepresentative.objects.filter(country=states[0]).count() == 1


def test_database_refuses_a_second_current_representative(states):
    commission = PoolCommissionFactory()
    RepresentativeFactory(commission=commission, country=states[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionRepresentative.objects.create(
            commission=commission, country=states[0], full_name="X", appointed_on=datetime.date(2024, 1, 1)
        )


def test_a_new_representative_may_follow_one_whose_term_ended(states, secretary):
    commission = PoolCommissionFactory()
    first = RepresentativeFactory(commission=commission, country=states[0])
    services.representative_end(representative=first, ended_on=datetime.date(2024, 5, 1), user=secretary)
    second = services.representative_appoint(
        commission=commission,
        country=states[0],
        full_name="Successor",
        appointed_on=datetime.date(2024, 5, 2),
        user=secretary,
    )
    assert second.pk and CommissionRepresentative.objects.filter(country=states[0]).count() == 2


def test_representative_of_a_non_member_state_is_refused(states, secretary):
    outsider = CountryFactory()
    with pytest.raises(ValidationError, match="not an SCO member state"):
        services.representative_appoint(
            commission=PoolCommissionFactory(),
            country=outsider,
            full_name="X",
            appointed_on=datetime.date(2024, 1, 1),
            user=secretary,
        )


def test_only_the_secretariat_appoints_representatives(states):
    with pytest.raises(PermissionDenied):
        services.representative_appoint(
            commission=PoolCommissionFactory(),
            country=states[0],
            full_name="X",
            appointed_on=datetime.date(2024, 1, 1),
            user=UserFactory(),
        )


# --- Meetings and their deadlines -------------------------------------------------------------
def test_meeting_shows_deadlines_three_and_two_months_before(meeting):
    assert meeting.proposals_due == datetime.date(2030, 7, 15)
    assert meeting.draft_plan_due == datetime.date(2030, 8, 15)
    assert meeting.draft_agenda_due == datetime.date(2030, 8, 15)


def test_deadlines_at_the_end_of_a_month_fall_on_the_last_day_of_the_shorter_month(states):
    meeting = MeetingFactory(presiding_country=states[0], held_on=datetime.date(2030, 5, 31))
    assert meeting.proposals_due == datetime.date(2030, 2, 28)
    assert meeting.draft_plan_due == datetime.date(2030, 3, 31)


def test_regular_meeting_is_scheduled_in_the_presiding_state(states, secretary):
    meeting = services.meeting_schedule(
        commission=PoolCommissionFactory(),
        presiding_country=states[1],
        held_on=MEETING_DAY,
        user=secretary,
        city="Capital",
        council_meeting_on=datetime.date(2030, 11, 20),
    )
    assert meeting.host_country == states[1]


def test_regular_meeting_elsewhere_than_the_presiding_state_is_refused(states, secretary):
    with pytest.raises(ValidationError, match="presiding state"):
        services.meeting_schedule(
            commission=PoolCommissionFactory(),
            presiding_country=states[1],
            host_country=states[2],
            held_on=MEETING_DAY,
            user=secretary,
        )


def test_extraordinary_meeting_may_be_held_at_the_secretariat(states, secretary):
    meeting = services.meeting_schedule(
        commission=PoolCommissionFactory(),
        presiding_country=states[1],
        kind=MeetingKind.EXTRAORDINARY,
        held_on=MEETING_DAY,
        user=secretary,
    )
    assert meeting.host_country is None


def test_meeting_after_the_council_is_refused(states, secretary):
    with pytest.raises(ValidationError, match="before the Council"):
        services.meeting_schedule(
            commission=PoolCommissionFactory(),
            presiding_country=states[1],
            held_on=MEETING_DAY,
            user=secretary,
            council_meeting_on=datetime.date(2030, 10, 1),
        )


def test_meeting_presided_by_a_non_member_is_refused(states, secretary):
    with pytest.raises(ValidationError, match="not an SCO member state"):
        services.meeting_schedule(
            commission=PoolCommissionFactory(),
            presiding_country=CountryFactory(),
            held_on=MEETING_DAY,
            user=secretary,
        )


# --- Work-plan proposals -------------------------------------------------------------------------------
def test_proposal_on_its_due_date_is_accepted(meeting, states, secretary):
    proposal = services.proposal_submit(
        meeting=meeting, country=states[1], title="Joint forum", user=secretary, submitted_on=meeting.proposals_due
    )
    assert proposal.pk and proposal.status == ProposalStatus.SUBMITTED


def test_proposal_after_its_deadline_is_refused_with_the_date_it_was_due(meeting, states, secretary):
    with pytest.raises(ValidationError) as exc:
        services.proposal_submit(
            meeting=meeting,
            country=states[1],
            title="Late idea",
            user=secretary,
            submitted_on=datetime.date(2030, 7, 16),
        )
    assert "July 15, 2030" in str(exc.value)
    assert not WorkPlanProposal.objects.exists()


def test_representative_submits_for_their_own_state_only(meeting, states):
    user = UserFactory()
    RepresentativeFactory(commission=meeting.commission, country=states[1], user=user)
    own = services.proposal_submit(
        meeting=meeting, country=states[1], title="Ours", user=user, submitted_on=datetime.date(2030, 6, 1)
    )
    assert own.country == states[1]
    with pytest.raises(PermissionDenied):
        services.proposal_submit(
            meeting=meeting, country=states[2], title="Theirs", user=user, submitted_on=datetime.date(2030, 6, 1)
        )


def test_proposal_from_a_non_member_is_refused(meeting, secretary):
    with pytest.raises(ValidationError, match="not an SCO member state"):
        services.proposal_submit(
            meeting=meeting,
            country=CountryFactory(),
            title="X",
            user=secretary,
            submitted_on=datetime.date(2030, 6, 1),
        )


# --- The chair's draft plan and documents --------------------------------------------------------------
def test_draft_plan_on_time_includes_the_chosen_proposals(meeting, states, secretary):
    chosen = ProposalFactory(meeting=meeting, country=states[1])
    left_out = ProposalFactory(meeting=meeting, country=states[2])
    plan = services.work_plan_draft(meeting=meeting, user=secretary, proposals=[chosen], sent_on=meeting.draft_plan_due)
    assert [item.title for item in plan.items.all()] == [chosen.title]
    chosen.refresh_from_db()
    left_out.refresh_from_db()
    assert (chosen.status, left_out.status) == (ProposalStatus.INCLUDED, ProposalStatus.NOT_INCLUDED)
    assert meeting.documents.filter(kind=DocumentKind.DRAFT_WORK_PLAN).exists()


def test_draft_plan_sent_late_is_refused_with_its_due_date(meeting, states, secretary):
    proposal = ProposalFactory(meeting=meeting, country=states[1])
    with pytest.raises(ValidationError) as exc:
        services.work_plan_draft(
            meeting=meeting, user=secretary, proposals=[proposal], sent_on=datetime.date(2030, 8, 16)
        )
    assert "Aug. 15, 2030" in str(exc.value)
    assert not hasattr(meeting, "work_plan") or not meeting.documents.exists()


def test_draft_agenda_late_is_refused_and_on_time_accepted(meeting, secretary):
    services.document_send(
        meeting=meeting,
        kind=DocumentKind.DRAFT_AGENDA,
        title="Draft agenda",
        user=secretary,
        sent_on=datetime.date(2030, 8, 1),
    )
    with pytest.raises(ValidationError, match="two months before"):
        services.document_send(
            meeting=meeting,
            kind=DocumentKind.DRAFT_PROTOCOL,
            title="Draft protocol",
            user=secretary,
            sent_on=datetime.date(2030, 9, 1),
        )
    assert meeting.documents.count() == 1


# --- Decisions by consensus ---------------------------------------------------------------------------
def _positions(decision, pairs, user):
    for country, position in pairs:
        services.decision_record(decision=decision, country=country, position=position, user=user)


def test_decision_adopted_when_every_member_state_agrees_or_abstains(meeting, states, secretary):
    decision = DecisionFactory(meeting=meeting)
    _positions(
        decision, [(states[0], Position.AGREE), (states[1], Position.AGREE), (states[2], Position.ABSTAIN)], secretary
    )
    decision = services.decision_adopt(decision=decision, user=secretary)
    assert decision.outcome == DecisionOutcome.ADOPTED
    assert decision.is_recommendatory
    assert "adopted by consensus" in decision.protocol_entry and str(states[2]) in decision.protocol_entry


def test_decision_is_not_adopted_while_a_member_state_has_no_position(meeting, states, secretary):
    decision = DecisionFactory(meeting=meeting)
    _positions(decision, [(states[0], Position.AGREE), (states[1], Position.AGREE)], secretary)
    with pytest.raises(ValidationError) as exc:
        services.decision_adopt(decision=decision, user=secretary)
    assert "missing" in str(exc.value) and str(states[2]) in str(exc.value)
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.PENDING


def test_decision_is_not_adopted_when_a_member_state_objects(meeting, states, secretary):
    decision = DecisionFactory(meeting=meeting)
    _positions(
        decision, [(states[0], Position.AGREE), (states[1], Position.OBJECT), (states[2], Position.AGREE)], secretary
    )
    with pytest.raises(ValidationError, match="object"):
        services.decision_adopt(decision=decision, user=secretary)
    assert Decision.objects.get(pk=decision.pk).outcome == DecisionOutcome.PENDING


def test_consensus_counts_member_states_on_the_meeting_date_only(meeting, states, secretary):
    # A state that joins after the meeting and an observer are not needed for consensus.
    bloc = BlocFactory(code="sco")
    BlocMembershipFactory(bloc=bloc, country=CountryFactory(), joined_on=datetime.date(2031, 1, 1))
    BlocMembershipFactory(bloc=bloc, country=CountryFactory(), status=BlocMembershipStatus.OBSERVER)
    decision = DecisionFactory(meeting=meeting)
    _positions(decision, [(s, Position.AGREE) for s in states], secretary)
    assert services.decision_adopt(decision=decision, user=secretary).outcome == DecisionOutcome.ADOPTED


def test_position_of_a_non_member_is_refused(meeting, secretary):
    decision = DecisionFactory(meeting=meeting)
    with pytest.raises(ValidationError, match="not an SCO member state"):
        services.decision_record(decision=decision, country=CountryFactory(), position=Position.AGREE, user=secretary)
    assert not DecisionPosition.objects.exists()


def test_a_state_may_change_its_position_until_the_decision_closes(meeting, states, secretary):
    decision = DecisionFactory(meeting=meeting)
    services.decision_record(decision=decision, country=states[0], position=Position.OBJECT, user=secretary)
    services.decision_record(decision=decision, country=states[0], position=Position.AGREE, user=secretary)
    assert DecisionPosition.objects.get(decision=decision, country=states[0]).position == Position.AGREE
    _positions(decision, [(states[1], Position.AGREE), (states[2], Position.AGREE)], secretary)
    services.decision_adopt(decision=decision, user=secretary)
    with pytest.raises(ValidationError, match="closed"):
        services.decision_record(decision=decision, country=states[0], position=Position.OBJECT, user=secretary)


def test_representative_records_their_own_state_position_only(meeting, states):
    user = UserFactory()
    RepresentativeFactory(commission=meeting.commission, country=states[1], user=user)
    decision = DecisionFactory(meeting=meeting)
    record = services.decision_record(decision=decision, country=states[1], position=Position.AGREE, user=user)
    assert record.representative.user == user
    with pytest.raises(PermissionDenied):
        services.decision_record(decision=decision, country=states[0], position=Position.AGREE, user=user)


def test_work_plan_is_approved_by_a_consensus_decision(meeting, states, secretary):
    plan = services.work_plan_draft(
        meeting=meeting, user=secretary, proposals=[ProposalFactory(meeting=meeting)], sent_on=datetime.date(2030, 8, 1)
    )
    decision = services.decision_propose(meeting=meeting, title="On the work plan", user=secretary, work_plan=plan)
    _positions(decision, [(s, Position.AGREE) for s in states], secretary)
    services.decision_adopt(decision=decision, user=secretary)
    plan.refresh_from_db()
    assert plan.status == WorkPlanStatus.APPROVED and plan.approved_on == MEETING_DAY


def test_closing_a_meeting_writes_the_protocol_and_drops_decisions_without_consensus(meeting, states, secretary):
    adopted = DecisionFactory(meeting=meeting, number=1, title="On the forum")
    pending = DecisionFactory(meeting=meeting, number=2, title="On the fund")
    _positions(adopted, [(s, Position.AGREE) for s in states], secretary)
    services.decision_adopt(decision=adopted, user=secretary)
    services.decision_record(decision=pending, country=states[0], position=Position.OBJECT, user=secretary)
    protocol = services.meeting_close(meeting=meeting, user=secretary, closed_on=MEETING_DAY)
    pending.refresh_from_db()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert pending.outcome == DecisionOutcome.NOT_ADOPTED
    assert protocol.kind == DocumentKind.PROTOCOL
    assert "On the forum" in protocol.body and "On the fund" in protocol.body


def test_meeting_cannot_be_closed_before_it_takes_place(meeting, secretary):
    with pytest.raises(ValidationError, match="cannot be closed before"):
        services.meeting_close(meeting=meeting, user=secretary, closed_on=datetime.date(2030, 10, 1))


def test_nothing_is_added_to_a_held_meeting(meeting, states, secretary):
    services.meeting_close(meeting=meeting, user=secretary, closed_on=MEETING_DAY)
    with pytest.raises(ValidationError, match="held"):
        services.decision_propose(meeting=meeting, title="Too late", user=secretary)


# --- Pool membership ------------------------------------------------------------------------------------
def test_member_state_nominates_its_own_technopark(states, secretary):
    technopark = TechnoparkFactory(country=states[0])
    membership = services.pool_membership_nominate(
        nominated_by=states[0], technopark=technopark, user=secretary, nominated_on=datetime.date(2024, 1, 1)
    )
    services.pool_membership_admit(membership=membership, user=secretary, admitted_on=datetime.date(2024, 6, 1))
    assert PoolMembership.objects.get().status == PoolStatus.ADMITTED


def test_nomination_of_another_states_technopark_is_refused(states, secretary):
    technopark = TechnoparkFactory(country=states[1])
    with pytest.raises(ValidationError, match="own territory"):
        services.pool_membership_nominate(nominated_by=states[0], technopark=technopark, user=secretary)
    assert not PoolMembership.objects.exists()


def test_nomination_by_a_non_member_state_is_refused(secretary):
    sco_states(1)
    outsider = CountryFactory()
    with pytest.raises(ValidationError, match="not an SCO member state"):
        services.pool_membership_nominate(
            nominated_by=outsider, technopark=TechnoparkFactory(country=outsider), user=secretary
        )

"""The SCO Pool and its Managing Commission: nominations, representatives, meetings, work plans and decisions.

The rules follow the Concept of the SCO Pool of technoparks and innovation clusters (SCO decision no. 136, 2021):
one representative per member state; decisions by consensus and recommendatory; a regular meeting in the state
presiding in the Council of Heads of Government, before the Council meets; work-plan proposals due to the chair no
later than three months before the meeting; the chair's draft plan, draft agenda and draft protocol sent out no later
than two months before; the plan approved by consensus at the meeting; the outcome recorded in the protocol.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from directory.models import BlocMembership, Country

from .choices import PoolStatus
from .models import (
    CommissionMeeting,
    CommissionReport,
    CommissionRepresentative,
    Decision,
    DecisionPosition,
    MeetingDocument,
    PoolCommission,
    PoolMembership,
    WorkPlan,
    WorkPlanItem,
    WorkPlanProposal,
)
from .pool_choices import (
    DecisionOutcome,
    DocumentKind,
    MeetingKind,
    MeetingStatus,
    Position,
    ProposalStatus,
    WorkPlanStatus,
)

SCO_BLOC_CODE = "sco"


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# --- Who is who -----------------------------------------------------------------------------
def sco_member_states(*, on: datetime.date | None = None) -> list[Country]:
    """The SCO member states on a date (observers and dialogue partners are not parties)."""
    on = on or timezone.localdate()
    ids = BlocMembership.objects.current(on=on).filter(bloc__code=SCO_BLOC_CODE, status="member").values("country_id")
    return list(Country.objects.filter(pk__in=ids).defer("boundary").order_by("name_en"))


def _require_member_state(country: Country, on: datetime.date, field: str) -> None:
    if country.pk not in {c.pk for c in sco_member_states(on=on)}:
        raise ValidationError(
            {field: _("%(country)s is not an SCO member state on %(date)s.") % {"country": country, "date": _day(on)}}
        )


def can_run_commission(user) -> bool:
    """The Commission's secretariat: staff, or users given the right to run its meetings."""
    return bool(
        user is not None and user.is_authenticated and (user.is_staff or user.has_perm("technoparks.run_commission"))
    )


def can_speak_for(user, country: Country, *, commission: PoolCommission | None = None) -> bool:
    """The secretariat, or the member state's current representative on the Commission."""
    if can_run_commission(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    representatives = CommissionRepresentative.objects.filter(user=user, country=country, ended_on__isnull=True)
    if commission is not None:
        representatives = representatives.filter(commission=commission)
    return representatives.exists()


def _require_secretariat(user) -> None:
    if not can_run_commission(user):
        raise PermissionDenied(_("Only the Commission's secretariat may do this."))


def _require_voice(user, country: Country, commission: PoolCommission) -> None:
    if not can_speak_for(user, country, commission=commission):
        raise PermissionDenied(
            _("Only the representative of %(country)s or the secretariat may do this.") % {"country": country}
        )


# --- Pool membership ---------------------------------------------------------------------------
@transaction.atomic
def pool_membership_nominate(
    *, nominated_by: Country, user, technopark=None, cluster=None, nominated_on: datetime.date | None = None
) -> PoolMembership:
    """A member state nominates one of its own technoparks or clusters to the Pool."""
    _require_secretariat(user)
    nominated_on = nominated_on or timezone.localdate()
    _require_member_state(nominated_by, nominated_on, "nominated_by")
    membership = PoolMembership(
        technopark=technopark,
        cluster=cluster,
        nominated_by=nominated_by,
        nominated_on=nominated_on,
        status=PoolStatus.NOMINATED,
    )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def pool_membership_admit(*, membership: PoolMembership, user, admitted_on: datetime.date | None = None):
    _require_secretariat(user)
    if membership.status != PoolStatus.NOMINATED:
        raise ValidationError(_("Only a nominated technopark or cluster can be admitted."))
    membership.status = PoolStatus.ADMITTED
    membership.admitted_on = admitted_on or timezone.localdate()
    membership.full_clean()
    membership.save()
    return membership


# --- Representatives ------------------------------------------------------------------------------
@transaction.atomic
def representative_appoint(
    *, commission: PoolCommission, country: Country, full_name: str, appointed_on: datetime.date, user, **fields
) -> CommissionRepresentative:
    """Appoints a member state's representative; a state that already has one is refused."""
    _require_secretariat(user)
    _require_member_state(country, appointed_on, "country")
    current = CommissionRepresentative.objects.filter(
        commission=commission, country=country, ended_on__isnull=True
    ).first()
    if current is not None:
        raise ValidationError(
            {
                "country": _(
                    "%(country)s already has a representative on the Commission: %(name)s. "
                    "Each member state has one; end that appointment first."
                )
                % {"country": country, "name": current.full_name}
            },
            code="one_representative_per_state",
        )
    representative = CommissionRepresentative(
        commission=commission, country=country, full_name=full_name, appointed_on=appointed_on, **fields
    )
    representative.full_clean()
    representative.save()
    return representative


@transaction.atomic
def representative_end(
    *, representative: CommissionRepresentative, ended_on: datetime.date, user
) -> CommissionRepresentative:
    _require_secretariat(user)
    representative.ended_on = ended_on
    representative.full_clean()
    representative.save(update_fields=["ended_on"])
    return representative


# --- Meetings ----------------------------------------------------------------------------------------
@transaction.atomic
def meeting_schedule(
    *,
    commission: PoolCommission,
    presiding_country: Country,
    held_on: datetime.date,
    user,
    kind: str = MeetingKind.REGULAR,
    host_country: Country | None = None,
    city: str = "",
    council_meeting_on: datetime.date | None = None,
) -> CommissionMeeting:
    """Schedules a meeting: a regular one in the presiding state, an extraordinary one in a member state or at the
    SCO Secretariat; the deadlines follow from the date."""
    _require_secretariat(user)
    _require_member_state(presiding_country, held_on, "presiding_country")
    if kind == MeetingKind.REGULAR:
        host_country = host_country or presiding_country
    if host_country is not None:
        _require_member_state(host_country, held_on, "host_country")
    meeting = CommissionMeeting(
        commission=commission,
        kind=kind,
        presiding_country=presiding_country,
        host_country=host_country,
        city=city,
        held_on=held_on,
        council_meeting_on=council_meeting_on,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def _require_planned(meeting: CommissionMeeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            _("The meeting of %(date)s is %(status)s: nothing more can be added to it.")
            % {"date": _day(meeting.held_on), "status": meeting.get_status_display().lower()}
        )


@transaction.atomic
def proposal_submit(
    *,
    meeting: CommissionMeeting,
    country: Country,
    title: str,
    user,
    description: str = "",
    submitted_on: datetime.date | None = None,
) -> WorkPlanProposal:
    """A party's proposal for the work plan; refused after the deadline three months before the meeting."""
    submitted_on = submitted_on or timezone.localdate()
    _require_voice(user, country, meeting.commission)
    _require_planned(meeting)
    _require_member_state(country, submitted_on, "country")
    due = meeting.proposals_due
    if submitted_on > due:
        raise ValidationError(
            _(
                "Proposals to the work plan for the meeting of %(meeting)s were due to the chair by %(due)s "
                "(three months before the meeting); this one comes too late."
            )
            % {"meeting": _day(meeting.held_on), "due": _day(due)},
            code="proposal_late",
        )
    proposal = WorkPlanProposal(
        meeting=meeting,
        country=country,
        title=title,
        description=description,
        submitted_on=submitted_on,
        submitted_by=user,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _require_on_time(meeting: CommissionMeeting, kind: str, sent_on: datetime.date) -> None:
    due = meeting.due_date_for(kind)
    if due is not None and sent_on > due:
        raise ValidationError(
            _(
                "The %(document)s for the meeting of %(meeting)s had to be sent to the parties by %(due)s "
                "(two months before the meeting). Move the meeting to a later date or send it on time."
            )
            % {"document": DocumentKind(kind).label.lower(), "meeting": _day(meeting.held_on), "due": _day(due)},
            code="document_late",
        )


@transaction.atomic
def document_send(
    *,
    meeting: CommissionMeeting,
    kind: str,
    title: str,
    user,
    body: str = "",
    file=None,
    sent_on: datetime.date | None = None,
) -> MeetingDocument:
    """Records a document sent to the parties; the drafts of the plan, agenda and protocol only by their deadline."""
    _require_secretariat(user)
    sent_on = sent_on or timezone.localdate()
    if kind != DocumentKind.PROTOCOL:
        _require_planned(meeting)
    _require_on_time(meeting, kind, sent_on)
    document = MeetingDocument(meeting=meeting, kind=kind, title=title, body=body, sent_on=sent_on, sent_by=user)
    if file is not None:
        document.file = file
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def work_plan_draft(
    *,
    meeting: CommissionMeeting,
    user,
    proposals: list[WorkPlanProposal],
    year: int | None = None,
    extra_items: list[dict] | None = None,
    sent_on: datetime.date | None = None,
) -> WorkPlan:
    """The chair's draft work plan built from the parties' proposals, sent out two months before the meeting."""
    _require_secretariat(user)
    _require_planned(meeting)
    sent_on = sent_on or timezone.localdate()
    _require_on_time(meeting, DocumentKind.DRAFT_WORK_PLAN, sent_on)
    if WorkPlan.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("This meeting already has a draft work plan."))
    foreign = [p for p in proposals if p.meeting_id != meeting.pk]
    if foreign:
        raise ValidationError(_("Only proposals made for this meeting can go into its work plan."))
    if not proposals and not extra_items:
        raise ValidationError(_("A draft work plan needs at least one activity."))
    plan = WorkPlan(meeting=meeting, year=year or meeting.held_on.year + 1, draft_sent_on=sent_on)
    plan.full_clean()
    plan.save()
    chosen = {p.pk for p in proposals}
    for proposal in proposals:
        WorkPlanItem.objects.create(
            plan=plan, proposal=proposal, title=proposal.title, responsible_country=proposal.country
        )
    for item in extra_items or []:
        WorkPlanItem.objects.create(plan=plan, **item)
    meeting.proposals.filter(pk__in=chosen).update(status=ProposalStatus.INCLUDED)
    meeting.proposals.exclude(pk__in=chosen).update(status=ProposalStatus.NOT_INCLUDED)
    MeetingDocument.objects.create(
        meeting=meeting,
        kind=DocumentKind.DRAFT_WORK_PLAN,
        title=str(_("Draft work plan for %(year)s") % {"year": plan.year}),
        body="\n".join(f"{n}. {i.title}" for n, i in enumerate(plan.items.all(), start=1)),
        sent_on=sent_on,
        sent_by=user,
    )
    return plan


@transaction.atomic
def meeting_cancel(*, meeting: CommissionMeeting, user) -> CommissionMeeting:
    _require_secretariat(user)
    _require_planned(meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    return meeting


# --- Decisions ---------------------------------------------------------------------------------------------
@transaction.atomic
def decision_propose(
    *, meeting: CommissionMeeting, title: str, user, text: str = "", work_plan: WorkPlan | None = None
) -> Decision:
    """Puts a draft decision to the meeting; the next free number is given."""
    _require_secretariat(user)
    _require_planned(meeting)
    if work_plan is not None and work_plan.meeting_id != meeting.pk:
        raise ValidationError({"work_plan": _("A meeting approves only its own work plan.")})
    number = (meeting.decisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    decision = Decision(meeting=meeting, number=number, title=title, text=text, work_plan=work_plan)
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_record(*, decision: Decision, country: Country, position: str, user) -> DecisionPosition:
    """Records (or changes) a member state's position while the decision is under consideration."""
    decision = Decision.objects.select_for_update().select_related("meeting__commission").get(pk=decision.pk)
    meeting = decision.meeting
    _require_voice(user, country, meeting.commission)
    if decision.outcome != DecisionOutcome.PENDING:
        raise ValidationError(
            _("Decision № %(number)s is closed (%(outcome)s): positions can no longer change.")
            % {"number": decision.number, "outcome": decision.get_outcome_display().lower()}
        )
    _require_planned(meeting)
    if position not in Position.values:
        raise ValidationError({"position": _("A position is to agree, to object or to abstain.")})
    _require_member_state(country, meeting.held_on, "country")
    representative = CommissionRepresentative.objects.filter(
        commission=meeting.commission, country=country, ended_on__isnull=True
    ).first()
    record = DecisionPosition.objects.filter(decision=decision, country=country).first() or DecisionPosition(
        decision=decision, country=country
    )
    record.position, record.representative, record.recorded_by = position, representative, user
    record.full_clean()
    record.save()
    return record


def consensus_state(decision: Decision) -> dict:
    """Which member states on the decision's date have no position yet, and which object."""
    states = sco_member_states(on=decision.decided_on or decision.meeting.held_on)
    positions = {p.country_id: p for p in decision.positions.all()}
    return {
        "states": states,
        "missing": [c for c in states if c.pk not in positions],
        "objecting": [c for c in states if c.pk in positions and positions[c.pk].position == Position.OBJECT],
        "positions": positions,
    }


def _protocol_entry(decision: Decision, state: dict) -> str:
    lines = [
        _("Decision № %(number)s “%(title)s” is adopted by consensus; it is recommendatory.")
        % {"number": decision.number, "title": decision.title}
    ]
    for country in state["states"]:
        lines.append(f"{country}: {state['positions'][country.pk].get_position_display()}")
    return "\n".join(lines)


@transaction.atomic
def decision_adopt(*, decision: Decision, user) -> Decision:
    """Adopts a decision only by consensus: every member state has a position and none objects. The protocol
    records it; a decision on the work plan approves the plan."""
    _require_secretariat(user)
    decision = Decision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    if decision.outcome != DecisionOutcome.PENDING:
        raise ValidationError(_("This decision is already closed."))
    _require_planned(decision.meeting)
    state = consensus_state(decision)
    errors = []
    if not state["states"]:
        errors.append(_("No SCO member states are on record for the meeting date: consensus cannot be established."))
    if state["missing"]:
        errors.append(
            _("No consensus: every member state must state its position; missing: %(list)s.")
            % {"list": ", ".join(str(c) for c in state["missing"])}
        )
    if state["objecting"]:
        errors.append(_("No consensus: %(list)s object.") % {"list": ", ".join(str(c) for c in state["objecting"])})
    if errors:
        raise ValidationError(errors, code="no_consensus")
    decision.outcome = DecisionOutcome.ADOPTED
    decision.decided_on = decision.meeting.held_on
    decision.protocol_entry = _protocol_entry(decision, state)
    decision.save(update_fields=["outcome", "decided_on", "protocol_entry"])
    if decision.work_plan_id:
        WorkPlan.objects.filter(pk=decision.work_plan_id).update(
            status=WorkPlanStatus.APPROVED, approved_on=decision.decided_on
        )
    return decision


@transaction.atomic
def meeting_close(*, meeting: CommissionMeeting, user, closed_on: datetime.date | None = None) -> MeetingDocument:
    """Marks the meeting held; decisions without consensus are not adopted; the protocol of agreements is written."""
    _require_secretariat(user)
    _require_planned(meeting)
    closed_on = closed_on or timezone.localdate()
    if closed_on < meeting.held_on:
        raise ValidationError(
            _("The meeting takes place on %(date)s: it cannot be closed before then.") % {"date": _day(meeting.held_on)}
        )
    meeting.decisions.filter(outcome=DecisionOutcome.PENDING).update(
        outcome=DecisionOutcome.NOT_ADOPTED, decided_on=meeting.held_on
    )
    WorkPlan.objects.filter(meeting=meeting, status=WorkPlanStatus.DRAFT).update(status=WorkPlanStatus.NOT_APPROVED)
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status"])
    adopted = list(meeting.decisions.filter(outcome=DecisionOutcome.ADOPTED).order_by("number"))
    not_adopted = list(meeting.decisions.filter(outcome=DecisionOutcome.NOT_ADOPTED).order_by("number"))
    body = [
        _("Protocol of the meeting of the Managing Commission of the SCO Pool, %(date)s.")
        % {"date": _day(meeting.held_on)},
        "",
    ]
    body += [d.protocol_entry for d in adopted] or [_("No decision was adopted.")]
    if not_adopted:
        body += [
            "",
            _("Not adopted for want of consensus: %(list)s.") % {"list": ", ".join(str(d) for d in not_adopted)},
        ]
    return MeetingDocument.objects.create(
        meeting=meeting,
        kind=DocumentKind.PROTOCOL,
        title=str(_("Protocol of the meeting of %(date)s") % {"date": _day(meeting.held_on)}),
        body="\n".join(str(line) for line in body),
        sent_on=closed_on,
        sent_by=user,
    )


@transaction.atomic
def report_publish(
    *,
    commission: PoolCommission,
    year: int,
    title: str,
    body: str,
    user,
    meeting: CommissionMeeting | None = None,
    sent_to_secretariat_on: datetime.date | None = None,
) -> CommissionReport:
    """A report on the Commission's work, provided to the parties through the SCO Secretariat."""
    _require_secretariat(user)
    report = CommissionReport(
        commission=commission,
        year=year,
        title=title,
        body=body,
        meeting=meeting,
        sent_to_secretariat_on=sent_to_secretariat_on,
    )
    report.full_clean()
    report.save()
    return report

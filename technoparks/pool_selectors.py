"""Reads of the SCO Pool and its Managing Commission shared by pages and the API."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Country

from .models import (
    CommissionMeeting,
    CommissionReport,
    CommissionRepresentative,
    Decision,
    DecisionPosition,
    PoolCommission,
    PoolMembership,
    WorkPlanItem,
)
from .pool_choices import DocumentKind, MeetingStatus
from .pool_services import consensus_state, sco_member_states

DUE_SOON_DAYS = 14


def commission_current() -> PoolCommission | None:
    return PoolCommission.objects.order_by("pk").first()


def pool_membership_list() -> QuerySet[PoolMembership]:
    return (
        PoolMembership.objects.select_related("technopark", "cluster", "nominated_by")
        .defer("technopark__location", "cluster__location", "nominated_by__boundary")
        .order_by("nominated_by__name_en", "pk")
    )


def representative_list(*, commission: PoolCommission | None = None, current: bool = True):
    qs = CommissionRepresentative.objects.select_related("country", "organisation", "commission").defer(
        "country__boundary", "organisation__location"
    )
    if commission is not None:
        qs = qs.filter(commission=commission)
    if current:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("country__name_en")


def commission_composition(commission: PoolCommission, on: datetime.date | None = None) -> list[dict]:
    """Each SCO member state with its current representative, or none yet."""
    by_country = {r.country_id: r for r in representative_list(commission=commission)}
    return [{"country": c, "representative": by_country.get(c.pk)} for c in sco_member_states(on=on)]


def meeting_list() -> QuerySet[CommissionMeeting]:
    return CommissionMeeting.objects.select_related("presiding_country", "host_country", "commission").defer(
        "presiding_country__boundary", "host_country__boundary"
    )


def meeting_detail_queryset() -> QuerySet[CommissionMeeting]:
    positions = DecisionPosition.objects.select_related("country").defer("country__boundary")
    decisions = Decision.objects.prefetch_related(Prefetch("positions", queryset=positions)).order_by("number")
    items = WorkPlanItem.objects.select_related("responsible_country").defer("responsible_country__boundary")
    return meeting_list().prefetch_related(
        Prefetch("decisions", queryset=decisions),
        "documents",
        Prefetch("proposals__country", queryset=Country.objects.defer("boundary")),
        Prefetch("work_plan__items", queryset=items),
        "reports",
    )


def _step(label, due, done: bool, today) -> dict:
    if done:
        state = "done"
    elif due < today:
        state = "late"
    elif (due - today).days <= DUE_SOON_DAYS:
        state = "due-soon"
    else:
        state = "upcoming"
    return {"label": label, "date": due, "state": state}


def meeting_timeline(meeting: CommissionMeeting, today: datetime.date | None = None) -> list[dict]:
    """The meeting's deadlines and its date, each marked done, late, due soon or upcoming."""
    today = today or timezone.localdate()
    kinds = {d.kind for d in meeting.documents.all()}
    held = meeting.status == MeetingStatus.HELD
    steps = [
        _step(
            _("Work-plan proposals due to the chair (3 months before)"),
            meeting.proposals_due,
            today > meeting.proposals_due or held,
            today,
        ),
        _step(
            _("Draft work plan sent to the parties and the SCO Secretariat (2 months before)"),
            meeting.draft_plan_due,
            DocumentKind.DRAFT_WORK_PLAN in kinds,
            today,
        ),
        _step(
            _("Draft agenda sent to the parties (2 months before)"),
            meeting.draft_agenda_due,
            DocumentKind.DRAFT_AGENDA in kinds,
            today,
        ),
        _step(
            _("Draft protocol sent to the parties (2 months before)"),
            meeting.draft_agenda_due,
            DocumentKind.DRAFT_PROTOCOL in kinds,
            today,
        ),
    ]
    meeting_step = _step(_("Meeting of the Commission"), meeting.held_on, held, today)
    meeting_step["state"] += " meeting"
    steps.append(meeting_step)
    if meeting.council_meeting_on:
        steps.append(
            _step(
                _("Council of Heads of Government"),
                meeting.council_meeting_on,
                today >= meeting.council_meeting_on,
                today,
            )
        )
    return steps


def decision_table(meeting: CommissionMeeting) -> dict:
    """The positions of every member state on every decision of the meeting, with the consensus state of each."""
    states = sco_member_states(on=meeting.held_on)
    rows = []
    for decision in meeting.decisions.all():
        state = consensus_state(decision)
        cells = [state["positions"].get(c.pk) for c in states]
        rows.append(
            {"decision": decision, "cells": cells, "missing": state["missing"], "objecting": state["objecting"]}
        )
    return {"states": states, "rows": rows}


def report_list() -> QuerySet[CommissionReport]:
    return CommissionReport.objects.select_related("meeting", "commission")

"""Loads the demo programmes, projects, ideas and calls (fixtures/projects/) and the SCO Pool's Commission
(fixtures/pool/). Idempotent: records are keyed on their external id or natural key and updated in place.

Countries must be loaded (manage.py load_reference). Organisations are looked up by country and English name as the
demo organisations are; one that is missing is created with what the fixture says about it, and said so. Clusters and
technoparks are linked by external id when they are loaded, and the missing links are named.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from clusters.models import Cluster
from directory.choices import OrganisationKind, PublicationStatus
from directory.models import Country, Organisation, Sector
from foresight.models import Priority
from technoparks import pool_services
from technoparks.models import (
    CommissionMeeting,
    CommissionReport,
    CommissionRepresentative,
    Decision,
    DecisionPosition,
    MeetingDocument,
    PoolCommission,
    Technopark,
    WorkPlan,
    WorkPlanItem,
    WorkPlanProposal,
)
from technoparks.pool_choices import DecisionOutcome, DocumentKind, Position, ProposalStatus, WorkPlanStatus

from .choices import ParticipantRole
from .models import (
    Call,
    GoalValue,
    Idea,
    Programme,
    Project,
    ProjectFunding,
    ProjectGoal,
    ProjectParticipant,
    TeamMember,
    WorkingTeam,
)
from .services import normalise_tags, project_refresh_integration

NAME_FIELDS = ("name_en", "name_ru", "name_zh", "name_original")


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


class Loader:
    def __init__(self, report: LoadReport):
        self.report = report
        self.now = timezone.now()
        self.countries = {c.iso2: c for c in Country.objects.defer("boundary")}

    # --- Lookups ------------------------------------------------------------------------
    def country(self, iso2: str | None, where: str) -> Country | None:
        if not iso2:
            return None
        country = self.countries.get(iso2)
        if country is None:
            self.report.notes.append(f"{where}: country {iso2} is not loaded (run load_reference); skipped.")
        return country

    def organisation(self, ref: dict | None, where: str, extra: dict | None = None) -> Organisation | None:
        if not ref:
            return None
        country = self.country(ref.get("country"), where)
        if country is None:
            return None
        organisation = Organisation.objects.filter(country=country, name_en=ref["name_en"]).first()
        if organisation is None:
            data = {**(extra or {}), **ref}
            organisation = Organisation(
                country=country,
                name_en=data["name_en"],
                name_ru=data.get("name_ru", ""),
                name_original=data.get("name_ru", "") or data["name_en"],
                original_language="ru" if data.get("name_ru") else "en",
                kind=data.get("kind", OrganisationKind.OTHER),
                city=data.get("city", ""),
                website=data.get("website", ""),
                is_demo=True,
                status=PublicationStatus.PUBLISHED,
                published_at=self.now,
                source_note="Created by the projects demo loader: not in the demo organisations.",
            )
            organisation.full_clean()
            organisation.save()
            self.report.count("organisations created")
            self.report.notes.append(
                f"{where}: organisation «{ref['name_en']}» ({country.iso2}) was not loaded; created."
            )
        return organisation

    def linked(self, model, external_ids: list[str], where: str) -> list:
        found = list(model.objects.filter(external_id__in=external_ids))
        missing = set(external_ids) - {o.external_id for o in found}
        if missing:
            self.report.notes.append(
                f"{where}: {model._meta.verbose_name_plural} not loaded, links skipped: {', '.join(sorted(missing))}."
            )
        return found

    def priorities(self, codes: list[str], where: str) -> list[Priority]:
        found = list(Priority.objects.filter(code__in=codes))
        missing = set(codes) - {p.code for p in found}
        if missing:
            self.report.notes.append(f"{where}: priorities not loaded, links skipped: {', '.join(sorted(missing))}.")
        return found

    def _publish(self, record, data: dict, about: str) -> None:
        for name in (*NAME_FIELDS, "description_en", "description_ru"):
            if name in data:
                setattr(record, name, data[name])
        if not record.name_original:
            record.name_original = data.get("name_ru") or data.get("name_en", "")
            record.original_language = "ru" if data.get("name_ru") else "en"
        record.is_demo = True
        record.source_note = about
        record.status = PublicationStatus.PUBLISHED
        record.published_at = record.published_at or self.now

    # --- Projects --------------------------------------------------------------------------
    def load_projects(self, data: dict) -> None:
        about = data.get("about", "")
        for ref in data.get("organisations", []):
            self.organisation(ref, "organisations", ref)
        programmes = {}
        for row in data.get("programmes", []):
            owner = self.organisation(row["owner_body"], row["external_id"])
            if owner is None:
                continue
            programme = Programme.objects.filter(external_id=row["external_id"]).first() or Programme(
                external_id=row["external_id"]
            )
            self._publish(programme, row, about)
            programme.kind, programme.owner_body = row["kind"], owner
            programme.starts_on, programme.ends_on = parse_date(row["starts_on"]), parse_date(row["ends_on"])
            programme.budget = Decimal(row["budget"]) if row.get("budget") else None
            programme.currency = row.get("currency", "")
            programme.full_clean()
            programme.save()
            programme.countries.set([c for c in (self.country(i, row["external_id"]) for i in row["countries"]) if c])
            programmes[row["external_id"]] = programme
            self.report.count("programmes")
        ideas = {}
        for row in data.get("ideas", []):
            country = self.country(row["country"], row["external_id"])
            if country is None:
                continue
            idea = Idea.objects.filter(external_id=row["external_id"]).first() or Idea(external_id=row["external_id"])
            self._publish(idea, row, about)
            idea.kind, idea.country = row["kind"], country
            idea.sector = Sector.objects.filter(code=row.get("sector")).first()
            idea.author_organisation = self.organisation(row.get("author"), row["external_id"])
            idea.tags = normalise_tags(row.get("tags", []))
            idea.full_clean()
            idea.save()
            idea.priorities.set(self.priorities(row.get("priorities", []), row["external_id"]))
            ideas[row["external_id"]] = idea
            self.report.count("ideas")
        for row in data.get("projects", []):
            self._project(row, about, programmes, ideas)
        for row in data.get("calls", []):
            self._call(row, about, programmes)

    def _project(self, row: dict, about: str, programmes: dict, ideas: dict) -> None:
        where = row["external_id"]
        lead = self.organisation(row["lead"], where)
        if lead is None:
            return
        project = Project.objects.filter(external_id=where).first() or Project(external_id=where)
        self._publish(project, row, about)
        project.lead_organisation = lead
        project.programme = programmes.get(row.get("programme"))
        project.source_idea = ideas.get(row.get("source_idea"))
        project.stage = row["stage"]
        project.trl_start, project.trl_target = row["trl_start"], row["trl_target"]
        project.starts_on = parse_date(row["starts_on"]) if row.get("starts_on") else None
        project.ends_on = parse_date(row["ends_on"]) if row.get("ends_on") else None
        project.budget = Decimal(row["budget"]) if row.get("budget") else None
        project.currency = row.get("currency", "USD")
        project.full_clean()
        project.save()
        project.clusters.set(self.linked(Cluster, row.get("clusters", []), where))
        project.technoparks.set(self.linked(Technopark, row.get("technoparks", []), where))
        project.priorities.set(self.priorities(row.get("priorities", []), where))
        # Participants, co-financing, goals and teams are replaced as a whole: the fixture is their source.
        project.teams.all().delete()
        project.goals.all().delete()
        project.fundings.all().delete()
        project.participations.all().delete()
        ProjectParticipant.objects.create(project=project, organisation=lead, role=ParticipantRole.LEAD)
        for ref in row.get("participants", []):
            organisation = self.organisation(ref, where)
            if organisation is not None and organisation != lead:
                ProjectParticipant.objects.create(project=project, organisation=organisation, role=ref["role"])
        project_refresh_integration(project=project)
        for ref in row.get("funding", []):
            funding = ProjectFunding(
                project=project,
                source=ref["source"],
                country=self.country(ref.get("country"), where),
                funder=self.organisation(ref.get("funder"), where),
                amount=Decimal(ref["amount"]),
                currency=ref["currency"],
            )
            funding.full_clean()
            funding.save()
        for ref in row.get("goals", []):
            goal = ProjectGoal.objects.create(
                project=project,
                statement=ref["statement"],
                indicator=ref["indicator"],
                unit=ref["unit"],
                due_year=ref["due_year"],
                baseline=Decimal(ref["baseline"]) if ref.get("baseline") else None,
            )
            for value in ref.get("values", []):
                GoalValue.objects.create(
                    goal=goal,
                    year=value["year"],
                    target=Decimal(value["target"]),
                    actual=Decimal(value["actual"]) if value.get("actual") else None,
                )
        for ref in row.get("teams", []):
            team = WorkingTeam.objects.create(project=project, name=ref["name"])
            for member in ref.get("members", []):
                organisation = self.organisation(member["organisation"], where)
                if organisation is not None:
                    TeamMember.objects.create(
                        team=team, full_name=member["full_name"], organisation=organisation, role=member["role"]
                    )
        self.report.count("projects")

    def _call(self, row: dict, about: str, programmes: dict) -> None:
        organiser = self.organisation(row["organiser"], row["external_id"])
        if organiser is None:
            return
        call = Call.objects.filter(external_id=row["external_id"]).first() or Call(external_id=row["external_id"])
        self._publish(call, row, about)
        call.kind, call.organiser = row["kind"], organiser
        call.programme = programmes.get(row.get("programme"))
        call.opens_at, call.deadline = parse_datetime(row["opens_at"]), parse_datetime(row["deadline"])
        call.max_award = Decimal(row["max_award"]) if row.get("max_award") else None
        call.currency = row.get("currency", "")
        call.full_clean()
        call.save()
        call.eligible_countries.set([c for c in (self.country(i, row["external_id"]) for i in row["eligible"]) if c])
        self.report.count("calls")

    # --- SCO Pool -----------------------------------------------------------------------------
    def load_pool(self, data: dict) -> None:
        spec = data["commission"]
        commission = PoolCommission.objects.filter(name_en=spec["name_en"]).first() or PoolCommission()
        commission.name_en, commission.name_ru = spec["name_en"], spec.get("name_ru", "")
        commission.established_on = parse_date(spec["established_on"])
        commission.full_clean()
        commission.save()
        for row in data.get("representatives", []):
            country = self.country(row["country"], "representatives")
            if country is None:
                continue
            representative = CommissionRepresentative.objects.filter(
                commission=commission, country=country, ended_on__isnull=True
            ).first() or CommissionRepresentative(commission=commission, country=country)
            representative.full_name, representative.position = row["full_name"], row.get("position", "")
            representative.appointed_on = parse_date(row["appointed_on"])
            representative.full_clean()
            representative.save()
            self.report.count("Commission representatives")
        for row in data.get("meetings", []):
            self._meeting(commission, row)

    def _meeting(self, commission: PoolCommission, row: dict) -> None:
        where = f"meeting {row['key']}"
        presiding = self.country(row["presiding_country"], where)
        if presiding is None:
            return
        held_on = parse_date(row["held_on"])
        meeting = CommissionMeeting.objects.filter(commission=commission, held_on=held_on).first() or (
            CommissionMeeting(commission=commission, held_on=held_on)
        )
        meeting.kind, meeting.presiding_country = row["kind"], presiding
        meeting.host_country = self.country(row.get("host_country"), where)
        meeting.city = row.get("city", "")
        meeting.council_meeting_on = parse_date(row["council_meeting_on"]) if row.get("council_meeting_on") else None
        meeting.status = row.get("status", "planned")
        meeting.full_clean()
        meeting.save()
        # The meeting's contents are replaced as a whole; the Commission's deadlines are checked as the services do.
        meeting.decisions.all().delete()
        WorkPlan.objects.filter(meeting=meeting).delete()
        meeting.documents.all().delete()
        meeting.proposals.all().delete()
        proposals = []
        for ref in row.get("proposals", []):
            country = self.country(ref["country"], where)
            submitted_on = parse_date(ref["submitted_on"])
            if country is None:
                continue
            if submitted_on > meeting.proposals_due:
                self.report.notes.append(f"{where}: proposal «{ref['title']}» comes after the deadline; skipped.")
                continue
            proposal = WorkPlanProposal.objects.create(
                meeting=meeting, country=country, title=ref["title"], submitted_on=submitted_on
            )
            proposals.append((proposal, ref.get("included")))
        plan = self._work_plan(meeting, row.get("work_plan"), proposals, where)
        for ref in row.get("documents", []):
            sent_on = parse_date(ref["sent_on"])
            due = meeting.due_date_for(ref["kind"])
            if due is not None and sent_on > due:
                self.report.notes.append(f"{where}: «{ref['title']}» was sent after its deadline; skipped.")
                continue
            MeetingDocument.objects.create(
                meeting=meeting, kind=ref["kind"], title=ref["title"], body=ref.get("body", ""), sent_on=sent_on
            )
        for ref in row.get("decisions", []):
            self._decision(meeting, ref, plan, where)
        if meeting.status == "held":
            self._protocol(meeting)
        if row.get("report"):
            ref = row["report"]
            report = CommissionReport.objects.filter(commission=commission, year=ref["year"]).first() or (
                CommissionReport(commission=commission, year=ref["year"])
            )
            report.meeting, report.title, report.body = meeting, ref["title"], ref["body"]
            report.sent_to_secretariat_on = parse_date(ref.get("sent_to_secretariat_on") or "")
            report.full_clean()
            report.save()
        self.report.count("Commission meetings")

    def _work_plan(self, meeting, spec, proposals, where) -> WorkPlan | None:
        if not spec:
            return None
        sent_on = parse_date(spec["draft_sent_on"])
        if sent_on > meeting.draft_plan_due:
            self.report.notes.append(f"{where}: the draft work plan was sent after its deadline; skipped.")
            return None
        plan = WorkPlan.objects.create(meeting=meeting, year=spec["year"], draft_sent_on=sent_on)
        for proposal, included in proposals:
            proposal.status = ProposalStatus.INCLUDED if included else ProposalStatus.NOT_INCLUDED
            proposal.save(update_fields=["status"])
            if included:
                WorkPlanItem.objects.create(
                    plan=plan, proposal=proposal, title=proposal.title, responsible_country=proposal.country
                )
        for item in spec.get("extra_items", []):
            WorkPlanItem.objects.create(plan=plan, title=item["title"], due_by=item.get("due_by", ""))
        MeetingDocument.objects.create(
            meeting=meeting,
            kind=DocumentKind.DRAFT_WORK_PLAN,
            title=f"Draft work plan for {plan.year}",
            body="\n".join(f"{n}. {i.title}" for n, i in enumerate(plan.items.all(), start=1)),
            sent_on=sent_on,
        )
        return plan

    def _decision(self, meeting, ref, plan, where) -> None:
        decision = Decision.objects.create(
            meeting=meeting,
            number=ref["number"],
            title=ref["title"],
            text=ref.get("text", ""),
            work_plan=plan if ref.get("approves_work_plan") else None,
        )
        members = {c.iso2 for c in pool_services.sco_member_states(on=meeting.held_on)}
        for iso2, position in ref.get("positions", {}).items():
            country = self.country(iso2, where)
            if country is None or position not in Position.values:
                continue
            if iso2 not in members:
                self.report.notes.append(f"{where}: {iso2} is not an SCO member state on the meeting date; skipped.")
                continue
            DecisionPosition.objects.create(
                decision=decision,
                country=country,
                position=position,
                representative=CommissionRepresentative.objects.filter(
                    commission=meeting.commission, country=country, ended_on__isnull=True
                ).first(),
            )
        if meeting.status != "held":
            return
        # The outcome follows the consensus rule exactly as decision_adopt applies it.
        state = pool_services.consensus_state(decision)
        if state["states"] and not state["missing"] and not state["objecting"]:
            decision.outcome = DecisionOutcome.ADOPTED
            decision.protocol_entry = pool_services._protocol_entry(decision, state)
            if plan is not None and decision.work_plan_id:
                WorkPlan.objects.filter(pk=plan.pk).update(status=WorkPlanStatus.APPROVED, approved_on=meeting.held_on)
        else:
            decision.outcome = DecisionOutcome.NOT_ADOPTED
        decision.decided_on = meeting.held_on
        decision.save()

    def _protocol(self, meeting) -> None:
        adopted = meeting.decisions.filter(outcome=DecisionOutcome.ADOPTED).order_by("number")
        not_adopted = meeting.decisions.filter(outcome=DecisionOutcome.NOT_ADOPTED).order_by("number")
        lines = [f"Protocol of the meeting of the Managing Commission of the SCO Pool, {meeting.held_on:%d %B %Y}.", ""]
        lines += [d.protocol_entry for d in adopted] or ["No decision was adopted."]
        if not_adopted:
            lines += ["", "Not adopted for want of consensus: " + ", ".join(str(d) for d in not_adopted) + "."]
        MeetingDocument.objects.create(
            meeting=meeting,
            kind=DocumentKind.PROTOCOL,
            title=f"Protocol of the meeting of {meeting.held_on:%d %B %Y}",
            body="\n".join(lines),
            sent_on=meeting.held_on,
        )


def load(fixtures_dir: Path) -> LoadReport:
    """Loads every fixture under fixtures/projects/ and fixtures/pool/ in one transaction."""
    report = LoadReport()
    with transaction.atomic():
        loader = Loader(report)
        for path in sorted((fixtures_dir / "projects").glob("*.json")):
            loader.load_projects(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((fixtures_dir / "pool").glob("*.json")):
            loader.load_pool(json.loads(path.read_text(encoding="utf-8")))
    return report

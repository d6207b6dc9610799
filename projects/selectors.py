"""Reads of programmes, projects, ideas and calls shared by pages and the API."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from directory.choices import PublicationStatus
from directory.models import Country
from directory.selectors import visible_records

from .models import (
    Call,
    CallApplication,
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
from .permissions import managed_organisations


def _visible_or_own(qs: QuerySet, user, owner_path: str) -> QuerySet:
    """Published records for everyone; staff see all; a manager also sees the drafts of organisations they manage."""
    if user is not None and user.is_authenticated:
        if user.is_staff:
            return qs
        return qs.filter(
            Q(status=PublicationStatus.PUBLISHED) | Q(created_by=user) | Q(**{f"{owner_path}__created_by": user})
        )
    return qs.filter(status=PublicationStatus.PUBLISHED)


# --- Programmes --------------------------------------------------------------------------
def programme_list(*, user=None) -> QuerySet[Programme]:
    qs = (
        Programme.objects.select_related("owner_body__country")
        .defer("owner_body__country__boundary", "owner_body__location")
        .annotate(project_count=Count("projects", filter=Q(projects__status=PublicationStatus.PUBLISHED)))
        .prefetch_related(Prefetch("countries", queryset=Country.objects.defer("boundary")))
        .order_by("-starts_on", "name_en", "pk")
    )
    return visible_records(qs, user)


# --- Projects ---------------------------------------------------------------------------------
def _first_if(field: str, value: str) -> Case:
    """An ordering key that puts the lead participant or the team leader first."""
    return Case(When(**{field: value}, then=Value(0)), default=Value(1), output_field=IntegerField())


def project_list(*, user=None) -> QuerySet[Project]:
    qs = (
        Project.objects.select_related("lead_organisation__country", "programme")
        .defer("lead_organisation__country__boundary", "lead_organisation__location")
        .prefetch_related("priorities")
    )
    return _visible_or_own(qs, user, "lead_organisation")


def project_detail_queryset(*, user=None) -> QuerySet[Project]:
    participations = (
        ProjectParticipant.objects.select_related("organisation__country")
        .defer("organisation__country__boundary", "organisation__location")
        .order_by(_first_if("role", "lead"), "organisation__country__name_en", "organisation__name_en")
    )
    fundings = ProjectFunding.objects.select_related("country", "funder").defer("country__boundary", "funder__location")
    goals = ProjectGoal.objects.prefetch_related(Prefetch("values", queryset=GoalValue.objects.order_by("year")))
    teams = WorkingTeam.objects.prefetch_related(
        Prefetch(
            "members",
            queryset=TeamMember.objects.select_related("organisation")
            .defer("organisation__location")
            .order_by(_first_if("role", "leader"), "full_name"),
        )
    )
    return project_list(user=user).prefetch_related(
        Prefetch("participations", queryset=participations),
        Prefetch("fundings", queryset=fundings),
        Prefetch("goals", queryset=goals),
        Prefetch("teams", queryset=teams),
        "clusters",
        "technoparks",
        "stage_changes",
    )


def project_countries(project: Project) -> list[Country]:
    """The states taking part, from the prefetched participants."""
    seen: dict[int, Country] = {}
    for participation in project.participations.all():
        seen.setdefault(participation.organisation.country_id, participation.organisation.country)
    return sorted(seen.values(), key=lambda c: c.name)


def funding_summary(project: Project) -> list[dict]:
    """Co-financing by currency: each source's amount and its share of that currency's total."""
    by_currency: dict[str, list[ProjectFunding]] = defaultdict(list)
    for funding in project.fundings.all():
        by_currency[funding.currency].append(funding)
    summary = []
    for currency, rows in sorted(by_currency.items()):
        total = sum((r.amount for r in rows), Decimal(0))
        summary.append(
            {
                "currency": currency,
                "total": total,
                "budget_share": (total / project.budget * 100)
                if project.budget and currency == project.currency
                else None,
                "rows": [{"funding": r, "share": r.amount / total * 100 if total else 0} for r in rows],
            }
        )
    return summary


# --- Ideas and calls ------------------------------------------------------------------------------
def idea_list(*, user=None) -> QuerySet[Idea]:
    qs = (
        Idea.objects.select_related("country", "sector", "author_organisation", "project")
        .defer("country__boundary", "author_organisation__location")
        .prefetch_related("priorities")
    )
    return _visible_or_own(qs, user, "author_organisation")


def call_list(*, user=None) -> QuerySet[Call]:
    qs = (
        Call.objects.select_related("organiser__country", "programme")
        .defer("organiser__country__boundary", "organiser__location")
        .prefetch_related(Prefetch("eligible_countries", queryset=Country.objects.defer("boundary")))
        .annotate(application_count=Count("applications", distinct=True))
        .order_by("-deadline", "pk")
    )
    return visible_records(qs, user)


def open_calls_q(at=None) -> Q:
    at = at or timezone.now()
    return Q(status=PublicationStatus.PUBLISHED, opens_at__lte=at, deadline__gt=at) & (
        Q(closed_early_at__isnull=True) | Q(closed_early_at__gt=at)
    )


def applications_visible_to(*, user, call: Call) -> QuerySet[CallApplication]:
    """The organiser's manager and staff see every application; others only those of organisations they manage."""
    qs = call.applications.select_related("organisation__country", "project").defer(
        "organisation__country__boundary", "organisation__location"
    )
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.is_staff or call.organiser.created_by_id == user.pk:
        return qs
    return qs.filter(organisation__in=managed_organisations(user))

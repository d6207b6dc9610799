"""Factories for programmes, projects and what hangs off them, ideas and calls."""

import datetime
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from directory.choices import OrganisationKind, PublicationStatus
from directory.tests.factories import CountryFactory, OrganisationFactory
from projects.choices import (
    CallKind,
    FundingSource,
    IdeaKind,
    ParticipantRole,
    ProgrammeKind,
    ProjectStage,
    TeamRole,
)
from projects.models import (
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
from projects.services import project_refresh_integration


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("password")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    kind = ProgrammeKind.UNION_STATE
    owner_body = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.GOVERNMENT_BODY)
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    name_ru = factory.Sequence(lambda n: f"Программа {n}")
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2028, 12, 31)
    budget = Decimal("50000000.00")
    currency = "RUB"
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published project whose lead organisation is already its lead participant."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=PublicationStatus.DRAFT, published_at=None)

    lead_organisation = factory.SubFactory(OrganisationFactory)
    name_en = factory.Sequence(lambda n: f"Joint project {n}")
    name_ru = factory.Sequence(lambda n: f"Совместный проект {n}")
    description_en = "A joint project of the full innovation cycle."
    stage = ProjectStage.IDEA
    trl_start = 3
    trl_target = 6
    starts_on = datetime.date(2024, 3, 1)
    ends_on = datetime.date(2027, 12, 31)
    budget = Decimal("1000000.00")
    currency = "USD"
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lead_participant(self, create, extracted, **kwargs):
        if create:
            ProjectParticipant.objects.get_or_create(
                project=self, organisation=self.lead_organisation, defaults={"role": ParticipantRole.LEAD}
            )
            project_refresh_integration(project=self)

    @factory.post_generation
    def priorities(self, create, extracted, **kwargs):
        if create and extracted:
            self.priorities.set(extracted)

    @factory.post_generation
    def clusters(self, create, extracted, **kwargs):
        if create and extracted:
            self.clusters.set(extracted)

    @factory.post_generation
    def technoparks(self, create, extracted, **kwargs):
        if create and extracted:
            self.technoparks.set(extracted)


def add_participant(project: Project, organisation=None, role=ParticipantRole.PARTNER, **org_kwargs):
    """A participant from a new country (or the given organisation), the integration component recounted."""
    organisation = organisation or OrganisationFactory(**org_kwargs)
    participation = ProjectParticipant.objects.create(project=project, organisation=organisation, role=role)
    project_refresh_integration(project=project)
    return participation


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectFunding

    project = factory.SubFactory(ProjectFactory)
    source = FundingSource.PRIVATE
    amount = Decimal("100000.00")
    currency = "USD"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectGoal

    project = factory.SubFactory(ProjectFactory)
    statement = factory.Sequence(lambda n: f"Bring product {n} to pilot production")
    indicator = "Pilot units produced"
    unit = "units"
    due_year = 2027


class GoalValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalValue

    goal = factory.SubFactory(GoalFactory)
    year = 2025
    target = Decimal("10")
    actual = None


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingTeam

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Working team {n}")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    full_name = factory.Sequence(lambda n: f"Team Member {n}")
    organisation = factory.LazyAttribute(lambda o: o.team.project.lead_organisation)
    role = TeamRole.RESEARCHER


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea
        skip_postgeneration_save = True

    kind = IdeaKind.IDEA
    country = factory.SubFactory(CountryFactory)
    author_organisation = factory.SubFactory(OrganisationFactory, country=factory.SelfAttribute("..country"))
    name_en = factory.Sequence(lambda n: f"Idea {n}")
    description_en = "A shared digital platform for technology transfer."
    tags = factory.LazyFunction(lambda: ["digital", "transfer"])
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CallFactory(factory.django.DjangoModelFactory):
    """A published call open now, for the countries given as `eligible_countries` (all when none)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    kind = CallKind.STARTUP_CONTEST
    organiser = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.DEVELOPMENT_INSTITUTION)
    name_en = factory.Sequence(lambda n: f"Startup contest {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    max_award = Decimal("50000.00")
    currency = "USD"
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def eligible_countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.eligible_countries.set(extracted)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallApplication

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = "Smart greenhouse sensors"
    summary = "Low-cost sensors for greenhouses."

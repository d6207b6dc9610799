"""Factories for clusters, their members and yearly figures, and the priority taxonomy they link to."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from clusters.choices import AssessmentScheme, ClusterKind, MembershipRole
from clusters.models import Cluster, ClusterAssessment, ClusterIndicator, ContactPerson, Membership
from directory.choices import PublicationStatus
from directory.tests.factories import CountryFactory, OrganisationFactory, point_in
from foresight.choices import PriorityLevel
from foresight.models import Priority


class PriorityFactory(factory.django.DjangoModelFactory):
    """An area of the taxonomy by default; the `priority` and `technology` traits build the chain above them."""

    class Meta:
        model = Priority
        django_get_or_create = ("code",)

    class Params:
        priority = factory.Trait(
            level=PriorityLevel.PRIORITY,
            parent=factory.SubFactory("clusters.tests.factories.PriorityFactory"),
        )
        technology = factory.Trait(
            level=PriorityLevel.TECHNOLOGY,
            parent=factory.SubFactory("clusters.tests.factories.PriorityFactory", priority=True),
        )

    code = factory.Sequence(lambda n: f"T{n}")
    level = PriorityLevel.AREA
    parent = None
    name_en = factory.Sequence(lambda n: f"Technology area {n}")
    name_ru = factory.Sequence(lambda n: f"Технологическое направление {n}")


class ClusterFactory(factory.django.DjangoModelFactory):
    """A published cluster a little off its country's centre; `draft=True` for one not yet public."""

    class Meta:
        model = Cluster
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=PublicationStatus.DRAFT, published_at=None)
        fx = 0.4
        fy = 0.6

    kind = ClusterKind.INNOVATION
    country = factory.SubFactory(CountryFactory)
    name_en = factory.Sequence(lambda n: f"Cluster {n}")
    name_ru = factory.Sequence(lambda n: f"Кластер {n}")
    name_original = factory.LazyAttribute(lambda o: o.name_en)
    original_language = "en"
    description_en = factory.LazyAttribute(lambda o: f"{o.name_en} brings companies and universities together.")
    location = factory.LazyAttribute(lambda o: point_in(o.country, o.fx, o.fy))
    founded_year = 2012
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def secondary_sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.secondary_sectors.set(extracted)

    @factory.post_generation
    def technologies(self, create, extracted, **kwargs):
        if create and extracted:
            self.technologies.set(extracted)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A current member from the cluster's own country."""

    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterFactory)
    organisation = factory.SubFactory(OrganisationFactory, country=factory.SelfAttribute("..cluster.country"))
    role = MembershipRole.PARTICIPANT
    joined_on = datetime.date(2020, 1, 15)
    left_on = None


class ClusterIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterIndicator

    cluster = factory.SubFactory(ClusterFactory)
    year = factory.Sequence(lambda n: 2000 + n % 100)
    employees = 1200
    revenue = Decimal("1500000000.00")
    currency = "RUB"
    export_share = Decimal("12.50")
    rd_spending = Decimal("45000000.00")
    members_count = 25
    patents = 7


class ClusterAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterAssessment

    cluster = factory.SubFactory(ClusterFactory)
    scheme = AssessmentScheme.ESCA_LABEL
    level = "Silver"
    assessed_by = "European Secretariat for Cluster Analysis"
    assessed_on = datetime.date(2022, 5, 1)
    valid_until = datetime.date(2024, 5, 1)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    cluster = factory.SubFactory(ClusterFactory)
    full_name = factory.Sequence(lambda n: f"Contact Person {n}")
    position = "Director"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    is_public = True

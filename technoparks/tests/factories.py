"""Factories for technoparks, their residents and SCO Pool memberships."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from clusters.tests.factories import ClusterFactory
from directory.choices import PublicationStatus
from directory.tests.factories import CountryFactory, OrganisationFactory, point_in
from technoparks.choices import PoolStatus, TechnoparkKind, TechnoparkService
from technoparks.models import PoolMembership, Residency, Technopark


class TechnoparkFactory(factory.django.DjangoModelFactory):
    """A published technopark off its country's centre; `draft=True` for one not yet public."""

    class Meta:
        model = Technopark
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=PublicationStatus.DRAFT, published_at=None)
        fx = 0.6
        fy = 0.4

    kind = TechnoparkKind.TECHNOPARK
    country = factory.SubFactory(CountryFactory)
    region = None
    name_en = factory.Sequence(lambda n: f"Technopark {n}")
    name_ru = factory.Sequence(lambda n: f"Технопарк {n}")
    name_original = factory.LazyAttribute(lambda o: o.name_en)
    original_language = "en"
    description_en = factory.LazyAttribute(lambda o: f"{o.name_en} hosts technology companies.")
    location = factory.LazyAttribute(lambda o: point_in(o.region or o.country, o.fx, o.fy))
    founded_year = 2010
    services = factory.LazyFunction(lambda: [TechnoparkService.OFFICES, TechnoparkService.LABORATORIES])
    land_total_ha = Decimal("40.00")
    land_free_ha = Decimal("12.50")
    premises_total_m2 = Decimal("25000.00")
    premises_free_m2 = Decimal("3000.00")
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def technologies(self, create, extracted, **kwargs):
        if create and extracted:
            self.technologies.set(extracted)


class ResidencyFactory(factory.django.DjangoModelFactory):
    """A current resident from the technopark's own country."""

    class Meta:
        model = Residency

    technopark = factory.SubFactory(TechnoparkFactory)
    organisation = factory.SubFactory(OrganisationFactory, country=factory.SelfAttribute("..technopark.country"))
    started_on = datetime.date(2021, 3, 1)
    ended_on = None


class PoolMembershipFactory(factory.django.DjangoModelFactory):
    """A technopark admitted to the SCO Pool by its own country; `for_cluster=True` nominates a cluster instead."""

    class Meta:
        model = PoolMembership

    class Params:
        for_cluster = factory.Trait(technopark=None, cluster=factory.SubFactory(ClusterFactory))

    technopark = factory.SubFactory(TechnoparkFactory)
    cluster = None
    nominated_by = factory.LazyAttribute(lambda o: (o.technopark or o.cluster).country)
    nominated_on = datetime.date(2022, 9, 1)
    admitted_on = datetime.date(2023, 6, 15)
    status = PoolStatus.ADMITTED

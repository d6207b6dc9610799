"""Factories for the foresight app: taxonomy nodes, lists, profiles and indicator values."""

import datetime
from decimal import Decimal

import factory

from directory.tests.factories import BlocFactory, CountryFactory, RegionFactory
from foresight.choices import (
    IndicatorManual,
    IndicatorUnit,
    PriorityLevel,
    PriorityListScope,
    StakeholderHelix,
    SwotKind,
    TrendImpact,
)
from foresight.models import (
    Indicator,
    IndicatorValue,
    Priority,
    PriorityList,
    PriorityListEntry,
    SpecialisationGoal,
    SpecialisationPriority,
    SpecialisationProfile,
    Stakeholder,
    SwotItem,
    Trend,
    TrendSignal,
)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"A{n}")
    level = PriorityLevel.AREA
    parent = None
    name_en = factory.LazyAttribute(lambda o: f"Area {o.code}")
    name_ru = factory.LazyAttribute(lambda o: f"Область {o.code}")


class PriorityNodeFactory(AreaFactory):
    """A priority under an area (a new area unless one is given)."""

    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.P{n}")
    level = PriorityLevel.PRIORITY
    parent = factory.SubFactory(AreaFactory)
    name_en = factory.LazyAttribute(lambda o: f"Priority {o.code}")


class TechnologyFactory(AreaFactory):
    """A critical technology under a priority."""

    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.T{n}")
    level = PriorityLevel.TECHNOLOGY
    parent = factory.SubFactory(PriorityNodeFactory)
    name_en = factory.LazyAttribute(lambda o: f"Technology {o.code}")


class PriorityListFactory(factory.django.DjangoModelFactory):
    """A national list of a new country; `common=True` for a bloc's common list."""

    class Meta:
        model = PriorityList
        skip_postgeneration_save = True

    class Params:
        common = factory.Trait(scope=PriorityListScope.COMMON, country=None, bloc=factory.SubFactory(BlocFactory))

    code = factory.Sequence(lambda n: f"list-{n}")
    scope = PriorityListScope.NATIONAL
    country = factory.SubFactory(CountryFactory)
    bloc = None
    name_en = factory.Sequence(lambda n: f"Priority list {n}")
    name_ru = factory.Sequence(lambda n: f"Перечень приоритетов {n}")
    year_adopted = 2020
    source_document = "Decree No. 1"

    @factory.post_generation
    def priorities(self, create, extracted, **kwargs):
        if create and extracted:
            for position, priority in enumerate(extracted, start=1):
                PriorityListEntry.objects.create(priority_list=self, priority=priority, position=position)


class TrendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trend
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"trend-{n}")
    name_en = factory.Sequence(lambda n: f"Trend {n}")
    horizon_year = 2035
    impact = TrendImpact.HIGH

    @factory.post_generation
    def priorities(self, create, extracted, **kwargs):
        if create and extracted:
            self.priorities.set(extracted)


class TrendSignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrendSignal

    trend = factory.SubFactory(TrendFactory)
    title = factory.Sequence(lambda n: f"Signal {n}")
    source = "Official gazette"
    observed_on = datetime.date(2024, 1, 15)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialisationProfile

    region = factory.SubFactory(RegionFactory)
    summary_en = "A region with strong industry."
    is_demo = True


class SpecialisationPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialisationPriority

    profile = factory.SubFactory(ProfileFactory)
    priority = factory.SubFactory(PriorityNodeFactory)
    strength = 3
    rationale_en = "Anchor companies and a university."


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    profile = factory.SubFactory(ProfileFactory)
    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    helix = StakeholderHelix.INDUSTRY
    current_role = "Member"
    agreed_role = "Runs a working team"
    is_leader = False


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialisationGoal

    profile = factory.SubFactory(ProfileFactory)
    year = 2025
    title_en = factory.Sequence(lambda n: f"Goal {n}")


class SwotItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SwotItem

    profile = factory.SubFactory(ProfileFactory)
    kind = SwotKind.STRENGTH
    text_en = factory.Sequence(lambda n: f"Strength {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indicator-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Indicator {o.code}")
    name_ru = factory.LazyAttribute(lambda o: f"Показатель {o.code}")
    unit = IndicatorUnit.PERCENT_GDP
    manual = IndicatorManual.FRASCATI
    source = "UNESCO UIS"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    country = factory.SubFactory(CountryFactory)
    region = None
    year = factory.Sequence(lambda n: 2000 + n % 25)
    value = Decimal("1.2500")
    unit = factory.LazyAttribute(lambda o: o.indicator.unit)

"""Factories for the SCO Pool's Managing Commission, and the SCO member states its rules are counted on."""

import datetime

import factory

from directory.choices import BlocMembershipStatus
from directory.tests.factories import BlocFactory, BlocMembershipFactory, CountryFactory
from technoparks.models import (
    CommissionMeeting,
    CommissionRepresentative,
    Decision,
    PoolCommission,
    WorkPlanProposal,
)
from technoparks.pool_choices import MeetingKind


def sco_states(count: int = 3, *, joined_on=datetime.date(2001, 6, 15)) -> list:
    """`count` new countries that are SCO member states from `joined_on`."""
    bloc = BlocFactory(code="sco", name_en="Shanghai Cooperation Organisation")
    countries = [CountryFactory() for _ in range(count)]
    for country in countries:
        BlocMembershipFactory(bloc=bloc, country=country, status=BlocMembershipStatus.MEMBER, joined_on=joined_on)
    return countries


class PoolCommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolCommission

    name_en = "Managing Commission of the SCO Pool of technoparks and innovation clusters"
    established_on = datetime.date(2022, 1, 1)


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionRepresentative

    commission = factory.SubFactory(PoolCommissionFactory)
    country = factory.SubFactory(CountryFactory)
    full_name = factory.Sequence(lambda n: f"Representative {n}")
    position = "Deputy Minister"
    appointed_on = datetime.date(2022, 2, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A regular meeting in the presiding state."""

    class Meta:
        model = CommissionMeeting

    commission = factory.SubFactory(PoolCommissionFactory)
    kind = MeetingKind.REGULAR
    presiding_country = factory.SubFactory(CountryFactory)
    host_country = factory.SelfAttribute("presiding_country")
    city = "Capital"
    held_on = datetime.date(2030, 10, 15)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlanProposal

    meeting = factory.SubFactory(MeetingFactory)
    country = factory.SelfAttribute("meeting.presiding_country")
    title = factory.Sequence(lambda n: f"Joint exhibition of technoparks {n}")
    submitted_on = datetime.date(2030, 6, 1)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"On the joint forum of technoparks {n}")

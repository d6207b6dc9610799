"""A small registry with one user in each role, and a fingerprint of the database to prove a refusal changed nothing.

Roles, as the issue names them: anonymous, another manager, the owner (the manager who created the records), a
moderator of another country, a moderator of the records' country, and an administrator (a superuser).
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import GEOSGeometry
from django.test import Client
from rest_framework.test import APIClient

from clusters.models import Cluster, Membership
from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory import access, workflow
from directory.choices import BlocMembershipStatus, PublicationStatus
from directory.models import (
    ApiKey,
    Invitation,
    ModerationDecision,
    ModeratorScope,
    ObjectGrant,
    Organisation,
    RecordLogo,
    Revision,
)
from directory.tests.factories import BlocFactory, BlocMembershipFactory, CountryFactory, OrganisationFactory
from directory.tests.registration_support import UserFactory
from projects.models import Call, CallApplication, Idea, Programme, Project
from technoparks.models import (
    Decision,
    DecisionPosition,
    PoolMembership,
    Residency,
    Technopark,
    WorkPlan,
    WorkPlanProposal,
)
from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory

ANONYMOUS = "anonymous"
OTHER_MANAGER = "other manager"
OWNER = "owner"
MODERATOR_ABROAD = "moderator of another country"
MODERATOR_HOME = "moderator of the country"
ADMINISTRATOR = "administrator"
ROLES = (ANONYMOUS, OTHER_MANAGER, OWNER, MODERATOR_ABROAD, MODERATOR_HOME, ADMINISTRATOR)

# Tables a refused request must leave exactly as they were.
FINGERPRINT_MODELS = (
    Organisation,
    Cluster,
    Technopark,
    Membership,
    Residency,
    PoolMembership,
    Project,
    Idea,
    Call,
    CallApplication,
    Programme,
    WorkPlanProposal,
    WorkPlan,
    Decision,
    DecisionPosition,
    Revision,
    ModerationDecision,
    ObjectGrant,
    Invitation,
    RecordLogo,
    ModeratorScope,
    ApiKey,
)


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of the registry's tables, geometry as text, so any change, even of a timestamp, shows."""

    def plain(value):
        return value.ewkt if isinstance(value, GEOSGeometry) else value

    return {
        model._meta.label: [tuple(plain(v) for v in row) for row in model.objects.order_by("pk").values_list()]
        for model in FINGERPRINT_MODELS
    }


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    """Request rates have their own tests; a matrix of hundreds of requests must not run into them."""
    settings.API_THROTTLE_RATES = {"anon": None, "user": None, "api_key": None}


def _manager(username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=access.MANAGERS_GROUP)[0])
    return user


def _moderator(username: str, country):
    user = UserFactory(username=username)
    access.moderator_scope_add(user=user, country=country)
    return user


@dataclass
class World:
    """Two SCO member states; the owner's records are in `home`, the other manager's organisation is abroad."""

    home: object
    abroad: object
    users: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.users[role]

    def api(self, role: str) -> APIClient:
        client = APIClient()
        if self.users[role] is not None:
            client.force_authenticate(self.users[role])
        return client

    def browser(self, role: str) -> Client:
        client = Client()
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client

    @property
    def owner(self):
        return self.users[OWNER]

    @property
    def other(self):
        return self.users[OTHER_MANAGER]

    # --- Records, built on demand so each case has exactly what it needs ---------------------
    def organisation(self, *, draft: bool = True, owner=None, country=None, **kwargs) -> Organisation:
        return OrganisationFactory(
            draft=draft, created_by=owner or self.owner, country=country or self.home, city="Capital", **kwargs
        )

    def cluster(self, *, draft: bool = True, **kwargs) -> Cluster:
        return ClusterFactory(draft=draft, created_by=self.owner, country=self.home, **kwargs)

    def technopark(self, *, draft: bool = True, **kwargs) -> Technopark:
        return TechnoparkFactory(draft=draft, created_by=self.owner, country=self.home, **kwargs)

    def submitted(self, record):
        workflow.record_submit(record=record, user=self.owner)
        return type(record).objects.get(pk=record.pk)

    def membership(self, *, draft: bool = True) -> Membership:
        return MembershipFactory(cluster=self.cluster(draft=draft), organisation=self.published_member())

    def residency(self, *, draft: bool = True) -> Residency:
        return ResidencyFactory(technopark=self.technopark(draft=draft), organisation=self.published_member())

    def published_member(self) -> Organisation:
        return OrganisationFactory(country=self.home, created_by=None)


def build_world() -> World:
    sco = BlocFactory(code="sco", name_en="Shanghai Cooperation Organisation")
    home, abroad = CountryFactory(), CountryFactory()
    for country in (home, abroad):
        BlocMembershipFactory(
            bloc=sco, country=country, status=BlocMembershipStatus.MEMBER, joined_on=datetime.date(2001, 6, 15)
        )
    world = World(home=home, abroad=abroad)
    world.users = {
        ANONYMOUS: None,
        OTHER_MANAGER: _manager("other-manager@example.org"),
        OWNER: _manager("owner@example.org"),
        MODERATOR_ABROAD: _moderator("moderator-abroad@example.org", abroad),
        MODERATOR_HOME: _moderator("moderator-home@example.org", home),
        ADMINISTRATOR: UserFactory(username="admin@example.org", is_staff=True, is_superuser=True),
    }
    # The other manager runs a published organisation of their own, so that they may act in the registry.
    OrganisationFactory(created_by=world.other, country=abroad, status=PublicationStatus.PUBLISHED)
    return world

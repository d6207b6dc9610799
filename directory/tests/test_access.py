"""Who manages and who moderates what: each role against each kind of right, allowed and refused."""

import pytest
from django.contrib.auth.models import AnonymousUser

from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory import access
from directory.choices import PublicationStatus
from directory.models import ModeratorScope, Organisation
from directory.tests.factories import CountryFactory, OrganisationFactory
from directory.tests.registration_support import UserFactory, administrator, manager, moderator

pytestmark = pytest.mark.django_db


def test_the_creator_manages_a_record_and_a_stranger_does_not():
    owner, stranger = manager(), manager()
    organisation = OrganisationFactory(created_by=owner)

    assert access.user_manages(owner, organisation)
    assert not access.user_manages(stranger, organisation)
    assert not access.user_manages(AnonymousUser(), organisation)


def test_a_grant_makes_a_co_editor_and_covers_the_clusters_members():
    owner, colleague = manager(), manager()
    cluster = ClusterFactory(created_by=owner)
    membership = MembershipFactory(cluster=cluster)
    assert not access.user_manages(colleague, membership)

    access.grant_create(record=cluster, user=colleague, granted_by=owner)

    assert access.user_manages(colleague, cluster)
    assert access.user_manages(colleague, membership)


def test_granting_twice_keeps_one_grant():
    owner, colleague = manager(), manager()
    organisation = OrganisationFactory(created_by=owner)
    first = access.grant_create(record=organisation, user=colleague)
    assert access.grant_create(record=organisation, user=colleague).pk == first.pk


def test_managed_records_are_those_created_or_granted():
    user = manager()
    own = OrganisationFactory(created_by=user)
    granted = OrganisationFactory()
    OrganisationFactory()
    access.grant_create(record=granted, user=user)

    managed = set(access.managed_records(user, Organisation.objects.all()))

    assert managed == {own, granted}
    assert not Organisation.objects.filter(access.managed_records_q(AnonymousUser(), Organisation)).exists()


def test_an_inactive_user_manages_nothing():
    user = manager()
    organisation = OrganisationFactory(created_by=user)
    user.is_active = False
    assert not access.user_manages(user, organisation)


def test_a_moderator_moderates_only_their_countries():
    home, abroad = CountryFactory(), CountryFactory()
    user = moderator(home)

    assert access.moderates(user, OrganisationFactory(country=home))
    assert not access.moderates(user, OrganisationFactory(country=abroad))
    assert access.moderates(user, MembershipFactory(cluster=ClusterFactory(country=home)))


def test_a_scope_without_the_moderators_group_gives_no_right():
    country = CountryFactory()
    user = UserFactory()
    ModeratorScope.objects.create(user=user, country=country)
    assert not access.moderates(user, OrganisationFactory(country=country))
    assert not access.is_moderator(user)


def test_staff_without_a_scope_do_not_moderate_but_administrators_moderate_everywhere():
    organisation = OrganisationFactory()
    assert not access.moderates(UserFactory(is_staff=True), organisation)
    assert access.moderates(administrator(), organisation)
    assert access.moderated_country_ids(administrator()) is None


def test_managers_edit_their_records_until_archived_and_administrators_always():
    owner = manager()
    organisation = OrganisationFactory(created_by=owner, status=PublicationStatus.ARCHIVED)
    assert not access.can_edit(owner, organisation)
    assert access.can_edit(administrator(), organisation)
    organisation.status = PublicationStatus.DRAFT
    assert access.can_edit(owner, organisation)
    assert not access.can_edit(manager(), organisation)


def test_a_draft_is_visible_to_its_manager_and_its_moderators_only():
    owner = manager()
    draft = OrganisationFactory(created_by=owner, draft=True)
    assert access.can_view(owner, draft)
    assert access.can_view(moderator(draft.country), draft)
    assert not access.can_view(manager(), draft)
    assert not access.can_view(AnonymousUser(), draft)


def test_managers_of_a_record_are_its_creator_and_co_editors():
    owner, colleague = manager(), manager()
    organisation = OrganisationFactory(created_by=owner)
    access.grant_create(record=organisation, user=colleague)
    assert set(access.managers_of(organisation)) == {owner, colleague}


def test_the_role_groups_are_created_by_the_migration_and_kept_once():
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("directory.migrations.0004_role_groups")
    Group.objects.filter(name__in=access.ROLE_GROUPS).delete()
    migration.create_groups(apps, None)
    migration.create_groups(apps, None)

    assert sorted(Group.objects.filter(name__in=access.ROLE_GROUPS).values_list("name", flat=True)) == sorted(
        access.ROLE_GROUPS
    )

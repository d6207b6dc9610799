"""Every change to organisations, clusters, technoparks, memberships and residencies is kept by database triggers —
single saves, bulk updates, deletes and admin actions alike — and can be restored by staff."""

import pghistory
import pytest
from django.urls import reverse

from clusters.models import Cluster, Membership
from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory import workflow
from directory.models import Organisation
from directory.tests.factories import CountryFactory, OrganisationFactory
from directory.tests.registration_support import administrator, manager, moderator
from technoparks.models import Residency, Technopark
from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory

pytestmark = pytest.mark.django_db


def labels(model, pk):
    return list(
        model.pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id").values_list("pgh_label", flat=True)
    )


def test_inserts_updates_and_deletes_of_each_record_kind_are_recorded():
    organisation = OrganisationFactory()
    cluster = ClusterFactory()
    membership = MembershipFactory(cluster=cluster)
    technopark = TechnoparkFactory()
    residency = ResidencyFactory(technopark=technopark)

    for record, field, value in (
        (organisation, "name_en", "Renamed organisation"),
        (cluster, "name_en", "Renamed cluster"),
        (membership, "role", "anchor"),
        (technopark, "name_en", "Renamed technopark"),
        (residency, "started_on", "2022-01-01"),
    ):
        setattr(record, field, value)
        record.save()
    membership_id, residency_id = membership.pk, residency.pk
    membership.delete()
    residency.delete()

    assert labels(Organisation, organisation.pk) == ["insert", "update"]
    assert labels(Cluster, cluster.pk) == ["insert", "update"]
    assert labels(Technopark, technopark.pk) == ["insert", "update"]
    assert labels(Membership, membership_id) == ["insert", "update", "delete"]
    assert labels(Residency, residency_id) == ["insert", "update", "delete"]


def test_a_bulk_update_is_recorded_row_by_row():
    clusters = ClusterFactory.create_batch(3)
    Cluster.objects.filter(pk__in=[c.pk for c in clusters]).update(website="https://bulk.example")
    for cluster in clusters:
        event = Cluster.pgh_event_model.objects.filter(pgh_obj_id=cluster.pk).latest("pgh_id")
        assert event.pgh_label == "update" and event.website == "https://bulk.example"


def test_a_save_that_changes_nothing_adds_no_entry():
    organisation = OrganisationFactory()
    organisation.save()
    assert labels(Organisation, organisation.pk) == ["insert"]


def test_the_context_names_the_user_and_the_url():
    user = manager()
    organisation = OrganisationFactory()
    with pghistory.context(user=user.pk, url="/import/"):
        Organisation.objects.filter(pk=organisation.pk).update(city="Kazan")
    event = Organisation.pgh_event_model.objects.filter(pgh_obj_id=organisation.pk).latest("pgh_id")
    assert event.pgh_context.metadata == {"user": user.pk, "url": "/import/"}


def test_a_change_through_a_page_records_its_user_and_address(client):
    owner = manager()
    cluster = ClusterFactory(draft=True, created_by=owner)
    client.force_login(owner)
    url = reverse("registration:step", args=["cluster", cluster.pk, "basics"])
    client.post(
        url,
        {
            "version": workflow.record_version(cluster),
            "name_en": "Via the form",
            "kind": "innovation",
            "country": cluster.country.pk,
        },
    )
    event = Cluster.pgh_event_model.objects.filter(pgh_obj_id=cluster.pk).latest("pgh_id")
    assert event.name_en == "Via the form"
    assert event.pgh_context.metadata["user"] == owner.pk and event.pgh_context.metadata["url"] == url


def test_an_admin_action_is_recorded(client):
    admin = administrator()
    organisation = OrganisationFactory(name_en="Before admin")
    client.force_login(admin)
    client.post(
        reverse("admin:directory_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [organisation.pk], "post": "yes"},
    )
    assert labels(Organisation, organisation.pk)[-1] == "delete"


def test_a_moderator_restores_an_earlier_version_and_the_restore_is_recorded():
    cluster = ClusterFactory(name_en="First name")
    first_event = Cluster.pgh_event_model.objects.filter(pgh_obj_id=cluster.pk).latest("pgh_id")
    Cluster.objects.filter(pk=cluster.pk).update(name_en="Vandalised", website="https://spam.example")

    workflow.history_restore(record=cluster, event_id=first_event.pgh_id, user=moderator(cluster.country))

    cluster.refresh_from_db()
    assert cluster.name_en == "First name" and cluster.website == ""
    assert labels(Cluster, cluster.pk) == ["insert", "update", "update"]


def test_a_manager_or_another_countrys_moderator_cannot_restore():
    owner = manager()
    cluster = ClusterFactory(created_by=owner, name_en="First name")
    event = Cluster.pgh_event_model.objects.filter(pgh_obj_id=cluster.pk).latest("pgh_id")
    Cluster.objects.filter(pk=cluster.pk).update(name_en="Second name")
    from django.core.exceptions import PermissionDenied

    for user in (owner, moderator(CountryFactory())):
        with pytest.raises(PermissionDenied):
            workflow.history_restore(record=cluster, event_id=event.pgh_id, user=user)
    assert Cluster.objects.get(pk=cluster.pk).name_en == "Second name"


def test_the_event_of_another_record_cannot_be_restored():
    cluster, other = ClusterFactory(), ClusterFactory()
    foreign_event = Cluster.pgh_event_model.objects.filter(pgh_obj_id=other.pk).latest("pgh_id")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        workflow.history_restore(record=cluster, event_id=foreign_event.pgh_id, user=administrator())


def test_the_history_page_shows_who_changed_what_to_staff_only(client, django_assert_max_num_queries):
    owner = manager()
    cluster = ClusterFactory(created_by=owner, name_en="Original")
    for number in range(5):
        with pghistory.context(user=owner.pk, url="/somewhere/"):
            Cluster.objects.filter(pk=cluster.pk).update(name_en=f"Name {number}")
    url = reverse("registration:history", args=["cluster", cluster.pk])

    client.force_login(owner)
    assert client.get(url).status_code == 403

    client.force_login(moderator(cluster.country))
    with django_assert_max_num_queries(20):
        html = client.get(url).content.decode()
    assert "Name 4" in html and "Name 3" in html and owner.username in html
    assert "Restore this version" in html


def test_restoring_through_the_page(client):
    cluster = ClusterFactory(name_en="Good name")
    event = Cluster.pgh_event_model.objects.filter(pgh_obj_id=cluster.pk).latest("pgh_id")
    Cluster.objects.filter(pk=cluster.pk).update(name_en="Bad name")
    client.force_login(moderator(cluster.country))
    response = client.post(reverse("registration:restore", args=["cluster", cluster.pk, event.pgh_id]))
    assert response.status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).name_en == "Good name"

"""The moderators' queue and decisions through the pages: scoped to their countries, oldest first, with a diff."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory
from directory import workflow
from directory.choices import PublicationStatus
from directory.models import Revision, RevisionStatus
from directory.tests.factories import CountryFactory, OrganisationFactory
from directory.tests.registration_support import administrator, eager_tasks, manager, moderator  # noqa: F401
from technoparks.tests.factories import TechnoparkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def submitted(factory, days_ago=0, **kwargs):
    owner = kwargs.pop("created_by", None) or manager()
    record = factory(draft=True, created_by=owner, **kwargs)
    workflow.record_submit(record=record, user=owner)
    type(record).objects.filter(pk=record.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return type(record).objects.get(pk=record.pk)


def pending_change(cluster, changes):
    owner = cluster.created_by
    workflow.revision_create(record=cluster, user=owner, version=workflow.record_version(cluster), changes=changes)
    workflow.record_submit(record=cluster, user=owner)
    return Revision.objects.get(object_id=cluster.pk, status=RevisionStatus.PENDING)


def test_the_queue_shows_only_the_moderators_countries_oldest_first(client, django_assert_max_num_queries):
    home, abroad = CountryFactory(), CountryFactory()
    newer = submitted(ClusterFactory, days_ago=1, country=home, name_en="Newer cluster")
    older = submitted(TechnoparkFactory, days_ago=5, country=home, name_en="Older technopark")
    submitted(ClusterFactory, country=abroad, name_en="Foreign cluster")
    published = ClusterFactory(country=home, created_by=manager(), name_en="Published cluster")
    pending_change(published, {"website": "https://example.org"})
    for _ in range(5):
        submitted(OrganisationFactory, country=home)
    client.force_login(moderator(home))

    with django_assert_max_num_queries(20):
        html = client.get(reverse("registration:moderation")).content.decode()

    assert "Foreign cluster" not in html
    assert html.index("Older technopark") < html.index("Newer cluster") < html.index("Published cluster")
    assert reverse("registration:review", args=["cluster", newer.pk]) in html
    assert reverse("registration:review", args=["technopark", older.pk]) in html


def test_the_queue_is_refused_to_managers(client):
    client.force_login(manager())
    assert client.get(reverse("registration:moderation")).status_code == 403


def test_an_administrator_sees_every_country(client):
    submitted(ClusterFactory, name_en="Anywhere cluster")
    client.force_login(administrator())
    assert "Anywhere cluster" in client.get(reverse("registration:moderation")).content.decode()


def test_approving_from_the_review_page_publishes_and_tells_the_manager(client, django_capture_on_commit_callbacks):
    cluster = submitted(ClusterFactory)
    client.force_login(moderator(cluster.country))
    url = reverse("registration:review", args=["cluster", cluster.pk])
    assert cluster.name_en in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve", "version": workflow.record_version(cluster)})

    assert response.status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).status == PublicationStatus.PUBLISHED
    assert mail.outbox[-1].to == [cluster.created_by.email]


def test_rejecting_without_a_reason_is_refused_on_the_page(client):
    cluster = submitted(ClusterFactory)
    client.force_login(moderator(cluster.country))
    response = client.post(
        reverse("registration:review", args=["cluster", cluster.pk]),
        {"decision": "reject", "reason": "", "version": workflow.record_version(cluster)},
    )
    assert response.status_code == 200
    assert "the reason is required" in response.content.decode()
    assert Cluster.objects.get(pk=cluster.pk).status == PublicationStatus.SUBMITTED


def test_rejecting_with_a_reason_sends_it(client, django_capture_on_commit_callbacks):
    cluster = submitted(ClusterFactory)
    client.force_login(moderator(cluster.country))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("registration:review", args=["cluster", cluster.pk]),
            {"decision": "reject", "reason": "Add the website.", "version": workflow.record_version(cluster)},
        )
    assert Cluster.objects.get(pk=cluster.pk).status == PublicationStatus.REJECTED
    assert "Add the website." in mail.outbox[-1].body


def test_a_moderator_of_another_country_cannot_see_or_decide(client):
    cluster = submitted(ClusterFactory)
    client.force_login(moderator(CountryFactory()))
    url = reverse("registration:review", args=["cluster", cluster.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve", "version": workflow.record_version(cluster)}).status_code == 403
    assert Cluster.objects.get(pk=cluster.pk).status == PublicationStatus.SUBMITTED


def test_a_manager_cannot_decide_their_own_entry(client):
    cluster = submitted(ClusterFactory)
    client.force_login(cluster.created_by)
    url = reverse("registration:review", args=["cluster", cluster.pk])
    assert client.post(url, {"decision": "approve", "version": workflow.record_version(cluster)}).status_code == 403


def test_an_approval_based_on_an_outdated_page_is_refused(client):
    cluster = submitted(ClusterFactory)
    opened = workflow.record_version(cluster)
    Cluster.objects.filter(pk=cluster.pk).update(name_en="Changed meanwhile", updated_at=timezone.now())
    client.force_login(moderator(cluster.country))
    response = client.post(
        reverse("registration:review", args=["cluster", cluster.pk]),
        {"decision": "approve", "version": opened},
        follow=True,
    )
    assert "changed while you were reading it" in response.content.decode()
    assert Cluster.objects.get(pk=cluster.pk).status == PublicationStatus.SUBMITTED


def test_a_change_is_reviewed_side_by_side_and_approved(client):
    cluster = ClusterFactory(created_by=manager(), name_en="Old name")
    revision = pending_change(cluster, {"name_en": "New name"})
    client.force_login(moderator(cluster.country))
    url = reverse("registration:review-revision", args=[revision.pk])

    html = client.get(url).content.decode()
    assert "Old name" in html and "New name" in html and "diff-changed" in html

    client.post(url, {"decision": "approve", "version": workflow.record_version(cluster, revision)})
    assert Cluster.objects.get(pk=cluster.pk).name_en == "New name"


def test_a_change_of_another_country_is_refused(client):
    cluster = ClusterFactory(created_by=manager())
    revision = pending_change(cluster, {"name_en": "New name"})
    client.force_login(moderator(CountryFactory()))
    assert client.get(reverse("registration:review-revision", args=[revision.pk])).status_code == 403

"""Publication services: drafts, submission, moderation, revisions of published records, concurrent edits."""

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory import workflow
from directory.choices import PublicationStatus
from directory.models import ModerationDecision, Organisation, Revision, RevisionStatus
from directory.tests.factories import CountryFactory, OrganisationFactory, point_in
from directory.tests.registration_support import administrator, eager_tasks, manager, moderator  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def names(name="Kama Cluster"):
    return {"name_en": name, "name_original": name, "original_language": "en"}


def draft_cluster(owner, **kwargs):
    return ClusterFactory(draft=True, created_by=owner, **kwargs)


def fresh(record):
    return type(record).objects.get(pk=record.pk)


# --- Creating and editing drafts ----------------------------------------------------------
def test_record_create_makes_a_draft_owned_by_its_creator():
    owner, country = manager(), CountryFactory()

    cluster = workflow.record_create(model=Cluster, user=owner, data={**names(), "country": country.pk})

    assert cluster.status == PublicationStatus.DRAFT
    assert cluster.created_by == owner
    assert Cluster.objects.published().filter(pk=cluster.pk).count() == 0


def test_record_create_without_any_name_is_refused_and_creates_nothing():
    with pytest.raises(ValidationError) as error:
        workflow.record_create(model=Cluster, user=manager(), data={"country": CountryFactory().pk})
    assert "Give a name in at least one language." in str(error.value)
    assert not Cluster.objects.exists()


def test_record_create_refuses_a_point_outside_the_country():
    country, elsewhere = CountryFactory(), CountryFactory()
    point = point_in(elsewhere)
    with pytest.raises(ValidationError) as error:
        workflow.record_create(
            model=Cluster, user=manager(), data={**names(), "country": country.pk, "location": [point.x, point.y]}
        )
    assert "lies outside" in str(error.value.message_dict["location"])
    assert not Cluster.objects.exists()


def test_a_script_in_a_description_is_stored_as_typed():
    owner = manager()
    cluster = workflow.record_create(
        model=Cluster,
        user=owner,
        data={**names(), "country": CountryFactory().pk, "description_en": "<script>alert(1)</script>"},
    )
    assert fresh(cluster).description_en == "<script>alert(1)</script>"


def test_record_edit_writes_a_draft_with_its_members_and_sectors():
    owner = manager()
    cluster = draft_cluster(owner)
    first, second = OrganisationFactory(country=cluster.country), OrganisationFactory(country=cluster.country)

    workflow.record_edit(
        record=cluster,
        user=owner,
        version=workflow.record_version(cluster),
        changes={
            "name_en": "Renamed",
            "memberships": [{"organisation": first.pk, "role": "participant"}, {"organisation": second.pk}],
            "indicators": [{"year": 2023, "employees": 1200, "revenue": "5000000", "currency": "RUB"}],
        },
    )

    cluster = fresh(cluster)
    assert cluster.name_en == "Renamed"
    assert set(cluster.memberships.values_list("organisation_id", flat=True)) == {first.pk, second.pk}
    assert cluster.indicators.get().employees == 1200


def test_a_bad_child_row_refuses_the_whole_step():
    owner = manager()
    cluster = draft_cluster(owner, name_en="Before")
    with pytest.raises(ValidationError) as error:
        workflow.record_edit(
            record=cluster,
            user=owner,
            version=workflow.record_version(cluster),
            changes={"name_en": "After", "indicators": [{"year": 2023, "revenue": "100"}]},
        )
    assert "Give the currency" in str(error.value)
    assert fresh(cluster).name_en == "Before"
    assert not fresh(cluster).indicators.exists()


def test_record_edit_by_someone_else_is_refused():
    cluster = draft_cluster(manager())
    with pytest.raises(PermissionDenied):
        workflow.record_edit(
            record=cluster, user=manager(), version=workflow.record_version(cluster), changes={"name_en": "Mine"}
        )


def test_the_second_of_two_concurrent_saves_is_refused_with_the_first_ones_values():
    owner = manager()
    cluster = draft_cluster(owner, name_en="Original")
    colleague = manager()
    from directory.access import grant_create

    grant_create(record=cluster, user=colleague)
    version_both_opened = workflow.record_version(cluster)

    workflow.record_edit(record=cluster, user=owner, version=version_both_opened, changes={"name_en": "Owner's"})
    with pytest.raises(workflow.VersionConflict) as conflict:
        workflow.record_edit(
            record=cluster, user=colleague, version=version_both_opened, changes={"name_en": "Colleague's"}
        )

    assert conflict.value.current["name_en"] == "Owner's"
    assert fresh(cluster).name_en == "Owner's"


# --- Submission and moderation ------------------------------------------------------------
def test_submit_sends_the_entry_and_its_new_organisations_to_the_moderators(django_capture_on_commit_callbacks):
    owner = manager()
    cluster = draft_cluster(owner)
    new_member = OrganisationFactory(country=cluster.country, draft=True, created_by=owner)
    someone_elses = OrganisationFactory(country=cluster.country, draft=True)
    MembershipFactory(cluster=cluster, organisation=new_member)
    MembershipFactory(cluster=cluster, organisation=someone_elses)
    checker = moderator(cluster.country)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.record_submit(record=cluster, user=owner)

    assert fresh(cluster).status == PublicationStatus.SUBMITTED
    assert fresh(new_member).status == PublicationStatus.SUBMITTED
    assert fresh(someone_elses).status == PublicationStatus.DRAFT
    assert any(checker.email in message.to for message in mail.outbox)


def test_submit_without_a_point_is_refused():
    owner = manager()
    cluster = draft_cluster(owner, location=None)
    with pytest.raises(ValidationError) as error:
        workflow.record_submit(record=cluster, user=owner)
    assert "Place the entry on the map" in str(error.value)
    assert fresh(cluster).status == PublicationStatus.DRAFT


def submitted_cluster():
    owner = manager()
    cluster = draft_cluster(owner)
    workflow.record_submit(record=cluster, user=owner)
    mail.outbox.clear()
    return owner, fresh(cluster)


def test_a_moderator_of_the_country_publishes_and_the_manager_is_told(django_capture_on_commit_callbacks):
    owner, cluster = submitted_cluster()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.record_approve(record=cluster, moderator=moderator(cluster.country))

    cluster = fresh(cluster)
    assert cluster.status == PublicationStatus.PUBLISHED and cluster.published_at is not None
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert "published" in mail.outbox[0].subject.lower()


def test_a_moderator_of_another_country_cannot_approve():
    _owner, cluster = submitted_cluster()
    with pytest.raises(PermissionDenied):
        workflow.record_approve(record=cluster, moderator=moderator(CountryFactory()))
    assert fresh(cluster).status == PublicationStatus.SUBMITTED
    assert not mail.outbox


def test_a_manager_cannot_approve_their_own_entry():
    owner, cluster = submitted_cluster()
    with pytest.raises(PermissionDenied):
        workflow.record_approve(record=cluster, moderator=owner)


def test_rejecting_needs_a_reason_and_sends_it_to_the_manager(django_capture_on_commit_callbacks):
    owner, cluster = submitted_cluster()
    checker = moderator(cluster.country)
    with pytest.raises(ValidationError):
        workflow.record_reject(record=cluster, moderator=checker, reason="  ")
    assert fresh(cluster).status == PublicationStatus.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        workflow.record_reject(record=cluster, moderator=checker, reason="Add the members' list.")

    assert fresh(cluster).status == PublicationStatus.REJECTED
    assert workflow.last_decision(cluster).reason == "Add the members' list."
    assert "Add the members' list." in mail.outbox[0].body


def test_a_rejected_entry_is_edited_and_resubmitted():
    owner, cluster = submitted_cluster()
    workflow.record_reject(record=cluster, moderator=administrator(), reason="Too short.")
    cluster = fresh(cluster)
    workflow.record_edit(
        record=cluster, user=owner, version=workflow.record_version(cluster), changes={"description_en": "Longer."}
    )
    workflow.record_submit(record=cluster, user=owner)
    assert fresh(cluster).status == PublicationStatus.SUBMITTED


def test_a_submitted_entry_cannot_be_edited_by_its_manager():
    owner, cluster = submitted_cluster()
    with pytest.raises(ValidationError):
        workflow.record_edit(
            record=cluster, user=owner, version=workflow.record_version(cluster), changes={"name_en": "Sneaky"}
        )


def test_the_moderator_sees_a_conflict_when_the_entry_changed_after_they_opened_it():
    owner, cluster = submitted_cluster()
    opened = workflow.record_version(cluster)
    Cluster.objects.filter(pk=cluster.pk).update(name_en="Changed by an import")
    cluster = fresh(cluster)
    cluster.save()
    with pytest.raises(workflow.VersionConflict):
        workflow.record_approve(record=cluster, moderator=administrator(), version=opened)


# --- Revisions of published records -------------------------------------------------------
def published_cluster():
    owner = manager()
    return owner, ClusterFactory(created_by=owner, name_en="Approved name")


def test_editing_a_published_entry_creates_a_revision_and_the_public_keeps_the_approved_one():
    owner, cluster = published_cluster()

    revision = workflow.record_edit(
        record=cluster, user=owner, version=workflow.record_version(cluster), changes={"name_en": "Proposed name"}
    )

    assert isinstance(revision, Revision) and revision.status == RevisionStatus.DRAFT
    assert fresh(cluster).name_en == "Approved name"
    assert workflow.working_data(cluster, revision)["name_en"] == "Proposed name"


def test_an_invalid_revision_is_refused_and_the_record_is_untouched():
    owner, cluster = published_cluster()
    elsewhere = point_in(CountryFactory())
    with pytest.raises(ValidationError):
        workflow.revision_create(
            record=cluster,
            user=owner,
            version=workflow.record_version(cluster),
            changes={"location": [elsewhere.x, elsewhere.y]},
        )
    assert not Revision.objects.exists()
    assert fresh(cluster).location == cluster.location


def pending_revision(owner, cluster, changes):
    revision = workflow.revision_create(
        record=cluster, user=owner, version=workflow.record_version(cluster), changes=changes
    )
    workflow.record_submit(record=cluster, user=owner)
    mail.outbox.clear()
    return Revision.objects.get(pk=revision.pk)


def test_approving_a_revision_applies_only_what_the_manager_changed(django_capture_on_commit_callbacks):
    owner, cluster = published_cluster()
    revision = pending_revision(owner, cluster, {"name_en": "Proposed name"})
    Cluster.objects.filter(pk=cluster.pk).update(website="https://changed-meanwhile.example")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_approve(revision=revision, moderator=moderator(cluster.country))

    cluster = fresh(cluster)
    assert cluster.name_en == "Proposed name"
    assert cluster.website == "https://changed-meanwhile.example"
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.APPROVED
    assert mail.outbox[0].to == [owner.email]


def test_approving_a_revision_whose_field_was_changed_by_someone_else_is_refused():
    owner, cluster = published_cluster()
    revision = pending_revision(owner, cluster, {"name_en": "Proposed name"})
    Cluster.objects.filter(pk=cluster.pk).update(name_en="Changed by staff")

    with pytest.raises(workflow.VersionConflict):
        workflow.revision_approve(revision=revision, moderator=administrator())

    assert fresh(cluster).name_en == "Changed by staff"
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.PENDING


def test_a_rejected_revision_keeps_the_record_and_what_the_manager_typed():
    owner, cluster = published_cluster()
    revision = pending_revision(owner, cluster, {"name_en": "Proposed name"})

    workflow.revision_reject(revision=revision, moderator=administrator(), reason="Use the official name.")

    assert fresh(cluster).name_en == "Approved name"
    assert ModerationDecision.objects.get(revision=revision).reason == "Use the official name."
    again = workflow.revision_create(
        record=cluster, user=owner, version=workflow.record_version(fresh(cluster)), changes={"website": ""}
    )
    assert again.data["proposed"]["name_en"] == "Proposed name"


def test_a_moderator_of_another_country_cannot_decide_a_revision():
    owner, cluster = published_cluster()
    revision = pending_revision(owner, cluster, {"name_en": "Proposed name"})
    with pytest.raises(PermissionDenied):
        workflow.revision_approve(revision=revision, moderator=moderator(CountryFactory()))
    with pytest.raises(PermissionDenied):
        workflow.revision_reject(revision=revision, moderator=moderator(CountryFactory()), reason="No.")


def test_submitting_a_published_entry_without_changes_is_refused():
    owner, cluster = published_cluster()
    with pytest.raises(ValidationError):
        workflow.record_submit(record=cluster, user=owner)


def test_archiving_takes_the_entry_off_the_registry_and_withdraws_its_change():
    owner, cluster = published_cluster()
    revision = workflow.revision_create(
        record=cluster, user=owner, version=workflow.record_version(cluster), changes={"name_en": "X"}
    )
    workflow.record_archive(record=cluster, user=owner)
    assert fresh(cluster).status == PublicationStatus.ARCHIVED
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.WITHDRAWN
    with pytest.raises(PermissionDenied):
        workflow.record_archive(record=OrganisationFactory(), user=owner)


def test_snapshot_round_trips_a_point_and_the_organisations_fields():
    organisation = OrganisationFactory(location=None)
    organisation.location = point_in(organisation.country, 0.3, 0.3)
    organisation.save()
    data = workflow.snapshot(organisation)
    assert data["location"] == [round(organisation.location.x, 6), round(organisation.location.y, 6)]
    assert data["country"] == organisation.country_id
    copy = Organisation(created_by=None)
    workflow._set_scalars(copy, data)
    assert copy.location.equals_exact(Point(*data["location"], srid=4326), 1e-6)

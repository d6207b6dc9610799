"""Publication of registry records: drafts, submission, moderation, revisions of published records, restores.

Every service validates with `full_clean`, writes in one transaction with the record's row locked, and sends its
e-mails only after commit. A record is edited through a *snapshot*: a flat JSON dict of its editable fields, its
many-to-many ids and its child rows (a cluster's members and yearly indicators, a technopark's residents). A draft
takes a snapshot's values at once; a published record keeps them in a pending `Revision` until a moderator approves.

The version a form carries is derived from `updated_at` (and from the open revision's, when there is one): a save
whose version is not the current one is refused with the other person's values, so nobody overwrites anybody.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access
from .choices import PublicationStatus
from .models import ModerationAction, ModerationDecision, Organisation, RecordLogo, Revision, RevisionStatus

logger = logging.getLogger(__name__)

# Fields the workflow itself keeps; a manager's snapshot never carries them.
WORKFLOW_FIELDS = frozenset(
    {
        "status",
        "status_changed_at",
        "status_changed_by",
        "published_at",
        "created_at",
        "updated_at",
        "created_by",
        "is_demo",
        "external_id",
    }
)
OPEN_REVISION_STATUSES = (RevisionStatus.DRAFT, RevisionStatus.PENDING)


@dataclass(frozen=True)
class ChildSpec:
    """Rows that belong to a record and are edited with it."""

    model: str  # "app_label.ModelName"
    parent_field: str
    fields: tuple[str, ...]


# Child rows edited with their record, by the record's model label. The apps are named by label so this module
# needs none of them imported (directory sits below clusters and technoparks).
CHILDREN: dict[str, dict[str, ChildSpec]] = {
    "clusters.cluster": {
        "memberships": ChildSpec("clusters.Membership", "cluster", ("organisation", "role", "joined_on", "left_on")),
        "indicators": ChildSpec(
            "clusters.ClusterIndicator",
            "cluster",
            (
                "year",
                "employees",
                "revenue",
                "currency",
                "export_share",
                "rd_spending",
                "members_count",
                "patents",
            ),
        ),
    },
    "technoparks.technopark": {
        "residencies": ChildSpec("technoparks.Residency", "technopark", ("organisation", "started_on", "ended_on")),
    },
}
# Organisations an entry refers to; those its manager created as drafts go to the moderators with the entry.
ORGANISATION_LINKS = {
    "clusters.cluster": ("specialised_organisation", "memberships"),
    "technoparks.technopark": ("operator", "residencies"),
}
# Entries that go on the map cannot be submitted without a point.
LOCATION_REQUIRED = frozenset({"clusters.cluster", "technoparks.technopark"})


class VersionConflict(Exception):
    """Someone else saved the record since the form was opened; `current` holds their values."""

    def __init__(self, *, version: str, current: dict[str, Any]):
        super().__init__(_("Someone else has changed this entry since you opened it."))
        self.version = version
        self.current = current


def label_of(model_or_record) -> str:
    return model_or_record._meta.label_lower


# --- Snapshots ------------------------------------------------------------------------
def scalar_fields(model: type[Model]) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if f.editable and not f.primary_key and f.name not in WORKFLOW_FIELDS
    ]


def m2m_fields(model: type[Model]) -> list[models.ManyToManyField]:
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def _dump(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, GeometryField):
        return [round(value.x, 6), round(value.y, 6)]
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _load(field: models.Field, value: Any) -> Any:
    if value in (None, ""):
        return "" if value == "" and not field.null else None
    if isinstance(field, GeometryField):
        return Point(float(value[0]), float(value[1]), srid=settings.PORTAL_SRID)
    if field.is_relation:
        return int(value)
    return field.to_python(value)


def _child_rows(record: Model, name: str, spec: ChildSpec) -> list[dict]:
    child_model = apps.get_model(spec.model)
    rows = []
    for child in getattr(record, name).all().order_by("pk"):
        row = {"id": child.pk}
        for field_name in spec.fields:
            field = child_model._meta.get_field(field_name)
            row[field_name] = _dump(field, getattr(child, field.attname))
        rows.append(row)
    return rows


def snapshot(record: Model) -> dict[str, Any]:
    """The record's editable state as JSON: what forms edit, revisions hold and moderators compare."""
    data: dict[str, Any] = {}
    for field in scalar_fields(type(record)):
        data[field.name] = _dump(field, getattr(record, field.attname))
    if record.pk is None:
        return data
    for field in m2m_fields(type(record)):
        data[field.name] = sorted(getattr(record, field.name).values_list("pk", flat=True))
    for name, spec in CHILDREN.get(label_of(record), {}).items():
        data[name] = _child_rows(record, name, spec)
    return data


def _set_scalars(record: Model, data: dict[str, Any]) -> None:
    for field in scalar_fields(type(record)):
        if field.name in data:
            setattr(record, field.attname, _load(field, data[field.name]))


def _sync_children(record: Model, name: str, spec: ChildSpec, rows: list[dict]) -> None:
    """Make the record's child rows match `rows`: update those with an id, create the rest, delete the missing."""
    child_model = apps.get_model(spec.model)
    existing = {child.pk: child for child in getattr(record, name).all()}
    keep: set[int] = set()
    errors: list[str] = []
    pending = []
    for row in rows:
        child = existing.get(row.get("id")) if row.get("id") else None
        if child is None:
            child = child_model(**{spec.parent_field: record})
        for field_name in spec.fields:
            if field_name in row:
                field = child_model._meta.get_field(field_name)
                setattr(child, field.attname, _load(field, row[field_name]))
        if child.pk:
            keep.add(child.pk)
        pending.append(child)
    # Removed rows go first, so a member removed and added again does not collide with itself.
    getattr(record, name).exclude(pk__in=keep).delete()
    for child in pending:
        try:
            child.full_clean(exclude=[spec.parent_field])
        except ValidationError as exc:
            errors.extend(f"{child}: {message}" if child.pk else message for message in exc.messages)
            continue
        child.save()
    if errors:
        raise ValidationError({name: errors})


def _apply(record: Model, data: dict[str, Any]) -> Model:
    """Write a snapshot (or part of one) to the record, its many-to-many relations and its child rows."""
    _set_scalars(record, data)
    children = {name: spec for name, spec in CHILDREN.get(label_of(record), {}).items() if name in data}
    creating = record.pk is None
    if not creating:
        # Children first: a record's own rules may look at them (a specialised organisation must be a member).
        for name, spec in children.items():
            _sync_children(record, name, spec, data[name] or [])
    record.full_clean()
    record.save()
    for field in m2m_fields(type(record)):
        if field.name in data:
            getattr(record, field.name).set(data[field.name] or [])
    if creating:
        for name, spec in children.items():
            _sync_children(record, name, spec, data[name] or [])
        if children:
            record.full_clean()
    return record


class _Rollback(Exception):
    pass


def snapshot_validate(record: Model, data: dict[str, Any]) -> None:
    """Raise the ValidationError that writing `data` to the record would raise, and change nothing.

    The snapshot is written inside a savepoint that is always rolled back, so the rules are exactly the ones a real
    save runs: field validators, the record's clean(), constraints, and its child rows' own rules.
    """
    copy = type(record).objects.get(pk=record.pk)
    try:
        with transaction.atomic():
            _apply(copy, data)
            raise _Rollback
    except _Rollback:
        pass


# --- Versions -----------------------------------------------------------------------
def _stamp(moment: datetime) -> str:
    return format(int(moment.timestamp() * 1_000_000), "x")


def open_revision(record: Model, *, lock: bool = False) -> Revision | None:
    qs = Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, status__in=OPEN_REVISION_STATUSES
    )
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def record_version(record: Model, revision: Revision | None = None) -> str:
    """The version token a form carries: the record's, or its open revision's when a change is in progress."""
    if revision is not None:
        return f"r{revision.pk}.{_stamp(revision.updated_at)}"
    return _stamp(record.updated_at)


def working_data(record: Model, revision: Revision | None = None) -> dict[str, Any]:
    """What the manager edits: the open revision's proposal, or the record itself."""
    if revision is not None:
        return revision.data["proposed"]
    return snapshot(record)


def revision_changes(revision: Revision) -> dict[str, Any]:
    base, proposed = revision.data["base"], revision.data["proposed"]
    return {key: value for key, value in proposed.items() if base.get(key) != value}


def _lock(record: Model) -> Model:
    return type(record).objects.select_for_update().get(pk=record.pk)


def _check_version(record: Model, revision: Revision | None, version: str | None) -> None:
    if version is None:
        return
    current = record_version(record, revision)
    if version != current:
        raise VersionConflict(version=current, current=working_data(record, revision))


def _set_status(record: Model, status: str, user) -> None:
    record.status = status
    record.status_changed_at = timezone.now()
    record.status_changed_by = user if user is not None and user.is_authenticated else None
    if status == PublicationStatus.PUBLISHED and record.published_at is None:
        record.published_at = record.status_changed_at


# --- Notifications ------------------------------------------------------------------------
def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def email_send(*, to: list[str], template: str, context: dict[str, Any]) -> None:
    """Render an e-mail now (in the current language) and send it through the queue after commit."""
    from eaeu_portal.outbox import enqueue

    from .tasks import send_email

    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}.txt", context)
    transaction.on_commit(lambda: enqueue(send_email, to=recipients, subject=subject, body=body))


def _notify_managers(record: Model, template: str, **context) -> None:
    email_send(
        to=[user.email for user in access.managers_of(record)],
        template=template,
        context={"record": record, "url": absolute_url(reverse("registration:my-entries")), **context},
    )


def _notify_moderators(record: Model, *, revision: Revision | None = None) -> None:
    from django.contrib.auth import get_user_model

    moderators = get_user_model().objects.filter(
        is_active=True, groups__name=access.MODERATORS_GROUP, moderator_scopes__country_id=record.country_id
    )
    email_send(
        to=[user.email for user in moderators],
        template="moderation_submitted",
        context={"record": record, "revision": revision, "url": absolute_url(reverse("registration:moderation"))},
    )


def _decide(record: Model, *, action: str, user, reason: str = "", revision: Revision | None = None) -> None:
    ModerationDecision.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        action=action,
        revision=revision,
        reason=reason,
        decided_by=user,
    )


def _approve_logos(record: Model) -> None:
    RecordLogo.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, approved_at__isnull=True
    ).update(approved_at=timezone.now())


def last_decision(record: Model) -> ModerationDecision | None:
    return ModerationDecision.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).first()


# --- Records: create, edit, submit ----------------------------------------------------------
@transaction.atomic
def record_create(*, model: type[Model], user, data: dict[str, Any]) -> Model:
    """A new draft that only its creator (and moderators of its country, once submitted) can see."""
    if not (user is not None and user.is_authenticated):
        raise PermissionDenied(_("Sign in to register an entry."))
    record = model(status=PublicationStatus.DRAFT, created_by=user, status_changed_by=user)
    return _apply(record, data)


@transaction.atomic
def record_edit(*, record: Model, user, changes: dict[str, Any], version: str) -> Model | Revision:
    """Save a step of the manager's form: straight to a draft, into a pending revision for a published record.

    Refused with VersionConflict when `version` is not the current one, and with ValidationError when the entry is
    with the moderators or the values break a rule; nothing is written then.
    """
    locked = _lock(record)
    revision = open_revision(locked, lock=True)
    if not access.can_edit(user, locked):
        raise PermissionDenied(_("You do not manage this entry."))
    _check_version(locked, revision, version)
    if locked.status in access.MANAGER_EDITABLE_STATUSES:
        return _apply(locked, changes)
    if locked.status == PublicationStatus.PUBLISHED:
        return _revision_save(record=locked, revision=revision, user=user, changes=changes)
    if locked.status == PublicationStatus.SUBMITTED:
        raise ValidationError(_("This entry is with the moderators: it can be edited again once they decide."))
    raise ValidationError(_("This entry is archived and can no longer be edited."))


def _revision_save(*, record: Model, revision: Revision | None, user, changes: dict[str, Any]) -> Revision:
    if revision is None:
        base = snapshot(record)
        proposed = dict(base)
        rejected = (
            Revision.objects.filter(
                content_type=ContentType.objects.get_for_model(record),
                object_id=record.pk,
                status=RevisionStatus.REJECTED,
            )
            .order_by("-decided_at")
            .first()
        )
        if rejected is not None and rejected.decided_at and rejected.decided_at > record.status_changed_at:
            # What the manager typed last time is kept: the new change starts from the rejected proposal.
            proposed.update(revision_changes(rejected))
        revision = Revision(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            base_version=record_version(record),
            data={"base": base, "proposed": proposed},
            created_by=user,
        )
    proposed = {**revision.data["proposed"], **changes}
    snapshot_validate(record, proposed)
    revision.data = {"base": revision.data["base"], "proposed": proposed}
    revision.full_clean()
    revision.save()
    return revision


def revision_create(*, record: Model, user, changes: dict[str, Any], version: str) -> Revision:
    """Propose a change to a published record; the public keeps the approved version until a moderator decides."""
    result = record_edit(record=record, user=user, changes=changes, version=version)
    if not isinstance(result, Revision):
        raise ValidationError(_("Only a published entry is changed through a revision."))
    return result


def _linked_draft_organisations(record: Model, user) -> list[Organisation]:
    fk_name, children = ORGANISATION_LINKS.get(label_of(record), (None, None))
    if fk_name is None:
        return []
    ids = set(getattr(record, children).values_list("organisation_id", flat=True))
    if getattr(record, f"{fk_name}_id"):
        ids.add(getattr(record, f"{fk_name}_id"))
    drafts = Organisation.objects.filter(pk__in=ids, status__in=access.MANAGER_EDITABLE_STATUSES)
    return [organisation for organisation in drafts if access.user_manages(user, organisation)]


@transaction.atomic
def record_submit(*, record: Model, user, version: str | None = None) -> Model | Revision:
    """Send a draft (or a published record's pending change) to the moderators of its country.

    Organisations the manager created for the entry (new members, residents, the managing organisation) are
    submitted with it: each is then moderated by its own country's moderators.
    """
    locked = _lock(record)
    revision = open_revision(locked, lock=True)
    if not access.can_edit(user, locked):
        raise PermissionDenied(_("You do not manage this entry."))
    _check_version(locked, revision, version)
    if locked.status == PublicationStatus.PUBLISHED:
        if revision is None or revision.status != RevisionStatus.DRAFT:
            raise ValidationError(_("There is no change to send to the moderators."))
        if not revision_changes(revision):
            raise ValidationError(_("Nothing has been changed yet."))
        snapshot_validate(locked, revision.data["proposed"])
        revision.status = RevisionStatus.PENDING
        revision.submitted_at = timezone.now()
        revision.save()
        _notify_moderators(locked, revision=revision)
        return revision
    if locked.status not in access.MANAGER_EDITABLE_STATUSES:
        raise ValidationError(_("This entry has already been sent to the moderators."))
    locked.full_clean()
    if label_of(locked) in LOCATION_REQUIRED and locked.location is None:
        raise ValidationError({"location": _("Place the entry on the map before you submit it.")})
    for organisation in _linked_draft_organisations(locked, user):
        organisation.full_clean()
        _set_status(organisation, PublicationStatus.SUBMITTED, user)
        organisation.save()
        _notify_moderators(organisation)
    _set_status(locked, PublicationStatus.SUBMITTED, user)
    locked.save()
    _notify_moderators(locked)
    return locked


@transaction.atomic
def record_archive(*, record: Model, user) -> Model:
    """Take an entry out of the registry (and off the map); its history and revisions stay."""
    locked = _lock(record)
    if not (access.user_manages(user, locked) or access.is_administrator(user)):
        raise PermissionDenied(_("You do not manage this entry."))
    if locked.status == PublicationStatus.ARCHIVED:
        raise ValidationError(_("This entry is already archived."))
    revision = open_revision(locked, lock=True)
    if revision is not None:
        revision.status = RevisionStatus.WITHDRAWN
        revision.save()
    _set_status(locked, PublicationStatus.ARCHIVED, user)
    locked.save()
    return locked


# --- Moderation -------------------------------------------------------------------------
def _check_moderator(user, record: Model) -> None:
    if not access.moderates(user, record):
        raise PermissionDenied(_("You do not moderate entries of %(country)s.") % {"country": record.country})


@transaction.atomic
def record_approve(*, record: Model, moderator, version: str | None = None) -> Model:
    """Publish a submitted entry; its managers are told by e-mail."""
    locked = _lock(record)
    _check_moderator(moderator, locked)
    _check_version(locked, None, version)
    if locked.status != PublicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted entry can be approved."))
    locked.full_clean()
    _set_status(locked, PublicationStatus.PUBLISHED, moderator)
    locked.save()
    _approve_logos(locked)
    _decide(locked, action=ModerationAction.APPROVE, user=moderator)
    _notify_managers(locked, "moderation_approved")
    return locked


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the manager why: the reason is required.")})
    return reason


@transaction.atomic
def record_reject(*, record: Model, moderator, reason: str, version: str | None = None) -> Model:
    """Send a submitted entry back to its manager with the reason; they can edit and resubmit it."""
    reason = _reason(reason)
    locked = _lock(record)
    _check_moderator(moderator, locked)
    _check_version(locked, None, version)
    if locked.status != PublicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted entry can be rejected."))
    _set_status(locked, PublicationStatus.REJECTED, moderator)
    locked.save()
    _decide(locked, action=ModerationAction.REJECT, user=moderator, reason=reason)
    _notify_managers(locked, "moderation_rejected", reason=reason)
    return locked


def _lock_revision(revision: Revision) -> tuple[Revision, Model]:
    record = revision.content_type.model_class().objects.select_for_update().get(pk=revision.object_id)
    return Revision.objects.select_for_update().get(pk=revision.pk), record


@transaction.atomic
def revision_approve(*, revision: Revision, moderator, version: str | None = None) -> Model:
    """Apply a pending change to its published record: only the fields the manager changed.

    Refused (VersionConflict) when someone changed one of those fields since the change began: approving would
    silently undo their work.
    """
    revision, record = _lock_revision(revision)
    _check_moderator(moderator, record)
    _check_version(record, revision, version)
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError(_("Only a change waiting for a moderator can be approved."))
    changes = revision_changes(revision)
    base, current = revision.data["base"], snapshot(record)
    clashes = [key for key in changes if current.get(key) != base.get(key) and current.get(key) != changes[key]]
    if clashes:
        raise VersionConflict(version=record_version(record), current=current)
    _apply(record, changes)
    revision.status = RevisionStatus.APPROVED
    revision.decided_by = moderator
    revision.decided_at = timezone.now()
    revision.save()
    _approve_logos(record)
    _decide(record, action=ModerationAction.APPROVE, user=moderator, revision=revision)
    _notify_managers(record, "moderation_approved", revision=revision)
    return record


@transaction.atomic
def revision_reject(*, revision: Revision, moderator, reason: str, version: str | None = None) -> Revision:
    """Turn down a pending change; the record stays as approved and the manager keeps what they typed."""
    reason = _reason(reason)
    revision, record = _lock_revision(revision)
    _check_moderator(moderator, record)
    _check_version(record, revision, version)
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError(_("Only a change waiting for a moderator can be rejected."))
    revision.status = RevisionStatus.REJECTED
    revision.reason = reason
    revision.decided_by = moderator
    revision.decided_at = timezone.now()
    revision.full_clean()
    revision.save()
    _decide(record, action=ModerationAction.REJECT, user=moderator, reason=reason, revision=revision)
    _notify_managers(record, "moderation_rejected", reason=reason, revision=revision)
    return revision


# --- History ----------------------------------------------------------------------------
def history_events(record: Model):
    """The record's history, newest first, with the user and URL of each change (from pghistory's context)."""
    event_model = type(record).pgh_event_model
    return event_model.objects.filter(pgh_obj_id=record.pk).select_related("pgh_context").order_by("-pgh_id")


@transaction.atomic
def history_restore(*, record: Model, event_id: int, user) -> Model:
    """Put the record's fields back as they were after one event; the restore is itself a new history entry.

    The publication status stays as it is: restoring content never publishes or hides a record.
    """
    locked = _lock(record)
    if not access.moderates(user, locked):
        raise PermissionDenied(_("Only moderators of this country and administrators can restore versions."))
    event = history_events(locked).filter(pgh_id=event_id).first()
    if event is None:
        raise ValidationError(_("This version does not belong to this entry."))
    for field in scalar_fields(type(locked)):
        if hasattr(event, field.attname):
            setattr(locked, field.attname, getattr(event, field.attname))
    locked.full_clean()
    locked.save()
    return locked

"""Who may read and change a registry record, as the API and the pages ask it.

The rules themselves (managers by creation or grant, moderators by country, administrators) live in
`directory.access`; this module answers the questions views ask, in the same words for every endpoint and page.
Staff may read every record. A manager may create records (they start as drafts), read their own records in any
state, and change or delete them while they are still with the manager (draft or rejected); once submitted or
published, a record changes only through moderation (a revision). Moderators read the non-draft entries of their
countries. Nobody else sees a record that is not published.

Records without a publication workflow of their own (a cluster's memberships, a technopark's residencies) follow
the record they belong to: see `parent_of`.
"""

from django.db.models import Model, Q, QuerySet

from . import access
from .choices import PublicationStatus
from .models import PublishableModel

MANAGER_EDITABLE_STATUSES = access.MANAGER_EDITABLE_STATUSES


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def is_manager_of(user, record) -> bool:
    return access.user_manages(user, record)


def registry_record(record) -> PublishableModel | None:
    """The publishable record whose rules apply: the record itself, or the technopark or cluster it belongs to;
    None for anything else."""
    return access.owning_record(record)


def parent_of(record) -> PublishableModel:
    parent = registry_record(record)
    if parent is None:
        raise TypeError(f"{type(record).__name__} is not a registry record and has none above it")
    return parent


def can_view(user, record) -> bool:
    return access.can_view(user, parent_of(record))


def can_create(user) -> bool:
    """Any signed-in user may propose a record; it starts as a draft that only they and staff can see."""
    return bool(user is not None and user.is_authenticated)


def can_change(user, record) -> bool:
    record = parent_of(record)
    if is_staff(user):
        return True
    return access.user_manages(user, record) and record.status in MANAGER_EDITABLE_STATUSES


can_delete = can_change


def _model_at(model: type[Model], prefix: str) -> type[Model]:
    for part in [p for p in prefix.split("__") if p]:
        model = model._meta.get_field(part).related_model
    return model


def _has_country(model: type[Model]) -> bool:
    return any(field.name == "country" and field.many_to_one for field in model._meta.get_fields())


def visible_q(user, model: type[Model], prefix: str = "") -> Q:
    """The condition `can_view` expresses, for a queryset of `model`; `prefix` reaches a related record
    ("cluster__"), and `model` is then the model at the end of it."""
    if is_staff(user):
        return Q()
    condition = Q(**{f"{prefix}status": PublicationStatus.PUBLISHED})
    if user is not None and user.is_authenticated:
        condition |= access.managed_records_q(user, model, prefix)
        # Moderators work by country: a record without one (a call, a programme) is not theirs to read unpublished.
        if access.is_moderator(user) and _has_country(model):
            moderated = access.moderated_records_q(user, prefix) & ~Q(**{f"{prefix}status": PublicationStatus.DRAFT})
            condition |= moderated
    return condition


def visible_records(qs: QuerySet, user=None, prefix: str = "") -> QuerySet:
    """Records of `qs` the user may read; `prefix` when the rule applies to a related record."""
    condition = visible_q(user, _model_at(qs.model, prefix), prefix)
    return qs.filter(condition) if condition else qs

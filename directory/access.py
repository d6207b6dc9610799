"""Who manages and who moderates which registry record: the one place these rules are written.

Roles are groups and per-object rights, both managed in the admin:

- a **cluster manager** (group "Cluster managers") manages the organisations, clusters and technoparks they created
  (`created_by`) or were granted (an `ObjectGrant`, e.g. by accepting an invitation to co-edit);
- a **moderator** (group "Moderators") checks the entries of the countries in their `ModeratorScope` rows;
- a **partner** (group "Partners") reads and writes through API keys;
- an **administrator** is a superuser: every right, every country.

Records without a workflow of their own (a cluster's memberships, a technopark's residencies) follow the record
they belong to. The API's permissions and the pages both call these functions, so the two never disagree.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from .choices import PublicationStatus
from .models import ModeratorScope, ObjectGrant, PublishableModel

MANAGERS_GROUP = "Cluster managers"
MODERATORS_GROUP = "Moderators"
PARTNERS_GROUP = "Partners"
ROLE_GROUPS = (MANAGERS_GROUP, MODERATORS_GROUP, PARTNERS_GROUP)

# The states in which an entry is still with its manager and not with the moderators.
MANAGER_EDITABLE_STATUSES = frozenset({PublicationStatus.DRAFT, PublicationStatus.REJECTED})


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_administrator(user) -> bool:
    return _signed_in(user) and user.is_superuser


def owning_record(record) -> PublishableModel | None:
    """The publishable record whose rules apply: the record itself or the cluster/technopark it belongs to."""
    if isinstance(record, PublishableModel):
        return record
    for attribute in ("cluster", "technopark"):
        if getattr(record, f"{attribute}_id", None) is not None:
            return getattr(record, attribute)
    target = getattr(record, "target", None)  # a revision, an invitation, a logo
    return owning_record(target) if target is not None and target is not record else None


# --- Managers ----------------------------------------------------------------------
def user_manages(user, record) -> bool:
    """True when the user created the record (or the one it belongs to) or was granted the right to edit it."""
    record = owning_record(record)
    if record is None or record.pk is None or not _signed_in(user):
        return False
    if record.created_by_id == user.pk:
        return True
    return ObjectGrant.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).exists()


def managed_records_q(user, model: type[Model], prefix: str = "") -> Q:
    """The records of `model` the user manages, as a condition; `prefix` reaches a related record ("cluster__")."""
    if not _signed_in(user):
        return Q(pk__in=[])
    grants = ObjectGrant.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(model), object_id=OuterRef(f"{prefix}pk")
    )
    return Q(**{f"{prefix}created_by": user.pk}) | Q(Exists(grants))


def managed_records(user, qs: QuerySet) -> QuerySet:
    return qs.filter(managed_records_q(user, qs.model))


def managers_of(record) -> list:
    """Every user who manages the record: its creator and its co-editors (who get the moderators' decisions)."""
    from django.contrib.auth import get_user_model

    record = owning_record(record)
    user_model = get_user_model()
    grants = ObjectGrant.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).values("user_id")
    return list(user_model.objects.filter(Q(pk=record.created_by_id) | Q(pk__in=grants), is_active=True))


def can_edit(user, record) -> bool:
    """Managers edit their records unless archived (published ones through a revision); administrators always."""
    record = owning_record(record)
    if is_administrator(user):
        return True
    return user_manages(user, record) and record.status != PublicationStatus.ARCHIVED


# --- Moderators ----------------------------------------------------------------------
def moderated_country_ids(user) -> set[int] | None:
    """The countries the user moderates; None means every country (an administrator)."""
    if is_administrator(user):
        return None
    if not _signed_in(user) or not user.groups.filter(name=MODERATORS_GROUP).exists():
        return set()
    return set(ModeratorScope.objects.filter(user=user).values_list("country_id", flat=True))


def is_moderator(user) -> bool:
    countries = moderated_country_ids(user)
    return countries is None or bool(countries)


def moderates(user, record) -> bool:
    """True when the record lies in a country the user moderates (administrators moderate every country)."""
    record = owning_record(record)
    if record is None:
        return False
    countries = moderated_country_ids(user)
    return countries is None or record.country_id in countries


def moderated_records_q(user, prefix: str = "") -> Q:
    countries = moderated_country_ids(user)
    if countries is None:
        return Q()
    return Q(**{f"{prefix}country_id__in": sorted(countries)})


# --- Reading ------------------------------------------------------------------------
def can_view(user, record) -> bool:
    record = owning_record(record)
    return (
        record.status == PublicationStatus.PUBLISHED
        or user_manages(user, record)
        or moderates(user, record)
        or bool(_signed_in(user) and user.is_staff)
    )


# --- Grants (services) -----------------------------------------------------------------
@transaction.atomic
def grant_create(*, record, user, granted_by=None) -> ObjectGrant:
    """Give a user the right to edit a record; granting twice keeps the first grant."""
    record = owning_record(record)
    grant, _created = ObjectGrant.objects.get_or_create(
        user=user,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        defaults={"granted_by": granted_by},
    )
    return grant


@transaction.atomic
def moderator_scope_add(*, user, country, granted_by=None) -> ModeratorScope:
    """Make a user a moderator of a country (and a member of the Moderators group)."""
    group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    user.groups.add(group)
    scope, _created = ModeratorScope.objects.get_or_create(
        user=user, country=country, defaults={"granted_by": granted_by}
    )
    return scope


def role_groups_ensure() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS}

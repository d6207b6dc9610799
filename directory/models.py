"""Reference data (countries, blocs, regions, sectors), organisations, and what every registry record shares."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import BlocMembershipStatus, OrganisationKind, PublicationStatus, SectorLevel
from .i18n import localized


# --- Shared pieces ------------------------------------------------------------
class MultilingualNameModel(models.Model):
    """A name in the original language and in the portal's languages; shown with a fallback chain."""

    name_original = models.CharField(_("name (original language)"), max_length=300, blank=True)
    original_language = models.CharField(_("original language"), max_length=10, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)

    NAME_FIELDS = ("name_original", "name_en", "name_ru", "name_zh")

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return localized(self, "name")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @classmethod
    def name_required_constraint(cls, model_label: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=~Q(name_original="", name_en="", name_ru="", name_zh=""),
            name=f"{model_label}_has_a_name",
            violation_error_message=_("Give a name in at least one language."),
        )


class MultilingualDescriptionModel(models.Model):
    description_original = models.TextField(_("description (original language)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)

    class Meta:
        abstract = True

    @property
    def description(self) -> str:
        return localized(self, "description")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)


class PublishableModel(models.Model):
    """The publication workflow every registry record follows; only published records are public."""

    status = models.CharField(
        _("publication status"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Facts compiled from public sources and possibly approximate.")
    )
    source_note = models.TextField(_("source"), blank=True, help_text=_("Where the facts of this record come from."))

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


# --- Countries and blocs -------------------------------------------------------
class Country(MultilingualNameModel):
    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    iso_numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, unique=True)
    boundary = models.MultiPolygonField(_("boundary (simplified)"), srid=4326, null=True, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            MultilingualNameModel.name_required_constraint("country"),
            models.CheckConstraint(condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="country_iso2_format"),
            models.CheckConstraint(condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_format"),
        ]


class Bloc(MultilingualNameModel):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    abbreviation_en = models.CharField(_("abbreviation (English)"), max_length=20, blank=True)
    abbreviation_ru = models.CharField(_("abbreviation (Russian)"), max_length=20, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    countries = models.ManyToManyField(Country, through="BlocMembership", related_name="blocs")

    class Meta:
        ordering = ["code"]
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")
        constraints = [MultilingualNameModel.name_required_constraint("bloc")]

    @property
    def abbreviation(self) -> str:
        return localized(self, "abbreviation") or self.code.upper()


class BlocMembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))


class BlocMembership(models.Model):
    bloc = models.ForeignKey(Bloc, on_delete=models.CASCADE, related_name="memberships")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="bloc_memberships")
    status = models.CharField(_("status"), max_length=20, choices=BlocMembershipStatus.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = BlocMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["bloc", "joined_on", "country"]
        verbose_name = _("bloc membership")
        verbose_name_plural = _("bloc memberships")
        constraints = [
            models.UniqueConstraint(fields=["bloc", "country", "status", "joined_on"], name="bloc_membership_unique"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="bloc_membership_dates_ordered",
                violation_error_message=_("The date left cannot be before the date joined."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} — {self.bloc} ({self.get_status_display()})"


# --- Regions and sectors -------------------------------------------------------
class Region(MultilingualNameModel):
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="regions")
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=10, unique=True)
    source_code = models.CharField(
        _("code in the source dataset"),
        max_length=20,
        blank=True,
        help_text=_("Where the boundary source used an outdated or non-ISO code."),
    )
    boundary = models.MultiPolygonField(_("boundary (simplified)"), srid=4326, null=True, blank=True)
    label_point = models.PointField(_("label point"), srid=4326, null=True, blank=True)

    class Meta:
        ordering = ["country__iso2", "name_en"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [MultilingualNameModel.name_required_constraint("region")]


class Sector(MultilingualNameModel):
    """A NACE Rev. 2 section (letter) or division (two digits); OKVED 2 shares these codes."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=SectorLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    section_code = models.CharField(_("section"), max_length=1, db_index=True, editable=False)

    class Meta:
        ordering = ["section_code", "level", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            MultilingualNameModel.name_required_constraint("sector"),
            models.CheckConstraint(
                condition=Q(level=SectorLevel.SECTION, parent__isnull=True, code__regex=r"^[A-U]$")
                | Q(level=SectorLevel.DIVISION, parent__isnull=False, code__regex=r"^[0-9]{2}$"),
                name="sector_level_matches_code",
                violation_error_message=_(
                    "A section has a letter code and no parent; a division two digits and a section."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.section_code = self.code if self.parent_id is None else self.parent.code
        super().save(*args, **kwargs)


# --- Organisations ---------------------------------------------------------------
class Organisation(MultilingualNameModel, MultilingualDescriptionModel, PublishableModel):
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="organisations"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=400, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    registration_number = models.CharField(
        _("national registration number"),
        max_length=20,
        blank=True,
        help_text=_("INN (Russia), BIN (Kazakhstan), UNP (Belarus), or the country's equivalent."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="organisations")

    class Meta:
        ordering = ["name_en", "name_original"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            MultilingualNameModel.name_required_constraint("organisation"),
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                condition=~Q(registration_number=""),
                name="organisation_unique_registration_number",
                violation_error_message=_(
                    "An organisation with this registration number is already registered in this country."
                ),
            ),
        ]
        indexes = [
            GinIndex(name="organisation_name_en_trgm", fields=["name_en"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="organisation_name_ru_trgm", fields=["name_ru"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="organisation_name_orig_trgm", fields=["name_original"], opclasses=["gin_trgm_ops"]),
        ]

    def clean(self):
        from .validators import validate_registry_location

        validate_registry_location(self)


# --- API keys ----------------------------------------------------------------------
class ApiKeyScope(models.TextChoices):
    READ = "read", _("Read")
    READ_WRITE = "read_write", _("Read and write")


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiKey(models.Model):
    """A named key that staff issue to a partner; it acts as its user, within its scope, until revoked.

    Only a SHA-256 digest of the key is stored: the key itself is shown once, when it is issued. Keys are long
    random strings, so a fast digest is enough (there is no dictionary to attack, unlike a password).
    """

    name = models.CharField(_("name"), max_length=100, help_text=_("Who holds the key and what for."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as user"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    scope = models.CharField(_("scope"), max_length=12, choices=ApiKeyScope.choices, default=ApiKeyScope.READ)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    key_digest = models.CharField(_("key digest"), max_length=64, editable=False)
    throttle_rate = models.CharField(
        _("request rate"),
        max_length=20,
        blank=True,
        help_text=_("Overrides the default rate for this key, e.g. 3000/hour. Empty for the default."),
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.CheckConstraint(
                condition=Q(throttle_rate="")
                | Q(throttle_rate__regex=r"^[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)$"),
                name="api_key_throttle_rate_format",
                violation_error_message=_("Give the rate as a number of requests per second, minute, hour or day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    @property
    def can_write(self) -> bool:
        return self.scope == ApiKeyScope.READ_WRITE


# --- Access, revisions and history ---
# Who manages and moderates what, changes waiting for a moderator, logos, and the trigger-kept history of records.
import uuid  # noqa: E402

import pghistory  # noqa: E402
from django.contrib.contenttypes.fields import GenericForeignKey  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for a moderator")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")


def history_trackers() -> tuple:
    """What the history records of a tracked model: every insert, update and delete, by database triggers.

    A fresh set per model: pghistory fills a tracker's condition with the fields of the model it is set up on.
    """
    return (
        pghistory.InsertEvent(),
        # Saves that change nothing but the auto-updated timestamp are not worth a history entry.
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude_auto=True)),
        pghistory.DeleteEvent(),
    )


def track_history(model_name: str):
    """The class decorator that keeps a model's history in an event model of its own app."""
    return pghistory.track(*history_trackers(), model_name=model_name)


class RecordReference(models.Model):
    """A reference to a registry record of any app (organisation, cluster, technopark), by content type and id."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("record id"))
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True


class ModeratorScope(models.Model):
    """A country whose entries a moderator (ministry staff) checks before they go public."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moderator"), on_delete=models.CASCADE, related_name="moderator_scopes"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="moderator_scopes"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["user", "country"]
        verbose_name = _("moderator's country")
        verbose_name_plural = _("moderators' countries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "country"],
                name="moderator_scope_unique",
                violation_error_message=_("This user already moderates this country."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.country}"


class ObjectGrant(RecordReference):
    """The right of a user to edit one record they did not create (a co-editor)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("editor"), on_delete=models.CASCADE, related_name="object_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["content_type", "object_id", "user"]
        verbose_name = _("editor's right")
        verbose_name_plural = _("editors' rights")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"],
                name="object_grant_unique",
                violation_error_message=_("This user already edits this record."),
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="object_grant_target")]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type.model} #{self.object_id}"


class Invitation(RecordReference):
    """An invitation by e-mail to co-edit a record; only a digest of its token is stored."""

    email = models.EmailField(_("e-mail"))
    token_digest = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation to co-edit")
        verbose_name_plural = _("invitations to co-edit")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="invitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.content_type.model} #{self.object_id}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class Revision(RecordReference):
    """A change to a published record that waits for a moderator; the public keeps the approved version meanwhile.

    `data` holds the record as it was when the change began ("base") and as the manager wants it ("proposed"),
    so approval applies only what the manager changed and refuses when someone else changed the same fields.
    """

    data = models.JSONField(_("data"), default=dict)
    base_version = models.CharField(_("version edited"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT, db_index=True
    )
    reason = models.TextField(_("moderator's reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "created_at"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status__in=["draft", "pending"]),
                name="revision_one_open_per_record",
                violation_error_message=_("This record already has a change in progress."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="revision_rejection_has_reason",
                violation_error_message=_("Give the reason for the rejection."),
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="revision_target")]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id} ({self.get_status_display()})"


class ModerationDecision(RecordReference):
    """A moderator's decision on a submitted record or a revision, with the reason the manager is shown."""

    action = models.CharField(_("decision"), max_length=10, choices=ModerationAction.choices)
    revision = models.ForeignKey(
        Revision, verbose_name=_("revision"), null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="reject") | ~Q(reason=""),
                name="moderation_rejection_has_reason",
                violation_error_message=_("Give the reason for the rejection."),
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "-decided_at"], name="moderation_target")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.content_type.model} #{self.object_id}"


def logo_upload_to(instance, filename: str) -> str:
    # The stored name never comes from the uploader: the format is known after validation.
    return f"logos/{instance.content_type.model}/{instance.object_id}/{uuid.uuid4().hex}.{instance.extension}"


class RecordLogo(RecordReference):
    """A record's logo; an upload stays pending until the entry or the change that brought it is approved."""

    image = models.ImageField(_("logo"), upload_to=logo_upload_to)
    extension = models.CharField(_("format"), max_length=5, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("logo")
        verbose_name_plural = _("logos")
        indexes = [models.Index(fields=["content_type", "object_id", "-uploaded_at"], name="record_logo_target")]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}"


# History of organisations and of who may do what; clusters and technoparks keep theirs in their own apps.
OrganisationEvent = pghistory.create_event_model(
    Organisation, *history_trackers(), model_name="OrganisationEvent", abstract=False
)
ModeratorScopeEvent = pghistory.create_event_model(
    ModeratorScope, *history_trackers(), model_name="ModeratorScopeEvent", abstract=False
)
ObjectGrantEvent = pghistory.create_event_model(
    ObjectGrant, *history_trackers(), model_name="ObjectGrantEvent", abstract=False
)


# --- Task outbox ---
class OutboxTask(models.Model):
    """A background task the broker could not take when it was enqueued; sent again once the broker is back.

    The record's own transaction has already committed when a row is written here, so the follow-up work of a
    saved registration survives a Redis outage instead of being lost with the failed publish.
    """

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("positional arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox task")
        verbose_name_plural = _("outbox tasks")
        indexes = [models.Index(fields=["created_at"], name="outbox_task_created")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"

"""Clusters, their members, yearly indicators and quality labels."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import (
    Country,
    MultilingualDescriptionModel,
    MultilingualNameModel,
    Organisation,
    PublishableModel,
    Region,
    Sector,
    track_history,
)
from foresight.models import Priority

from .choices import AssessmentScheme, ClusterKind, MembershipRole
from .matching.choices import MatchingIndexStatus

year_validators = [MinValueValidator(1800), MaxValueValidator(2100)]


# --- Cluster ------------------------------------------------------------------------
@track_history("ClusterEvent")
class Cluster(MultilingualNameModel, MultilingualDescriptionModel, PublishableModel):
    kind = models.CharField(_("kind"), max_length=30, choices=ClusterKind.choices, default=ClusterKind.INNOVATION)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("A stable identifier from a national registry, used to update the record on re-import."),
    )
    specialised_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("specialised organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_clusters",
    )
    members = models.ManyToManyField(Organisation, through="Membership", related_name="clusters")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="clusters")
    regions = models.ManyToManyField(Region, verbose_name=_("regions covered"), blank=True, related_name="clusters")
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    primary_sector = models.ForeignKey(
        Sector,
        verbose_name=_("primary sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_clusters",
    )
    secondary_sectors = models.ManyToManyField(
        Sector, verbose_name=_("secondary sectors"), blank=True, related_name="secondary_clusters"
    )
    technologies = models.ManyToManyField(
        Priority, verbose_name=_("technologies and priorities"), blank=True, related_name="clusters"
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=year_validators
    )
    website = models.URLField(_("website"), blank=True)
    management_staff_fte = models.DecimalField(
        _("management staff (FTE)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    support_programmes = models.TextField(_("support programmes"), blank=True)
    accepts_partner_suggestions = models.BooleanField(
        _("appears in partner suggestions"),
        default=True,
        help_text=_("Untick to keep this cluster out of other clusters' suggested partners."),
    )

    class Meta:
        ordering = ["name_en", "name_original"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        constraints = [
            MultilingualNameModel.name_required_constraint("cluster"),
            models.CheckConstraint(
                condition=Q(management_staff_fte__isnull=True) | Q(management_staff_fte__gte=0),
                name="cluster_staff_not_negative",
            ),
        ]
        indexes = [
            GinIndex(name="cluster_name_en_trgm", fields=["name_en"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="cluster_name_ru_trgm", fields=["name_ru"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="cluster_name_orig_trgm", fields=["name_original"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["status", "country"], name="cluster_status_country"),
        ]

    def clean(self):
        from directory.validators import validate_registry_location

        validate_registry_location(self, region_field=None)
        if (
            self.pk
            and self.specialised_organisation_id
            and not self.memberships.filter(
                organisation_id=self.specialised_organisation_id, left_on__isnull=True
            ).exists()
        ):
            raise ValidationError(
                {"specialised_organisation": _("The specialised organisation must be a current member of the cluster.")}
            )


# --- Membership --------------------------------------------------------------------
@track_history("MembershipEvent")
class Membership(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=30, choices=MembershipRole.choices, default=MembershipRole.PARTICIPANT
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["cluster", "role", "organisation"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "organisation"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_per_organisation",
                violation_error_message=_("This organisation is already a member of the cluster."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_dates_ordered",
                violation_error_message=_("The date left cannot be before the date joined."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()} — {self.cluster}"


# --- Indicators, assessments, contacts -----------------------------------------------
class ClusterIndicator(models.Model):
    """One year of a cluster's figures; money in the currency given."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="indicators")
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("revenue"), max_digits=18, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. RUB, KZT, USD."))
    export_share = models.DecimalField(
        _("export share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    rd_spending = models.DecimalField(
        _("R&D spending"), max_digits=18, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    members_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    patents = models.PositiveIntegerField(_("patents"), null=True, blank=True)

    class Meta:
        ordering = ["cluster", "year"]
        verbose_name = _("yearly indicators")
        verbose_name_plural = _("yearly indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="cluster_indicator_one_per_year",
                violation_error_message=_("Indicators for this year are already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(export_share__isnull=True) | Q(export_share__gte=0, export_share__lte=100),
                name="cluster_indicator_export_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {self.year}"

    def clean(self):
        if (self.revenue is not None or self.rd_spending is not None) and not self.currency:
            raise ValidationError({"currency": _("Give the currency of the revenue and R&D spending.")})


class ClusterAssessment(models.Model):
    """A maturity level or quality label, with who assigned it and when."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="assessments")
    scheme = models.CharField(_("scheme"), max_length=30, choices=AssessmentScheme.choices)
    level = models.CharField(_("level or label"), max_length=100)
    assessed_by = models.CharField(_("assessed by"), max_length=200)
    assessed_on = models.DateField(_("assessed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["cluster", "-assessed_on"]
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("assessed_on")),
                name="cluster_assessment_dates_ordered",
                violation_error_message=_("A label cannot expire before it was assigned."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.level} ({self.assessed_by}, {self.assessed_on})"


class ContactPerson(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="contacts")
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cluster", "full_name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")

    def __str__(self) -> str:
        return self.full_name


# --- Matching index -------------------------------------------------------------------
class MatchingIndexVersion(models.Model):
    """One build of the partner-suggestion index; readers use the single active one, a rebuild fills a new one."""

    status = models.CharField(
        _("status"), max_length=10, choices=MatchingIndexStatus.choices, default=MatchingIndexStatus.BUILDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    snapshot_at = models.DateTimeField(_("data read at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    clusters_total = models.PositiveIntegerField(_("clusters"), default=0)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunk_size = models.PositiveIntegerField(_("clusters per chunk"), default=500)
    # Weights, k and thresholds in force when the build started, so every chunk and later update uses the same.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The engine's matrices and vocabularies at the snapshot, shared by the chunks and by later incremental updates.
    state = models.BinaryField(_("engine state"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matching index version")
        verbose_name_plural = _("matching index versions")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=MatchingIndexStatus.ACTIVE),
                name="matching_one_active_version",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=MatchingIndexStatus.BUILDING),
                name="matching_one_building_version",
                violation_error_message=_("A rebuild of the matching index is already running."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_status_display()})"


class MatchingIndexChunk(models.Model):
    """A slice of a rebuild that any worker can take; a row marks it done, so redelivery never counts twice."""

    version = models.ForeignKey(MatchingIndexVersion, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField(_("number"))
    done_at = models.DateTimeField(_("done at"), auto_now=True)
    # The entry floors of the chunk's lists, gathered into the version's when it goes live.
    floors = models.BinaryField(_("list floors"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="matching_chunk_unique"),
        ]


class MatchingListFloorsChange(models.Model):
    """A change to the scores the lists of a version ask of a newcomer (a list's k-th, or the minimum while it is
    shorter), by cluster: an incremental update reads these rather than every list a changed cluster might enter.

    The first change of a version holds every list's floor and is written as it goes live; each incremental update
    then appends the floors of the lists it rewrote, so it writes a few entries, not all of them. Applied in order
    of id they give the current floors, and a worker that has read up to one change reads only the later ones:
    changes of a live version are written under its update lock, so their ids grow in the order they commit.
    """

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(
        MatchingIndexVersion, on_delete=models.CASCADE, related_name="list_floors", db_index=False
    )
    data = models.BinaryField(_("list floors"), editable=False)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("change to the list floors of a matching index version")
        verbose_name_plural = _("changes to the list floors of matching index versions")
        indexes = [models.Index(fields=["version", "id"], name="matching_floors_by_version")]

    def __str__(self) -> str:
        return f"{self.version_id}.{self.pk}"


class PartnerSuggestion(models.Model):
    """A suggested partner for a cluster in one index version, with the component scores behind it.

    The table is partitioned by version (migration 0005): a rebuild copies its rows into a table of their own with
    no index or foreign key to maintain, builds those once, and attaches the table when the version goes live; a
    retired version is dropped as a whole. So the index below needs no version column: each partition holds one.
    """

    # Led by the cluster, the key also serves reading a cluster's list; a list is short enough to sort as read.
    pk = models.CompositePrimaryKey("cluster", "partner", "version")
    version = models.ForeignKey(
        MatchingIndexVersion, on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="partner_suggestions", db_index=False)
    partner = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.FloatField(_("score"))
    sector_score = models.FloatField(_("shared sectors"), default=0)
    technology_score = models.FloatField(_("shared technologies"), default=0)
    value_chain_score = models.FloatField(_("complementary value chains"), default=0)
    text_score = models.FloatField(_("similar descriptions"), default=0)
    members_score = models.FloatField(_("members' activities"), default=0)

    class Meta:
        ordering = ["version", "cluster", "-score"]
        verbose_name = _("partner suggestion")
        verbose_name_plural = _("partner suggestions")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="partner_suggestion_score_range"),
            models.CheckConstraint(condition=~Q(cluster=F("partner")), name="partner_suggestion_not_self"),
        ]
        indexes = [models.Index(fields=["partner"], name="partner_suggestion_by_partner")]

    def __str__(self) -> str:
        return f"{self.cluster_id} → {self.partner_id} ({self.score:.2f})"


class MatchingClusterState(models.Model):
    """Marks a cluster whose suggestions must be recomputed; the incremental task takes dirty rows in batches."""

    cluster = models.OneToOneField(Cluster, primary_key=True, on_delete=models.CASCADE, related_name="matching_state")
    dirty = models.BooleanField(_("needs reindexing"), default=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    indexed_at = models.DateTimeField(_("indexed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching state of a cluster")
        verbose_name_plural = _("matching states of clusters")
        indexes = [
            models.Index(fields=["changed_at"], name="matching_state_changed"),
            models.Index(fields=["cluster"], condition=Q(dirty=True), name="matching_state_dirty"),
        ]

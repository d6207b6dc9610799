"""Clusters, their members, yearly indicators and quality labels."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import (
    Country,
    MultilingualDescriptionModel,
    MultilingualNameModel,
    Organisation,
    PublishableModel,
    Region,
    Sector,
)
from foresight.models import Priority

from .choices import AssessmentScheme, ClusterKind, MembershipRole

year_validators = [MinValueValidator(1800), MaxValueValidator(2100)]


# --- Cluster ------------------------------------------------------------------------
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

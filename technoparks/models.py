"""Technoparks and related infrastructure, their residents, and membership of the SCO Pool."""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
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

from .choices import PoolStatus, TechnoparkKind, TechnoparkService

# (total field, free field) pairs: free capacity can never exceed the total.
CAPACITY_PAIRS = [
    ("land_total_ha", "land_free_ha"),
    ("premises_total_m2", "premises_free_m2"),
    ("electricity_total_mw", "electricity_free_mw"),
    ("gas_total_m3h", "gas_free_m3h"),
    ("water_total_m3d", "water_free_m3d"),
    ("heat_total_gcalh", "heat_free_gcalh"),
]


def _amount(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )


# --- Technopark ------------------------------------------------------------------------
class Technopark(MultilingualNameModel, MultilingualDescriptionModel, PublishableModel):
    kind = models.CharField(_("kind"), max_length=30, choices=TechnoparkKind.choices, default=TechnoparkKind.TECHNOPARK)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("A stable identifier from a national registry, used to update the record on re-import."),
    )
    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="operated_technoparks",
    )
    residents = models.ManyToManyField(Organisation, through="Residency", related_name="technoparks")
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="technoparks"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="technoparks"
    )
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="technoparks")
    technologies = models.ManyToManyField(
        Priority, verbose_name=_("technologies and priorities"), blank=True, related_name="technoparks"
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    website = models.URLField(_("website"), blank=True)
    area_m2 = _amount(_("area (m²)"))
    services = ArrayField(
        models.CharField(max_length=30, choices=TechnoparkService.choices),
        verbose_name=_("services offered"),
        default=list,
        blank=True,
    )
    sandbox_available = models.BooleanField(_("experimental legal regime available"), default=False)
    sandbox_description = models.TextField(_("experimental legal regime"), blank=True)

    # What an investor looks for (after Russia's industrial-park registry).
    land_total_ha = _amount(_("land, total (ha)"))
    land_free_ha = _amount(_("land, free (ha)"))
    premises_total_m2 = _amount(_("premises, total (m²)"))
    premises_free_m2 = _amount(_("premises, free (m²)"))
    rent_rate_m2_year = _amount(_("rent per m² per year"))
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. RUB, KZT, USD."))
    electricity_total_mw = _amount(_("electricity, total (MW)"))
    electricity_free_mw = _amount(_("electricity, free (MW)"))
    gas_total_m3h = _amount(_("gas, total (m³/h)"))
    gas_free_m3h = _amount(_("gas, free (m³/h)"))
    water_total_m3d = _amount(_("water, total (m³/day)"))
    water_free_m3d = _amount(_("water, free (m³/day)"))
    heat_total_gcalh = _amount(_("heat, total (Gcal/h)"))
    heat_free_gcalh = _amount(_("heat, free (Gcal/h)"))
    tax_incentives = models.TextField(_("tax incentives"), blank=True)
    customs_incentives = models.TextField(_("customs incentives"), blank=True)
    distance_regional_centre_km = _amount(_("distance to the regional centre (km)"))
    distance_rail_km = _amount(_("distance to rail (km)"))
    distance_highway_km = _amount(_("distance to a highway (km)"))
    distance_airport_km = _amount(_("distance to an international airport (km)"))
    investment_total = models.DecimalField(
        _("investment made"), max_digits=18, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    residents_reported = models.PositiveIntegerField(_("residents (reported)"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created"), null=True, blank=True)

    class Meta:
        ordering = ["name_en", "name_original"]
        verbose_name = _("technopark")
        verbose_name_plural = _("technoparks")
        constraints = [
            MultilingualNameModel.name_required_constraint("technopark"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{free}__isnull": True})
                    | Q(**{f"{total}__isnull": True})
                    | Q(**{f"{free}__lte": F(total)}),
                    name=f"technopark_{free}_within_total",
                    violation_error_message=_("Free capacity cannot exceed the total."),
                )
                for total, free in CAPACITY_PAIRS
            ],
        ]
        indexes = [
            GinIndex(name="technopark_name_en_trgm", fields=["name_en"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="technopark_name_ru_trgm", fields=["name_ru"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="technopark_name_orig_trgm", fields=["name_original"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["status", "country"], name="technopark_status_country"),
        ]

    def clean(self):
        from directory.validators import validate_registry_location

        errors = {}
        try:
            validate_registry_location(self)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        for total, free in CAPACITY_PAIRS:
            total_value, free_value = getattr(self, total), getattr(self, free)
            if total_value is not None and free_value is not None and free_value > total_value:
                errors[free] = [_("Free capacity cannot exceed the total.")]
        if self.sandbox_description and not self.sandbox_available:
            errors["sandbox_available"] = [_("Tick this box when you describe an experimental legal regime.")]
        if self.rent_rate_m2_year is not None and not self.currency:
            errors["currency"] = [_("Give the currency of the rent rate.")]
        if errors:
            raise ValidationError(errors)


# --- Residency ------------------------------------------------------------------------
class Residency(models.Model):
    technopark = models.ForeignKey(Technopark, on_delete=models.CASCADE, related_name="residencies")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="residencies")
    started_on = models.DateField(_("resident since"), null=True, blank=True)
    ended_on = models.DateField(_("resident until"), null=True, blank=True)

    class Meta:
        ordering = ["technopark", "organisation"]
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [
            models.UniqueConstraint(
                fields=["technopark", "organisation"],
                condition=Q(ended_on__isnull=True),
                name="residency_one_current_per_organisation",
                violation_error_message=_("This organisation is already a resident of the technopark."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="residency_dates_ordered",
                violation_error_message=_("A residency cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.technopark}"


# --- SCO Pool membership ----------------------------------------------------------------
class PoolMembership(models.Model):
    """A technopark or a cluster nominated by a member state to the SCO Pool (SCO decision no. 136, 2021)."""

    technopark = models.ForeignKey(
        Technopark, null=True, blank=True, on_delete=models.CASCADE, related_name="pool_memberships"
    )
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="pool_memberships"
    )
    nominated_by = models.ForeignKey(
        Country, verbose_name=_("nominated by"), on_delete=models.PROTECT, related_name="pool_nominations"
    )
    nominated_on = models.DateField(_("nominated on"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PoolStatus.choices, default=PoolStatus.NOMINATED)

    class Meta:
        ordering = ["nominated_by", "-admitted_on"]
        verbose_name = _("SCO Pool membership")
        verbose_name_plural = _("SCO Pool memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(technopark__isnull=False, cluster__isnull=True)
                | Q(technopark__isnull=True, cluster__isnull=False),
                name="pool_membership_one_subject",
                violation_error_message=_("A Pool membership is for one technopark or one cluster."),
            ),
            models.UniqueConstraint(
                fields=["technopark"], condition=Q(technopark__isnull=False), name="pool_membership_one_per_technopark"
            ),
            models.UniqueConstraint(
                fields=["cluster"], condition=Q(cluster__isnull=False), name="pool_membership_one_per_cluster"
            ),
            models.CheckConstraint(
                condition=Q(admitted_on__isnull=True)
                | Q(nominated_on__isnull=True)
                | Q(admitted_on__gte=F("nominated_on")),
                name="pool_membership_dates_ordered",
                violation_error_message=_("Admission cannot come before nomination."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PoolStatus.ADMITTED) | Q(admitted_on__isnull=False),
                name="pool_membership_admitted_has_date",
                violation_error_message=_("An admitted member needs its admission date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technopark or self.cluster} ({self.get_status_display()})"

    def clean(self):
        subject = self.technopark or self.cluster
        if subject is not None and self.nominated_by_id and subject.country_id != self.nominated_by_id:
            raise ValidationError(
                {"nominated_by": _("A member state nominates only technoparks and clusters on its own territory.")}
            )

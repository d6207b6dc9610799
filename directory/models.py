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

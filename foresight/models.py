"""The S&T priority taxonomy, national and common priority lists, trends, smart specialisation and S&T statistics."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.i18n import localized
from directory.models import (
    Bloc,
    Country,
    MultilingualDescriptionModel,
    MultilingualNameModel,
    Organisation,
    Region,
    Sector,
)

from .choices import (
    GoalStatus,
    IndicatorManual,
    IndicatorUnit,
    PriorityLevel,
    PriorityListScope,
    StakeholderHelix,
    SwotKind,
    TrendImpact,
)

# A node's level and the level its parent must have.
PARENT_LEVEL = {
    PriorityLevel.AREA: None,
    PriorityLevel.PRIORITY: PriorityLevel.AREA,
    PriorityLevel.TECHNOLOGY: PriorityLevel.PRIORITY,
}

year_validators = [MinValueValidator(1900), MaxValueValidator(2100)]
STRENGTH_MIN, STRENGTH_MAX = 1, 5
strength_validators = [MinValueValidator(STRENGTH_MIN), MaxValueValidator(STRENGTH_MAX)]


# --- Taxonomy ---------------------------------------------------------------------------
class Priority(MultilingualNameModel, MultilingualDescriptionModel):
    """A node of the taxonomy tree: area → priority → critical technology."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=PriorityLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    source_note = models.TextField(
        _("source"), blank=True, help_text=_("The published documents this node is taken from.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("priority or technology")
        verbose_name_plural = _("priorities and technologies")
        constraints = [
            MultilingualNameModel.name_required_constraint("priority"),
            models.CheckConstraint(
                condition=models.Q(level=PriorityLevel.AREA, parent__isnull=True)
                | (~models.Q(level=PriorityLevel.AREA) & models.Q(parent__isnull=False)),
                name="priority_parent_matches_level",
                violation_error_message=_("An area has no parent; a priority or technology has one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("foresight:priority-detail", args=[self.code])

    def clean(self):
        expected = PARENT_LEVEL.get(self.level)
        if self.parent is not None and self.parent.level != expected:
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit under a %(parent)s.")
                    % {"level": self.get_level_display(), "parent": PriorityLevel(expected).label if expected else "—"}
                }
            )
        if self.parent is None and expected is not None:
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit under a %(parent)s.")
                    % {"level": self.get_level_display(), "parent": PriorityLevel(expected).label}
                }
            )
        if self.pk and self.parent is not None and self.pk in self.parent.ancestor_ids(include_self=True):
            raise ValidationError({"parent": _("A node cannot sit under itself or one of its own descendants.")})

    def ancestor_ids(self, *, include_self: bool = False) -> list[int]:
        ids, node = ([self.pk] if include_self else []), self.parent
        while node is not None:
            ids.append(node.pk)
            node = node.parent
        return ids


# --- Priority lists ------------------------------------------------------------------------
class PriorityList(MultilingualNameModel):
    """A country's national list of S&T priorities or a bloc's agreed common list, as adopted."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=PriorityListScope.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="priority_lists",
    )
    bloc = models.ForeignKey(
        Bloc, verbose_name=_("bloc"), null=True, blank=True, on_delete=models.PROTECT, related_name="priority_lists"
    )
    year_adopted = models.PositiveSmallIntegerField(_("year adopted"), validators=year_validators)
    source_document = models.CharField(_("source document"), max_length=500)
    source_url = models.URLField(_("source address"), blank=True)
    is_current = models.BooleanField(
        _("current"), default=True, help_text=_("Untick when a newer list has replaced this one.")
    )
    is_approximate = models.BooleanField(
        _("approximate"),
        default=False,
        help_text=_("The wording is summarised or translated rather than quoted from the official text."),
    )
    priorities = models.ManyToManyField(
        Priority, through="PriorityListEntry", related_name="priority_lists", verbose_name=_("priorities")
    )

    class Meta:
        ordering = ["scope", "country__name_en", "bloc__code", "-year_adopted"]
        verbose_name = _("priority list")
        verbose_name_plural = _("priority lists")
        constraints = [
            MultilingualNameModel.name_required_constraint("priority_list"),
            models.CheckConstraint(
                condition=Q(scope=PriorityListScope.NATIONAL, country__isnull=False, bloc__isnull=True)
                | Q(scope=PriorityListScope.COMMON, country__isnull=True, bloc__isnull=False),
                name="priority_list_owner_matches_scope",
                violation_error_message=_("A national list belongs to a country; a common list to a bloc."),
            ),
        ]

    @property
    def owner(self):
        return self.country if self.scope == PriorityListScope.NATIONAL else self.bloc

    def get_absolute_url(self) -> str:
        return reverse("foresight:list-detail", args=[self.code])

    def clean(self):
        if self.scope == PriorityListScope.NATIONAL and (self.country_id is None or self.bloc_id is not None):
            raise ValidationError({"country": _("A national list belongs to a country and to no bloc.")})
        if self.scope == PriorityListScope.COMMON and (self.bloc_id is None or self.country_id is not None):
            raise ValidationError({"bloc": _("A common list belongs to a bloc and to no country.")})


class PriorityListEntry(models.Model):
    """A priority as a list names it: the taxonomy node and the list's own wording."""

    priority_list = models.ForeignKey(PriorityList, on_delete=models.CASCADE, related_name="entries")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="list_entries")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    wording = models.TextField(_("wording in the document"), blank=True)

    class Meta:
        ordering = ["priority_list", "position", "priority__code"]
        verbose_name = _("priority list entry")
        verbose_name_plural = _("priority list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["priority_list", "priority"],
                name="priority_list_entry_unique",
                violation_error_message=_("This priority is already in the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority_list} — {self.priority.code}"


# --- Trends -------------------------------------------------------------------------------
class Trend(MultilingualNameModel, MultilingualDescriptionModel):
    """A long-term S&T trend watched by the foresight system, with the signals that show it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"), validators=year_validators)
    impact = models.CharField(_("impact"), max_length=15, choices=TrendImpact.choices, default=TrendImpact.MEDIUM)
    priorities = models.ManyToManyField(Priority, verbose_name=_("priorities"), blank=True, related_name="trends")
    is_demo = models.BooleanField(_("demo data"), default=False)
    source_note = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["horizon_year", "code"]
        verbose_name = _("trend")
        verbose_name_plural = _("trends")
        constraints = [MultilingualNameModel.name_required_constraint("trend")]

    def get_absolute_url(self) -> str:
        return reverse("foresight:trend-detail", args=[self.code])


class TrendSignal(models.Model):
    trend = models.ForeignKey(Trend, on_delete=models.CASCADE, related_name="signals")
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=300)
    url = models.URLField(_("address"), blank=True)
    observed_on = models.DateField(_("date"))

    class Meta:
        ordering = ["trend", "-observed_on"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            models.UniqueConstraint(fields=["trend", "title", "observed_on"], name="trend_signal_unique"),
        ]

    def __str__(self) -> str:
        return self.title


# --- Smart specialisation ---------------------------------------------------------------
class SpecialisationProfile(models.Model):
    """A region's smart specialisation: chosen priorities and sectors, stakeholders, goals and SWOT."""

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="specialisation_profile"
    )
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    strategy_document = models.CharField(_("strategy document"), max_length=500, blank=True)
    adopted_year = models.PositiveSmallIntegerField(
        _("year adopted"), null=True, blank=True, validators=year_validators
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Facts compiled from public sources and possibly approximate.")
    )
    source_note = models.TextField(_("source"), blank=True)
    priorities = models.ManyToManyField(
        Priority, through="SpecialisationPriority", related_name="specialisation_profiles", verbose_name=_("priorities")
    )
    sectors = models.ManyToManyField(
        Sector, through="SpecialisationSector", related_name="specialisation_profiles", verbose_name=_("sectors")
    )

    class Meta:
        ordering = ["region__country__iso2", "region__name_en"]
        verbose_name = _("smart specialisation profile")
        verbose_name_plural = _("smart specialisation profiles")

    def __str__(self) -> str:
        return str(self.region)

    def get_absolute_url(self) -> str:
        return reverse("foresight:profile-detail", args=[self.region.iso_code])

    @property
    def summary(self) -> str:
        return localized(self, "summary")


class SpecialisationPriority(models.Model):
    profile = models.ForeignKey(SpecialisationProfile, on_delete=models.CASCADE, related_name="priority_choices")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="specialisations")
    strength = models.PositiveSmallIntegerField(
        _("strength"), validators=strength_validators, help_text=_("1 (emerging) to 5 (leading).")
    )
    rationale_en = models.TextField(_("rationale (English)"), blank=True)
    rationale_ru = models.TextField(_("rationale (Russian)"), blank=True)

    class Meta:
        ordering = ["profile", "-strength", "priority__code"]
        verbose_name = _("specialisation priority")
        verbose_name_plural = _("specialisation priorities")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "priority"],
                name="specialisation_priority_unique",
                violation_error_message=_("The region has already chosen this priority."),
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=STRENGTH_MIN, strength__lte=STRENGTH_MAX),
                name="specialisation_priority_strength_range",
                violation_error_message=_("The strength is a score from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} — {self.priority} ({self.strength})"

    @property
    def rationale(self) -> str:
        return localized(self, "rationale")


class SpecialisationSector(models.Model):
    profile = models.ForeignKey(SpecialisationProfile, on_delete=models.CASCADE, related_name="sector_choices")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="specialisations")
    strength = models.PositiveSmallIntegerField(
        _("strength"), validators=strength_validators, help_text=_("1 (emerging) to 5 (leading).")
    )
    rationale_en = models.TextField(_("rationale (English)"), blank=True)
    rationale_ru = models.TextField(_("rationale (Russian)"), blank=True)

    class Meta:
        ordering = ["profile", "-strength", "sector__code"]
        verbose_name = _("specialisation sector")
        verbose_name_plural = _("specialisation sectors")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "sector"],
                name="specialisation_sector_unique",
                violation_error_message=_("The region has already chosen this sector."),
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=STRENGTH_MIN, strength__lte=STRENGTH_MAX),
                name="specialisation_sector_strength_range",
                violation_error_message=_("The strength is a score from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} — {self.sector} ({self.strength})"

    @property
    def rationale(self) -> str:
        return localized(self, "rationale")


class Stakeholder(models.Model):
    """A member of the region's stakeholder group, with its current and agreed role (one of them leads)."""

    profile = models.ForeignKey(SpecialisationProfile, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=300)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="specialisation_roles",
    )
    helix = models.CharField(_("side"), max_length=15, choices=StakeholderHelix.choices)
    current_role = models.TextField(_("current role"), blank=True)
    agreed_role = models.TextField(_("agreed role"), blank=True)
    is_leader = models.BooleanField(
        _("leader"), default=False, help_text=_("Answers for the results of the regional agenda; one per region.")
    )

    class Meta:
        ordering = ["profile", "-is_leader", "helix", "name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(is_leader=True),
                name="stakeholder_one_leader_per_profile",
                violation_error_message=_("The region's stakeholder group already has a leader."),
            ),
            models.UniqueConstraint(fields=["profile", "name"], name="stakeholder_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class SpecialisationGoal(models.Model):
    profile = models.ForeignKey(SpecialisationProfile, on_delete=models.CASCADE, related_name="goals")
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    title_en = models.CharField(_("goal (English)"), max_length=400, blank=True)
    title_ru = models.CharField(_("goal (Russian)"), max_length=400, blank=True)
    target = models.CharField(_("measurable target"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), null=True, blank=True, on_delete=models.SET_NULL, related_name="goals"
    )

    class Meta:
        ordering = ["profile", "-year", "title_en"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="", title_ru=""),
                name="specialisation_goal_has_a_title",
                violation_error_message=_("Give the goal in at least one language."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")


class SwotItem(models.Model):
    profile = models.ForeignKey(SpecialisationProfile, on_delete=models.CASCADE, related_name="swot_items")
    kind = models.CharField(_("kind"), max_length=12, choices=SwotKind.choices)
    text_en = models.CharField(_("text (English)"), max_length=400, blank=True)
    text_ru = models.CharField(_("text (Russian)"), max_length=400, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["profile", "kind", "position"]
        verbose_name = _("SWOT item")
        verbose_name_plural = _("SWOT items")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text_en="", text_ru=""),
                name="swot_item_has_text",
                violation_error_message=_("Give the text in at least one language."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return localized(self, "text")


# --- S&T statistics ------------------------------------------------------------------------
def unit_label(unit: str) -> str:
    return str(dict(IndicatorUnit.choices).get(unit, unit))


class Indicator(MultilingualNameModel, MultilingualDescriptionModel):
    """A statistical indicator of science and innovation, defined by the manual it follows."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    unit = models.CharField(_("unit"), max_length=20, choices=IndicatorUnit.choices)
    manual = models.CharField(_("manual"), max_length=10, choices=IndicatorManual.choices)
    source = models.CharField(_("usual source"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("S&T indicator")
        verbose_name_plural = _("S&T indicators")
        constraints = [MultilingualNameModel.name_required_constraint("indicator")]


class IndicatorValue(models.Model):
    """One year of an indicator for a country or for a region; a series keeps one unit throughout."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20, choices=IndicatorUnit.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_approximate = models.BooleanField(_("approximate"), default=False)

    class Meta:
        ordering = ["indicator", "country", "region", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False, region__isnull=True) | Q(country__isnull=True, region__isnull=False),
                name="indicator_value_one_area",
                violation_error_message=_("A value belongs to a country or to a region, not both."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "country", "year"],
                condition=Q(region__isnull=True),
                name="indicator_value_unique_country_year",
                violation_error_message=_("This country already has a value for this indicator and year."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "year"],
                condition=Q(country__isnull=True),
                name="indicator_value_unique_region_year",
                violation_error_message=_("This region already has a value for this indicator and year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area} {self.year}: {self.value}"

    @property
    def area(self):
        return self.region if self.region_id else self.country

    def series(self):
        """The other values of the same indicator for the same country or region."""
        area = {"region_id": self.region_id} if self.region_id else {"country_id": self.country_id, "region": None}
        return IndicatorValue.objects.filter(indicator_id=self.indicator_id, **area).exclude(pk=self.pk)

    def clean(self):
        if bool(self.country_id) == bool(self.region_id):
            raise ValidationError(_("A value belongs to a country or to a region, not both."))
        other_unit = self.series().exclude(unit=self.unit).values_list("unit", flat=True).first()
        if other_unit:
            raise ValidationError(
                {
                    "unit": _("This series is recorded in “%(other)s”; a value in “%(unit)s” cannot join it.")
                    % {"other": unit_label(other_unit), "unit": unit_label(self.unit)}
                }
            )

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
    track_history,
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
@track_history("TechnoparkEvent")
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
@track_history("ResidencyEvent")
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


# --- SCO Pool: Managing Commission ---
# The Commission's rules come from the Concept of the SCO Pool of technoparks and innovation clusters (SCO decision
# no. 136, 2021): one representative per member state, consensus decisions that are recommendatory, a regular meeting
# in the presiding state, and work-plan deadlines counted back from the meeting date.
from dateutil.relativedelta import relativedelta  # noqa: E402
from django.conf import settings  # noqa: E402

from .pool_choices import (  # noqa: E402
    DecisionOutcome,
    DocumentKind,
    MeetingKind,
    MeetingStatus,
    Position,
    ProposalStatus,
    WorkPlanStatus,
)

# Months before a meeting by which each step is due ("no later than three / two months before").
PROPOSALS_DUE_MONTHS = 3
DRAFT_PLAN_DUE_MONTHS = 2
DRAFT_AGENDA_DUE_MONTHS = 2


class PoolCommission(MultilingualNameModel):
    """The Managing Commission of the SCO Pool, the Pool's working body."""

    established_on = models.DateField(_("established on"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Managing Commission")
        verbose_name_plural = _("Managing Commissions")
        constraints = [MultilingualNameModel.name_required_constraint("pool_commission")]


class CommissionRepresentative(models.Model):
    """A member state's representative on the Commission; a state has at most one at a time."""

    commission = models.ForeignKey(PoolCommission, on_delete=models.CASCADE, related_name="representatives")
    country = models.ForeignKey(
        Country, verbose_name=_("member state"), on_delete=models.PROTECT, related_name="pool_representatives"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pool_representations",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("served until"), null=True, blank=True)

    class Meta:
        ordering = ["commission", "country__name_en", "-appointed_on"]
        verbose_name = _("Commission representative")
        verbose_name_plural = _("Commission representatives")
        permissions = [("run_commission", _("Can run the Managing Commission's meetings (secretariat)"))]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "country"],
                condition=Q(ended_on__isnull=True),
                name="commission_one_representative_per_state",
                violation_error_message=_("This member state already has a representative on the Commission."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("appointed_on")),
                name="commission_representative_dates_ordered",
                violation_error_message=_("A representative cannot leave before being appointed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.country})"


class CommissionMeeting(models.Model):
    commission = models.ForeignKey(PoolCommission, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=15, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    presiding_country = models.ForeignKey(
        Country,
        verbose_name=_("presiding state"),
        on_delete=models.PROTECT,
        related_name="presided_pool_meetings",
        help_text=_("The state presiding in the SCO Council of Heads of Government."),
    )
    host_country = models.ForeignKey(
        Country,
        verbose_name=_("held in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_pool_meetings",
        help_text=_("Leave empty for an extraordinary meeting at the SCO Secretariat."),
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    held_on = models.DateField(_("meeting date"))
    council_meeting_on = models.DateField(
        _("Council of Heads of Government meets on"),
        null=True,
        blank=True,
        help_text=_("The Commission meets before the Council."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("Commission meeting")
        verbose_name_plural = _("Commission meetings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=MeetingKind.REGULAR) | Q(host_country=F("presiding_country")),
                name="commission_regular_meeting_in_presiding_state",
                violation_error_message=_("A regular meeting is held in the presiding state."),
            ),
            models.CheckConstraint(
                condition=Q(council_meeting_on__isnull=True) | Q(council_meeting_on__gt=F("held_on")),
                name="commission_meeting_before_council",
                violation_error_message=_("The Commission meets before the Council of Heads of Government."),
            ),
        ]

    def __str__(self) -> str:
        place = self.city or self.host_country or _("SCO Secretariat")
        return f"{self.get_kind_display()}, {place}, {self.held_on:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.kind == MeetingKind.REGULAR and self.presiding_country_id:
            if self.host_country_id is None:
                self.host_country_id = self.presiding_country_id
            elif self.host_country_id != self.presiding_country_id:
                errors["host_country"] = [_("A regular meeting is held in the presiding state.")]
        if self.council_meeting_on and self.held_on and self.council_meeting_on <= self.held_on:
            errors["council_meeting_on"] = [_("The Commission meets before the Council of Heads of Government.")]
        if errors:
            raise ValidationError(errors)

    # The deadlines, counted back from the meeting date; each date is the last day the step is on time.
    @property
    def proposals_due(self):
        return self.held_on - relativedelta(months=PROPOSALS_DUE_MONTHS)

    @property
    def draft_plan_due(self):
        return self.held_on - relativedelta(months=DRAFT_PLAN_DUE_MONTHS)

    @property
    def draft_agenda_due(self):
        return self.held_on - relativedelta(months=DRAFT_AGENDA_DUE_MONTHS)

    def due_date_for(self, kind: str):
        """The last day a document of this kind may be sent out, or None when it has no deadline."""
        return {
            DocumentKind.DRAFT_WORK_PLAN: self.draft_plan_due,
            DocumentKind.DRAFT_AGENDA: self.draft_agenda_due,
            DocumentKind.DRAFT_PROTOCOL: self.draft_agenda_due,
        }.get(kind)


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(CommissionMeeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="pool/meetings/%Y/", blank=True)
    sent_on = models.DateField(_("sent to the parties on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "sent_on", "id"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title


class WorkPlanProposal(models.Model):
    """A party's proposal for the annual work plan, due to the chair three months before the meeting."""

    meeting = models.ForeignKey(CommissionMeeting, on_delete=models.CASCADE, related_name="proposals")
    country = models.ForeignKey(Country, verbose_name=_("party"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=15, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )

    class Meta:
        ordering = ["meeting", "country__name_en", "submitted_on"]
        verbose_name = _("work-plan proposal")
        verbose_name_plural = _("work-plan proposals")

    def __str__(self) -> str:
        return f"{self.country}: {self.title}"


class WorkPlan(models.Model):
    """The Commission's annual work plan: the chair's draft, then the plan approved by consensus at the meeting."""

    meeting = models.OneToOneField(CommissionMeeting, on_delete=models.CASCADE, related_name="work_plan")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=15, choices=WorkPlanStatus.choices, default=WorkPlanStatus.DRAFT)
    draft_sent_on = models.DateField(_("draft sent to the parties on"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=WorkPlanStatus.APPROVED) | Q(approved_on__isnull=False),
                name="work_plan_approved_has_date",
            )
        ]

    def __str__(self) -> str:
        return str(_("Work plan for %(year)s") % {"year": self.year})


class WorkPlanItem(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    proposal = models.ForeignKey(
        WorkPlanProposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items"
    )
    title = models.CharField(_("activity"), max_length=300)
    responsible_country = models.ForeignKey(
        Country, verbose_name=_("responsible party"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_by = models.CharField(_("term"), max_length=100, blank=True)

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("work-plan item")
        verbose_name_plural = _("work-plan items")

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision put to the Commission: adopted only by consensus, and recommendatory when adopted."""

    meeting = models.ForeignKey(CommissionMeeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    work_plan = models.OneToOneField(
        WorkPlan,
        verbose_name=_("approves the work plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_decision",
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=DecisionOutcome.choices, default=DecisionOutcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    protocol_entry = models.TextField(_("protocol entry"), blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("Commission decision")
        verbose_name_plural = _("Commission decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="decision_unique_number",
                violation_error_message=_("The meeting already has a decision with this number."),
            ),
            models.CheckConstraint(
                condition=Q(outcome=DecisionOutcome.PENDING) | Q(decided_on__isnull=False),
                name="decision_outcome_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.number}. {self.title}"

    @property
    def is_recommendatory(self) -> bool:
        # Every decision of the Commission is a recommendation (decision no. 136, section 5).
        return True


class DecisionPosition(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="positions")
    country = models.ForeignKey(Country, verbose_name=_("member state"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    representative = models.ForeignKey(
        CommissionRepresentative, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["decision", "country__name_en"]
        verbose_name = _("member state's position")
        verbose_name_plural = _("member states' positions")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "country"],
                name="decision_one_position_per_state",
                violation_error_message=_("This member state's position on the decision is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.get_position_display()}"


class CommissionReport(models.Model):
    """A report on the Commission's work, provided to the parties through the SCO Secretariat."""

    commission = models.ForeignKey(PoolCommission, on_delete=models.CASCADE, related_name="reports")
    meeting = models.ForeignKey(
        CommissionMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    sent_to_secretariat_on = models.DateField(_("sent to the SCO Secretariat on"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("Commission report")
        verbose_name_plural = _("Commission reports")

    def __str__(self) -> str:
        return self.title

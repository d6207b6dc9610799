"""The back office for technoparks, their residents and the SCO Pool."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from directory.admin import AUDIT_FIELDS, NAME_SEARCH_FIELDS, PublishableAdmin, bloc_list_filter

from .models import CAPACITY_PAIRS, PoolMembership, Residency, Technopark


class ResidencyInline(admin.TabularInline):
    model = Residency
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "started_on", "ended_on"]


class PoolMembershipInline(admin.TabularInline):
    model = PoolMembership
    fk_name = "technopark"
    extra = 0
    max_num = 1
    autocomplete_fields = ["nominated_by"]
    fields = ["nominated_by", "status", "nominated_on", "admitted_on"]


@admin.register(Technopark)
class TechnoparkAdmin(PublishableAdmin):
    list_display = [
        "display_name",
        "kind",
        "country",
        "region",
        "resident_count",
        "sandbox_available",
        "status",
        "is_demo",
        "updated_at",
    ]
    list_filter = ["status", "kind", bloc_list_filter(), "country", "sandbox_available", "is_demo"]
    list_select_related = ["country", "region"]
    search_fields = [
        *NAME_SEARCH_FIELDS,
        "external_id",
        "operator__registration_number",
        "operator__name_en",
        "operator__name_ru",
    ]
    autocomplete_fields = ["operator", "country", "region", "sectors", "technologies"]
    inlines = [ResidencyInline, PoolMembershipInline]
    fieldsets = [
        (
            None,
            {"fields": ["kind", "name_original", "original_language", "name_en", "name_ru", "name_zh", "external_id"]},
        ),
        (_("Where"), {"fields": ["country", "region", "location"]}),
        (
            _("Operator and offer"),
            {"fields": ["operator", "founded_year", "website", "area_m2", "services", "sectors", "technologies"]},
        ),
        (_("Experimental legal regime"), {"fields": ["sandbox_available", "sandbox_description"]}),
        (
            _("Capacity for investors"),
            {
                "fields": [*[field for pair in CAPACITY_PAIRS for field in pair], "rent_rate_m2_year", "currency"],
                "classes": ["collapse"],
            },
        ),
        (
            _("Incentives and access"),
            {
                "fields": [
                    "tax_incentives",
                    "customs_incentives",
                    "distance_regional_centre_km",
                    "distance_rail_km",
                    "distance_highway_km",
                    "distance_airport_km",
                ],
                "classes": ["collapse"],
            },
        ),
        (_("Results"), {"fields": ["investment_total", "residents_reported", "jobs_created"], "classes": ["collapse"]}),
        (
            _("Description"),
            {
                "fields": ["description_original", "description_en", "description_ru", "description_zh"],
                "classes": ["collapse"],
            },
        ),
        (_("Publication"), {"fields": ["status", "is_demo", "source_note", *AUDIT_FIELDS]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(current_residents=Count("residencies", filter=Q(residencies__ended_on__isnull=True)))
        )

    @admin.display(description=_("current residents"), ordering="current_residents")
    def resident_count(self, obj):
        return obj.current_residents


@admin.register(PoolMembership)
class PoolMembershipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "technopark", "cluster", "nominated_by", "status", "nominated_on", "admitted_on"]
    list_filter = ["status", "nominated_by"]
    list_select_related = ["technopark", "cluster", "nominated_by"]
    search_fields = [
        "technopark__name_en",
        "technopark__name_ru",
        "technopark__name_original",
        "cluster__name_en",
        "cluster__name_ru",
        "cluster__name_original",
    ]
    autocomplete_fields = ["technopark", "cluster", "nominated_by"]


@admin.register(Residency)
class ResidencyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "technopark", "started_on", "ended_on"]
    list_filter = ["technopark__country"]
    list_select_related = ["organisation", "technopark"]
    search_fields = [
        "organisation__name_en",
        "organisation__name_ru",
        "organisation__name_original",
        "organisation__registration_number",
        "technopark__name_en",
        "technopark__name_ru",
    ]
    autocomplete_fields = ["organisation", "technopark"]


# --- SCO Pool: Managing Commission ---
from .models import (  # noqa: E402
    CommissionMeeting,
    CommissionReport,
    CommissionRepresentative,
    Decision,
    DecisionPosition,
    MeetingDocument,
    PoolCommission,
    WorkPlan,
    WorkPlanItem,
    WorkPlanProposal,
)


class RepresentativeInline(admin.TabularInline):
    model = CommissionRepresentative
    extra = 0
    autocomplete_fields = ["country", "organisation"]
    fields = ["country", "full_name", "position", "organisation", "user", "appointed_on", "ended_on"]
    raw_id_fields = ["user"]


@admin.register(PoolCommission)
class PoolCommissionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "established_on"]
    search_fields = ["name_en", "name_ru"]
    inlines = [RepresentativeInline]


@admin.register(CommissionRepresentative)
class CommissionRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["full_name", "country", "position", "appointed_on", "ended_on"]
    list_filter = ["commission", "country"]
    list_select_related = ["country"]
    search_fields = ["full_name", "country__name_en", "country__iso2"]
    autocomplete_fields = ["country", "organisation"]
    raw_id_fields = ["user"]


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ["kind", "title", "sent_on", "file"]


class ProposalInline(admin.TabularInline):
    model = WorkPlanProposal
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "title", "submitted_on", "status"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["number", "title", "outcome", "decided_on"]
    readonly_fields = ["outcome", "decided_on"]
    show_change_link = True


@admin.register(CommissionMeeting)
class CommissionMeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "kind", "presiding_country", "host_country", "city", "status", "proposals_due"]
    list_filter = ["kind", "status", "presiding_country"]
    list_select_related = ["presiding_country", "host_country"]
    search_fields = ["city", "presiding_country__name_en"]
    autocomplete_fields = ["presiding_country", "host_country"]
    date_hierarchy = "held_on"
    inlines = [ProposalInline, MeetingDocumentInline, DecisionInline]

    @admin.display(description=_("proposals due"))
    def proposals_due(self, obj):
        return obj.proposals_due


class WorkPlanItemInline(admin.TabularInline):
    model = WorkPlanItem
    extra = 0
    autocomplete_fields = ["responsible_country"]
    raw_id_fields = ["proposal"]


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "status", "draft_sent_on", "approved_on"]
    list_filter = ["status"]
    inlines = [WorkPlanItemInline]


class DecisionPositionInline(admin.TabularInline):
    model = DecisionPosition
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "position", "representative"]
    raw_id_fields = ["representative"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "outcome", "decided_on"]
    list_filter = ["outcome"]
    search_fields = ["title", "text"]
    readonly_fields = ["outcome", "decided_on", "protocol_entry"]
    inlines = [DecisionPositionInline]


@admin.register(CommissionReport)
class CommissionReportAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "meeting", "sent_to_secretariat_on"]
    search_fields = ["title", "body"]

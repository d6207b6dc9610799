"""The back office for clusters, their members, yearly figures, labels and contacts."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from directory.admin import AUDIT_FIELDS, NAME_SEARCH_FIELDS, PublishableAdmin, bloc_list_filter

from .models import Cluster, ClusterAssessment, ClusterIndicator, ContactPerson, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "joined_on", "left_on"]


class ClusterIndicatorInline(admin.TabularInline):
    model = ClusterIndicator
    extra = 0
    fields = ["year", "employees", "members_count", "revenue", "rd_spending", "currency", "export_share", "patents"]


class ClusterAssessmentInline(admin.TabularInline):
    model = ClusterAssessment
    extra = 0
    fields = ["scheme", "level", "assessed_by", "assessed_on", "valid_until", "note"]


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0
    raw_id_fields = ["user"]
    fields = ["full_name", "position", "email", "phone", "is_public", "user"]


@admin.register(Cluster)
class ClusterAdmin(PublishableAdmin):
    list_display = [
        "display_name",
        "kind",
        "country",
        "primary_sector",
        "member_count",
        "status",
        "is_demo",
        "updated_at",
    ]
    list_filter = ["status", "kind", bloc_list_filter(), "country", "is_demo"]
    list_select_related = ["country", "primary_sector"]
    search_fields = [
        *NAME_SEARCH_FIELDS,
        "external_id",
        "specialised_organisation__registration_number",
        "specialised_organisation__name_en",
        "specialised_organisation__name_ru",
    ]
    autocomplete_fields = [
        "specialised_organisation",
        "country",
        "regions",
        "primary_sector",
        "secondary_sectors",
        "technologies",
    ]
    inlines = [MembershipInline, ClusterIndicatorInline, ClusterAssessmentInline, ContactPersonInline]
    fieldsets = [
        (
            None,
            {"fields": ["kind", "name_original", "original_language", "name_en", "name_ru", "name_zh", "external_id"]},
        ),
        (_("Where"), {"fields": ["country", "regions", "location"]}),
        (
            _("Management"),
            {
                "fields": [
                    "specialised_organisation",
                    "founded_year",
                    "management_staff_fte",
                    "website",
                    "support_programmes",
                    "accepts_partner_suggestions",
                ]
            },
        ),
        (_("Specialisation"), {"fields": ["primary_sector", "secondary_sectors", "technologies"]}),
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
            .annotate(current_members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        )

    @admin.display(description=_("current members"), ordering="current_members")
    def member_count(self, obj):
        return obj.current_members


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "cluster", "role", "joined_on", "left_on"]
    list_filter = ["role", "cluster__country"]
    list_select_related = ["organisation", "cluster"]
    search_fields = [
        "organisation__name_en",
        "organisation__name_ru",
        "organisation__name_original",
        "organisation__registration_number",
        "cluster__name_en",
        "cluster__name_ru",
    ]
    autocomplete_fields = ["organisation", "cluster"]

"""The back office for the S&T priority taxonomy."""

from django.contrib import admin

from directory.admin import NAME_SEARCH_FIELDS, NamedAdminMixin

from .models import Priority


@admin.register(Priority)
class PriorityAdmin(NamedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "display_name", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", *NAME_SEARCH_FIELDS]
    autocomplete_fields = ["parent"]


# --- Priority lists, trends, smart specialisation and S&T statistics -------------------------
from .models import (  # noqa: E402
    Indicator,
    IndicatorValue,
    PriorityList,
    PriorityListEntry,
    SpecialisationGoal,
    SpecialisationPriority,
    SpecialisationProfile,
    SpecialisationSector,
    Stakeholder,
    SwotItem,
    Trend,
    TrendSignal,
)


class PriorityListEntryInline(admin.TabularInline):
    model = PriorityListEntry
    extra = 0
    autocomplete_fields = ["priority"]
    fields = ["position", "priority", "wording"]


@admin.register(PriorityList)
class PriorityListAdmin(NamedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "display_name", "scope", "country", "bloc", "year_adopted", "is_current", "is_approximate"]
    list_filter = ["scope", "is_current", "is_approximate", "bloc"]
    list_select_related = ["country", "bloc"]
    search_fields = ["code", "source_document", *NAME_SEARCH_FIELDS]
    autocomplete_fields = ["country", "bloc"]
    inlines = [PriorityListEntryInline]


class TrendSignalInline(admin.TabularInline):
    model = TrendSignal
    extra = 0


@admin.register(Trend)
class TrendAdmin(NamedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "display_name", "horizon_year", "impact", "is_demo"]
    list_filter = ["impact", "is_demo"]
    search_fields = ["code", *NAME_SEARCH_FIELDS]
    autocomplete_fields = ["priorities"]
    inlines = [TrendSignalInline]


class SpecialisationPriorityInline(admin.TabularInline):
    model = SpecialisationPriority
    extra = 0
    autocomplete_fields = ["priority"]


class SpecialisationSectorInline(admin.TabularInline):
    model = SpecialisationSector
    extra = 0
    autocomplete_fields = ["sector"]


class StakeholderInline(admin.TabularInline):
    model = Stakeholder
    extra = 0
    autocomplete_fields = ["organisation"]


class SpecialisationGoalInline(admin.TabularInline):
    model = SpecialisationGoal
    extra = 0
    autocomplete_fields = ["priority"]


class SwotItemInline(admin.TabularInline):
    model = SwotItem
    extra = 0


@admin.register(SpecialisationProfile)
class SpecialisationProfileAdmin(admin.ModelAdmin):
    list_display = ["region", "adopted_year", "is_demo"]
    list_filter = ["is_demo", "region__country"]
    list_select_related = ["region__country"]
    search_fields = ["region__iso_code", "region__name_en", "region__name_ru", "strategy_document"]
    autocomplete_fields = ["region"]
    inlines = [
        SpecialisationPriorityInline,
        SpecialisationSectorInline,
        StakeholderInline,
        SpecialisationGoalInline,
        SwotItemInline,
    ]


@admin.register(Indicator)
class IndicatorAdmin(NamedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "display_name", "unit", "manual", "sort_order"]
    list_filter = ["manual", "unit"]
    search_fields = ["code", *NAME_SEARCH_FIELDS]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "country", "region", "year", "value", "unit", "is_approximate"]
    list_filter = ["indicator", "is_approximate", "country"]
    list_select_related = ["indicator", "country", "region"]
    search_fields = ["indicator__code", "country__iso2", "region__iso_code", "source"]
    autocomplete_fields = ["indicator", "country", "region"]

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

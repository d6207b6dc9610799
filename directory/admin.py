"""The back office for reference data and organisations, and the pieces every registry admin shares."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from leaflet.admin import LeafletGeoAdmin

from .choices import PublicationStatus
from .models import Bloc, BlocMembership, Country, Organisation, Region, Sector

NAME_SEARCH_FIELDS = ("name_original", "name_en", "name_ru", "name_zh")
AUDIT_FIELDS = ("status_changed_at", "status_changed_by", "published_at", "created_at", "updated_at", "created_by")


# --- Shared pieces --------------------------------------------------------------------------
class NamedAdminMixin:
    """A sortable name column in the reader's language, whichever language fields are filled."""

    # Websites typed without a scheme are taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("name"), ordering="name_en")
    def display_name(self, obj):
        return obj.name or "—"


def bloc_list_filter(country_path: str = "country"):
    """A list filter on the blocs that the record's country is a current member, observer or partner of."""

    class BlocListFilter(admin.SimpleListFilter):
        title = _("bloc")
        parameter_name = "bloc"

        def lookups(self, request, model_admin):
            return [
                (bloc.code, bloc.abbreviation)
                for bloc in Bloc.objects.only("code", "abbreviation_en", "abbreviation_ru")
            ]

        def queryset(self, request, queryset):
            if not self.value():
                return queryset
            # A subquery rather than a join, so a country in a bloc twice does not list the record twice.
            countries = Country.objects.filter(
                bloc_memberships__in=BlocMembership.objects.current().filter(bloc__code=self.value())
            )
            return queryset.filter(**{f"{country_path}__in": countries})

    return BlocListFilter


class PublishableAdmin(NamedAdminMixin, LeafletGeoAdmin):
    """Admin of a record with the publication workflow: audit fields read-only, status changes validated."""

    actions = ["publish_selected", "archive_selected"]
    readonly_fields = AUDIT_FIELDS
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if "status" in form.changed_data:
            self._stamp_status(obj, request.user)
        super().save_model(request, obj, form, change)

    @staticmethod
    def _stamp_status(obj, user):
        now = timezone.now()
        obj.status_changed_at = now
        obj.status_changed_by = user
        if obj.status == PublicationStatus.PUBLISHED and obj.published_at is None:
            obj.published_at = now

    def _change_status(self, request, queryset, status: str) -> None:
        """Moves each record through full_clean, so an invalid record stays as it was and is named."""
        changed, refused = 0, []
        for obj in queryset:
            if obj.status == status:
                continue
            obj.status = status
            self._stamp_status(obj, request.user)
            try:
                with transaction.atomic():
                    obj.full_clean()
                    obj.save()
            except ValidationError as exc:
                refused.append(f"{obj}: {' '.join(exc.messages)}")
            else:
                changed += 1
        label = PublicationStatus(status).label.lower()
        if changed:
            self.message_user(
                request,
                ngettext("%(count)d record is now %(status)s.", "%(count)d records are now %(status)s.", changed)
                % {"count": changed, "status": label},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("Not changed, because they do not pass the registry's rules: %(records)s")
                % {"records": "; ".join(refused)},
                messages.ERROR,
            )

    @admin.action(description=_("Publish selected records"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._change_status(request, queryset, PublicationStatus.PUBLISHED)

    @admin.action(description=_("Archive selected records"), permissions=["change"])
    def archive_selected(self, request, queryset):
        self._change_status(request, queryset, PublicationStatus.ARCHIVED)


# --- Countries and blocs ----------------------------------------------------------------------
class BlocMembershipInline(admin.TabularInline):
    model = BlocMembership
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "status", "joined_on", "left_on", "note"]


@admin.register(Country)
class CountryAdmin(NamedAdminMixin, LeafletGeoAdmin):
    list_display = ["display_name", "iso2", "iso3", "iso_numeric", "bloc_list", "region_count"]
    list_filter = [bloc_list_filter("pk")]
    search_fields = ["iso2", "iso3", "iso_numeric", *NAME_SEARCH_FIELDS]
    ordering = ["name_en"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(region_total=Count("regions", distinct=True))
            .prefetch_related("bloc_memberships__bloc")
        )

    @admin.display(description=_("blocs"))
    def bloc_list(self, obj):
        today = timezone.localdate()
        current = [
            m.bloc.abbreviation
            for m in obj.bloc_memberships.all()
            if m.joined_on <= today and (m.left_on is None or m.left_on > today)
        ]
        return ", ".join(sorted(set(current))) or "—"

    @admin.display(description=_("regions"), ordering="region_total")
    def region_count(self, obj):
        return obj.region_total


@admin.register(Bloc)
class BlocAdmin(NamedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "display_name", "abbreviation_en", "abbreviation_ru", "founded_on", "member_count"]
    search_fields = ["code", "abbreviation_en", "abbreviation_ru", *NAME_SEARCH_FIELDS]
    inlines = [BlocMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description=_("memberships"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


@admin.register(BlocMembership)
class BlocMembershipAdmin(admin.ModelAdmin):
    list_display = ["country", "bloc", "status", "joined_on", "left_on"]
    list_filter = ["bloc", "status"]
    list_select_related = ["country", "bloc"]
    search_fields = ["country__iso2", "country__name_en", "country__name_ru", "bloc__code", "note"]
    autocomplete_fields = ["country", "bloc"]


# --- Regions and sectors --------------------------------------------------------------------------
@admin.register(Region)
class RegionAdmin(NamedAdminMixin, LeafletGeoAdmin):
    list_display = ["display_name", "iso_code", "source_code", "country"]
    list_filter = [bloc_list_filter(), "country"]
    list_select_related = ["country"]
    search_fields = ["iso_code", "source_code", *NAME_SEARCH_FIELDS]
    autocomplete_fields = ["country"]


@admin.register(Sector)
class SectorAdmin(NamedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "display_name", "level", "parent"]
    list_filter = ["level", "section_code"]
    list_select_related = ["parent"]
    search_fields = ["code", *NAME_SEARCH_FIELDS]
    autocomplete_fields = ["parent"]
    readonly_fields = ["section_code"]
    ordering = ["section_code", "level", "code"]


# --- Organisations ----------------------------------------------------------------------------------
@admin.register(Organisation)
class OrganisationAdmin(PublishableAdmin):
    list_display = ["display_name", "kind", "country", "region", "city", "registration_number", "status", "is_demo"]
    list_filter = ["status", "kind", bloc_list_filter(), "country", "is_demo"]
    list_select_related = ["country", "region"]
    search_fields = [*NAME_SEARCH_FIELDS, "registration_number", "city", "website"]
    autocomplete_fields = ["country", "region", "sectors"]
    fieldsets = [
        (None, {"fields": ["kind", "name_original", "original_language", "name_en", "name_ru", "name_zh"]}),
        (_("Where"), {"fields": ["country", "region", "city", "address", "location"]}),
        (_("Identity and contacts"), {"fields": ["registration_number", "website", "email", "sectors"]}),
        (
            _("Description"),
            {
                "fields": ["description_original", "description_en", "description_ru", "description_zh"],
                "classes": ["collapse"],
            },
        ),
        (_("Publication"), {"fields": ["status", "is_demo", "source_note", *AUDIT_FIELDS]}),
    ]


# --- API keys ----------------------------------------------------------------------------------------
from eaeu_portal.api.keys import api_key_issue, api_key_revoke  # noqa: E402 - this section is self-contained

from .models import ApiKey  # noqa: E402


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Staff issue keys here; the key is shown once, in the confirmation message, and only its digest is kept."""

    list_display = ["name", "user", "scope", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = ["name", "user", "scope", "throttle_rate", "expires_at", *readonly_fields]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued, key = api_key_issue(
            name=obj.name, user=obj.user, scope=obj.scope, issued_by=request.user, expires_at=obj.expires_at
        )
        if obj.throttle_rate:
            issued.throttle_rate = obj.throttle_rate
            issued.save(update_fields=["throttle_rate"])
        obj.pk = issued.pk
        obj.prefix, obj.key_digest = issued.prefix, issued.key_digest
        self.message_user(
            request,
            _("The key for “%(name)s” is %(key)s — copy it now: it will not be shown again.")
            % {"name": issued.name, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for api_key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(api_key=api_key)
        self.message_user(request, _("The selected keys are revoked."), messages.SUCCESS)

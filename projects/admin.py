"""The back office for programmes, projects, the idea bank and calls."""

from django.contrib import admin

from directory.admin import AUDIT_FIELDS, NAME_SEARCH_FIELDS, PublishableAdmin

from .models import (
    Call,
    CallApplication,
    GoalValue,
    Idea,
    Programme,
    Project,
    ProjectFunding,
    ProjectGoal,
    ProjectParticipant,
    ProjectStageChange,
    TeamMember,
    WorkingTeam,
)
from .services import project_refresh_integration


@admin.register(Programme)
class ProgrammeAdmin(PublishableAdmin):
    list_display = ["display_name", "kind", "owner_body", "starts_on", "ends_on", "budget", "currency", "status"]
    list_filter = ["status", "kind", "is_demo"]
    search_fields = [*NAME_SEARCH_FIELDS, "external_id"]
    autocomplete_fields = ["owner_body", "countries"]


class ParticipantInline(admin.TabularInline):
    model = ProjectParticipant
    extra = 0
    autocomplete_fields = ["organisation"]


class FundingInline(admin.TabularInline):
    model = ProjectFunding
    extra = 0
    autocomplete_fields = ["country", "funder"]


class GoalInline(admin.StackedInline):
    model = ProjectGoal
    extra = 0
    show_change_link = True


class TeamInline(admin.TabularInline):
    model = WorkingTeam
    extra = 0
    show_change_link = True


class StageChangeInline(admin.TabularInline):
    model = ProjectStageChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "changed_at", "changed_by", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(PublishableAdmin):
    list_display = [
        "display_name",
        "stage",
        "lead_organisation",
        "member_state_count",
        "trl_start",
        "trl_target",
        "programme",
        "status",
        "is_demo",
    ]
    list_filter = ["status", "stage", "programme__kind", "is_demo"]
    list_select_related = ["lead_organisation", "programme"]
    search_fields = [*NAME_SEARCH_FIELDS, "external_id", "lead_organisation__name_en"]
    autocomplete_fields = ["programme", "lead_organisation", "clusters", "technoparks", "priorities", "source_idea"]
    readonly_fields = [*AUDIT_FIELDS, "member_state_count"]
    inlines = [ParticipantInline, FundingInline, GoalInline, TeamInline, StageChangeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Participants edited inline change the integration component, which the services keep stored.
        project_refresh_integration(project=form.instance)


class GoalValueInline(admin.TabularInline):
    model = GoalValue
    extra = 0


@admin.register(ProjectGoal)
class ProjectGoalAdmin(admin.ModelAdmin):
    list_display = ["statement", "project", "indicator", "unit", "due_year"]
    search_fields = ["statement", "indicator", "project__name_en"]
    inlines = [GoalValueInline]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(WorkingTeam)
class WorkingTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "project"]
    search_fields = ["name", "project__name_en"]
    inlines = [TeamMemberInline]


@admin.register(Idea)
class IdeaAdmin(PublishableAdmin):
    list_display = ["display_name", "kind", "country", "sector", "author_organisation", "status"]
    list_filter = ["status", "kind", "country", "is_demo"]
    search_fields = [*NAME_SEARCH_FIELDS, "external_id", "tags"]
    autocomplete_fields = ["country", "sector", "author_organisation", "priorities"]


class ApplicationInline(admin.TabularInline):
    model = CallApplication
    extra = 0
    autocomplete_fields = ["organisation", "project"]
    fields = ["organisation", "title", "requested_amount", "status", "submitted_at"]


@admin.register(Call)
class CallAdmin(PublishableAdmin):
    list_display = ["display_name", "kind", "organiser", "opens_at", "deadline", "status"]
    list_filter = ["status", "kind", "is_demo"]
    search_fields = [*NAME_SEARCH_FIELDS, "external_id"]
    autocomplete_fields = ["organiser", "programme", "eligible_countries"]
    inlines = [ApplicationInline]


@admin.register(CallApplication)
class CallApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "organisation", "status", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["call", "organisation"]
    search_fields = ["title", "organisation__name_en", "call__name_en"]
    autocomplete_fields = ["call", "organisation", "project"]

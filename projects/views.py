"""Pages of programmes, projects, the idea bank and calls; thin: selectors read, services write."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foresight.models import Priority

from . import selectors, services
from .choices import ProjectStage
from .filtersets import CallFilterSet, IdeaFilterSet, ProgrammeFilterSet, ProjectFilterSet
from .forms import (
    ApplicationForm,
    FundingForm,
    GoalForm,
    GoalValueForm,
    IdeaForm,
    ParticipantForm,
    ProjectForm,
    TeamForm,
    TeamMemberForm,
    TransitionForm,
    bootstrap,
)
from .models import Project, ProjectParticipant
from .permissions import can_manage, managed_organisations

PAGE_SIZE = 25
# The filters the list pages show; the API takes every filter of the FilterSet.
PAGE_FILTERS = {
    "projects": ["q", "country", "priority", "stage", "programme", "integration_min"],
    "programmes": ["q", "kind", "country"],
    "ideas": ["q", "kind", "country", "tag", "priority"],
    "calls": ["q", "kind", "country", "is_open"],
}


class DropdownMultiple(forms.SelectMultiple):
    """A one-line dropdown for a multiple-choice filter: one value from the page, several from a hand-made URL."""

    allow_multiple_selected = False

    def value_from_datadict(self, data, files, name):
        return [value for value in data.getlist(name) if value]


def _page_form(filterset, names: list[str]) -> None:
    form = filterset.form
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]
    for name, field in form.fields.items():
        # The API's labels name the parameter's form ("(id)"); a page shows a list to choose from instead.
        field.label = re.sub(r"\s*\((id|code or id)\)", "", str(field.label))
        if isinstance(field.widget, forms.SelectMultiple):
            field.widget = DropdownMultiple(choices=[("", _("Any"))] + list(field.choices))
        elif name == "priority":
            nodes = Priority.objects.exclude(level="technology").order_by("code")
            field.widget = forms.Select(choices=[("", _("Any"))] + [(p.code, f"{p.code} · {p.name}") for p in nodes])
        elif isinstance(field.widget, forms.NullBooleanSelect):
            field.widget = forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])
    bootstrap(form)


def _attach_errors(form, exc: ValidationError) -> None:
    """Shows a service's refusal on the form: field errors on their fields, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _list_page(request, filterset_class, queryset, template, extra=None, *, page_filters: str):
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    _page_form(filterset, PAGE_FILTERS[page_filters])
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "objects": page.object_list, "query": query.urlencode()}
    return render(request, template, {**context, **(extra or {})})


# --- Programmes -----------------------------------------------------------------------------
def programme_list(request):
    return _list_page(
        request,
        ProgrammeFilterSet,
        selectors.programme_list(user=request.user),
        "projects/programme_list.html",
        page_filters="programmes",
    )


def programme_detail(request, pk):
    programme = get_object_or_404(selectors.programme_list(user=request.user), pk=pk)
    projects = selectors.project_list(user=request.user).filter(programme=programme)
    return render(request, "projects/programme_detail.html", {"programme": programme, "projects": projects})


# --- Projects ---------------------------------------------------------------------------------------
def project_list(request):
    queryset = selectors.project_list(user=request.user).prefetch_related("participations__organisation__country")
    return _list_page(
        request,
        ProjectFilterSet,
        queryset,
        "projects/project_list.html",
        {"can_create": managed_organisations(request.user).exists()},
        page_filters="projects",
    )


def _project_for(request, pk) -> Project:
    return get_object_or_404(selectors.project_detail_queryset(user=request.user), pk=pk)


def _managed_project(request, pk) -> Project:
    project = _project_for(request, pk)
    if not can_manage(request.user, project.lead_organisation):
        raise PermissionDenied
    return project


def project_detail(request, pk, forms=None):
    project = _project_for(request, pk)
    manager = can_manage(request.user, project.lead_organisation)
    context = {
        "project": project,
        "countries": selectors.project_countries(project),
        "funding": selectors.funding_summary(project),
        "can_manage": manager,
        "next_stages": sorted(services.STAGE_TRANSITIONS[project.stage]),
        "open_form": next(iter(forms), None) if forms else None,
    }
    if manager:
        forms = forms or {}
        transition = forms.get("transition") or TransitionForm()
        transition.fields["to_stage"].choices = [(s, ProjectStage(s).label) for s in context["next_stages"]]
        context["forms"] = {
            "transition": transition,
            "participant": forms.get("participant") or ParticipantForm(),
            "funding": forms.get("funding") or FundingForm(),
            "goal": forms.get("goal") or GoalForm(),
            "goal_value": forms.get("goal_value") or GoalValueForm(),
            "team": forms.get("team") or TeamForm(),
            "member": forms.get("member") or TeamMemberForm(project=project),
        }
    return render(request, "projects/project_detail.html", context, status=400 if forms else 200)


@login_required
def project_create(request):
    if not managed_organisations(request.user).exists():
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields, related = form.split()
        try:
            project = services.project_create(user=request.user, related=related, **fields)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("The project is saved as a draft; a moderator will publish it."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def project_edit(request, pk):
    project = _managed_project(request, pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields, related = form.split()
        try:
            services.project_update(project=project, user=request.user, related=related, **fields)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("The project is saved."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request, "projects/project_form.html", {"form": form, "project": project}, status=400 if form.errors else 200
    )


def _project_action(request, pk, key, form, run):
    """Validates a form posted from the project page and runs a service; on refusal the page shows why."""
    project = _managed_project(request, pk)
    if form.is_valid():
        try:
            run(project, form.cleaned_data)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:project_detail", pk=project.pk)
    return project_detail(request, pk, forms={key: form})


@login_required
@require_POST
def project_transition(request, pk):
    return _project_action(
        request,
        pk,
        "transition",
        TransitionForm(request.POST),
        lambda p, d: services.project_transition(project=p, user=request.user, **d),
    )


@login_required
@require_POST
def participant_add(request, pk):
    return _project_action(
        request,
        pk,
        "participant",
        ParticipantForm(request.POST),
        lambda p, d: services.participant_add(project=p, user=request.user, **d),
    )


@login_required
@require_POST
def participant_remove(request, pk, participation_pk):
    project = _managed_project(request, pk)
    participation = get_object_or_404(ProjectParticipant, pk=participation_pk, project=project)
    try:
        services.participant_remove(participation=participation, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The participant is removed."))
    return redirect("projects:project_detail", pk=project.pk)


@login_required
@require_POST
def funding_add(request, pk):
    return _project_action(
        request,
        pk,
        "funding",
        FundingForm(request.POST),
        lambda p, d: services.funding_add(project=p, user=request.user, **d),
    )


@login_required
@require_POST
def goal_add(request, pk):
    return _project_action(
        request,
        pk,
        "goal",
        GoalForm(request.POST),
        lambda p, d: services.goal_add(project=p, user=request.user, **d),
    )


@login_required
@require_POST
def goal_value_record(request, pk):
    def run(project, data):
        goal = project.goals.filter(pk=data.pop("goal")).first()
        if goal is None:
            raise Http404
        services.goal_value_record(goal=goal, user=request.user, **data)

    return _project_action(request, pk, "goal_value", GoalValueForm(request.POST), run)


@login_required
@require_POST
def team_add(request, pk):
    return _project_action(
        request,
        pk,
        "team",
        TeamForm(request.POST),
        lambda p, d: services.team_create(project=p, user=request.user, **d),
    )


@login_required
@require_POST
def team_member_add(request, pk):
    project = _managed_project(request, pk)

    def run(project, data):
        team = project.teams.filter(pk=data.pop("team")).first()
        if team is None:
            raise Http404
        services.team_member_add(team=team, user=request.user, **data)

    return _project_action(request, pk, "member", TeamMemberForm(request.POST, project=project), run)


# --- Idea bank -------------------------------------------------------------------------------------
def idea_list(request):
    return _list_page(
        request,
        IdeaFilterSet,
        selectors.idea_list(user=request.user),
        "projects/idea_list.html",
        {"can_create": managed_organisations(request.user).exists()},
        page_filters="ideas",
    )


def idea_detail(request, pk):
    idea = get_object_or_404(selectors.idea_list(user=request.user), pk=pk)
    organisations = managed_organisations(request.user)
    return render(
        request,
        "projects/idea_detail.html",
        {
            "idea": idea,
            "can_convert": idea.kind == "idea" and not hasattr(idea, "project") and organisations.exists(),
            "organisations": organisations.select_related("country") if request.user.is_authenticated else [],
        },
    )


@login_required
def idea_create(request):
    form = IdeaForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        priorities = data.pop("priorities")
        try:
            idea = services.idea_create(user=request.user, priorities=priorities, **data)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("The idea is saved as a draft; a moderator will publish it."))
            return redirect("projects:idea_detail", pk=idea.pk)
    return render(request, "projects/idea_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def idea_convert(request, pk):
    idea = get_object_or_404(selectors.idea_list(user=request.user), pk=pk)
    lead = managed_organisations(request.user).filter(pk=request.POST.get("lead_organisation")).first()
    try:
        project = services.idea_convert_to_project(idea=idea, user=request.user, lead_organisation=lead)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("projects:idea_detail", pk=idea.pk)
    messages.success(request, _("The idea is now a project; complete its participants and goals."))
    return redirect("projects:project_detail", pk=project.pk)


# --- Calls ---------------------------------------------------------------------------------------------
def call_list(request):
    return _list_page(
        request, CallFilterSet, selectors.call_list(user=request.user), "projects/call_list.html", page_filters="calls"
    )


def call_detail(request, pk):
    call = get_object_or_404(selectors.call_list(user=request.user), pk=pk)
    form = None
    if request.user.is_authenticated and managed_organisations(request.user).exists():
        form = ApplicationForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                services.application_submit(call=call, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _attach_errors(form, exc)
            else:
                messages.success(request, _("Your application is submitted."))
                return redirect("projects:call_detail", pk=call.pk)
    elif request.method == "POST":
        raise PermissionDenied
    applications = selectors.applications_visible_to(user=request.user, call=call)
    return render(
        request,
        "projects/call_detail.html",
        {"call": call, "form": form, "applications": applications},
        status=400 if form is not None and form.errors else 200,
    )

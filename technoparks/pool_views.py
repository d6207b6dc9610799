"""Pages of the SCO Pool and its Managing Commission; the secretariat runs a meeting cycle from the meeting page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import pool_selectors as selectors
from . import pool_services as services
from .filtersets import PoolMembershipFilterSet
from .models import CommissionRepresentative
from .pool_forms import DecisionForm, DocumentForm, MeetingForm, PositionForm, ProposalForm, WorkPlanDraftForm


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _voice_states(user, meeting, states):
    """The member states a user may speak for: all for the secretariat, their own for a representative."""
    if services.can_run_commission(user):
        return states
    if not user.is_authenticated:
        return []
    own = set(
        CommissionRepresentative.objects.filter(
            user=user, commission=meeting.commission, ended_on__isnull=True
        ).values_list("country_id", flat=True)
    )
    return [s for s in states if s.pk in own]


def overview(request):
    commission = selectors.commission_current()
    memberships = PoolMembershipFilterSet(request.GET or None, queryset=selectors.pool_membership_list())
    for field in memberships.form.fields.values():
        field.widget.attrs.setdefault("class", "form-select" if hasattr(field, "choices") else "form-control")
    today = timezone.localdate()
    return render(
        request,
        "technoparks/pool/overview.html",
        {
            "commission": commission,
            "composition": selectors.commission_composition(commission) if commission else [],
            "filter": memberships,
            "memberships": memberships.qs if memberships.is_bound and memberships.is_valid() else memberships.queryset,
            "upcoming": selectors.meeting_list().filter(held_on__gte=today).order_by("held_on")[:3],
            "reports": selectors.report_list()[:3],
        },
    )


def meeting_list(request):
    return render(
        request,
        "technoparks/pool/meeting_list.html",
        {
            "meetings": selectors.meeting_list(),
            "can_run": services.can_run_commission(request.user),
        },
    )


@login_required
def meeting_create(request):
    if not services.can_run_commission(request.user):
        raise PermissionDenied
    commission = selectors.commission_current()
    form = MeetingForm(request.POST or None, states=services.sco_member_states())
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(commission=commission, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The meeting is scheduled; its deadlines are on its page."))
            return redirect("pool:meeting_detail", pk=meeting.pk)
    return render(request, "technoparks/pool/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


def meeting_detail(request, pk, forms=None):
    meeting = get_object_or_404(selectors.meeting_detail_queryset(), pk=pk)
    table = selectors.decision_table(meeting)
    voice_states = _voice_states(request.user, meeting, table["states"])
    can_run = services.can_run_commission(request.user)
    forms = forms or {}
    context = {
        "meeting": meeting,
        "timeline": selectors.meeting_timeline(meeting),
        "table": table,
        "work_plan": getattr(meeting, "work_plan", None) if hasattr(meeting, "work_plan") else None,
        "can_run": can_run,
        "is_planned": meeting.status == "planned",
        "proposal_form": forms.get("proposal") or (ProposalForm(states=voice_states) if voice_states else None),
        "position_form": forms.get("position") or (PositionForm(states=voice_states) if voice_states else None),
    }
    if can_run:
        context.update(
            {
                "document_form": forms.get("document") or DocumentForm(),
                "plan_form": forms.get("plan") or WorkPlanDraftForm(meeting=meeting),
                "decision_form": forms.get("decision") or DecisionForm(),
            }
        )
    return render(request, "technoparks/pool/meeting_detail.html", context, status=400 if forms else 200)


def _meeting_action(request, pk, key, form, run, success):
    meeting = get_object_or_404(selectors.meeting_list(), pk=pk)
    if form.is_valid():
        try:
            run(meeting, dict(form.cleaned_data))
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("pool:meeting_detail", pk=meeting.pk)
    return meeting_detail(request, pk, forms={key: form})


@login_required
@require_POST
def proposal_submit(request, pk):
    return _meeting_action(
        request,
        pk,
        "proposal",
        ProposalForm(request.POST),
        lambda m, d: services.proposal_submit(meeting=m, user=request.user, **d),
        _("The proposal is sent to the chair."),
    )


@login_required
@require_POST
def document_send(request, pk):
    return _meeting_action(
        request,
        pk,
        "document",
        DocumentForm(request.POST, request.FILES),
        lambda m, d: services.document_send(meeting=m, user=request.user, **d),
        _("The document is sent to the parties."),
    )


@login_required
@require_POST
def work_plan_draft(request, pk):
    meeting = get_object_or_404(selectors.meeting_list(), pk=pk)
    return _meeting_action(
        request,
        pk,
        "plan",
        WorkPlanDraftForm(request.POST, meeting=meeting),
        lambda m, d: services.work_plan_draft(meeting=m, user=request.user, proposals=list(d["proposals"])),
        _("The draft work plan is sent to the parties and the SCO Secretariat."),
    )


@login_required
@require_POST
def decision_propose(request, pk):
    def run(meeting, data):
        approves = data.pop("approves_work_plan")
        plan = getattr(meeting, "work_plan", None) if approves else None
        if approves and plan is None:
            raise ValidationError(_("The meeting has no draft work plan to approve."))
        services.decision_propose(meeting=meeting, user=request.user, work_plan=plan, **data)

    return _meeting_action(request, pk, "decision", DecisionForm(request.POST), run, _("The draft decision is added."))


@login_required
@require_POST
def position_record(request, pk):
    def run(meeting, data):
        decision = get_object_or_404(meeting.decisions, pk=data.pop("decision"))
        services.decision_record(decision=decision, user=request.user, **data)

    return _meeting_action(request, pk, "position", PositionForm(request.POST), run, _("The position is recorded."))


@login_required
@require_POST
def decision_adopt(request, pk, decision_pk):
    meeting = get_object_or_404(selectors.meeting_list(), pk=pk)
    decision = get_object_or_404(meeting.decisions, pk=decision_pk)
    try:
        services.decision_adopt(decision=decision, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Adopted by consensus and recorded in the protocol."))
    return redirect("pool:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_close(request, pk):
    meeting = get_object_or_404(selectors.meeting_list(), pk=pk)
    try:
        services.meeting_close(meeting=meeting, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The meeting is closed and its protocol written."))
    return redirect("pool:meeting_detail", pk=meeting.pk)


def report_list(request):
    return render(request, "technoparks/pool/report_list.html", {"reports": selectors.report_list()})


def report_detail(request, pk):
    report = get_object_or_404(selectors.report_list(), pk=pk)
    return render(request, "technoparks/pool/report_detail.html", {"report": report})

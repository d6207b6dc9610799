"""The moderators' pages: the queue of their countries' entries and changes, oldest first, and the decision page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from directory import access, workflow
from directory.choices import PublicationStatus
from directory.models import Revision, RevisionStatus

from . import display, logos
from .forms import ReasonForm
from .steps import ENTRY_KINDS, entry_kind, kind_of


def _require_moderator(user) -> None:
    if not access.is_moderator(user):
        raise PermissionDenied(_("The moderation queue is for moderators."))


def queue_items(user) -> list[dict]:
    """Submitted entries and pending changes in the user's countries, oldest first; a few queries per kind."""
    items = []
    for kind in ENTRY_KINDS.values():
        model = kind.model
        in_scope = access.moderated_records_q(user)
        base = model.objects.select_related("country").defer("location", "country__boundary")
        for record in base.filter(in_scope, status=PublicationStatus.SUBMITTED):
            items.append({"kind": kind, "record": record, "revision": None, "since": record.status_changed_at})
        revisions = list(
            Revision.objects.filter(
                content_type=ContentType.objects.get_for_model(model), status=RevisionStatus.PENDING
            ).select_related("created_by")
        )
        targets = base.filter(in_scope, pk__in=[r.object_id for r in revisions]).in_bulk()
        for revision in revisions:
            if revision.object_id in targets:
                record = targets[revision.object_id]
                items.append({"kind": kind, "record": record, "revision": revision, "since": revision.submitted_at})
    items.sort(key=lambda item: item["since"])
    return items


@login_required
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _require_moderator(request.user)
    countries = access.moderated_country_ids(request.user)
    return render(
        request,
        "moderation/queue.html",
        {"items": queue_items(request.user), "all_countries": countries is None},
    )


def _decide(request, form, *, approve, reject) -> HttpResponse | None:
    version = form.cleaned_data["version"]
    try:
        if form.cleaned_data["decision"] == "approve":
            approve(version)
            messages.success(request, _("Approved: the manager has been told by e-mail."))
        else:
            reject(version, form.cleaned_data["reason"])
            messages.success(request, _("Rejected: the manager has been sent your reason."))
    except workflow.VersionConflict:
        messages.error(request, _("The entry changed while you were reading it: review the new version."))
        return None
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None
    return redirect("registration:moderation")


@login_required
def review_record(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    kind = entry_kind(kind)
    record = get_object_or_404(kind.model.objects.select_related("country", "created_by"), pk=pk)
    if not access.moderates(request.user, record):
        raise PermissionDenied(_("You do not moderate entries of %(country)s.") % {"country": record.country})
    version = workflow.record_version(record)
    form = ReasonForm(request.POST or None, initial={"version": version})
    if request.method == "POST" and form.is_valid():
        response = _decide(
            request,
            form,
            approve=lambda v: workflow.record_approve(record=record, moderator=request.user, version=v),
            reject=lambda v, reason: workflow.record_reject(
                record=record, moderator=request.user, reason=reason, version=v
            ),
        )
        if response is not None:
            return response
        record.refresh_from_db()
        form = ReasonForm(initial={"version": workflow.record_version(record)}, data=None)
    return render(
        request,
        "moderation/review.html",
        {
            "kind": kind,
            "record": record,
            "revision": None,
            "lines": display.describe(kind.model, workflow.snapshot(record)),
            "form": form,
            "pending_logo": logos.pending_logo(record),
            "decidable": record.status == PublicationStatus.SUBMITTED,
            "previous_decision": workflow.last_decision(record),
        },
    )


@login_required
def review_revision(request: HttpRequest, pk: int) -> HttpResponse:
    revision = get_object_or_404(Revision.objects.select_related("content_type", "created_by"), pk=pk)
    record = revision.target
    if record is None or not access.moderates(request.user, record):
        raise PermissionDenied(_("You do not moderate this entry's country."))
    kind = kind_of(record)
    version = workflow.record_version(record, revision)
    form = ReasonForm(request.POST or None, initial={"version": version})
    if request.method == "POST" and form.is_valid():
        response = _decide(
            request,
            form,
            approve=lambda v: workflow.revision_approve(revision=revision, moderator=request.user, version=v),
            reject=lambda v, reason: workflow.revision_reject(
                revision=revision, moderator=request.user, reason=reason, version=v
            ),
        )
        if response is not None:
            return response
        form = ReasonForm(initial={"version": workflow.record_version(record, revision)}, data=None)
    current = workflow.snapshot(record)
    changed_meanwhile = [
        line
        for line in display.diff(kind.model, revision.data["base"], current)
        if line.changed and line.key in workflow.revision_changes(revision)
    ]
    return render(
        request,
        "moderation/review.html",
        {
            "kind": kind,
            "record": record,
            "revision": revision,
            "lines": display.diff(kind.model, revision.data["base"], revision.data["proposed"]),
            "changed_meanwhile": changed_meanwhile,
            "form": form,
            "pending_logo": logos.pending_logo(record),
            "decidable": revision.status == RevisionStatus.PENDING,
        },
    )

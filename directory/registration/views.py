"""The manager's pages: the guided form of each entry, "My entries", organisation search, logos, invitations,
and the history of a record for staff."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from directory import access, workflow
from directory.choices import PublicationStatus
from directory.models import ModerationDecision, Organisation, Revision

from . import display, logos
from .forms import (
    InvitationForm,
    LogoForm,
    NewOrganisationForm,
    StepForm,
    row_formset,
    visible_organisations,
)
from .steps import ENTRY_KINDS, EntryKind, Step, entry_kind, kind_of

SEARCH_LIMIT = 20
PUBLIC_URL_NAMES = {
    "organisation": "directory:organisation-detail",
    "cluster": "clusters:detail",
    "technopark": "technoparks:detail",
}
LOGO_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


# --- Helpers ---------------------------------------------------------------------------
def step_url(kind: EntryKind, record, step: Step) -> str:
    return reverse("registration:step", args=[kind.slug, record.pk, step.slug])


def add_errors(form, exc: ValidationError, errors: list[str]) -> None:
    """Put a service's errors on the form's fields, or in the step's list when the field is elsewhere."""
    if not hasattr(exc, "error_dict"):
        errors.extend(exc.messages)
        return
    for field, messages_ in exc.message_dict.items():
        if form is not None and field in form.fields:
            form.add_error(field, messages_)
        elif form is not None and field == "location" and "longitude" in form.fields:
            form.add_error("longitude", messages_)
        elif field == "__all__":
            errors.extend(messages_)
        else:
            try:
                label = display._label(form.model if form is not None else None, field)
            except Exception:  # noqa: BLE001 - a row or a field the step does not show
                label = field.replace("_", " ")
            errors.extend(f"{label}: {message}" for message in messages_)


def editable_record(request: HttpRequest, kind: EntryKind, pk: int):
    record = get_object_or_404(kind.model, pk=pk)
    if not access.can_edit(request.user, record):
        raise PermissionDenied(_("You do not manage this entry."))
    return record


def _progress(kind: EntryKind, current: Step, record=None) -> list[dict]:
    index = kind.steps.index(current)
    return [
        {
            "title": step.title,
            "url": step_url(kind, record, step) if record is not None else "",
            "state": "done" if i < index else ("current" if i == index else "todo"),
            "number": i + 1,
        }
        for i, step in enumerate(kind.steps)
    ]


def point_picker_config(record) -> dict:
    leaflet = settings.LEAFLET_CONFIG
    extent = None
    country = getattr(record, "country", None)
    if country is not None and country.boundary is not None:
        extent = list(country.boundary.extent)
    return {
        "tiles": {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION},
        "center": list(leaflet.get("DEFAULT_CENTER", (45.0, 75.0))),
        "zoom": leaflet.get("DEFAULT_ZOOM", 3),
        "countryExtent": extent,
    }


# --- Start and the first step --------------------------------------------------------------
@login_required
@require_GET
def entry_start(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/start.html", {"kinds": ENTRY_KINDS.values()})


@login_required
def entry_create(request: HttpRequest, kind: str) -> HttpResponse:
    kind = entry_kind(kind)
    step = kind.steps[0]
    form = StepForm(request.POST or None, model=kind.model, step=step, user=request.user, initial={"version": "new"})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            record = workflow.record_create(model=kind.model, user=request.user, data=form.changes())
        except ValidationError as exc:
            add_errors(form, exc, errors)
        else:
            messages.success(request, _("Draft saved. You can come back to it at any time from My entries."))
            return redirect(step_url(kind, record, kind.next_step(step)))
    return render(
        request,
        "registration/step.html",
        {"kind": kind, "step": step, "form": form, "errors": errors, "progress": _progress(kind, step)},
    )


# --- Every further step ----------------------------------------------------------------------
@login_required
def entry_step(request: HttpRequest, kind: str, pk: int, step: str) -> HttpResponse:
    kind = entry_kind(kind)
    record = editable_record(request, kind, pk)
    step = kind.step(step)
    revision = workflow.open_revision(record)
    context = {
        "kind": kind,
        "step": step,
        "record": record,
        "revision": revision,
        "progress": _progress(kind, step, record),
        "previous": kind.previous_step(step),
        "next": kind.next_step(step),
        "errors": [],
        "locked": record.status not in (*access.MANAGER_EDITABLE_STATUSES, PublicationStatus.PUBLISHED),
    }
    handler = {"fields": _fields_step, "logo": _logo_step, "review": _review_step}.get(step.kind, _rows_step)
    return handler(request, kind, record, step, revision, context)


def _save(request, kind, record, step, changes, form, context) -> HttpResponse | None:
    """Run the workflow's edit; a redirect on success, None (with errors in context) when refused."""
    try:
        result = workflow.record_edit(
            record=record, user=request.user, changes=changes, version=request.POST.get("version", "")
        )
    except workflow.VersionConflict as conflict:
        context["conflict"] = display.describe(kind.model, conflict.current, keys=_conflict_keys(step, conflict))
        context["errors"].append(
            _(
                "Someone else saved this entry after you opened it. Your changes were not saved: their values are "
                "shown below. Check them, then save again to keep yours."
            )
        )
        if form is not None:
            form.data = form.data.copy()
            form.data["version"] = conflict.version
        context["conflict_version"] = conflict.version
        return None
    except ValidationError as exc:
        add_errors(form, exc, context["errors"])
        return None
    if isinstance(result, Revision):
        messages.success(
            request, _("Change saved. The public sees the approved version until a moderator approves it.")
        )
    else:
        messages.success(request, _("Draft saved."))
    target = context["next"] if request.POST.get("go") == "next" and context["next"] else step
    if request.POST.get("go") == "back" and context["previous"]:
        target = context["previous"]
    return redirect(step_url(kind, record, target))


def _conflict_keys(step: Step, conflict) -> list[str]:
    keys = [key for key in step.fields if key in conflict.current]
    return keys or list(conflict.current)


def _version(record, revision) -> str:
    return workflow.record_version(record, revision)


def _fields_step(request, kind, record, step, revision, context) -> HttpResponse:
    data = workflow.working_data(record, revision)
    initial = StepForm.initial_from(data, _version(record, revision))
    form = StepForm(request.POST or None, model=kind.model, step=step, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _save(request, kind, record, step, form.changes(), form, context)
        if response is not None:
            return response
    context["form"] = form
    context["point_picker"] = "location" in step.fields
    if context["point_picker"]:
        context["point_picker_config"] = point_picker_config(record)
    return render(request, "registration/step.html", context)


def _rows_step(request, kind, record, step, revision, context) -> HttpResponse:
    data = workflow.working_data(record, revision)
    rows_name = step.fields[0]
    link_fields = step.fields[1:]  # the specialised organisation or the operator, chosen among the rows
    version = _version(record, revision)
    post = request.POST if request.method == "POST" else None
    formset = row_formset(step.kind, user=request.user, data=post, initial=data.get(rows_name) or [])
    form = None
    if link_fields:
        form = StepForm(
            post,
            model=kind.model,
            step=Step(step.slug, step.title, link_fields),
            user=request.user,
            initial=StepForm.initial_from(data, version),
        )
        member_ids = [row["organisation"] for row in data.get(rows_name) or []]
        for name in link_fields:
            form.fields[name].queryset = visible_organisations(request.user).filter(pk__in=member_ids)
    else:
        form = StepForm(
            post, model=kind.model, step=Step(step.slug, step.title), user=request.user, initial={"version": version}
        )
    new_form = NewOrganisationForm(post if post and post.get("go") == "create" else None)
    if post is not None:
        valid = formset.is_valid() and form.is_valid()
        creating = post.get("go") == "create"
        if creating and not new_form.is_valid():
            valid = False
        if valid:
            rows = [f.row() for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            changes = {rows_name: rows, **form.changes()}
            if creating:
                try:
                    organisation = workflow.record_create(
                        model=Organisation, user=request.user, data=new_form.data_for_record()
                    )
                except ValidationError as exc:
                    add_errors(new_form, exc, context["errors"])
                    organisation = None
                if organisation is not None:
                    changes[rows_name].append(_new_row(step.kind, organisation))
                    request.POST = request.POST.copy()
                    request.POST["go"] = "stay"
            if not context["errors"]:
                response = _save(request, kind, record, step, changes, form, context)
                if response is not None:
                    return response
    names = _organisation_names(formset)
    context.update(
        {
            "form": form,
            "formset": formset,
            "rows": [(row_form, names.get(_organisation_id(row_form))) for row_form in formset.forms],
            "new_form": new_form,
            "with_organisations": step.kind in ("members", "residents"),
            "search_url": reverse("registration:organisation-search"),
        }
    )
    return render(request, "registration/step_rows.html", context)


def _new_row(step_kind: str, organisation) -> dict:
    if step_kind == "members":
        return {"organisation": organisation.pk, "role": "participant"}
    return {"organisation": organisation.pk}


def _organisation_id(row_form) -> int | None:
    if "organisation" not in row_form.fields:
        return None
    value = row_form["organisation"].value()
    try:
        return int(value.pk if hasattr(value, "pk") else value)
    except (TypeError, ValueError):
        return None


def _organisation_names(formset) -> dict[int, str]:
    ids = {pk for pk in (_organisation_id(f) for f in formset.forms) if pk}
    return {o.pk: str(o) for o in Organisation.objects.filter(pk__in=ids).defer("location")}


def _logo_step(request, kind, record, step, revision, context) -> HttpResponse:
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        logos.logo_upload(record=record, user=request.user, upload=form.cleaned_data["logo"])
        messages.success(request, _("Logo uploaded. It is shown once a moderator approves the entry."))
        target = context["next"] if request.POST.get("go") == "next" else step
        return redirect(step_url(kind, record, target))
    context.update({"form": form, "pending_logo": logos.pending_logo(record), "logo": logos.public_logo(record)})
    return render(request, "registration/step_logo.html", context)


def _review_step(request, kind, record, step, revision, context) -> HttpResponse:
    problems: list[str] = []
    if revision is not None:
        context["lines"] = display.diff(kind.model, revision.data["base"], revision.data["proposed"])
    else:
        context["lines"] = display.describe(kind.model, workflow.snapshot(record))
        if record.status in access.MANAGER_EDITABLE_STATUSES:
            try:
                record.full_clean()
            except ValidationError as exc:
                add_errors(None, exc, problems)
            if record._meta.label_lower in workflow.LOCATION_REQUIRED and record.location is None:
                problems.append(_("Place the entry on the map (the Location step) before you submit it."))
    context.update(
        {
            "problems": problems,
            "version": _version(record, revision),
            "decision": workflow.last_decision(record),
            "pending_logo": logos.pending_logo(record),
            "can_submit": not problems
            and (
                record.status in access.MANAGER_EDITABLE_STATUSES
                or (revision is not None and revision.status == "draft")
            ),
        }
    )
    return render(request, "registration/step_review.html", context)


# --- Actions ---------------------------------------------------------------------------
@login_required
@require_POST
def entry_submit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    kind = entry_kind(kind)
    record = editable_record(request, kind, pk)
    try:
        workflow.record_submit(record=record, user=request.user, version=request.POST.get("version"))
    except workflow.VersionConflict:
        messages.error(request, _("Someone else changed this entry meanwhile: check it and submit again."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Sent to the moderators of %(country)s.") % {"country": record.country})
        return redirect("registration:my-entries")
    return redirect(step_url(kind, record, kind.step("review")))


@login_required
@require_POST
def entry_archive(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    kind = entry_kind(kind)
    record = get_object_or_404(kind.model, pk=pk)
    try:
        workflow.record_archive(record=record, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s” is archived.") % {"name": record})
    return redirect("registration:my-entries")


# --- My entries -----------------------------------------------------------------------------
@login_required
@require_GET
def my_entries(request: HttpRequest) -> HttpResponse:
    groups = []
    for kind in ENTRY_KINDS.values():
        model = kind.model
        records = list(
            access.managed_records(request.user, model.objects.select_related("country").defer("country__boundary"))
            .defer("location")
            .order_by("-updated_at")
        )
        content_type = ContentType.objects.get_for_model(model)
        ids = [record.pk for record in records]
        revisions = {
            r.object_id: r
            for r in Revision.objects.filter(
                content_type=content_type, object_id__in=ids, status__in=workflow.OPEN_REVISION_STATUSES
            )
        }
        decisions: dict[int, ModerationDecision] = {}
        for decision in ModerationDecision.objects.filter(content_type=content_type, object_id__in=ids):
            decisions.setdefault(decision.object_id, decision)
        groups.append(
            {
                "kind": kind,
                "title": model._meta.verbose_name_plural,
                "entries": [
                    {
                        "record": r,
                        "revision": revisions.get(r.pk),
                        "decision": decisions.get(r.pk),
                        "public_url": reverse(PUBLIC_URL_NAMES[kind.slug], args=[r.pk]),
                    }
                    for r in records
                ],
            }
        )
    return render(request, "registration/my_entries.html", {"groups": groups})


# --- Organisation search (autocomplete) --------------------------------------------------------
@login_required
@require_GET
def organisation_search(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "").strip()
    if "\x00" in query:
        # PostgreSQL refuses NUL in a text literal: answer the client, not with a server error.
        return JsonResponse({"results": [], "error": _("Null characters are not allowed.")}, status=400)
    if len(query) < 2:
        return JsonResponse({"results": []})
    matches = Q()
    for suffix in ("en", "ru", "zh", "original"):
        matches |= Q(**{f"name_{suffix}__icontains": query})
    qs = visible_organisations(request.user).filter(matches).select_related("country").defer("country__boundary")
    # isdecimal() and not isdigit(): "²" is a digit that int() refuses.
    if request.GET.get("country", "").isascii() and request.GET.get("country", "").isdecimal():
        qs = qs.filter(country_id=int(request.GET["country"]))
    results = [
        {
            "id": o.pk,
            "name": o.name,
            "country": o.country.name,
            "status": o.get_status_display(),
            "published": o.status == PublicationStatus.PUBLISHED,
        }
        for o in qs.order_by("name_en", "name_original")[:SEARCH_LIMIT]
    ]
    return JsonResponse({"results": results})


# --- Logos -------------------------------------------------------------------------------------
@require_GET
def logo_file(request: HttpRequest, pk: int) -> FileResponse:
    from directory.models import RecordLogo

    logo = get_object_or_404(RecordLogo.objects.select_related("content_type"), pk=pk)
    record = logo.target
    if record is None:
        raise Http404
    public = logo.approved_at is not None and record.status == PublicationStatus.PUBLISHED
    if not public and not (access.user_manages(request.user, record) or access.moderates(request.user, record)):
        raise Http404
    response = FileResponse(logo.image.open("rb"), content_type=LOGO_CONTENT_TYPES[logo.extension])
    response["Cache-Control"] = "private, max-age=300" if not public else "public, max-age=3600"
    return response


# --- Invitations to co-edit ------------------------------------------------------------------------
@login_required
def entry_invite(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    from directory.accounts.services import invitation_create

    kind = entry_kind(kind)
    record = get_object_or_404(kind.model, pk=pk)
    if not access.user_manages(request.user, record):
        raise PermissionDenied(_("Only the entry's managers can invite co-editors."))
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_create(record=record, email=form.cleaned_data["email"], invited_by=request.user)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
        return redirect("registration:my-entries")
    editors = access.managers_of(record)
    return render(
        request, "registration/invite.html", {"kind": kind, "record": record, "form": form, "editors": editors}
    )


# --- History (staff) ---------------------------------------------------------------------------------
def _can_see_history(user, record) -> bool:
    return access.moderates(user, record) or bool(user.is_authenticated and user.is_staff)


@login_required
@require_GET
def entry_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    kind = entry_kind(kind)
    record = get_object_or_404(kind.model, pk=pk)
    if not _can_see_history(request.user, record):
        raise PermissionDenied(_("The history of entries is shown to staff."))
    events = list(workflow.history_events(record)[:200])
    user_ids = {
        e.pgh_context.metadata.get("user") for e in events if e.pgh_context and e.pgh_context.metadata.get("user")
    }
    users = {u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=user_ids)}
    fields = workflow.scalar_fields(kind.model)
    rows = []
    for index, event in enumerate(events):
        older = events[index + 1] if index + 1 < len(events) else None
        values = {f.name: workflow._dump(f, getattr(event, f.attname)) for f in fields}
        before = {f.name: workflow._dump(f, getattr(older, f.attname)) for f in fields} if older else {}
        lines = [line for line in display.diff(kind.model, before, values) if line.changed]
        context = event.pgh_context.metadata if event.pgh_context else {}
        rows.append(
            {
                "event": event,
                "user": users.get(context.get("user"), ""),
                "url": context.get("url", ""),
                "lines": lines,
                "status": dict(PublicationStatus.choices).get(getattr(event, "status", ""), ""),
            }
        )
    return render(
        request,
        "registration/history.html",
        {"kind": kind, "record": record, "rows": rows, "can_restore": access.moderates(request.user, record)},
    )


@login_required
@require_POST
def entry_restore(request: HttpRequest, kind: str, pk: int, event_id: int) -> HttpResponse:
    kind = entry_kind(kind)
    record = get_object_or_404(kind.model, pk=pk)
    try:
        workflow.history_restore(record=record, event_id=event_id, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The earlier version is restored; the restore is itself kept in the history."))
    return redirect("registration:history", kind.slug, record.pk)


def entry_links(record) -> dict:
    """URLs about a record for other pages (edit, history) — for templates that list records."""
    kind = kind_of(record)
    return {
        "edit": step_url(kind, record, kind.steps[0]),
        "history": reverse("registration:history", args=[kind.slug, record.pk]),
    }

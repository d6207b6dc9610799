"""Pages of open data: the catalogue and downloads, the statistics, and the staff's import steps."""

import csv
import io
from pathlib import Path

from celery.result import AsyncResult
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import dashboard as stats
from . import jobs, services, tasks
from .catalogue import LICENCE, catalogue_entries, dcat_catalogue, export_datasets, import_kinds
from .exporting import ExportQueryError, export_response
from .forms import ConfirmForm, MappingForm, UploadForm
from .importing import Action, can_import
from .readers import ImportFileError, format_from_name, limit, too_large_message

REPORT_PAGE_SIZE = 100
# Multipart headers and the form's other fields around the file.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def inline_max_rows() -> int:
    """Files up to this many rows are checked and imported while the page waits; larger ones go to Celery."""
    return getattr(settings, "OPENDATA_INLINE_MAX_ROWS", 2000)


# --- Catalogue and downloads ---------------------------------------------------------------------------------
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    context = {
        "entries": catalogue_entries(),
        "licence": LICENCE,
        "can_import": can_import(request.user),
    }
    return render(request, "opendata/catalogue.html", context)


@require_GET
def catalogue_json(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(dcat_catalogue(), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def export(request: HttpRequest, dataset: str, fmt: str):
    found = export_datasets().get(dataset)
    if found is None or fmt not in found.formats():
        raise Http404(_("No such dataset or format."))
    try:
        return export_response(found, fmt, request.GET)
    except ExportQueryError as exc:
        return JsonResponse({"errors": exc.errors}, status=400)


# --- Statistics ----------------------------------------------------------------------------------------------------
def _scope(request: HttpRequest) -> stats.Scope:
    return stats.Scope.build(request.GET.get("bloc", ""), request.GET.get("country", ""))


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    from directory.models import Bloc, Country

    scope = _scope(request)
    charts = stats.dashboard(scope)
    context = {
        "charts": charts,
        "chart_data": [chart.as_dict() for chart in charts],
        "scope": scope,
        "blocs": Bloc.objects.all(),
        "countries": sorted(Country.objects.defer("boundary"), key=lambda c: c.name),
        "querystring": request.GET.urlencode(),
    }
    return render(request, "opendata/dashboard.html", context)


@require_GET
def statistics_data(request: HttpRequest, chart: str) -> HttpResponse:
    build = stats.CHARTS.get(chart)
    if build is None:
        raise Http404(_("No such chart."))
    result = build(_scope(request))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["", *(label for label, _data in result.series)])
    writer.writerows(result.rows())
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistics-{chart}.csv"'
    return response


# --- Import: who may ------------------------------------------------------------------------------------------------
def _require_importer(request: HttpRequest):
    """None when the user may import; otherwise the response (a sign-in page, or 403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_import(request.user):
        raise PermissionDenied(_("Only staff may import files."))
    return None


def _job_or_404(request: HttpRequest, job_id) -> dict:
    job = jobs.get_job(str(job_id))
    if job is None:
        raise Http404(_("This import has expired or does not exist; upload the file again."))
    if job.get("user_id") != request.user.pk and not request.user.is_superuser:
        raise Http404(_("This import has expired or does not exist; upload the file again."))
    return job


# --- Import: upload ---------------------------------------------------------------------------------------------------
class LimitedUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the size limit, instead of spooling it all to disk first."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > limit("OPENDATA_IMPORT_MAX_BYTES"):
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    # The size guard must be in place before the body is parsed, which the CSRF check would otherwise do first.
    denied = _require_importer(request)
    if denied is not None:
        return denied
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > limit("OPENDATA_IMPORT_MAX_BYTES") + UPLOAD_OVERHEAD_BYTES:
            return _refuse_upload(request, too_large_message(length), status=413)
        handler = LimitedUploadHandler(request)
        request.upload_handlers.insert(0, handler)
        request.size_guard = handler
    return _upload(request)


def _refuse_upload(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    context = {"form": UploadForm(), "upload_error": message}
    return render(request, "opendata/import_upload.html", context, status=status)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "opendata/import_upload.html", {"form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    guard = getattr(request, "size_guard", None)
    if guard is not None and guard.exceeded:
        return _refuse_upload(request, too_large_message(), status=413)
    if not form.is_valid():
        return render(request, "opendata/import_upload.html", {"form": form}, status=400)
    uploaded = form.cleaned_data["file"]
    job_id = jobs.new_job_id()
    path = jobs.store_upload(job_id, uploaded, uploaded.name)
    try:
        services.job_create(
            kind=form.cleaned_data["kind"],
            path=path,
            file_name=Path(uploaded.name).name,
            user_id=request.user.pk,
            declared_format=format_from_name(uploaded.name),
            encoding=form.cleaned_data["encoding"],
            job_id=job_id,
        )
    except ImportFileError as exc:
        form.add_error("file", str(exc))
        return render(request, "opendata/import_upload.html", {"form": form}, status=400)
    return redirect("opendata:import-mapping", job_id=job_id)


# --- Import: mapping and dry run ------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, job_id) -> HttpResponse:
    denied = _require_importer(request)
    if denied is not None:
        return denied
    job = _job_or_404(request, job_id)
    kind = import_kinds()[job["kind"]]
    form = MappingForm(request.POST or None, kind=kind, header=job["header"], initial_mapping=job["mapping"])
    if request.method == "POST" and form.is_valid():
        jobs.update_job(job["id"], mapping=form.cleaned_data["mapping"])
        _start(job, dry_run=True)
        return redirect("opendata:import-job", job_id=job["id"])
    context = {
        "job": job,
        "kind": kind,
        "form": form,
        "rows": [(field, [row.get(job["mapping"].get(field.name, ""), "") for row in job["sample"]]) for field in form],
    }
    return render(request, "opendata/import_mapping.html", context, status=400 if form.errors else 200)


def _start(job: dict, *, dry_run: bool, publish: bool = False, only_valid: bool = False) -> None:
    """Runs small files at once; sends large ones to Celery and remembers the task for the progress bar."""
    phase = "dry_run" if dry_run else "import"
    if job["rows"] <= inline_max_rows():
        services.job_run(job["id"], dry_run=dry_run, publish=publish, only_valid=only_valid)
        jobs.update_job(job["id"], **{f"{phase}_task": ""})
        return
    if dry_run:
        result = tasks.import_dry_run.delay(job["id"])
    else:
        result = tasks.import_confirm.delay(job["id"], publish, only_valid)
    jobs.update_job(job["id"], **{f"{phase}_task": result.id})


def _progress(job: dict, phase: str) -> dict:
    task_id = job.get(f"{phase}_task")
    report = jobs.get_report(job["id"], dry_run=phase == "dry_run")
    if report is not None:
        return {"phase": phase, "state": "SUCCESS", "done": report.total, "total": report.total, "finished": True}
    if not task_id:
        return {"phase": phase, "state": "PENDING", "done": 0, "total": job["rows"], "finished": False}
    result = AsyncResult(task_id)
    info = result.info if isinstance(result.info, dict) else {}
    return {
        "phase": phase,
        "state": result.state,
        "done": info.get("done", 0),
        "total": info.get("total") or job["rows"],
        "finished": result.state in ("SUCCESS", "FAILURE", "REVOKED"),
        "failed": result.state in ("FAILURE", "REVOKED"),
    }


def _phase(job: dict) -> str:
    return "import" if "import_task" in job else "dry_run"


@require_GET
def job_status(request: HttpRequest, job_id) -> JsonResponse:
    denied = _require_importer(request)
    if denied is not None:
        return JsonResponse({"error": _("Sign in as staff.")}, status=403)
    job = _job_or_404(request, job_id)
    return JsonResponse(_progress(job, _phase(job)))


@require_GET
def job_detail(request: HttpRequest, job_id) -> HttpResponse:
    denied = _require_importer(request)
    if denied is not None:
        return denied
    job = _job_or_404(request, job_id)
    phase = _phase(job)
    progress = _progress(job, phase)
    report = jobs.get_report(job["id"], dry_run=phase == "dry_run")
    context = {"job": job, "kind": import_kinds()[job["kind"]], "phase": phase, "progress": progress}
    if report is not None:
        context.update(_report_context(request, report))
        if phase == "dry_run" and not report.file_error:
            context["confirm_form"] = ConfirmForm(refused=report.refused)
    return render(request, "opendata/import_job.html", context)


def _report_context(request: HttpRequest, report) -> dict:
    show = request.GET.get("show", "")
    rows = [row for row in report.rows if not show or row.action == show]
    page = Paginator(rows, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {
        Action.CREATE: _("created") if not report.dry_run else _("would be created"),
        Action.UPDATE: _("updated") if not report.dry_run else _("would be updated"),
        Action.UNCHANGED: _("unchanged"),
        Action.REFUSE: _("refused"),
    }
    return {
        "report": report,
        "report_page": page,
        "show": show,
        "action_labels": labels,
        "action_filters": [(action, labels[action], report.counts[action]) for action in Action.ALL],
    }


@require_POST
def confirm(request: HttpRequest, job_id) -> HttpResponse:
    denied = _require_importer(request)
    if denied is not None:
        return denied
    job = _job_or_404(request, job_id)
    report = jobs.get_report(job["id"], dry_run=True)
    if report is None or report.file_error or "import_task" in job:
        return redirect("opendata:import-job", job_id=job["id"])
    form = ConfirmForm(request.POST, refused=report.refused)
    if not form.is_valid():
        context = {
            "job": job,
            "kind": import_kinds()[job["kind"]],
            "phase": "dry_run",
            "progress": _progress(job, "dry_run"),
            "confirm_form": form,
            **_report_context(request, report),
        }
        return render(request, "opendata/import_job.html", context, status=400)
    job = jobs.update_job(job["id"], import_task="", publish=form.cleaned_data["publish"])
    _start(job, dry_run=False, publish=form.cleaned_data["publish"], only_valid=form.cleaned_data["only_valid"])
    return redirect("opendata:import-job", job_id=job["id"])

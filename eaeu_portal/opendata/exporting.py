"""Streaming exports of the registry's lists as CSV, XLSX and GeoJSON.

Rows are read from PostgreSQL in chunks through a server-side cursor (`QuerySet.iterator`, with the relations each
chunk needs prefetched) and written out as they come, so memory stays flat however long the list is: CSV and GeoJSON
go to the client chunk by chunk; an XLSX file is a ZIP archive that can only be closed at the end, so openpyxl's
write-only mode spools the sheet to a temporary file on disk, which is then streamed.

Every export applies the list page's own FilterSet to published records only, and every row carries the record's
stable id (its primary key, which never changes) and its portal URL.
"""

import datetime
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max, Model, QuerySet
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import Field, format_value, guard_formula

# Rows fetched per round trip to the database: large enough to amortise the prefetch queries of a chunk.
EXPORT_CHUNK_SIZE = 1000
# CSV and GeoJSON rows joined into one piece of the response: fewer, larger writes to the socket.
ROWS_PER_PIECE = 200
# Parameters of a list page that are not filters.
NON_FILTER_PARAMS = ("page", "sort", "format")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


class ExportQueryError(Exception):
    """Filter parameters the dataset cannot apply; `errors` maps each parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class ExportDataset:
    """A list the portal publishes as open data."""

    key: str
    title: Any
    description: Any
    model: type[Model]
    fields: tuple[Field, ...]
    # The published records with what the columns read, already select_related/prefetch_related.
    queryset: Callable[[], QuerySet]
    filterset_class: type | None = None
    # The URL name of a record's page; the export's `url` column.
    detail_url_name: str | None = None
    # The URL name of the list page whose query parameters the export accepts.
    list_url_name: str | None = None
    geographic: bool = False
    # The import kind that reads this dataset's files back, when there is one.
    import_kind: str | None = None
    # The record whose page the `url` column links to, when the row is a part of a record (an indicator's cluster).
    url_record: Callable[[Any], Any] | None = None
    # The path of a row's page when it is not `detail_url_name` with the row's id.
    record_path: Callable[[Any], str] | None = None
    # The field that dates a row: its own "updated at", or that of the record it belongs to.
    updated_field: str = "updated_at"
    # For rows that belong to a record (a cluster's indicators): the filters apply to those records
    # (`filter_base`), and `filter_rows(rows, records)` keeps the rows of the records kept.
    filter_base: Callable[[], QuerySet] | None = None
    filter_rows: Callable[[QuerySet, QuerySet], QuerySet] | None = None

    @property
    def columns(self) -> list[str]:
        return ["id", "url", *(f.name for f in self.exported_fields)]

    @property
    def exported_fields(self) -> list[Field]:
        return [f for f in self.fields if f.exported]

    def public_queryset(self) -> QuerySet:
        return self.queryset()

    def record_count(self) -> int:
        return self.queryset().order_by().values("pk").count()

    def last_update(self) -> datetime.datetime | None:
        if not self.updated_field:
            return None
        return self.queryset().order_by().aggregate(last=Max(self.updated_field))["last"]

    def formats(self) -> list[str]:
        return ["csv", "xlsx", "geojson"] if self.geographic else ["csv", "xlsx"]


# --- Filtering --------------------------------------------------------------------------------------------
def filter_params(query: QueryDict) -> QueryDict:
    params = query.copy()
    for name in NON_FILTER_PARAMS:
        params.pop(name, None)
    for name in list(params):
        if all(value == "" for value in params.getlist(name)):
            del params[name]
    return params


def filtered_queryset(dataset: ExportDataset, query: QueryDict | None = None) -> QuerySet:
    """The dataset's published records that the list page's filters keep, in a stable order (by id)."""
    queryset = dataset.public_queryset()
    params = filter_params(query) if query else None
    if dataset.filterset_class is not None and params:
        base = dataset.filter_base() if dataset.filter_base else queryset
        filterset = dataset.filterset_class(data=params, queryset=base)
        if not filterset.is_valid():
            raise ExportQueryError({name: [str(m) for m in messages] for name, messages in filterset.errors.items()})
        try:
            kept = filterset.qs
            # Compiling the query runs the geographic filters, which parse their value only then.
            str(kept.query)
        except ValidationError as exc:
            raise ExportQueryError({"__all__": list(exc.messages)}) from exc
        queryset = dataset.filter_rows(queryset, kept) if dataset.filter_rows else kept
    return queryset.order_by("pk")


# --- Rows -------------------------------------------------------------------------------------------------
class RowWriter:
    """Turns records into rows of values: the id, the portal URL, then the dataset's exported fields."""

    def __init__(self, dataset: ExportDataset):
        self.dataset = dataset
        self.fields = dataset.exported_fields
        self.url_prefix = ""
        if dataset.detail_url_name:
            # Reversed once: the URL of record 0 without its id is the prefix of every record's URL.
            self.url_prefix = settings.SITE_URL.rstrip("/") + reverse(dataset.detail_url_name, args=[0])[: -len("0/")]

    def url(self, record) -> str:
        if self.dataset.record_path is not None:
            return settings.SITE_URL.rstrip("/") + self.dataset.record_path(record)
        if not self.url_prefix:
            return ""
        target = self.dataset.url_record(record) if self.dataset.url_record else record
        return f"{self.url_prefix}{target.pk}/"

    def values(self, record) -> list[Any]:
        return [record.pk, self.url(record), *(f.get(record) for f in self.fields)]


def iterate(queryset: QuerySet) -> Iterator[Model]:
    return queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)


# --- CSV --------------------------------------------------------------------------------------------------
def _csv_cell(value: Any) -> str:
    text = format_value(value)
    if isinstance(value, str):
        text = guard_formula(text)
    if any(c in text for c in ',"\n\r'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _csv_line(values: Iterable[Any]) -> str:
    return ",".join(_csv_cell(v) for v in values) + "\r\n"


def csv_pieces(dataset: ExportDataset, records: Iterable[Model]) -> Iterator[bytes]:
    """The CSV file in pieces: a byte-order mark (so spreadsheets read Cyrillic and Chinese as UTF-8), the header,
    then the rows."""
    writer = RowWriter(dataset)
    yield ("\ufeff" + _csv_line(dataset.columns)).encode()
    lines: list[str] = []
    for record in records:
        lines.append(_csv_line(writer.values(record)))
        if len(lines) >= ROWS_PER_PIECE:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


# --- GeoJSON ----------------------------------------------------------------------------------------------
def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_value(value)
    if isinstance(value, datetime.date | datetime.datetime | list | tuple):
        return format_value(value)
    return value


def geojson_pieces(dataset: ExportDataset, records: Iterable[Model]) -> Iterator[bytes]:
    """A FeatureCollection written feature by feature; records without a location have a null geometry."""
    writer = RowWriter(dataset)
    names = dataset.columns
    skip = {"longitude", "latitude"}
    header = {
        "type": "FeatureCollection",
        "name": dataset.key,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    }
    yield (json.dumps(header, ensure_ascii=False)[:-1] + ', "features": [\n').encode()
    pieces: list[str] = []
    first = True
    for record in records:
        values = writer.values(record)
        location = getattr(record, "location", None)
        feature = {
            "type": "Feature",
            "id": record.pk,
            "geometry": {"type": "Point", "coordinates": [location.x, location.y]} if location is not None else None,
            "properties": {n: _json_value(v) for n, v in zip(names, values, strict=True) if n not in skip},
        }
        pieces.append(("" if first else ",\n") + json.dumps(feature, ensure_ascii=False))
        first = False
        if len(pieces) >= ROWS_PER_PIECE:
            yield "".join(pieces).encode()
            pieces = []
    pieces.append("\n]}\n")
    yield "".join(pieces).encode()


# --- XLSX -------------------------------------------------------------------------------------------------
def _xlsx_cell(sheet, value: Any):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, bool | int | float | Decimal) or value is None:
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", format_value(value))
    cell = WriteOnlyCell(sheet, value=text)
    # Text that starts with "=" stays text: a downloaded file never runs a formula someone typed into a name.
    cell.data_type = "s"
    return cell


def write_xlsx(dataset: ExportDataset, records: Iterable[Model], target) -> None:
    """Writes the workbook to `target` (a path or a binary file): the data on the first sheet, what it is on
    the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(dataset.key[:31])
    header = []
    for name in dataset.columns:
        cell = _xlsx_cell(sheet, name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    writer = RowWriter(dataset)
    for record in records:
        sheet.append([_xlsx_cell(sheet, v) for v in writer.values(record)])
    about = workbook.create_sheet(str(_("About"))[:31])
    for label, value in about_rows(dataset):
        about.append([_xlsx_cell(about, str(label)), _xlsx_cell(about, value)])
    workbook.save(target)


def about_rows(dataset: ExportDataset) -> list[tuple[Any, str]]:
    from .catalogue import LICENCE

    rows = [
        (_("Dataset"), str(dataset.title)),
        (_("Description"), str(dataset.description)),
        (_("Licence"), f"{LICENCE['title']} ({LICENCE['url']})"),
        (_("Publisher"), str(_("EAEU and SCO innovation registry"))),
        (_("Exported at"), timezone.now().isoformat(timespec="seconds")),
    ]
    rows.extend((f.name, str(f.label)) for f in dataset.exported_fields)
    return rows


# --- Responses --------------------------------------------------------------------------------------------
def file_name(dataset: ExportDataset, fmt: str) -> str:
    return f"{dataset.key}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def export_response(dataset: ExportDataset, fmt: str, query: QueryDict | None = None):
    """The whole filtered list as a download; raises ExportQueryError for bad filters before anything is sent."""
    queryset = filtered_queryset(dataset, query)
    disposition = f'attachment; filename="{file_name(dataset, fmt)}"'
    if fmt == "xlsx":
        # Spooled to disk, not memory: a temporary file is removed when the response closes it.
        spool = tempfile.TemporaryFile(suffix=".xlsx")
        write_xlsx(dataset, iterate(queryset), spool)
        spool.seek(0)
        response = FileResponse(spool, content_type=FORMATS["xlsx"])
    else:
        pieces = csv_pieces if fmt == "csv" else geojson_pieces
        response = StreamingHttpResponse(pieces(dataset, iterate(queryset)), content_type=FORMATS[fmt])
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-cache"
    return response

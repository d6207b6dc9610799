"""Reading uploaded CSV, XLSX and GeoJSON files safely, as rows of text keyed by column name.

A file that cannot be read raises ImportFileError with a message staff can act on (which line, what to do); it is
checked from beginning to end when it is uploaded (`inspect_file`), before any row is looked at, so a broken
file changes nothing. Limits keep a hostile file from exhausting the machine: the upload size, the number of rows
and columns, and, for XLSX (a ZIP archive of XML), the unpacked size and compression ratio of its parts, so a
"ZIP bomb" is refused before it is unpacked.
"""

import abc
import codecs
import csv
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext as _

# Limits; each can be set in the settings under the same name.
DEFAULTS = {
    "OPENDATA_IMPORT_MAX_BYTES": 50 * 1024 * 1024,
    "OPENDATA_IMPORT_MAX_ROWS": 200_000,
    "OPENDATA_IMPORT_MAX_COLUMNS": 200,
    # An XLSX file's parts together, unpacked, and how much better than ordinary XML a part may compress.
    "OPENDATA_XLSX_MAX_UNPACKED_BYTES": 500 * 1024 * 1024,
    "OPENDATA_XLSX_MAX_RATIO": 200,
}
# The longest cell a CSV file may have: a broken quote swallows the rest of the file into one cell.
CSV_FIELD_LIMIT = 100_000
FORMATS = ("csv", "xlsx", "geojson")
ENCODINGS = {"utf-8": "UTF-8", "windows-1251": "Windows-1251", "utf-16": "UTF-16"}
# A GeoJSON geometry's row carries these two columns; its error, if any, under the third.
GEOMETRY_COLUMNS = ("longitude", "latitude")
GEOMETRY_ERROR = "__geometry_error__"
WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}


def limit(name: str) -> int:
    return getattr(settings, name, DEFAULTS[name])


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class FileSummary:
    format: str
    encoding: str
    header: list[str]
    rows: int


# --- Recognising the format -------------------------------------------------------------------------------
def sniff_format(path: Path, declared: str = "") -> str:
    """The format from the file's first bytes, whatever its name says."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an Excel 97–2003 (.xls) workbook, which is not read: save it as .xlsx or as CSV UTF-8.")
        )
    if head.startswith(b"%PDF"):
        raise ImportFileError(_("This is a PDF document, not a table: upload a CSV, XLSX or GeoJSON file."))
    if declared == "geojson" or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    return "csv"


def format_from_name(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    return {"json": "geojson", "geojson": "geojson", "xlsx": "xlsx", "csv": "csv", "txt": "csv"}.get(suffix, "")


def unique_header(cells: list) -> list[str]:
    cells = list(cells)
    # Spreadsheets often carry empty cells after the last named column.
    while cells and (cells[-1] is None or not str(cells[-1]).strip()):
        cells.pop()
    header: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = str(cell).strip() if cell is not None else ""
        name = name.lstrip("\ufeff").strip() or _("column %(number)s") % {"number": index}
        if name in header:
            raise ImportFileError(
                _("The column “%(name)s” appears twice in the first row: give each column its own name.")
                % {"name": name}
            )
        header.append(name)
    if not header:
        raise ImportFileError(_("The first row must name the columns; this file's first row is empty."))
    if len(header) > limit("OPENDATA_IMPORT_MAX_COLUMNS"):
        raise ImportFileError(
            _("The file has %(count)s columns; at most %(max)s are read.")
            % {"count": len(header), "max": limit("OPENDATA_IMPORT_MAX_COLUMNS")}
        )
    return header


def _too_many_rows(count: int) -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)s rows: split it into several files.")
        % {"max": f"{limit('OPENDATA_IMPORT_MAX_ROWS'):,}"}
    )


def cell_text(value) -> str:
    """A spreadsheet cell as text: a whole number typed as 7701234567.0 gives 7701234567, a date its ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


# --- Sources ------------------------------------------------------------------------------------------------
class Source(abc.ABC):
    """Rows of a file as (row number, {column: text}); the header is row 1, the first data row row 2."""

    format = ""

    def __init__(self, path: Path, encoding: str = "utf-8"):
        self.path = Path(path)
        self.encoding = encoding
        self.header: list[str] = []

    @abc.abstractmethod
    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each data row with its number in the file."""

    def summary(self) -> FileSummary:
        """Reads the whole file once: the format, the header and the number of rows, or the first problem."""
        count = 0
        for count, _row in enumerate(self.rows(), start=1):  # noqa: B007 - counting
            if count > limit("OPENDATA_IMPORT_MAX_ROWS"):
                raise _too_many_rows(count)
        if count == 0:
            raise ImportFileError(_("The file has a header but no rows of data."))
        return FileSummary(format=self.format, encoding=self.encoding, header=self.header, rows=count)


class CsvSource(Source):
    format = "csv"

    def _open(self):
        encoding = self.encoding
        if encoding not in ENCODINGS:
            raise ImportFileError(_("Choose UTF-8, Windows-1251 or UTF-16 as the file's encoding."))
        with open(self.path, "rb") as handle:
            head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif encoding == "utf-8":
            encoding = "utf-8-sig"
        return open(self.path, encoding=encoding, errors="strict", newline="")

    def _decoding_error(self, line: int) -> ImportFileError:
        if self.encoding == "utf-8":
            return ImportFileError(
                _(
                    "The file is not UTF-8 text (the first unreadable character is near line %(line)s). Save it as "
                    "“CSV UTF-8” in your spreadsheet program, or choose the encoding it was saved in "
                    "(Windows-1251 for most Russian-language Excel files)."
                )
                % {"line": line}
            )
        return ImportFileError(
            _("The file cannot be read as %(encoding)s text (near line %(line)s): choose the encoding it was saved in.")
            % {"encoding": ENCODINGS.get(self.encoding, self.encoding), "line": line}
        )

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        csv.field_size_limit(CSV_FIELD_LIMIT)
        with self._open() as handle:
            try:
                first_line = handle.readline()
            except UnicodeDecodeError as exc:
                raise self._decoding_error(1) from exc
            if not first_line.strip():
                raise ImportFileError(_("The first row must name the columns; this file's first row is empty."))
            delimiter = max((",", ";", "\t"), key=first_line.count)
            handle.seek(0)
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            line = 1
            try:
                self.header = unique_header(next(reader))
                width = len(self.header)
                for line_values in reader:
                    line = reader.line_num
                    if not any(value.strip() for value in line_values):
                        continue
                    row = dict(zip(self.header, line_values, strict=False))
                    if len(line_values) > width and any(v.strip() for v in line_values[width:]):
                        row["__extra_cells__"] = str(len(line_values))
                    yield reader.line_num, row
            except UnicodeDecodeError as exc:
                raise self._decoding_error(line + 1) from exc
            except csv.Error as exc:
                raise self._csv_error(exc, reader.line_num) from exc

    def _csv_error(self, exc: csv.Error, line: int) -> ImportFileError:
        reason = str(exc)
        if (
            "field larger than field limit" in reason
            or "unexpected end of data" in reason
            or "expected after" in reason
        ):
            return ImportFileError(
                _(
                    "The CSV file has a broken quote near line %(line)s: a cell opens a quotation mark that is not "
                    "closed, or has text after its closing quote. Fix the quotes (a quote inside a quoted cell is "
                    'written twice: "") and upload the file again.'
                )
                % {"line": line}
            )
        if "NUL" in reason:
            return ImportFileError(
                _("The file contains binary data (a NUL byte near line %(line)s): it is not a CSV text file.")
                % {"line": line}
            )
        return ImportFileError(
            _("The CSV file cannot be read near line %(line)s: %(reason)s") % {"line": line, "reason": reason}
        )


class XlsxSource(Source):
    """The first sheet of a workbook; other sheets (such as an export's “About”) are not read."""

    format = "xlsx"

    def check_archive(self) -> None:
        try:
            archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportFileError(_("The file is not a valid XLSX workbook (its ZIP structure is damaged).")) from exc
        with archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise ImportFileError(
                    _("The file is a ZIP archive but not an XLSX workbook: save the table as .xlsx or CSV.")
                )
            if len(infos) > 10_000:
                raise ImportFileError(_("The workbook has too many parts to be a table."))
            unpacked = sum(info.file_size for info in infos)
            worst_ratio = max(info.file_size / max(info.compress_size, 1) for info in infos)
        if unpacked > limit("OPENDATA_XLSX_MAX_UNPACKED_BYTES") or worst_ratio > limit("OPENDATA_XLSX_MAX_RATIO"):
            raise ImportFileError(
                _(
                    "The workbook unpacks to %(size)s MB (a part compressed %(ratio)s to 1), far more than a table "
                    "of this size holds: it looks like a ZIP bomb and is not opened."
                )
                % {"size": f"{unpacked / 1024 / 1024:,.0f}", "ratio": f"{worst_ratio:,.0f}"}
            )

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        from openpyxl import load_workbook

        self.check_archive()
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise ImportFileError(
                _("The workbook cannot be opened (%(reason)s): save it again as .xlsx.") % {"reason": exc}
            ) from exc
        try:
            sheet = workbook.worksheets[0]
            # Some programs write a wrong sheet size; read the cells that are there.
            sheet.reset_dimensions()
            values = sheet.iter_rows(values_only=True)
            header_row = next(values, None)
            if header_row is None:
                raise ImportFileError(_("The first sheet of the workbook is empty."))
            self.header = unique_header(list(header_row))
            for number, cells in enumerate(values, start=2):
                texts = [cell_text(cell) for cell in cells]
                if not any(text.strip() for text in texts):
                    continue
                yield number, dict(zip(self.header, texts, strict=False))
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(
                _("The workbook cannot be read (%(reason)s): save it again as .xlsx.") % {"reason": exc}
            ) from exc
        finally:
            workbook.close()


class GeoJsonSource(Source):
    """A FeatureCollection of points: each feature's properties are its columns, its geometry gives the longitude
    and latitude columns."""

    format = "geojson"

    def _load(self) -> dict:
        try:
            with open(self.path, encoding="utf-8-sig") as handle:
                data = json.load(handle)
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("A GeoJSON file must be UTF-8 text (RFC 7946); this one is not.")) from exc
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                _("The file is not valid JSON (line %(line)s, column %(column)s: %(reason)s).")
                % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
            ) from exc
        if (
            not isinstance(data, dict)
            or data.get("type") != "FeatureCollection"
            or not isinstance(data.get("features"), list)
        ):
            raise ImportFileError(_("A GeoJSON file must hold one FeatureCollection with a list of features."))
        crs = data.get("crs")
        if crs is not None:
            name = (crs.get("properties") or {}).get("name", "") if isinstance(crs, dict) else ""
            if name not in WGS84_NAMES:
                raise ImportFileError(
                    _("Coordinates must be WGS 84 longitude and latitude (EPSG:4326); this file declares %(crs)s.")
                    % {"crs": name or _("another coordinate system")}
                )
        return data

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        data = self._load()
        features = data["features"]
        columns: list[str] = []
        for feature in features:
            properties = feature.get("properties") if isinstance(feature, dict) else None
            for key in properties or {}:
                if key not in columns and key not in GEOMETRY_COLUMNS:
                    columns.append(str(key))
        self.header = unique_header([*columns, *GEOMETRY_COLUMNS])
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise ImportFileError(_("Feature %(number)s is not a GeoJSON Feature.") % {"number": number})
            properties = feature.get("properties") or {}
            if not isinstance(properties, dict):
                raise ImportFileError(
                    _("Feature %(number)s has properties that are not an object.") % {"number": number}
                )
            row = {key: self._text(value) for key, value in properties.items() if key not in GEOMETRY_COLUMNS}
            row.update(self._point(feature.get("geometry")))
            yield number, row

    @staticmethod
    def _text(value) -> str:
        if isinstance(value, list):
            return "; ".join(cell_text(item) for item in value)
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return cell_text(value)

    @staticmethod
    def _point(geometry) -> dict[str, str]:
        """The longitude and latitude of a Point, or the reason the geometry is refused."""
        if geometry is None:
            return {"longitude": "", "latitude": ""}
        try:
            parsed = GEOSGeometry(json.dumps(geometry))
        except (GEOSException, GDALException, ValueError, TypeError):
            return {GEOMETRY_ERROR: _("The geometry is not valid GeoJSON.")}
        if parsed.geom_type != "Point":
            return {
                GEOMETRY_ERROR: _("The geometry is a %(type)s; registry records are located by a Point.")
                % {"type": parsed.geom_type}
            }
        if parsed.srid not in (None, 4326):
            return {GEOMETRY_ERROR: _("Coordinates must be WGS 84 longitude and latitude (EPSG:4326).")}
        if parsed.empty or not parsed.valid:
            return {GEOMETRY_ERROR: _("The point has no valid coordinates.")}
        return {"longitude": repr(parsed.x), "latitude": repr(parsed.y)}


SOURCES = {"csv": CsvSource, "xlsx": XlsxSource, "geojson": GeoJsonSource}


def open_source(path: Path, fmt: str, encoding: str = "utf-8") -> Source:
    return SOURCES[fmt](path, encoding)


def inspect_file(path: Path, *, declared_format: str = "", encoding: str = "utf-8") -> FileSummary:
    """Checks an uploaded file from end to end; ImportFileError says what is wrong."""
    size = Path(path).stat().st_size
    if size > limit("OPENDATA_IMPORT_MAX_BYTES"):
        raise ImportFileError(too_large_message(size))
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    fmt = sniff_format(path, declared_format)
    if declared_format and fmt != declared_format and declared_format != "csv":
        raise ImportFileError(
            _("The file's name says %(declared)s but its content is %(actual)s.")
            % {"declared": declared_format.upper(), "actual": fmt.upper()}
        )
    return open_source(path, fmt, encoding).summary()


def too_large_message(size: int | None = None) -> str:
    maximum = limit("OPENDATA_IMPORT_MAX_BYTES") / 1024 / 1024
    if size is None:
        return _("The file is larger than %(max)s MB: split it into several files.") % {"max": f"{maximum:,.0f}"}
    return _("The file is %(size)s MB; at most %(max)s MB can be imported at once: split it into several files.") % {
        "size": f"{size / 1024 / 1024:,.1f}",
        "max": f"{maximum:,.0f}",
    }

"""The import engine: column mapping, a dry run that reports what each row would do, and the confirmed import.

The dry run and the import are the same code. Each row is written inside its own savepoint, with the model's
`full_clean` (the same rules as the forms); a row the rules refuse is rolled back to its savepoint and reported with
the reasons. At the end the dry run rolls the whole transaction back; the confirmed import commits it only when no
row was refused, or when staff chose to import only the valid rows. So the dry run predicts the import exactly
(references between rows, database constraints, the lot), and a file with a refused row imports nothing unless
staff say otherwise.

Rows are upserted by a natural key (see each kind's `key`), and a row that would change nothing is not saved at
all, so importing the same file twice changes nothing, not even a record's "updated at".

Per-entity handlers live in the apps (`directory/imports.py`, `clusters/imports.py`, `technoparks/imports.py`)
and are listed in `catalogue.py`.
"""

import abc
import contextlib
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .fields import Field
from .readers import GEOMETRY_ERROR, ImportFileError, Source

# How often the progress callback is told (in rows).
PROGRESS_EVERY = 250
# At most this many row outcomes of each action are kept in a report besides the refused rows, which are all kept.
REPORT_ROWS_PER_ACTION = 5000


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSE = "refuse"

    ALL = (CREATE, UPDATE, UNCHANGED, REFUSE)


class RowRefused(Exception):
    """A row that cannot be imported; the messages say why."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


# --- Permissions --------------------------------------------------------------------------------------------
def can_import(user, country=None) -> bool:
    """Who may import files: staff. The one place this rule is written; per-country moderators will narrow it here
    (`country` is the country of a record, None for the import pages as a whole)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


# --- Kinds of import ---------------------------------------------------------------------------------------
@dataclass
class ImportContext:
    """What every row of one import shares: the options, the caches of reference data, the keys seen so far."""

    file_name: str
    job_id: str
    publish: bool = False
    user: Any = None
    now: datetime.datetime = field(default_factory=timezone.now)
    lookups: Any = None
    seen: dict = field(default_factory=dict)
    row_number: int = 0

    @property
    def source_note(self) -> str:
        return _("Imported from %(file)s on %(date)s.") % {"file": self.file_name, "date": self.now.date().isoformat()}

    def claim(self, key: tuple, label: str) -> None:
        """Refuses a second row for the same record: the file would say two different things about it."""
        first = self.seen.get(key)
        if first is not None:
            raise RowRefused(
                _("Row %(row)s already has %(record)s: a file gives each record once.")
                % {"row": first, "record": label}
            )
        self.seen[key] = self.row_number


class ImportKind(abc.ABC):
    """What one kind of row is (an organisation, a cluster…): its columns, its key, and how a row is written."""

    key = ""
    label: Any = ""
    model: type[models.Model]
    fields: tuple[Field, ...] = ()
    key_help: Any = ""

    def importable_fields(self) -> list[Field]:
        return [f for f in self.fields if f.imported]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def new_context(self, **kwargs) -> ImportContext:
        return ImportContext(**kwargs)

    @abc.abstractmethod
    def import_row(self, values: dict[str, Any], ctx: ImportContext) -> tuple[str, str]:
        """Writes one row (its parsed, mapped values); returns the action taken and a label for the report."""


# --- Column mapping -------------------------------------------------------------------------------------------
def _normalise(name: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", name.strip().lower())


def suggest_mapping(kind: ImportKind, header: list[str]) -> dict[str, str]:
    """Each field matched to the column of the same name (or a known alias), ignoring case, spaces and
    underscores; a file the portal exported maps itself."""
    by_name = {_normalise(column): column for column in header}
    mapping: dict[str, str] = {}
    for f in kind.importable_fields():
        for candidate in (f.name, str(f.label), *f.aliases):
            column = by_name.get(_normalise(candidate))
            if column is not None and column not in mapping.values():
                mapping[f.name] = column
                break
    return mapping


def check_mapping(kind: ImportKind, mapping: dict[str, str], header: list[str]) -> list[str]:
    """Problems with a mapping: a required field left out, a column that is not in the file, a column used twice."""
    problems = []
    for f in kind.importable_fields():
        if f.required and not mapping.get(f.name):
            problems.append(_("Choose the column for “%(field)s”: it is required.") % {"field": f.label})
    used: dict[str, str] = {}
    for name, column in mapping.items():
        if not column:
            continue
        if column not in header:
            problems.append(_("The file has no column “%(column)s”.") % {"column": column})
        elif column in used:
            problems.append(
                _("The column “%(column)s” is chosen for two fields: %(first)s and %(second)s.")
                % {"column": column, "first": kind.field(used[column]).label, "second": kind.field(name).label}
            )
        used[column] = name
    return problems


def map_row(kind: ImportKind, mapping: dict[str, str], row: dict[str, str]) -> dict[str, Any]:
    """The mapped cells of a row, parsed; RowRefused with every field's problem at once."""
    errors: list[str] = []
    if GEOMETRY_ERROR in row:
        errors.append(row[GEOMETRY_ERROR])
    if "__extra_cells__" in row:
        errors.append(
            _("The row has %(count)s cells but the header has fewer columns: check its quotes and separators.")
            % {"count": row["__extra_cells__"]}
        )
    values: dict[str, Any] = {}
    for f in kind.importable_fields():
        column = mapping.get(f.name)
        if not column:
            continue
        raw = row.get(column, "") or ""
        try:
            value = f.parse(raw)
        except ValidationError as exc:
            errors.extend(f"{f.label}: {message}" for message in exc.messages)
            continue
        if f.required and value in ("", None, []):
            errors.append(_("%(field)s: this cell is required.") % {"field": f.label})
            continue
        values[f.name] = value
    if errors:
        raise RowRefused(*errors)
    return values


# --- Reports ----------------------------------------------------------------------------------------------------
@dataclass
class RowOutcome:
    row: int
    action: str
    label: str = ""
    messages: list[str] = field(default_factory=list)

    def as_list(self) -> list:
        return [self.row, self.action, self.label, self.messages]


@dataclass
class ImportReport:
    kind: str
    file_name: str
    dry_run: bool
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Action.ALL, 0))
    rows: list[RowOutcome] = field(default_factory=list)
    committed: bool = False
    only_valid: bool = False
    file_error: str = ""

    @property
    def refused(self) -> int:
        return self.counts[Action.REFUSE]

    def add(self, outcome: RowOutcome) -> None:
        self.counts[outcome.action] += 1
        if outcome.action == Action.REFUSE or self.counts[outcome.action] <= REPORT_ROWS_PER_ACTION:
            self.rows.append(outcome)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "dry_run": self.dry_run,
            "total": self.total,
            "counts": self.counts,
            "rows": [row.as_list() for row in self.rows],
            "committed": self.committed,
            "only_valid": self.only_valid,
            "file_error": self.file_error,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        report = cls(kind=data["kind"], file_name=data["file_name"], dry_run=data["dry_run"])
        report.total = data["total"]
        report.counts = data["counts"]
        report.rows = [RowOutcome(*row) for row in data["rows"]]
        report.committed = data["committed"]
        report.only_valid = data.get("only_valid", False)
        report.file_error = data.get("file_error", "")
        return report


def validation_messages(exc: ValidationError, model: type[models.Model] | None = None) -> list[str]:
    """A model's ValidationError as sentences that name the field in words, not its attribute."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    messages = []
    for name, errors in exc.message_dict.items():
        label = ""
        if name != NON_FIELD_ERRORS and model is not None:
            with contextlib.suppress(Exception):
                label = str(model._meta.get_field(name).verbose_name)
        for message in errors:
            messages.append(f"{label[:1].upper()}{label[1:]}: {message}" if label else message)
    return messages


# --- The run -------------------------------------------------------------------------------------------------
def history_context(file_name: str, job_id: str):
    """Every change the import makes is recorded by django-pghistory with the file and the job that made it."""
    try:
        import pghistory
    except ImportError:  # pragma: no cover - pghistory is a dependency of the portal
        return contextlib.nullcontext()
    return pghistory.context(import_file=file_name, import_job=job_id)


def run_import(
    kind: ImportKind,
    source: Source,
    mapping: dict[str, str],
    *,
    file_name: str,
    job_id: str,
    dry_run: bool,
    publish: bool = False,
    only_valid: bool = False,
    user=None,
    total: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Imports every row of `source` (or, for a dry run, reports what each would do) in one transaction.

    Commits only for a confirmed import with no refused row, or with `only_valid`, when the refused rows are left out.
    A file that turns out unreadable part way raises nothing: the report carries the file error and nothing changes.
    """
    report = ImportReport(kind=kind.key, file_name=file_name, dry_run=dry_run, only_valid=only_valid)
    ctx = kind.new_context(file_name=file_name, job_id=job_id, publish=publish, user=user)
    try:
        with transaction.atomic(), history_context(file_name, job_id):
            for row_number, row in source.rows():
                ctx.row_number = row_number
                report.add(_import_one(kind, mapping, row, row_number, ctx))
                report.total += 1
                if progress is not None and report.total % PROGRESS_EVERY == 0:
                    progress(report.total, total)
            keep = not dry_run and (report.refused == 0 or only_valid)
            if not keep:
                transaction.set_rollback(True)
            report.committed = keep
    except ImportFileError as exc:
        report.file_error = str(exc)
        report.committed = False
    if progress is not None:
        progress(report.total, total or report.total)
    return report


# The cells that name a refused row in the report, in order of preference.
LABEL_FIELDS = ("external_id", "cluster", "name_en", "name_original", "name_ru", "name_zh", "registration_number")


def row_label(mapping: dict[str, str], row: dict[str, str]) -> str:
    """A refused row's own words for what it is: its country and its first identifying cell."""
    country = (row.get(mapping.get("country", ""), "") or "").strip()
    for name in LABEL_FIELDS:
        value = (row.get(mapping.get(name, ""), "") or "").strip()
        if value:
            return f"{value} ({country})" if country else value
    return ""


def _import_one(kind: ImportKind, mapping: dict[str, str], row: dict[str, str], number: int, ctx) -> RowOutcome:
    savepoint = transaction.savepoint()
    try:
        values = map_row(kind, mapping, row)
        action, label = kind.import_row(values, ctx)
    except RowRefused as exc:
        transaction.savepoint_rollback(savepoint)
        return RowOutcome(number, Action.REFUSE, row_label(mapping, row), exc.messages)
    except ValidationError as exc:
        transaction.savepoint_rollback(savepoint)
        return RowOutcome(number, Action.REFUSE, row_label(mapping, row), validation_messages(exc, kind.model))
    except DatabaseError as exc:
        # A rule only the database knows (a constraint the model does not check): refused, not a crash.
        transaction.savepoint_rollback(savepoint)
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        return RowOutcome(
            number,
            Action.REFUSE,
            row_label(mapping, row),
            [_("The database refused the row: %(reason)s") % {"reason": first_line}],
        )
    transaction.savepoint_commit(savepoint)
    return RowOutcome(number, action, label, [])


# --- Helpers for the kinds ---------------------------------------------------------------------------------------
TRACKED_EXCLUDE = {"id", "created_at", "updated_at", "status_changed_at", "status_changed_by", "published_at"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's own field values, to tell an update from a row that changes nothing."""
    values = {}
    for f in obj._meta.concrete_fields:
        if f.name in TRACKED_EXCLUDE:
            continue
        value = getattr(obj, f.attname)
        if hasattr(value, "ewkt"):
            value = value.ewkt
        values[f.attname] = value
    return values


def assign(obj: models.Model, fields: Iterable[Field], values: dict[str, Any]) -> None:
    """Sets the attributes of the fields the file maps; a field the file does not have keeps its value."""
    for f in fields:
        if f.attr and f.name in values:
            value = values[f.name]
            model_field = obj._meta.get_field(f.attr)
            if value is None and not model_field.null:
                value = "" if isinstance(model_field, models.CharField | models.TextField) else model_field.default
            setattr(obj, f.attr, value)

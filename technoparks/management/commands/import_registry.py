"""Imports a CSV, XLSX or GeoJSON file of organisations, clusters, technoparks or cluster indicators, with the same
engine, rules and reports as the import pages, and a progress bar in the terminal."""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from eaeu_portal.opendata.catalogue import import_kinds
from eaeu_portal.opendata.importing import Action, check_mapping, run_import, suggest_mapping
from eaeu_portal.opendata.jobs import new_job_id
from eaeu_portal.opendata.readers import ENCODINGS, ImportFileError, format_from_name, inspect_file, open_source

BAR_WIDTH = 30
# Refused rows printed at the end; the rest are counted.
SHOWN_REFUSALS = 50


class ProgressBar:
    """A one-line bar redrawn with a carriage return; silent when the output is not a terminal."""

    def __init__(self, stream, total: int, enabled: bool):
        self.stream, self.total, self.enabled = stream, max(total, 1), enabled
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        share = min(done / self.total, 1)
        filled = int(BAR_WIDTH * share)
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%} {done:,}/{self.total:,} rows ({rate:,.0f}/s)"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Command(BaseCommand):
    help = _(
        "Imports a registry file: import_registry KIND FILE. KIND is one of: organisations, clusters, technoparks, "
        "cluster-indicators. Columns are matched by name; --map FIELD=COLUMN overrides. Without --dry-run the "
        "import runs in one transaction and imports nothing when a row is refused, unless --only-valid is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(import_kinds()), help=_("What the file holds."))
        parser.add_argument("file", type=Path, help=_("A .csv, .xlsx or .geojson file."))
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=_("Take FIELD from COLUMN (repeatable); FIELD= leaves a field out."),
        )
        parser.add_argument("--encoding", default="utf-8", choices=sorted(ENCODINGS), help=_("Encoding of a CSV."))
        parser.add_argument("--dry-run", action="store_true", help=_("Report what each row would do; change nothing."))
        parser.add_argument("--publish", action="store_true", help=_("Publish new records instead of submitting them."))
        parser.add_argument(
            "--only-valid", action="store_true", help=_("Import the valid rows even if some are refused.")
        )
        parser.add_argument("--user", default="", help=_("Username recorded as the records' creator."))
        parser.add_argument("--no-progress", action="store_true", help=_("Do not draw the progress bar."))

    def handle(self, *args, **options):
        kind = import_kinds()[options["kind"]]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No user %(name)s.") % {"name": options["user"]})
        try:
            summary = inspect_file(path, declared_format=format_from_name(path.name), encoding=options["encoding"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        mapping = suggest_mapping(kind, summary.header)
        for item in options["map"]:
            field_name, separator, column = item.partition("=")
            if not separator or field_name not in {f.name for f in kind.importable_fields()}:
                raise CommandError(
                    _("--map takes FIELD=COLUMN with a field of %(kind)s: %(item)s") % {"kind": kind.key, "item": item}
                )
            if column:
                mapping[field_name] = column
            else:
                mapping.pop(field_name, None)
        problems = check_mapping(kind, mapping, summary.header)
        if problems:
            raise CommandError(" ".join(problems))
        self.stdout.write(
            _("%(file)s: %(rows)s rows; columns: %(mapping)s")
            % {
                "file": path.name,
                "rows": f"{summary.rows:,}",
                "mapping": ", ".join(f"{name}←{column}" for name, column in mapping.items()),
            }
        )
        bar = ProgressBar(self.stderr._out, summary.rows, not options["no_progress"] and sys.stderr.isatty())
        report = run_import(
            kind,
            open_source(path, summary.format, summary.encoding),
            mapping,
            file_name=path.name,
            job_id=new_job_id(),
            dry_run=options["dry_run"],
            publish=options["publish"],
            only_valid=options["only_valid"],
            user=user,
            total=summary.rows,
            progress=bar,
        )
        bar.finish()
        if report.file_error:
            raise CommandError(report.file_error)
        refused = [row for row in report.rows if row.action == Action.REFUSE]
        for outcome in refused[:SHOWN_REFUSALS]:
            self.stdout.write(
                _("Row %(row)s refused: %(why)s") % {"row": outcome.row, "why": " ".join(outcome.messages)}
            )
        if len(refused) > SHOWN_REFUSALS:
            self.stdout.write(_("… and %(count)s more refused rows.") % {"count": len(refused) - SHOWN_REFUSALS})
        counts = report.counts
        verb = _("would be") if report.dry_run else _("were")
        self.stdout.write(
            _("%(create)s %(verb)s created, %(update)s %(verb)s updated, %(unchanged)s unchanged, %(refuse)s refused.")
            % {**{key: f"{value:,}" for key, value in counts.items()}, "verb": verb}
        )
        if not report.dry_run and not report.committed:
            raise CommandError(
                _("Nothing was imported: %(count)s rows are refused. Fix them, or add --only-valid.")
                % {"count": report.refused}
            )
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))

"""`manage.py load_reference`: makes the database hold the committed reference data; safe to run on every start."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from directory.reference import REFERENCE_DIR, ReferenceDataError, reference_load


class Command(BaseCommand):
    help = "Load countries, blocs, regions and NACE Rev. 2 sectors from fixtures/reference/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=REFERENCE_DIR,
            help="The folder holding countries.geojson, blocs.json, regions.geojson and sectors.json.",
        )

    def handle(self, *args, path: Path, **options):
        started = time.monotonic()
        try:
            summary = reference_load(path=path)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(str(summary))
            self.stdout.write(
                self.style.SUCCESS(
                    _("Reference data loaded in %(seconds).1f s: %(created)d created, %(updated)d updated.")
                    % {"seconds": time.monotonic() - started, "created": summary.created, "updated": summary.updated}
                )
            )

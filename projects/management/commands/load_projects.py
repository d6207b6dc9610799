"""manage.py load_projects: the demo programmes, projects, ideas, calls and the SCO Pool's Commission."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from projects.demo import load


class Command(BaseCommand):
    help = "Loads fixtures/projects/*.json and fixtures/pool/*.json; safe to run again (records are updated in place)."

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", default=str(Path(settings.BASE_DIR) / "fixtures"), help="Fixtures folder.")

    def handle(self, *args, fixtures, **options):
        report = load(Path(fixtures))
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        summary = ", ".join(f"{n} {what}" for what, n in sorted(report.counts.items())) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary}."))

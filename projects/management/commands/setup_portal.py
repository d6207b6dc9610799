from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Bring the database and static files up to date in one process: migrations, reference, demo, foresight "
        "and project data, collected static files. Every step is idempotent; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="skip the demo registry, projects and meetings")

    def handle(self, *args, no_demo: bool, **options):
        out = {"stdout": self.stdout, "stderr": self.stderr}
        call_command("migrate", interactive=False, verbosity=0, **out)
        call_command("load_reference", **out)
        if not no_demo:
            call_command("load_demo", **out)
        call_command("load_foresight", **out)
        if not no_demo:
            call_command("load_projects", **out)
        call_command("collectstatic", interactive=False, verbosity=0, **out)

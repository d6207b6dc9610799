from django.core.management.base import BaseCommand, CommandError

from clusters.matching import selectors, services


class Command(BaseCommand):
    help = "Rebuild the matching index: through the Celery worker (default) or in this process (--inline)."

    def add_arguments(self, parser):
        parser.add_argument("--inline", action="store_true", help="build in this process instead of the worker")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when a live index already exists (used at start-up)"
        )

    def handle(self, *args, inline: bool, if_empty: bool, **options):
        if if_empty and selectors.active_version() is not None:
            self.stdout.write("The matching index is already built.")
            return
        if inline:
            services.matching_rebuild_inline()
            self.stdout.write(self.style.SUCCESS("The matching index has been rebuilt."))
            return
        try:
            version = services.matching_rebuild_start()
        except services.MatchingRebuildRunning as exc:
            if if_empty:  # a build is already on its way: nothing to add
                self.stdout.write(str(exc))
                return
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Rebuild {version.pk} sent to the worker; progress at /en/clusters/matching/rebuild/.")

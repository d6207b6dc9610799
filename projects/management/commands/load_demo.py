"""Loads the demo clusters, technoparks and organisations of fixtures/demo into the registry."""

import hashlib
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.demo import load_clusters
from clusters.models import Cluster
from directory.demo import DemoDataError, ReferenceIndex, load_organisations
from technoparks.demo import load_technoparks
from technoparks.models import Technopark

FIXTURE_FILES = ("organisations.json", "clusters.json", "technoparks.json")
CHECKSUM_CACHE_KEY = "demo-data:fixtures-checksum"


def default_fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "demo"


def fixtures_checksum(directory: Path) -> str:
    digest = hashlib.sha256()
    for name in FIXTURE_FILES:
        path = directory / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def already_loaded(directory: Path, checksum: str) -> bool:
    """True when these exact files were loaded before and every record they describe is still in the database.

    The checksum lives in the cache, which may outlive a database reset, so the records are counted too.
    """
    if cache.get(CHECKSUM_CACHE_KEY) != checksum:
        return False
    try:
        clusters = json.loads((directory / "clusters.json").read_text(encoding="utf-8"))["clusters"]
        technoparks = json.loads((directory / "technoparks.json").read_text(encoding="utf-8"))["technoparks"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    cluster_ids = [r.get("external_id") for r in clusters]
    technopark_ids = [r.get("external_id") for r in technoparks]
    return Cluster.objects.filter(external_id__in=cluster_ids, is_demo=True).count() == len(
        cluster_ids
    ) and Technopark.objects.filter(external_id__in=technopark_ids, is_demo=True).count() == len(technopark_ids)


class Command(BaseCommand):
    help = _("Load the demo clusters, technoparks and organisations (real, approximate facts) into the registry.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir",
            type=Path,
            default=None,
            help=_("Folder with organisations.json, clusters.json and technoparks.json (default: fixtures/demo)."),
        )
        parser.add_argument("--force", action="store_true", help=_("Reload even when the files have not changed."))

    def handle(self, *args, fixtures_dir=None, force=False, **options):
        directory = fixtures_dir or default_fixtures_dir()
        checksum = fixtures_checksum(directory)
        if not force and already_loaded(directory, checksum):
            self.stdout.write(_("Demo data is up to date (the fixture files have not changed); use --force to reload."))
            return
        started = time.monotonic()
        now = timezone.now()
        try:
            with transaction.atomic():
                reference = ReferenceIndex()
                organisations, organisation_stats = load_organisations(
                    directory / "organisations.json", reference, now=now
                )
                _clusters, cluster_stats = load_clusters(directory / "clusters.json", reference, organisations, now=now)
                _technoparks, technopark_stats = load_technoparks(
                    directory / "technoparks.json", reference, organisations, now=now
                )
        except DemoDataError as exc:
            raise CommandError(
                _("The demo data was not loaded; nothing was changed. Problems:\n%(problems)s")
                % {"problems": "\n".join(f"  - {problem}" for problem in exc.problems)}
            ) from None
        cache.set(CHECKSUM_CACHE_KEY, checksum, timeout=None)
        for title, stats in (
            (_("Organisations"), organisation_stats),
            (_("Clusters"), cluster_stats),
            (_("Technoparks"), technopark_stats),
        ):
            details = "".join(f", {name}: {number}" for name, number in sorted(stats.extra.items()))
            self.stdout.write(
                _("%(title)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged%(details)s.")
                % {
                    "title": title,
                    "created": stats.created,
                    "updated": stats.updated,
                    "unchanged": stats.unchanged,
                    "details": details,
                }
            )
        self.stdout.write(
            self.style.SUCCESS(_("Demo data loaded in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        )

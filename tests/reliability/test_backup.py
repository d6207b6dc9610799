"""The documented backup and restore (deploy/scripts), run for real: pg_dump, restore into a scratch database, and
the same row count in every table."""

import os
import subprocess
import sys

import pytest

from .conftest import FAULT_SETTINGS, ROOT

pytestmark = pytest.mark.faults

SCRIPTS = ROOT / "deploy" / "scripts"
RECORDS = """
import django
django.setup()
from clusters.tests.factories import ClusterFactory
from directory.models import OutboxTask
from directory.tests.factories import OrganisationFactory
ClusterFactory.create_batch(3)
OrganisationFactory.create_batch(2)
OutboxTask.objects.create(task_name="directory.send_email", kwargs={"to": ["a@example.org"]})
"""


def run(command: list, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120, check=False
    )


def counts(postgres, database: str) -> dict[str, int]:
    result = run([str(SCRIPTS / "table-counts.sh"), postgres.url(database)])
    assert result.returncode == 0, result.stderr
    return {table: int(count) for table, count in (line.split("|") for line in result.stdout.split())}


@pytest.fixture
def source(postgres):
    """A copy of the migrated registry with a few records of several kinds."""
    postgres.psql('DROP DATABASE IF EXISTS "backup_source"')
    postgres.create_database("backup_source", template="registry")
    target = {"DJANGO_SETTINGS_MODULE": FAULT_SETTINGS, "DATABASE_URL": postgres.url("backup_source")}
    made = run([sys.executable, "-c", RECORDS], **target)
    assert made.returncode == 0, made.stderr
    return "backup_source"


def test_a_backup_restored_into_a_scratch_database_has_the_same_rows_in_every_table(postgres, source, tmp_path):
    backup = run([str(SCRIPTS / "backup.sh")], DATABASE_URL=postgres.url(source), BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip()
    assert dump.endswith(".dump") and os.path.getsize(dump) > 0

    postgres.psql('DROP DATABASE IF EXISTS "backup_scratch"')
    postgres.psql('CREATE DATABASE "backup_scratch" OWNER portal')
    restore = run([str(SCRIPTS / "restore.sh"), dump, postgres.url("backup_scratch")])
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "match the backup" in restore.stdout

    original, restored = counts(postgres, source), counts(postgres, "backup_scratch")
    assert restored == original
    assert original["clusters_cluster"] == 3
    assert original["directory_outboxtask"] == 1
    assert len(original) > 50
    # The restored database is a working registry: the PostGIS geometry of the records came back too.
    assert postgres.psql("SELECT count(location) FROM clusters_cluster", database="backup_scratch") == "3"


def test_restore_reports_rows_that_differ_from_the_backup(postgres, source, tmp_path):
    dump = run([str(SCRIPTS / "backup.sh")], DATABASE_URL=postgres.url(source), BACKUP_DIR=str(tmp_path)).stdout.strip()
    with open(f"{dump}.counts", "a") as fingerprint:
        fingerprint.write("a_table_lost_in_the_restore|7\n")
    postgres.psql('DROP DATABASE IF EXISTS "backup_scratch"')
    postgres.psql('CREATE DATABASE "backup_scratch" OWNER portal')
    restore = run([str(SCRIPTS / "restore.sh"), dump, postgres.url("backup_scratch")])
    assert restore.returncode == 1
    assert "a_table_lost_in_the_restore|7" in restore.stdout


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(postgres, source, tmp_path):
    dump = run([str(SCRIPTS / "backup.sh")], DATABASE_URL=postgres.url(source), BACKUP_DIR=str(tmp_path)).stdout.strip()
    before = counts(postgres, source)
    restore = run([str(SCRIPTS / "restore.sh"), dump, postgres.url(source)])
    assert restore.returncode == 2
    assert "restore into an empty database" in restore.stderr
    assert counts(postgres, source) == before

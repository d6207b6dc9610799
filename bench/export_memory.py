"""Memory of the open-data exports as the number of rows grows: a streamed export should stay flat.

    python bench/export_memory.py            # builds the scratch database bench_export: 100,000 organisations
    python bench/export_memory.py --reuse    # reuses it

The scratch database is created on the server of DATABASE_URL (reference data from `load_reference`, records from
`generate_registry`); the portal's own database is not touched. For each size the script downloads the
organisations export (CSV, GeoJSON, XLSX) through the whole Django stack with the test client, consuming the
streamed response piece by piece as a client would, and records the peak of Python's allocations (tracemalloc)
during the download. For comparison it builds the same CSV the naive way (all rows in a list, the file in one
string). The exit status is 2 when a streamed export's peak grows by more than 50% from the second size to the
largest (the smallest is the warm-up: the first chunks fill Django's and psycopg's caches).
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eaeu_portal.settings.local")


def _database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL", "postgis://portal:portal@127.0.0.1:54329/eaeu_portal")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _ensure_database(name: str, reuse: bool) -> bool:
    """Creates the scratch database when it is missing (or when not reusing); True when it must be filled."""
    import psycopg

    admin = urlsplit(_database_url("postgres"))
    with psycopg.connect(
        host=admin.hostname,
        port=admin.port,
        user=admin.username,
        password=admin.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            return False
        if exists:
            connection.execute(f'DROP DATABASE "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="bench_export")
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    fill = _ensure_database(args.database, args.reuse)
    os.environ["DATABASE_URL"] = _database_url(args.database)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from directory.models import Organisation
    from eaeu_portal.opendata import exporting
    from eaeu_portal.opendata.catalogue import export_datasets

    if fill:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        call_command("generate_registry", organisations=args.organisations, clusters=10, technoparks=10, verbosity=0)
        print(f"Built {args.database} in {time.monotonic() - started:,.0f} s")

    total = Organisation.objects.published().count()
    ids = list(Organisation.objects.published().order_by("pk").values_list("pk", flat=True))
    sizes = [size for size in (2_000, 20_000, total) if size <= total]
    dataset = export_datasets()["organisations"]
    client = Client()

    def measure(fmt: str, size: int) -> tuple[float, float, int]:
        # The first `size` records: the dataset's queryset is bounded by id for the run (a filter parameter
        # would select by meaning, not by count).
        last_id = ids[size - 1]
        original = dataset.queryset

        def bounded():
            return original().filter(pk__lte=last_id)

        object.__setattr__(dataset, "queryset", bounded)
        try:
            tracemalloc.start()
            started = time.monotonic()
            response = client.get(f"/en/data/organisations.{fmt}")
            received = 0
            for piece in response.streaming_content:
                received += len(piece)
            elapsed = time.monotonic() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        finally:
            object.__setattr__(dataset, "queryset", original)
        return peak / 1024 / 1024, elapsed, received

    def naive(size: int) -> float:
        last_id = ids[size - 1]
        tracemalloc.start()
        rows = list(dataset.queryset().filter(pk__lte=last_id).order_by("pk"))
        text = "".join(piece.decode() for piece in exporting.csv_pieces(dataset, rows))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del rows, text
        return peak / 1024 / 1024

    print(f"\nOrganisations export, peak Python memory during the download ({settings.DATABASES['default']['NAME']}):")
    print(f"  {'rows':>8}  {'format':8} {'peak MB':>8} {'seconds':>8} {'MB sent':>8}")
    peaks: dict[str, list[float]] = {}
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        for size in sizes:
            for fmt in ("csv", "geojson", "xlsx"):
                peak, elapsed, received = measure(fmt, size)
                peaks.setdefault(fmt, []).append(peak)
                print(f"  {size:>8,}  {fmt:8} {peak:8.1f} {elapsed:8.1f} {received / 1024 / 1024:8.1f}")
            print(f"  {size:>8,}  {'naive':8} {naive(size):8.1f}   (all rows in a list, the CSV in one string)")
    status = 0
    base = 1 if len(sizes) > 2 else 0
    for fmt, values in peaks.items():
        growth = values[-1] / values[base] if values[base] else 0
        verdict = "flat" if growth <= 1.5 else "GROWS"
        first, last = f"{values[base]:.1f} MB at {sizes[base]:,} rows", f"{values[-1]:.1f} MB at {sizes[-1]:,} rows"
        print(f"{fmt}: peak {first}, {last} ({verdict})")
        if growth > 1.5:
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())

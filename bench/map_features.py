"""Benchmark of the map's feature endpoint against the bare PostGIS query behind it, and SQL queries per page.

    .venv/bin/python bench/map_features.py                # builds a scratch database with 10,000 clusters
    .venv/bin/python bench/map_features.py --reuse        # reuses the scratch database of an earlier run

The scratch database (default `bench_map`) lives on the server of DATABASE_URL; the portal's own database is never
touched. The endpoint is timed through the whole Django stack (URL routing, middleware, FilterSet, ETag); the bare
query is the same SQL sent through psycopg on its own connection. Both must return the same JSON, byte for byte.
"""

import argparse
import io
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgis://portal:portal@127.0.0.1:54329/eaeu_portal"
TARGET_RATIO = 1.5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_map", help="name of the scratch database (default bench_map)")
    parser.add_argument("--clusters", type=int, default=10_000, help="published clusters to generate")
    parser.add_argument("--technoparks", type=int, default=10_000, help="published technoparks to generate")
    parser.add_argument("--organisations", type=int, default=20_000, help="organisations to generate")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each measurement (median reported)")
    parser.add_argument("--reuse", action="store_true", help="reuse the scratch database if it holds data")
    return parser.parse_args()


def scratch_url(name: str) -> str:
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg.connect(
        host=parts.hostname, port=parts.port, user=parts.username, password=parts.password, dbname="postgres"
    )
    admin.autocommit = True
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    database = psycopg.connect(
        host=parts.hostname, port=parts.port, user=parts.username, password=parts.password, dbname=name
    )
    database.autocommit = True
    database.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    database.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    database.close()


def median_ms(run, repeat: int) -> float:
    run()  # warm caches and connections before timing
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def paired_medians_ms(first, second, repeat: int) -> tuple[float, float]:
    """Medians of two measurements taken in turns, so that a busy machine slows both alike."""
    first()
    second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, bucket in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            run()
            bucket.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def main() -> int:
    args = parse_args()
    url = scratch_url(args.database)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eaeu_portal.settings.local")
    # Production-like: no query log kept in memory, no debug pages.
    os.environ["DEBUG"] = "false"

    import psycopg

    try:
        with psycopg.connect(urlsplit(url)._replace(scheme="postgresql").geturl()) as probe:
            has_data = probe.execute(
                "SELECT to_regclass('clusters_cluster') IS NOT NULL AND EXISTS (SELECT 1 FROM clusters_cluster)"
            ).fetchone()[0]
    except psycopg.OperationalError:
        has_data = False
    if not (args.reuse and has_data):
        print(f"Creating the scratch database {args.database} …", flush=True)
        create_database(url)

    import django

    # The bench serves no static files; WhiteNoise's warning about a missing collectstatic folder is noise.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from django.utils import translation

    from clusters.models import Cluster
    from directory.models import Organisation
    from eaeu_portal import map as portal_map
    from technoparks.models import Technopark

    if not (args.reuse and has_data):
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        started = time.perf_counter()
        call_command(
            "generate_registry",
            clusters=args.clusters,
            technoparks=args.technoparks,
            organisations=args.organisations,
            clear=True,
            verbosity=0,
            stderr=io.StringIO(),  # the progress bar is noise here
        )
        print(f"Generated the registry in {time.perf_counter() - started:.1f} s.", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    clusters = Cluster.objects.published().count()
    technoparks = Technopark.objects.published().count()
    print(f"Published: {clusters:,} clusters, {technoparks:,} technoparks.\n")

    # Pages render {% static %} links; without a collectstatic run the manifest storage has nothing to look up.
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}).enable()
    translation.activate("en")
    client = Client(HTTP_HOST="127.0.0.1")
    conninfo = urlsplit(url)._replace(scheme="postgresql").geturl()
    bare = psycopg.connect(conninfo)

    print(f"Feature endpoint against the bare PostGIS query (median of {args.repeat} runs):")
    print(f"  {'request':<34} {'endpoint ms':>12} {'bare SQL ms':>12} {'ratio':>7} {'features':>9} {'kB':>7}")
    worst = 0.0
    for label, layer, params in (
        ("clusters, no filter", portal_map.CLUSTERS, {}),
        ("clusters, country_code=RU", portal_map.CLUSTERS, {"country_code": "RU"}),
        ("clusters, bloc=sco&sector=C", portal_map.CLUSTERS, {"bloc": "sco", "sector": "C"}),
        ("technoparks, no filter", portal_map.TECHNOPARKS, {}),
    ):
        path = reverse(f"{layer.key}:features")
        response = client.get(path, params)
        assert response.status_code == 200, response.content[:500]
        body = response.content.decode()

        from django.http import QueryDict

        query = QueryDict(mutable=True)
        query.update(params)
        ids_sql, ids_params = portal_map.filtered_ids_sql(layer, portal_map.layer_params(layer, query))
        sql = portal_map.features_sql(layer, ids_sql, "en")
        sql_params = (layer.key, *ids_params)
        bare_body = bare.execute(sql, sql_params).fetchone()[0]
        if bare_body != body:
            print(f"  {label}: the endpoint and the bare query disagree", file=sys.stderr)
            return 1

        endpoint_ms, bare_ms = paired_medians_ms(
            lambda: client.get(path, params).content,  # noqa: B023
            lambda: bare.execute(sql, sql_params).fetchone()[0],  # noqa: B023
            args.repeat,
        )
        ratio = endpoint_ms / bare_ms
        worst = max(worst, ratio)
        features = body.count('"Feature"')
        print(
            f"  {label:<34} {endpoint_ms:>12.1f} {bare_ms:>12.1f} {ratio:>7.2f} {features:>9,} {len(body) / 1024:>7.0f}"
        )

    path = reverse("clusters:features")
    etag = client.get(path)["ETag"]
    revalidate_ms = median_ms(lambda: client.get(path, headers={"if-none-match": etag}), args.repeat)
    print(f"  a repeated request answered 304 in {revalidate_ms:.1f} ms")
    verdict = "within" if worst <= TARGET_RATIO else "ABOVE"
    print(f"\nWorst ratio {worst:.2f}: {verdict} the target of {TARGET_RATIO}.\n")

    some_cluster = Cluster.objects.published().order_by("-pk").first()
    some_technopark = Technopark.objects.published().order_by("-pk").first()
    organisation = Organisation.objects.published().filter(memberships__isnull=False).first()
    pages = [
        ("map page", reverse("home")),
        ("clusters list", reverse("clusters:list")),
        ("clusters list, filtered, page 2", reverse("clusters:list") + "?bloc=eaeu&sort=-members&page=2"),
        ("technoparks list", reverse("technoparks:list")),
        ("organisations list", reverse("directory:organisation-list")),
        ("cluster profile", reverse("clusters:detail", args=[some_cluster.pk])),
        ("technopark profile", reverse("technoparks:detail", args=[some_technopark.pk])),
        ("organisation profile", reverse("directory:organisation-detail", args=[organisation.pk])),
        ("cluster features", reverse("clusters:features")),
        ("cluster counts per region", reverse("clusters:counts") + "?level=region"),
        ("cluster popup", reverse("clusters:popup", args=[some_cluster.pk])),
    ]
    print("SQL queries and time per page:")
    for label, page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        # Read the count now: every request clears the connection's query log.
        count = len(queries.captured_queries)
        page_ms = median_ms(lambda: client.get(page), 3)  # noqa: B023
        print(f"  {label:<34} {count:>3} queries {page_ms:>9.1f} ms")
    bare.close()
    return 0 if worst <= TARGET_RATIO else 2


if __name__ == "__main__":
    sys.exit(main())

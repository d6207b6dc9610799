"""A filtered API list page of 100 clusters with their members, timed against the one SQL query that returns
the same rows as JSON.

    DATABASE_URL=postgis://…/bench_api python bench/api_list.py [--repeat 15] [--country RU] [--prepare]

--prepare fills an empty database first: reference data, then the synthetic registry (10,000 clusters, 200,000
organisations). Both timings are medians of warm runs in one process; the API goes through the whole Django
stack (middleware, authentication, throttling, filters, serialization, rendering) with the test client, the SQL
through the same connection. The target is a ratio of at most 3.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eaeu_portal.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clusters.models import Cluster  # noqa: E402
from directory.models import Organisation  # noqa: E402

PAGE_SIZE = 100

# The same rows as the API page: published clusters of one country, in the API's default order, with their
# country, sectors, regions, technologies and current published members, as one JSON array.
SQL = """
WITH page AS (
    SELECT c.* FROM clusters_cluster c JOIN directory_country co ON co.id = c.country_id
    WHERE c.status = 'published' AND co.iso2 = %(country)s
    ORDER BY c.name_en, c.name_original, c.id
    LIMIT %(limit)s
)
SELECT coalesce(json_agg(row ORDER BY row_order), '[]'::json)::text FROM (
    SELECT row_number() OVER (ORDER BY p.name_en, p.name_original, p.id) AS row_order, json_build_object(
        'id', p.id, 'name_original', p.name_original, 'name_en', p.name_en, 'name_ru', p.name_ru,
        'name_zh', p.name_zh, 'description_en', p.description_en, 'description_ru', p.description_ru,
        'kind', p.kind, 'external_id', p.external_id, 'founded_year', p.founded_year, 'website', p.website,
        'location', ST_AsGeoJSON(p.location)::json, 'status', p.status, 'updated_at', p.updated_at,
        'country', (SELECT json_build_object('id', co.id, 'iso2', co.iso2, 'name_en', co.name_en)
                    FROM directory_country co WHERE co.id = p.country_id),
        'primary_sector', (SELECT json_build_object('id', s.id, 'code', s.code, 'name_en', s.name_en)
                           FROM directory_sector s WHERE s.id = p.primary_sector_id),
        'secondary_sectors', (SELECT coalesce(json_agg(json_build_object('id', s.id, 'code', s.code)), '[]')
                              FROM clusters_cluster_secondary_sectors cs JOIN directory_sector s ON s.id = cs.sector_id
                              WHERE cs.cluster_id = p.id),
        'regions', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'iso_code', r.iso_code)), '[]')
                    FROM clusters_cluster_regions cr JOIN directory_region r ON r.id = cr.region_id
                    WHERE cr.cluster_id = p.id),
        'technologies', (SELECT coalesce(json_agg(json_build_object('id', t.id, 'code', t.code)), '[]')
                         FROM clusters_cluster_technologies ct JOIN foresight_priority t ON t.id = ct.priority_id
                         WHERE ct.cluster_id = p.id),
        'members', (SELECT coalesce(json_agg(json_build_object(
                        'membership_id', m.id, 'role', m.role, 'joined_on', m.joined_on,
                        'organisation', json_build_object('id', o.id, 'name_en', o.name_en, 'kind', o.kind))
                        ORDER BY m.role, o.name_en, m.id), '[]')
                    FROM clusters_membership m JOIN directory_organisation o ON o.id = m.organisation_id
                    WHERE m.cluster_id = p.id AND m.left_on IS NULL AND o.status = 'published')
    ) AS row
    FROM page p
) rows
"""


def prepare() -> None:
    if not Cluster.objects.exists():
        call_command("load_reference")
        call_command("generate_registry", clusters=10000, organisations=200000, technoparks=2000, seed=42)


def median_ms(function, repeat: int) -> float:
    function()  # warm caches and connections
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--country", default="RU")
    parser.add_argument("--prepare", action="store_true")
    args = parser.parse_args()
    if args.prepare:
        prepare()
    settings.API_THROTTLE_RATES = {"anon": None, "user": None, "api_key": None}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    client = Client()
    url = f"/api/v1/clusters/?country_code={args.country}&page_size={PAGE_SIZE}"

    def api() -> bytes:
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        return response.content

    def sql() -> str:
        with connection.cursor() as cursor:
            cursor.execute(SQL, {"country": args.country, "limit": PAGE_SIZE})
            return cursor.fetchone()[0]

    import json

    body = json.loads(api())
    rows = json.loads(sql())
    assert [r["id"] for r in body["results"]] == [r["id"] for r in rows], "the two do not return the same rows"
    members = sum(len(r["members"]) for r in body["results"])
    with CaptureQueriesContext(connection) as queries:
        api()
    api_ms, sql_ms = median_ms(api, args.repeat), median_ms(sql, args.repeat)
    print(
        f"registry: {Cluster.objects.count():,} clusters, {Organisation.objects.count():,} organisations\n"
        f"page: {len(rows)} clusters of {args.country} with {members:,} members; API queries: {len(queries)}\n"
        f"API page:        {api_ms:8.1f} ms (median of {args.repeat})\n"
        f"single SQL/JSON: {sql_ms:8.1f} ms\n"
        f"ratio:           {api_ms / sql_ms:8.2f} (target: at most 3)"
    )


if __name__ == "__main__":
    main()

"""Measures of the matching index, printed as ratios in one run.

    .venv/bin/python bench/matching.py [--sizes 2500 5000 10000] [--keep]

Quality: the engine on the demo clusters (fixtures/demo) against the hand-labelled pairs of
fixtures/matching/labelled_pairs.json, precision@10 and recall@20, beside a sector-only baseline.
Scale: synthetic registries of growing size in a scratch database (created, migrated and dropped by this script),
each rebuilt in full the way a worker does it (snapshot, chunks copied in, switch, cleanup); then the same
computation without the database (fitting the engine's matrices from the features already in memory, and scoring
every chunk on the rebuild's matrices), and incremental updates of one cluster.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH_DATABASE = "bench_matching"
INCREMENTAL_SAMPLES = 15
SECTIONS = [
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 45, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 63),
    ("K", 64, 66),
    ("L", 68, 68),
    ("M", 69, 75),
    ("N", 77, 82),
    ("O", 84, 84),
    ("P", 85, 85),
    ("Q", 86, 88),
    ("R", 90, 93),
    ("S", 94, 96),
    ("T", 97, 98),
    ("U", 99, 99),
]
SPECIALISATIONS = {
    "26": "microelectronics semiconductors sensors chip design микроэлектроника полупроводники датчики",
    "27": "electric motors batteries lighting electrical equipment электродвигатели аккумуляторы светотехника",
    "28": "machine tools cranes excavators agricultural machinery станки краны сельхозтехника",
    "29": "trucks buses cars automotive components грузовики автобусы автомобильные компоненты",
    "30": "aircraft helicopters satellites shipbuilding самолёты вертолёты спутники судостроение",
    "20": "petrochemicals polymers fertilisers нефтехимия полимеры удобрения",
    "21": "pharmaceuticals vaccines generic drugs фармацевтика вакцины лекарства",
    "24": "steel aluminium titanium metallurgy сталь алюминий титан металлургия",
    "13": "cotton spinning weaving textiles хлопок прядение ткачество",
    "62": "software artificial intelligence cloud services программное обеспечение искусственный интеллект",
    "72": "research and development laboratories biotechnology исследования лаборатории биотехнологии",
    "10": "food processing dairy grain meat пищевая промышленность молочная продукция зерно",
}
COMMON = "cluster companies universities regional development innovation кластер предприятия университеты регион"


def division_section(code: str) -> str:
    number = int(code)
    return next(letter for letter, low, high in SECTIONS if low <= number <= high)


# --- Quality ---------------------------------------------------------------------------------------
def quality() -> dict:
    from clusters.matching import conf
    from clusters.matching.engine import ClusterFeatures, EngineState, Taxonomy
    from clusters.matching.selectors import value_chain_pairs

    demo = json.loads((ROOT / "fixtures/demo/clusters.json").read_text())["clusters"]
    organisations = {
        o["key"]: o for o in json.loads((ROOT / "fixtures/demo/organisations.json").read_text())["organisations"]
    }
    pairs = json.loads((ROOT / "fixtures/matching/labelled_pairs.json").read_text())["pairs"]
    divisions = sorted({f"{n:02d}" for _, low, high in SECTIONS for n in range(low, high + 1)})
    taxonomy = Taxonomy(
        sector_codes=tuple([letter for letter, _, _ in SECTIONS] + divisions),
        sector_sections=tuple([letter for letter, _, _ in SECTIONS] + [division_section(c) for c in divisions]),
        value_chains=value_chain_pairs(),
    )
    countries = {code: n for n, code in enumerate(sorted({r["country"] for r in demo}))}
    features = [
        ClusterFeatures(
            id=n + 1,
            country_id=countries[record["country"]],
            primary_sector=record.get("primary_sector"),
            secondary_sectors=tuple(record.get("secondary_sectors") or ()),
            member_sectors=tuple(
                code
                for member in record.get("members", [])
                for code in organisations.get(member["organisation"], {}).get("sectors", [])
            ),
            text="\n".join(
                record.get(key) or ""
                for key in ("name_en", "name_ru", "name_original", "description_en", "description_ru")
            ),
        )
        for n, record in enumerate(demo)
    ]
    ids = {record["external_id"]: n + 1 for n, record in enumerate(demo)}
    relevant: dict[int, set[int]] = {}
    for pair in pairs:
        a, b = ids[pair["a"]], ids[pair["b"]]
        relevant.setdefault(a, set()).add(b)
        relevant.setdefault(b, set()).add(a)
    state = EngineState.build(features, taxonomy)

    def measure(weights: dict) -> tuple[float, float]:
        queries = sorted(relevant)
        found = state.top_k_for_positions(
            [state.position[q] for q in queries],
            k=20,
            min_score=0.0,
            weights=weights,
            same_country_factor=conf.same_country_factor(),
        )
        precision, recall = [], []
        for query in queries:
            ranked = found.partner_ids[found.cluster_ids == query].tolist()
            precision.append(len(set(ranked[:10]) & relevant[query]) / min(10, len(relevant[query])))
            recall.append(len(set(ranked[:20]) & relevant[query]) / len(relevant[query]))
        return sum(precision) / len(precision), sum(recall) / len(recall)

    engine = measure(conf.weights())
    baseline = measure({"sector": 1.0, "technology": 0, "value_chain": 0, "text": 0, "members": 0})
    return {"pairs": len(pairs), "queries": len(relevant), "engine": engine, "baseline": baseline}


# --- Scale -----------------------------------------------------------------------------------------
def scratch_database(action: str) -> None:
    import psycopg
    from django.conf import settings

    params = settings.DATABASES["default"]
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        password=params["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}" WITH (FORCE)')
        if action == "create":
            connection.execute(f'CREATE DATABASE "{SCRATCH_DATABASE}"')


def populate(target: int, rng: random.Random, reference: dict) -> None:
    """Add synthetic published clusters (with sectors, priorities and members) until there are `target`."""
    from django.db import connection
    from django.utils import timezone

    from clusters.models import Cluster, Membership
    from directory.choices import PublicationStatus
    from directory.models import Organisation

    existing = Cluster.objects.count()
    count = target - existing
    if count <= 0:
        return
    now = timezone.now()
    specialisations = list(SPECIALISATIONS)
    countries, sectors, priorities = reference["countries"], reference["sectors"], reference["priorities"]
    clusters, organisations, profile = [], [], []
    for n in range(existing, target):
        code = rng.choice(specialisations)
        country = rng.choice(countries)
        text = " ".join(rng.sample(SPECIALISATIONS[code].split(), 5) + rng.sample(COMMON.split(), 4))
        clusters.append(
            Cluster(
                name_en=f"Synthetic cluster {n}",
                name_ru=f"Кластер {n}",
                description_en=text,
                country=country,
                primary_sector=sectors[code],
                status=PublicationStatus.PUBLISHED,
                published_at=now,
                accepts_partner_suggestions=rng.random() > 0.03,
            )
        )
        profile.append(code)
        for m in range(3):
            organisations.append(
                Organisation(
                    name_en=f"Member {n}-{m}", country=country, status=PublicationStatus.PUBLISHED, published_at=now
                )
            )
    Cluster.objects.bulk_create(clusters, batch_size=2000)
    Organisation.objects.bulk_create(organisations, batch_size=2000)
    secondary, technologies, memberships, activities = [], [], [], []
    division_codes = [code for code in sectors if code.isdigit()]
    for index, cluster in enumerate(clusters):
        for code in rng.sample(division_codes, rng.randint(0, 2)):
            if code != profile[index]:
                secondary.append(Cluster.secondary_sectors.through(cluster_id=cluster.pk, sector_id=sectors[code].pk))
        for priority in rng.sample(priorities, rng.randint(1, 3)):
            technologies.append(Cluster.technologies.through(cluster_id=cluster.pk, priority_id=priority.pk))
        for organisation in organisations[index * 3 : index * 3 + 3]:
            memberships.append(Membership(cluster=cluster, organisation=organisation))
            code = profile[index] if rng.random() < 0.6 else rng.choice(division_codes)
            activities.append(Organisation.sectors.through(organisation_id=organisation.pk, sector_id=sectors[code].pk))
    Cluster.secondary_sectors.through.objects.bulk_create(secondary, batch_size=5000)
    Cluster.technologies.through.objects.bulk_create(technologies, batch_size=5000)
    Membership.objects.bulk_create(memberships, batch_size=5000)
    Organisation.sectors.through.objects.bulk_create(activities, batch_size=5000)
    # A live registry has planner statistics; freshly bulk-loaded tables do not until autovacuum comes round.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def reference_data() -> dict:
    from directory.choices import SectorLevel
    from directory.models import Country, Sector
    from foresight.choices import PriorityLevel
    from foresight.models import Priority

    countries = [
        Country.objects.create(iso2=iso2, iso3=iso2 + "X", iso_numeric=f"{900 + n}", name_en=f"Country {iso2}")
        for n, iso2 in enumerate(["AM", "BY", "KZ", "KG", "RU", "CN", "IN", "IR", "PK", "TJ", "UZ"])
    ]
    sectors = {}
    for letter, low, high in SECTIONS:
        section = Sector.objects.create(code=letter, level=SectorLevel.SECTION, name_en=f"Section {letter}")
        sectors[letter] = section
        for number in range(low, high + 1):
            code = f"{number:02d}"
            sectors[code] = Sector.objects.create(
                code=code, level=SectorLevel.DIVISION, parent=section, name_en=f"Division {code}"
            )
    priorities = []
    for a in range(8):
        area = Priority.objects.create(code=f"A{a}", level=PriorityLevel.AREA, name_en=f"Area {a}")
        for p in range(5):
            priority = Priority.objects.create(
                code=f"A{a}P{p}", level=PriorityLevel.PRIORITY, parent=area, name_en=f"Priority {a}.{p}"
            )
            priorities.append(priority)
            for t in range(4):
                priorities.append(
                    Priority.objects.create(
                        code=f"A{a}P{p}T{t}",
                        level=PriorityLevel.TECHNOLOGY,
                        parent=priority,
                        name_en=f"Technology {a}.{p}.{t}",
                    )
                )
    return {"countries": countries, "sectors": sectors, "priorities": priorities}


def scale(sizes: list[int]) -> dict:
    import numpy as np
    from django.core.management import call_command

    from clusters.matching import selectors, services
    from clusters.matching.engine import EngineState
    from clusters.models import Cluster, MatchingClusterState

    call_command("migrate", verbosity=0)
    rng = random.Random(20)
    reference = reference_data()
    timings = {}
    for size in sizes:
        populate(size, rng, reference)
        started = time.perf_counter()
        version = services.matching_rebuild_inline()
        timings[size] = time.perf_counter() - started
        print(f"  full rebuild at {size:>6,} clusters: {timings[size]:7.2f} s", flush=True)

    largest = max(sizes)
    state = selectors.version_state(version.pk)
    parameters = selectors._parameters(version)
    started = time.perf_counter()
    for start in range(0, len(state), version.chunk_size):
        state.top_k_for_positions(
            np.arange(start, min(len(state), start + version.chunk_size)),
            k=parameters["top_k"],
            min_score=parameters["min_score"],
            weights=parameters["weights"],
            same_country_factor=parameters["same_country_factor"],
        )
    bare = time.perf_counter() - started
    features, taxonomy = selectors.matching_features(), selectors.matching_taxonomy()
    started = time.perf_counter()
    EngineState.build(features, taxonomy)
    fitting = time.perf_counter() - started
    print(
        f"  bare computation at {largest:>6,} clusters, no database: {fitting + bare:7.2f} s "
        f"(fitting the matrices {fitting:.2f} s, scoring on the rebuild's matrices {bare:.2f} s)",
        flush=True,
    )

    # One cluster at a time gains a secondary sector and loses it again, each change indexed on its own: the
    # median of these updates with the worker's own copy of the index already in memory (the first one makes it),
    # and one made after the worker restarts, which reads the stored state first. The clusters are a seeded sample:
    # how many lists a change touches varies from cluster to cluster.
    software = reference["sectors"]["62"]
    published = sorted(Cluster.objects.published().values_list("pk", flat=True))
    updates, processed = [], 0
    for cluster in Cluster.objects.filter(pk__in=rng.sample(published, INCREMENTAL_SAMPLES)).order_by("pk"):
        for change in (cluster.secondary_sectors.add, cluster.secondary_sectors.remove):
            MatchingClusterState.objects.update(dirty=False)
            change(software)
            started = time.perf_counter()
            count, _ = services.matching_update_dirty_batch(batch_size=50)
            updates.append(time.perf_counter() - started)
            processed += count
    incremental = statistics.median(updates)
    selectors._STATE_CACHE.clear()
    services._LIVE_INDEX.clear()
    MatchingClusterState.objects.update(dirty=False)
    cluster.secondary_sectors.add(software)
    started = time.perf_counter()
    services.matching_update_dirty_batch(batch_size=50)
    incremental_cold = time.perf_counter() - started
    print(
        f"  incremental update of one cluster: {incremental * 1000:5.1f} ms, median of {len(updates)} "
        f"(from {min(updates) * 1000:.1f} to {max(updates) * 1000:.1f} ms; {incremental_cold * 1000:.1f} ms after a "
        "restart, with the stored state read from the database first)",
        flush=True,
    )
    return {
        "timings": timings,
        "bare": bare,
        "fitting": fitting,
        "incremental": incremental,
        "incremental_cold": incremental_cold,
        "processed": processed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000])
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eaeu_portal.settings.test")
    import django
    from django.conf import settings

    django.setup()
    print("Matching quality (demo clusters, hand-labelled pairs)")
    measured = quality()
    engine, baseline = measured["engine"], measured["baseline"]
    print(f"  {measured['pairs']} pairs, {measured['queries']} query clusters")
    print(
        f"  precision@10: engine {engine[0]:.3f}, sector-only baseline {baseline[0]:.3f}, "
        f"ratio {engine[0] / baseline[0] if baseline[0] else float('inf'):.2f}"
    )
    print(
        f"  recall@20:    engine {engine[1]:.3f}, sector-only baseline {baseline[1]:.3f}, "
        f"ratio {engine[1] / baseline[1] if baseline[1] else float('inf'):.2f}"
    )

    print("Matching scale (synthetic registry in a scratch database)")
    scratch_database("create")
    from django.db import connections

    from clusters import tasks

    settings.DATABASES["default"]["NAME"] = SCRATCH_DATABASE
    connections["default"].settings_dict["NAME"] = SCRATCH_DATABASE
    # The bench runs every step itself: nothing is sent to a broker that a worker elsewhere might take.
    tasks.matching_update_dirty.delay = lambda *args, **kwargs: None
    try:
        result = scale(sorted(options.sizes))
    finally:
        connections.close_all()
        if not options.keep:
            scratch_database("drop")
    timings = result["timings"]
    sizes = sorted(timings)
    for small, large in zip(sizes, sizes[1:], strict=False):
        print(
            f"  growth {small:,} → {large:,}: {timings[large] / timings[small]:.2f}× "
            f"(for {large / small:.1f}× the clusters; target under 2.5× for 2×)"
        )
    largest = sizes[-1]
    computation = result["fitting"] + result["bare"]
    print(
        f"  rebuild / bare computation at {largest:,}: {timings[largest] / computation:.2f}× (target at most 2×: "
        f"the database's reads and writes take no more than the maths); against the scoring alone "
        f"{timings[largest] / result['bare']:.2f}×"
    )
    print(
        f"  incremental / full rebuild at {largest:,}: {100 * result['incremental'] / timings[largest]:.2f} % "
        f"({100 * result['incremental_cold'] / timings[largest]:.2f} % cold; target under 1 %)"
    )


if __name__ == "__main__":
    main()

"""Load benchmark: the portal under gunicorn on loopback, against the framework floor, idle and during a rebuild.

    .venv/bin/python bench/load.py            # builds the scratch database bench_load (10,000 clusters), then measures
    .venv/bin/python bench/load.py --reuse    # reuses it

For each endpoint — the map's features, a filtered API list, a cluster profile — a fixed number of requests at a
fixed concurrency (threads with keep-alive HTTP connections), and the same for /bench/floor, a constant-body view
behind the same middleware (bench/floor_urls.py, only in bench/settings.py). Printed: requests per second, p50, p95
and p99 latency, their ratios to the floor, and the errors (any answer but 200, or a failed connection); then the
same while a full matching rebuild runs in another process on the same database. Exit status 1 when any request
failed.

The scratch database lives on the server of DATABASE_URL; the portal's own database is never touched. Everything
listens on 127.0.0.1 only.
"""

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from map_features import create_database, scratch_url

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "127.0.0.1"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_load", help="name of the scratch database (default bench_load)")
    parser.add_argument("--reuse", action="store_true", help="reuse the scratch database if it holds clusters")
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=50_000)
    parser.add_argument("--technoparks", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2 cores: 2–3)")
    parser.add_argument("--concurrency", type=int, default=6, help="simultaneous client connections")
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint (the floor gets 4×)")
    parser.add_argument("--features-requests", type=int, default=60, help="requests to the 2 MB map layer")
    parser.add_argument("--skip-rebuild", action="store_true", help="measure only the idle portal")
    parser.add_argument("--rebuild-timeout", type=float, default=240.0, help="seconds to let the rebuild finish")
    return parser.parse_args()


# --- The database and the server -------------------------------------------------------------------
def environment(database_url: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "REDIS_URL": redis_url,
        "DEBUG": "false",
    }


def manage(env: dict, *args: str) -> None:
    # Output only on failure: the generator's progress bar would fill the report.
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")


def prepare(args, env: dict, database_url: str) -> None:
    import psycopg

    try:
        with psycopg.connect(urlsplit(database_url)._replace(scheme="postgresql").geturl()) as probe:
            has_data = probe.execute(
                "SELECT to_regclass('clusters_cluster') IS NOT NULL AND EXISTS (SELECT 1 FROM clusters_cluster)"
            ).fetchone()[0]
    except psycopg.OperationalError:
        has_data = False
    if args.reuse and has_data:
        return
    print(f"Creating the scratch database {args.database} …", flush=True)
    create_database(database_url)
    started = time.perf_counter()
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "load_reference", "--verbosity", "0")
    manage(
        env,
        "generate_registry",
        "--clusters",
        str(args.clusters),
        "--organisations",
        str(args.organisations),
        "--technoparks",
        str(args.technoparks),
        "--clear",
        "--verbosity",
        "0",
    )
    print(f"Built the registry in {time.perf_counter() - started:.0f} s.", flush=True)


def sample_ids(database_url: str, limit: int = 50) -> list[int]:
    import psycopg

    with psycopg.connect(urlsplit(database_url)._replace(scheme="postgresql").geturl()) as connection:
        rows = connection.execute(
            "SELECT id FROM clusters_cluster WHERE status = 'published' ORDER BY id LIMIT %s", [limit]
        ).fetchall()
    return [row[0] for row in rows]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            GUNICORN,
            "eaeu_portal.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/bench/floor")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    """Stops a process this script started, and its children (gunicorn's workers), by its own group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- The load -----------------------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def drive(name: str, port: int, paths: list[str], count: int, concurrency: int) -> Result:
    """`count` GETs spread over `concurrency` threads, each on its own keep-alive connection; paths in turn."""
    result = Result(name)
    lock = threading.Lock()
    next_index = iter(range(count))

    def worker():
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            path = paths[index % len(paths)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status == 200:
                        result.latencies.append(elapsed)
                    else:
                        result.errors.append(f"{response.status} {path}")
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    result.errors.append(f"{type(exc).__name__} {path}")
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=120)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def endpoints(ids: list[int]) -> list[tuple[str, list[str], str]]:
    return [
        ("map features (10,000 clusters)", ["/en/clusters/map/features.geojson"], "features"),
        ("API list, filtered", ["/api/v1/clusters/?country_code=RU&kind=innovation"], "requests"),
        ("cluster profile page", [f"/en/clusters/{pk}/" for pk in ids], "requests"),
    ]


def measure(args, port: int, ids: list[int], rebuild: subprocess.Popen | None = None) -> list[Result]:
    """The floor, then each endpoint; with `rebuild`, each row notes whether the rebuild ran all through it."""
    for name, paths, _count in endpoints(ids):  # warm every worker's caches and connections
        drive(name, port, paths, args.workers * 2, args.workers)
    rows = [("floor: constant body", ["/bench/floor"], args.requests * 4)]
    for name, paths, count in endpoints(ids):
        rows.append((name, paths, args.features_requests if count == "features" else args.requests))
    results = []
    for name, paths, total in rows:
        running_before = rebuild is not None and rebuild.poll() is None
        result = drive(name, port, paths, total, args.concurrency)
        if rebuild is not None:
            running_after = rebuild.poll() is None
            result.note = "" if running_after else ("rebuild ended during" if running_before else "after rebuild")
        results.append(result)
    return results


def report(title: str, results: list[Result], concurrency: int) -> int:
    floor = results[0]
    print(f"\n{title} (concurrency {concurrency}):")
    print(
        f"  {'endpoint':32} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'floor/rps':>9} {'p50/floor':>9}"
    )
    errors = 0
    for result in results:
        errors += len(result.errors)
        print(
            f"  {result.name:32} {len(result.latencies) + len(result.errors):>8,} {len(result.errors):>6}"
            f" {result.rps:>8.1f} {result.percentile(50):>8.1f} {result.percentile(95):>8.1f}"
            f" {result.percentile(99):>8.1f} {floor.rps / result.rps if result.rps else float('nan'):>9.1f}"
            f" {result.percentile(50) / floor.percentile(50):>9.1f}  {result.note}"
        )
        for error in sorted(set(result.errors))[:5]:
            print(f"      error: {error}")
    return errors


def start_rebuild(env: dict) -> subprocess.Popen:
    code = (
        "import django; django.setup(); "
        "from clusters.matching.services import matching_rebuild_inline; "
        "v = matching_rebuild_inline(); print(v.pk)"
    )
    return subprocess.Popen([PYTHON, "-c", code], cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)


def main() -> int:
    args = parse_args()
    # A stopped benchmark still stops the server and the rebuild it started (the finally blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    database_url = scratch_url(args.database)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:63799/5")
    env = environment(database_url, redis_url)
    began = time.perf_counter()
    prepare(args, env, database_url)
    # DEBUG is off, so pages link to hashed static files: collect them into the benchmark's own folder.
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    ids = sample_ids(database_url)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    errors = 0
    try:
        print(f"gunicorn: {args.workers} sync workers on {HOST}:{port}; {os.cpu_count()} cores", flush=True)
        errors += report("Idle portal", measure(args, port, ids), args.concurrency)
        if not args.skip_rebuild:
            rebuild = start_rebuild(env)
            rebuild_started = time.perf_counter()
            try:
                results = measure(args, port, ids, rebuild)
                errors += report("During a full matching rebuild", results, args.concurrency)
                try:
                    rebuild.wait(timeout=args.rebuild_timeout)
                    outcome = "finished" if rebuild.returncode == 0 else f"failed ({rebuild.returncode})"
                except subprocess.TimeoutExpired:
                    outcome = f"stopped after {args.rebuild_timeout:.0f} s"
                print(f"  matching rebuild {outcome}: {time.perf_counter() - rebuild_started:.0f} s", flush=True)
            finally:
                stop(rebuild)
    finally:
        stop(server)
    print(f"\nErrors: {errors}. Total time {time.perf_counter() - began:.0f} s.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

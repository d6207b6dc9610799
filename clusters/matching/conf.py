"""The matching index's settings, each with a default; a deployment overrides them in Django settings."""

from pathlib import Path

from django.conf import settings

DEFAULT_WEIGHTS = {
    "sector": 0.35,
    "technology": 0.20,
    "value_chain": 0.10,
    "text": 0.25,
    "members": 0.10,
}


def top_k() -> int:
    return int(getattr(settings, "MATCHING_TOP_K", 20))


def weights() -> dict[str, float]:
    configured = {**DEFAULT_WEIGHTS, **getattr(settings, "MATCHING_WEIGHTS", {})}
    unknown = set(configured) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(f"MATCHING_WEIGHTS has unknown components: {', '.join(sorted(unknown))}")
    if any(value < 0 for value in configured.values()) or not sum(configured.values()):
        raise ValueError("MATCHING_WEIGHTS must be non-negative and not all zero")
    return {name: float(value) for name, value in configured.items()}


def min_score() -> float:
    return float(getattr(settings, "MATCHING_MIN_SCORE", 0.1))


def same_country_factor() -> float:
    """Partners at home still count, but a foreign partner with the same fit ranks first."""
    return float(getattr(settings, "MATCHING_SAME_COUNTRY_FACTOR", 0.6))


def chunk_size() -> int:
    return int(getattr(settings, "MATCHING_CHUNK_SIZE", 500))


def stale_after_seconds() -> int:
    """A building version with no progress for this long is taken as abandoned by a dead worker."""
    return int(getattr(settings, "MATCHING_REBUILD_STALE_AFTER", 15 * 60))


def keep_retired_versions() -> int:
    return int(getattr(settings, "MATCHING_KEEP_RETIRED_VERSIONS", 0))


def value_chains_file() -> Path:
    default = Path(settings.BASE_DIR) / "fixtures" / "matching" / "value_chains.json"
    return Path(getattr(settings, "MATCHING_VALUE_CHAINS_FILE", default))


def blas_threads() -> int:
    """Threads per process for the matrix products: one suits workers that already run one process per core."""
    return int(getattr(settings, "MATCHING_BLAS_THREADS", 1))

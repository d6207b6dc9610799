"""Reads of the matching index for pages, the API and the jobs; suggestions come with their reasons."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import psycopg
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from clusters.models import Cluster, MatchingIndexVersion, Membership, PartnerSuggestion
from directory.choices import PublicationStatus
from directory.models import Country, Sector
from foresight.models import Priority

from . import conf
from .choices import MatchingIndexStatus, ReasonKind
from .engine import COMPONENTS, ClusterFeatures, EngineState, Explanation, Taxonomy, explain

# A reason is shown when its component reaches this score; fainter ones would read as noise.
REASON_MIN_COMPONENT = 0.05
TEXT_REASON_MIN = 0.15


# --- Engine inputs --------------------------------------------------------------------------
def matching_taxonomy() -> Taxonomy:
    sectors = list(Sector.objects.order_by("code").values_list("code", "section_code"))
    priorities = list(Priority.objects.order_by("pk").values_list("pk", "parent_id"))
    return Taxonomy(
        sector_codes=tuple(code for code, _section in sectors),
        sector_sections=tuple(section or code for code, section in sectors),
        priority_ids=tuple(pk for pk, _parent in priorities),
        priority_parents=tuple(parent or 0 for _pk, parent in priorities),
        value_chains=value_chain_pairs(),
    )


def value_chain_pairs() -> tuple[tuple[str, str], ...]:
    path = conf.value_chains_file()
    return _value_chain_pairs(str(path), path.stat().st_mtime if path.exists() else 0)


@lru_cache(maxsize=4)
def _value_chain_pairs(path: str, _mtime: float) -> tuple[tuple[str, str], ...]:
    try:
        with open(path, encoding="utf-8") as handle:
            rows = json.load(handle)["pairs"]
    except FileNotFoundError:
        return ()
    return tuple((str(row["supplier"]), str(row["customer"])) for row in rows)


# The cluster's names and descriptions in every language, compared as one text.
TEXT_FIELDS = (
    "name_en",
    "name_ru",
    "name_original",
    "description_en",
    "description_ru",
    "description_zh",
    "description_original",
)


def cluster_text(values: dict[str, str]) -> str:
    return "\n".join(values.get(name) or "" for name in TEXT_FIELDS)


# Up to this many clusters, their features are read in one query with a subquery per list; more are read in bulk.
FEATURES_BY_SUBQUERY = 200


def _feature_lists(**cluster) -> dict[str, tuple[QuerySet, str]]:
    """Where each list of a cluster's features comes from: a queryset of link rows filtered by `cluster` (the
    clusters' queryset, or an outer reference) and the field it gives."""
    members = Membership.objects.filter(
        left_on__isnull=True,
        organisation__status=PublicationStatus.PUBLISHED,
        organisation__sectors__isnull=False,
        **cluster,
    )
    return {
        "secondary_sectors": (Cluster.secondary_sectors.through.objects.filter(**cluster), "sector__code"),
        "priorities": (Cluster.technologies.through.objects.filter(**cluster), "priority_id"),
        "member_sectors": (members, "organisation__sectors__code"),
    }


def matching_features(*, cluster_ids=None) -> list[ClusterFeatures]:
    """The engine's view of published clusters (all, or the given ones that are published), in id order.

    A few clusters (an incremental update's) are read in one round trip, each list gathered by a subquery; many are
    read by one query per list, joined in bulk, which the per-cluster subqueries would make several times slower.
    """
    clusters = Cluster.objects.published()
    if cluster_ids is not None:
        cluster_ids = list(cluster_ids)
        clusters = clusters.filter(pk__in=cluster_ids)
    few = cluster_ids is not None and len(cluster_ids) <= FEATURES_BY_SUBQUERY
    gathered = {}
    if few:
        gathered = {
            f"_{name}": ArraySubquery(queryset.order_by().values(field))
            for name, (queryset, field) in _feature_lists(cluster=OuterRef("pk")).items()
        }
    rows = list(
        clusters.order_by("pk").values(
            "pk",
            "country_id",
            "accepts_partner_suggestions",
            "primary_sector__code",
            *TEXT_FIELDS,
            **gathered,
        )
    )
    lists = {name: defaultdict(list) for name in ("secondary_sectors", "priorities", "member_sectors")}
    if few:
        for row in rows:
            for name, values in lists.items():
                values[row["pk"]] = row[f"_{name}"]
    else:
        for name, (queryset, field) in _feature_lists(cluster__in=clusters).items():
            for cluster_id, value in queryset.values_list("cluster_id", field):
                lists[name][cluster_id].append(value)
    return [
        ClusterFeatures(
            id=row["pk"],
            country_id=row["country_id"],
            accepts_suggestions=row["accepts_partner_suggestions"],
            primary_sector=row["primary_sector__code"],
            text=cluster_text(row),
            **{name: tuple(sorted(values[row["pk"]])) for name, values in lists.items()},
        )
        for row in rows
    ]


# --- Versions and state ---------------------------------------------------------------------
def active_version() -> MatchingIndexVersion | None:
    return MatchingIndexVersion.objects.filter(status=MatchingIndexStatus.ACTIVE).defer("state").first()


_STATE_CACHE: dict[int, EngineState] = {}


@contextmanager
def binary_cursor():
    """A driver cursor exchanging values in binary: a state of megabytes travels as it is, not as hex text of twice
    its size to be escaped and parsed; it takes part in the current transaction like any other query."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def version_state(version_id: int) -> EngineState:
    """The engine state stored with a version, kept in this process while the version is the one asked for."""
    state = _STATE_CACHE.get(version_id)
    if state is None:
        with binary_cursor() as cursor:
            cursor.execute(
                f"SELECT state FROM {MatchingIndexVersion._meta.db_table} WHERE id = %s", [version_id], binary=True
            )
            row = cursor.fetchone()
        blob = row[0] if row else None
        if blob is None:
            raise MatchingIndexVersion.DoesNotExist(f"matching index version {version_id} has no stored state")
        state = EngineState.from_bytes(bytes(blob))
        # One version at a time: the state of a 10,000-cluster index is tens of megabytes.
        _STATE_CACHE.clear()
        _STATE_CACHE[version_id] = state
    return state


def matching_rebuild_progress() -> dict[str, Any]:
    """What the rebuild button shows: the running (or last failed) build's chunks done of total, and the live index."""
    active = active_version()
    latest = (
        MatchingIndexVersion.objects.exclude(status=MatchingIndexStatus.RETIRED)
        .defer("state")
        .annotate(done=Count("chunks"))
        .order_by("-created_at")
        .first()
    )
    running = (
        latest
        if latest is not None and latest.status in (MatchingIndexStatus.BUILDING, MatchingIndexStatus.FAILED)
        else None
    )
    return {
        "running": bool(running and running.status == MatchingIndexStatus.BUILDING),
        "failed": bool(running and running.status == MatchingIndexStatus.FAILED),
        "version": running.pk if running else None,
        "chunks_done": running.done if running else 0,
        "chunks_total": running.chunks_total if running else 0,
        "started_at": running.created_at.isoformat() if running else None,
        "error": running.error if running else "",
        "active_version": active.pk if active else None,
        "active_since": active.activated_at.isoformat() if active and active.activated_at else None,
        "active_clusters": active.clusters_total if active else 0,
    }


# --- Suggestions for a cluster --------------------------------------------------------------
def cluster_matches(*, cluster_id: int, country: str | int | None = None, min_score: float | None = None) -> QuerySet:
    """A cluster's suggested partners in the live index, best first, with partner, country and sector joined.

    `country` is an ISO alpha-2 code or a country id. The queryset is the API's: paginate it, then pass the page
    to `attach_reasons`.
    """
    queryset = (
        PartnerSuggestion.objects.filter(version__status=MatchingIndexStatus.ACTIVE, cluster_id=cluster_id)
        .filter(partner__status=PublicationStatus.PUBLISHED)
        .select_related("partner__country", "partner__primary_sector")
        .order_by("-score", "partner_id")
    )
    if country not in (None, ""):
        if isinstance(country, int) or str(country).isdigit():
            queryset = queryset.filter(partner__country_id=int(country))
        else:
            queryset = queryset.filter(partner__country__iso2=str(country).upper())
    if min_score is not None:
        queryset = queryset.filter(score__gte=min_score)
    return queryset


def cluster_suggestions(
    *, cluster: Cluster, limit: int | None = None, country: str | int | None = None, min_score: float | None = None
) -> list[PartnerSuggestion]:
    """A cluster's suggested partners with `.reasons` (a list of reason dicts) and `.reasons_text` attached."""
    suggestions = list(cluster_matches(cluster_id=cluster.pk, country=country, min_score=min_score)[:limit])
    return attach_reasons(cluster_id=cluster.pk, suggestions=suggestions)


def attach_reasons(*, cluster_id: int, suggestions: list[PartnerSuggestion]) -> list[PartnerSuggestion]:
    """Explain each suggestion in a fixed number of queries, whatever the number of suggestions."""
    if not suggestions:
        return suggestions
    features = {f.id: f for f in matching_features(cluster_ids=[cluster_id, *(s.partner_id for s in suggestions)])}
    explainer = _Explainer()
    own = features.get(cluster_id) or ClusterFeatures(id=cluster_id)
    for suggestion in suggestions:
        partner = features.get(suggestion.partner_id) or ClusterFeatures(id=suggestion.partner_id)
        components = {name: getattr(suggestion, f"{name}_score") for name in COMPONENTS}
        suggestion.reasons = explainer.reasons(explain(own, partner, explainer.taxonomy), components)
        suggestion.reasons_text = reasons_text(suggestion.reasons)
    return suggestions


def reasons_text(reasons: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{reason['label']}: {', '.join(reason['items'])}" if reason["items"] else reason["label"] for reason in reasons
    )


class _Explainer:
    """Names for the codes in an explanation, read once per request."""

    def __init__(self):
        self.taxonomy = matching_taxonomy()
        self.sectors = {sector.code: sector for sector in Sector.objects.all()}
        self.priorities = {priority.pk: priority for priority in Priority.objects.all()}

    def sector_label(self, code: str) -> str:
        sector = self.sectors.get(code)
        if sector is None:
            return code
        prefix = code if sector.parent_id is None else f"{sector.section_code}{code}"
        return f"{prefix} {sector.name}"

    def sector_code(self, code: str) -> str:
        sector = self.sectors.get(code)
        return code if sector is None or sector.parent_id is None else f"{sector.section_code}{code}"

    def priority_label(self, pk: int) -> str:
        priority = self.priorities.get(pk)
        return priority.name if priority else str(pk)

    def reasons(self, explanation: Explanation, components: dict[str, float]) -> list[dict[str, Any]]:
        reasons = []

        def add(kind, label, items, component):
            reasons.append({"kind": str(kind), "label": label, "items": items, "score": round(component, 3)})

        if explanation.shared_sectors and components["sector"] >= REASON_MIN_COMPONENT:
            add(
                ReasonKind.SHARED_SECTOR,
                _("Shared sectors"),
                [self.sector_label(code) for code in explanation.shared_sectors],
                components["sector"],
            )
        if explanation.adjacent_sections and components["sector"] >= REASON_MIN_COMPONENT:
            add(
                ReasonKind.ADJACENT_SECTOR,
                _("Same section"),
                [self.sector_label(code) for code in explanation.adjacent_sections],
                components["sector"],
            )
        if explanation.complementary and components["value_chain"] >= REASON_MIN_COMPONENT:
            add(
                ReasonKind.COMPLEMENTARY,
                _("Complementary value chains"),
                [f"{self.sector_code(a)} → {self.sector_code(b)}" for a, b in explanation.complementary],
                components["value_chain"],
            )
        priorities = explanation.shared_priorities or explanation.related_priorities
        if priorities and components["technology"] >= REASON_MIN_COMPONENT:
            label = _("Shared priorities") if explanation.shared_priorities else _("Related priorities")
            add(
                ReasonKind.SHARED_PRIORITY,
                label,
                [self.priority_label(pk) for pk in priorities],
                components["technology"],
            )
        if explanation.shared_member_sectors and components["members"] >= REASON_MIN_COMPONENT:
            add(
                ReasonKind.MEMBERS,
                _("Members active in"),
                [self.sector_label(code) for code in explanation.shared_member_sectors],
                components["members"],
            )
        if components["text"] >= TEXT_REASON_MIN:
            add(ReasonKind.TEXT, _("Similar descriptions"), [], components["text"])
        return reasons


# --- Suggestions for needs and technoparks --------------------------------------------------
@dataclass
class ProfileMatch:
    partner: Cluster
    score: float
    components: dict[str, float]
    reasons: list[dict[str, Any]] = field(default_factory=list)
    reasons_text: str = ""


@dataclass
class NeedResult:
    """What the portal understood of a free-text need, and the clusters that answer it best."""

    text: str
    countries: list[Country]
    sectors: list[Sector]
    matches: list[ProfileMatch]


def partner_suggestions_for_profile(
    *,
    text: str = "",
    sector_codes=(),
    priority_ids=(),
    member_sector_codes=(),
    country_id: int | None = None,
    only_country_ids=None,
    exclude_cluster_ids=(),
    limit: int | None = None,
) -> list[ProfileMatch]:
    """Clusters of the live index that best fit a profile that is not itself a cluster; home clusters discounted."""
    version = active_version()
    if version is None:
        return []
    state = version_state(version.pk)
    parameters = _parameters(version)
    profile = ClusterFeatures(
        id=0,
        country_id=country_id,
        secondary_sectors=tuple(sector_codes),
        priorities=tuple(priority_ids),
        member_sectors=tuple(member_sector_codes),
        text=text,
    )
    limit = limit or parameters["top_k"]
    found = state.top_k(
        state.left_for_features([profile]),
        left_ids=[0],
        left_countries=[country_id or -1],
        k=limit + len(exclude_cluster_ids),
        min_score=parameters["min_score"],
        weights=parameters["weights"],
        same_country_factor=parameters["same_country_factor"],
        only_countries=only_country_ids,
    )
    partner_ids = [int(pk) for pk in found.partner_ids if int(pk) not in set(exclude_cluster_ids)][:limit]
    partners = Cluster.objects.published().select_related("country", "primary_sector").in_bulk(partner_ids)
    features = {f.id: f for f in matching_features(cluster_ids=partner_ids)}
    explainer = _Explainer()
    matches = []
    for index, pk in enumerate(found.partner_ids.tolist()):
        if pk not in partners or pk not in partner_ids:
            continue
        components = {name: float(values[index]) for name, values in found.components.items()}
        reasons = explainer.reasons(
            explain(profile, features.get(pk, ClusterFeatures(id=pk)), explainer.taxonomy), components
        )
        matches.append(
            ProfileMatch(partners[pk], float(found.scores[index]), components, reasons, reasons_text(reasons))
        )
    return matches


def partner_suggestions_for_need(*, text: str, limit: int | None = None) -> NeedResult:
    """Clusters for a free-text need ("a partner in machine-tool building in Kazakhstan"), countries named in it
    taken as a filter and sectors named in it as the sought specialisation."""
    text = (text or "").strip()
    if not text:
        raise ValueError(_("Describe the partner you are looking for."))
    countries = _countries_named(text)
    sectors = _sectors_named(text)
    matches = partner_suggestions_for_profile(
        text=text,
        sector_codes=[sector.code for sector in sectors],
        only_country_ids=[country.pk for country in countries] or None,
        limit=limit,
    )
    return NeedResult(text=text, countries=countries, sectors=sectors, matches=matches)


def partner_suggestions_for_technopark(*, technopark, limit: int | None = None) -> list[ProfileMatch]:
    """Cluster partners for a technopark's current residents, read from the technopark's own relations.

    The technopark is taken by its attributes (sectors, technologies, residencies, country, descriptions), so
    this app stays below the technoparks app.
    """
    residents = technopark.residencies.filter(ended_on__isnull=True, organisation__status=PublicationStatus.PUBLISHED)
    member_codes = list(
        residents.filter(organisation__sectors__isnull=False).values_list("organisation__sectors__code", flat=True)
    )
    descriptions = [technopark.description_en, technopark.description_ru, technopark.description_original]
    return partner_suggestions_for_profile(
        text="\n".join(filter(None, [technopark.name_en, technopark.name_ru, *descriptions])),
        # What the residents do is what they seek partners in, beside the technopark's declared sectors.
        sector_codes=sorted({*technopark.sectors.values_list("code", flat=True), *member_codes}),
        priority_ids=list(technopark.technologies.values_list("pk", flat=True)),
        member_sector_codes=member_codes,
        country_id=technopark.country_id,
        limit=limit,
    )


def _parameters(version: MatchingIndexVersion) -> dict[str, Any]:
    parameters = version.parameters or {}
    return {
        "top_k": parameters.get("top_k", conf.top_k()),
        "min_score": parameters.get("min_score", conf.min_score()),
        "weights": parameters.get("weights", conf.weights()),
        "same_country_factor": parameters.get("same_country_factor", conf.same_country_factor()),
    }


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _countries_named(text: str) -> list[Country]:
    words = _words(text)
    found = []
    for country in Country.objects.all():
        names = {name.lower() for name in (country.name_en, country.name_ru, country.name_original) if name}
        # Russian and Kazakh inflect names ("в Казахстане", "из Беларуси"): a stem of the name also counts.
        stems = {name[:-1] if len(name) > 5 else name for name in names if " " not in name}
        if any(" " in name and name in text.lower() for name in names) or any(
            word.startswith(stem) for word in words for stem in stems
        ):
            found.append(country)
    return found


def _sectors_named(text: str) -> list[Sector]:
    keywords = _sector_keywords(str(conf.value_chains_file().with_name("sector_keywords.json")))
    words = _words(text)

    def named(term: list[str]) -> bool:
        # Each word of the term begins a consecutive word of the need: stems catch inflected Russian and Kazakh.
        return any(
            all(words[start + offset].startswith(part) for offset, part in enumerate(term))
            for start in range(len(words) - len(term) + 1)
        )

    codes = [code for code, terms in keywords.items() if any(named(term) for term in terms)]
    return list(Sector.objects.filter(code__in=codes).order_by("code"))


@lru_cache(maxsize=2)
def _sector_keywords(path: str) -> dict[str, list[list[str]]]:
    try:
        with open(path, encoding="utf-8") as handle:
            table = json.load(handle)["sectors"]
    except FileNotFoundError:
        return {}
    return {code: [_words(term) for term in terms] for code, terms in table.items()}


# --- Map and network ------------------------------------------------------------------------
def cluster_partner_lines(*, cluster: Cluster, limit: int | None = None) -> dict[str, Any]:
    """GeoJSON lines from a cluster to its suggested partners, for the map when the cluster is selected."""
    features = []
    if cluster.location is not None:
        for suggestion in cluster_matches(cluster_id=cluster.pk)[:limit]:
            partner = suggestion.partner
            if partner.location is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [
                            [cluster.location.x, cluster.location.y],
                            [partner.location.x, partner.location.y],
                        ],
                    },
                    "properties": {
                        "partner": partner.pk,
                        "name": partner.name,
                        "score": round(suggestion.score, 3),
                        "country": partner.country.iso2,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def matching_network(*, min_score: float = 0.3, limit: int = 300, country: str | None = None) -> dict[str, Any]:
    """The strongest links of the live index as nodes and links, each pair once whichever side listed it."""
    links = PartnerSuggestion.objects.filter(
        version__status=MatchingIndexStatus.ACTIVE,
        score__gte=min_score,
        cluster__status=PublicationStatus.PUBLISHED,
        partner__status=PublicationStatus.PUBLISHED,
    )
    if country:
        links = links.filter(Q(cluster__country__iso2=country.upper()) | Q(partner__country__iso2=country.upper()))
    pairs: dict[tuple[int, int], float] = {}
    # Each pair can be listed from both sides: twice the limit of rows always holds `limit` distinct pairs.
    for cluster_id, partner_id, score in links.order_by("-score", "cluster_id").values_list(
        "cluster_id", "partner_id", "score"
    )[: limit * 2]:
        key = (min(cluster_id, partner_id), max(cluster_id, partner_id))
        if key not in pairs and len(pairs) < limit:
            pairs[key] = score
    ids = {pk for pair in pairs for pk in pair}
    clusters = (
        Cluster.objects.filter(pk__in=ids)
        .select_related("country")
        .only("pk", "name_en", "name_ru", "name_original", "name_zh", "country__iso2")
    )
    return {
        "nodes": [{"id": c.pk, "name": c.name, "country": c.country.iso2} for c in clusters],
        "links": [{"source": a, "target": b, "score": round(score, 3)} for (a, b), score in pairs.items()],
    }

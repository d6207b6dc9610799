"""The matching maths, free of the database: sparse feature matrices per component and a top-k of their scores.

Every component is a product of two sparse matrices, so one block of clusters is scored against all others in a
few sparse multiplications, and the top k per row is picked by one sort of the non-zero scores. Nothing loops in
Python over pairs of clusters; the loops below run once per cluster to lay out its features.

Each score is symmetric (score(a, b) == score(b, a)): the incremental update relies on it to find the clusters
whose lists a changed cluster enters or leaves from that cluster's own row.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from threadpoolctl import threadpool_limits

try:  # scipy's sparse-dense product kernel: internal, so a scipy without it falls back to the public product.
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover
    _csr_matvecs = None

COMPONENTS = ("sector", "technology", "value_chain", "text", "members")

# A shared division counts fully; sharing only the section counts as a neighbour with this weight.
SECTION_WEIGHT = 0.6
SECONDARY_SECTOR_WEIGHT = 0.6
# A technology also counts towards its priority and area, with this weight per level up.
PRIORITY_ANCESTOR_DECAY = 0.5
# Character n-grams inside word boundaries match across Russian, Kazakh and English texts without a language model
# (and the many loanwords of technology: "нанотехнологии", "nanotechnology").
TEXT_NGRAM_RANGE = (3, 5)
# N-grams found in more than this share of descriptions ("ция", "tion", "кластер") say nothing about fit; the cut
# only makes sense once there are enough descriptions to call anything common.
TEXT_MAX_DF = 0.3
TEXT_MAX_DF_MIN_DOCUMENTS = 50
# Text similarities below this are noise between unrelated texts in the same script; dropping them keeps the
# score matrices sparse.
TEXT_FLOOR = 0.08
TEXT_MAX_FEATURES = 30_000
# Descriptions are compared in a latent space of this many dimensions (truncated SVD of the n-gram TF-IDF matrix):
# a dense block product is far faster than a sparse one whose result is dense anyway, and bilingual descriptions
# tie Russian and English n-grams of the same terms together.
TEXT_DIMENSIONS = 128
TEXT_SVD_ITERATIONS = 3
# Rows scored at once: BLOCK_ROWS × clusters float32 values per component are held in memory.
BLOCK_ROWS = 512
# Components whose rows are normalised non-negative vectors: their dot products already lie in [0, 1].
UNIT_COMPONENTS = ("sector", "technology", "members")
# Columns per group when bounding a row's k-th score from its groups' maxima.
TOP_K_GROUP = 64
STATE_FORMAT = 2


@dataclass(frozen=True)
class Taxonomy:
    """The reference trees the features live in: NACE sectors, S&T priorities, and the value-chain table."""

    sector_codes: tuple[str, ...]
    sector_sections: tuple[str, ...]
    priority_ids: tuple[int, ...] = ()
    priority_parents: tuple[int, ...] = ()
    value_chains: tuple[tuple[str, str], ...] = ()


@dataclass
class ClusterFeatures:
    """What the engine knows of one cluster (or of a free-text need or a technopark's residents)."""

    id: int
    country_id: int | None = None
    accepts_suggestions: bool = True
    primary_sector: str | None = None
    secondary_sectors: tuple[str, ...] = ()
    priorities: tuple[int, ...] = ()
    # One entry per (member, sector) link, so a sector that many members work in weighs more.
    member_sectors: tuple[str, ...] = ()
    text: str = ""


@dataclass
class Suggestions:
    """A block of top-k results, one entry per (cluster, partner) pair, as parallel arrays."""

    cluster_ids: np.ndarray
    partner_ids: np.ndarray
    scores: np.ndarray
    components: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.cluster_ids)

    def for_cluster(self, cluster_id: int) -> Suggestions:
        mask = self.cluster_ids == cluster_id
        return Suggestions(
            self.cluster_ids[mask],
            self.partner_ids[mask],
            self.scores[mask],
            {name: values[mask] for name, values in self.components.items()},
        )


@dataclass
class ListFloors:
    """For each cluster with a list, the score a newcomer must reach to enter it: the list's k-th score, or the
    minimum score while the list is shorter than k. Sorted by cluster id.

    An incremental update compares a changed cluster's scores with these instead of reading every list. As a change
    to apply to other floors, a NaN floor removes the cluster's list.
    """

    cluster_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    floors: np.ndarray = field(default_factory=lambda: np.zeros(0))

    _DTYPE = np.dtype([("cluster_id", "<i8"), ("floor", "<f8")])

    @classmethod
    def of(cls, cluster_ids, found: Suggestions, *, k: int, min_score: float, removed_ids=()) -> ListFloors:
        """The floors of the given clusters' lists, `found` being exactly those lists; the removed clusters' lists
        are marked gone."""
        ids = np.unique(np.asarray(cluster_ids, dtype=np.int64))
        position = np.searchsorted(ids, found.cluster_ids)
        counts = np.bincount(position, minlength=len(ids))
        lowest = np.full(len(ids), np.inf)
        np.minimum.at(lowest, position, found.scores)
        floors = np.where(counts >= k, np.maximum(lowest, min_score), min_score)
        gone = np.setdiff1d(np.asarray(list(removed_ids), dtype=np.int64), ids)
        order = np.argsort(np.concatenate([ids, gone]), kind="stable")
        return cls(np.concatenate([ids, gone])[order], np.concatenate([floors, np.full(len(gone), np.nan)])[order])

    def lookup(self, cluster_ids: np.ndarray, default: float) -> np.ndarray:
        """The floors of the given clusters; `default` for a cluster without a recorded list."""
        cluster_ids = np.asarray(cluster_ids, dtype=np.int64)
        if not len(self.cluster_ids):
            return np.full(len(cluster_ids), default, dtype=np.float64)
        index = np.minimum(np.searchsorted(self.cluster_ids, cluster_ids), len(self.cluster_ids) - 1)
        return np.where(self.cluster_ids[index] == cluster_ids, self.floors[index], default)

    def updated(self, *changes: ListFloors) -> ListFloors:
        """These floors with the changes applied in turn: a later floor replaces an earlier one of the same list,
        a NaN floor removes it. Disjoint changes (a version's chunks) simply join."""
        parts = (self, *changes)
        ids = np.concatenate([part.cluster_ids for part in parts])
        floors = np.concatenate([part.floors for part in parts])
        order = np.argsort(ids, kind="stable")
        ids, floors = ids[order], floors[order]
        last = np.append(ids[1:] != ids[:-1], True) if len(ids) else np.zeros(0, dtype=bool)
        last &= ~np.isnan(floors)
        return ListFloors(ids[last], floors[last])

    def to_bytes(self) -> bytes:
        rows = np.empty(len(self.cluster_ids), dtype=self._DTYPE)
        rows["cluster_id"], rows["floor"] = self.cluster_ids, self.floors
        return rows.tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes | None) -> ListFloors:
        rows = np.frombuffer(blob or b"", dtype=cls._DTYPE)
        return cls(rows["cluster_id"].astype(np.int64), rows["floor"].astype(np.float64))


# Sparse matrices are put together from their arrays: scipy's general constructors cost more than the work itself
# for the few rows of an incremental update.
def _normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=np.square(matrix.data, dtype=np.float64), minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    data = (matrix.data / norms[rows]).astype(np.float32)
    return sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)


def _csr(rows: list[int], cols: list[int], values: list[float], shape: tuple[int, int]) -> sp.csr_matrix:
    # Duplicates (a code reached through two paths) keep the largest weight, not their sum.
    if not rows:
        return sp.csr_matrix(shape, dtype=np.float32)
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    weights = np.asarray(values, dtype=np.float32)
    order = np.lexsort((-weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.ones(len(weights), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    indptr = np.zeros(shape[0] + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows[first], minlength=shape[0]), out=indptr[1:])
    return sp.csr_matrix((weights[first], cols[first].astype(np.int32), indptr), shape=shape)


def _with_rows(matrix: sp.csr_matrix, positions: np.ndarray, rows: sp.csr_matrix) -> sp.csr_matrix:
    """`matrix` with its rows at `positions` replaced by those of `rows`, in order, spliced between the rest."""
    order = np.argsort(positions)
    data, indices, start = [], [], 0
    for position, row in zip(positions[order].tolist(), order.tolist(), strict=True):
        kept, new = slice(matrix.indptr[start], matrix.indptr[position]), slice(rows.indptr[row], rows.indptr[row + 1])
        data += [matrix.data[kept], rows.data[new]]
        indices += [matrix.indices[kept], rows.indices[new]]
        start = position + 1
    data.append(matrix.data[matrix.indptr[start] :])
    indices.append(matrix.indices[matrix.indptr[start] :])
    lengths = np.diff(matrix.indptr)
    lengths[positions] = np.diff(rows.indptr)
    indptr = np.zeros_like(matrix.indptr)
    np.cumsum(lengths, out=indptr[1:])
    return sp.csr_matrix((np.concatenate(data), np.concatenate(indices), indptr), shape=matrix.shape)


class Vocabulary:
    """The columns of every feature matrix, fixed when a version is built so later rows line up with it."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        text_terms: Sequence[str] | None = None,
        text_idf=None,
        text_components: np.ndarray | None = None,
    ):
        self.taxonomy = taxonomy
        self.sector_index = {code: i for i, code in enumerate(taxonomy.sector_codes)}
        self.section_column = np.array(
            [
                self.sector_index.get(section, -1) if section != code else -1
                for code, section in zip(taxonomy.sector_codes, taxonomy.sector_sections, strict=True)
            ],
            dtype=np.int64,
        )
        self.priority_index = {pk: i for i, pk in enumerate(taxonomy.priority_ids)}
        self.priority_parent_column = np.array(
            [self.priority_index.get(parent, -1) for parent in taxonomy.priority_parents], dtype=np.int64
        )
        size = len(taxonomy.sector_codes)
        pairs = [
            (self.sector_index[a], self.sector_index[b])
            for a, b in taxonomy.value_chains
            if a in self.sector_index and b in self.sector_index and a != b
        ]
        rows = [a for a, b in pairs] + [b for a, b in pairs]
        cols = [b for a, b in pairs] + [a for a, b in pairs]
        # Either direction makes two clusters complementary: the supplier needs customers and the other way round.
        self.value_chain = _csr(rows, cols, [1.0] * len(rows), (size, size))
        self.vectorizer: TfidfVectorizer | None = None
        self.text_terms: list[str] = list(text_terms) if text_terms is not None else []
        # Rows of the projection from n-gram space to the latent text space; None keeps the n-grams themselves.
        self.text_components = None if text_components is None else np.asarray(text_components, dtype=np.float32)
        if text_terms is not None:
            self.vectorizer = self._new_vectorizer(vocabulary={term: i for i, term in enumerate(text_terms)})
            self.vectorizer.idf_ = np.asarray(text_idf, dtype=np.float64)

    @staticmethod
    def _new_vectorizer(**options) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=TEXT_NGRAM_RANGE,
            lowercase=True,
            sublinear_tf=True,
            dtype=np.float32,
            **options,
        )

    def fit_text(self, texts: Sequence[str]) -> np.ndarray:
        """Fit the n-gram vocabulary and the latent space on the indexed descriptions; their dense vectors."""
        try:
            terms, tfidf, idf = _fit_ngrams(texts)
        except ValueError:
            # No description has a usable n-gram: the text component is empty for this build.
            terms, tfidf, idf = ["   "], sp.csr_matrix((len(texts), 1), dtype=np.float32), np.ones(1)
        self.text_terms = terms
        self.vectorizer = self._new_vectorizer(vocabulary={term: i for i, term in enumerate(terms)})
        self.vectorizer.idf_ = idf
        documents, terms_count = tfidf.shape
        if terms_count <= TEXT_DIMENSIONS:
            self.text_components = None
            return tfidf.toarray()
        if documents <= TEXT_DIMENSIONS:
            # Few documents: their own span is exact, so dot products between them are kept as they are.
            _, _, vt = np.linalg.svd(tfidf.toarray(), full_matrices=False)
            self.text_components = vt.astype(np.float32)
        else:
            svd = TruncatedSVD(TEXT_DIMENSIONS, n_iter=TEXT_SVD_ITERATIONS, random_state=0)
            svd.fit(tfidf)
            self.text_components = svd.components_.astype(np.float32)
        return np.asarray(tfidf @ self.text_components.T, dtype=np.float32)

    def text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        tfidf = sp.csr_matrix(self.vectorizer.transform(list(texts)), dtype=np.float32)
        if self.text_components is None:
            return tfidf.toarray()
        return np.asarray(tfidf @ self.text_components.T, dtype=np.float32)

    # Sectors: the codes themselves for value chains; the codes and their sections for similarity.
    def _sector_entries(self, features: Sequence[ClusterFeatures], *, closure: bool, members: bool):
        rows, cols, values = [], [], []
        for row, item in enumerate(features):
            if members:
                counts: dict[str, int] = {}
                for code in item.member_sectors:
                    counts[code] = counts.get(code, 0) + 1
                weighted = [(code, 1.0 + float(np.log(count))) for code, count in counts.items()]
            else:
                weighted = [(code, SECONDARY_SECTOR_WEIGHT) for code in item.secondary_sectors]
                if item.primary_sector:
                    weighted.append((item.primary_sector, 1.0))
            for code, weight in weighted:
                column = self.sector_index.get(code)
                if column is None:
                    continue
                rows.append(row)
                cols.append(column)
                values.append(weight)
                if closure and self.section_column[column] >= 0:
                    rows.append(row)
                    cols.append(int(self.section_column[column]))
                    values.append(weight * SECTION_WEIGHT)
        return rows, cols, values

    def sector_matrix(self, features: Sequence[ClusterFeatures], *, members: bool = False) -> sp.csr_matrix:
        shape = (len(features), len(self.taxonomy.sector_codes))
        return _normalise_rows(_csr(*self._sector_entries(features, closure=True, members=members), shape))

    def own_sector_matrix(self, features: Sequence[ClusterFeatures]) -> sp.csr_matrix:
        shape = (len(features), len(self.taxonomy.sector_codes))
        return _normalise_rows(_csr(*self._sector_entries(features, closure=False, members=False), shape))

    def priority_matrix(self, features: Sequence[ClusterFeatures]) -> sp.csr_matrix:
        rows, cols, values = [], [], []
        for row, item in enumerate(features):
            for pk in item.priorities:
                column, weight = self.priority_index.get(pk, -1), 1.0
                # The taxonomy is three levels deep; the bound guards against a cycle in bad data.
                for _level in range(4):
                    if column < 0:
                        break
                    rows.append(row)
                    cols.append(column)
                    values.append(weight)
                    column, weight = int(self.priority_parent_column[column]), weight * PRIORITY_ANCESTOR_DECAY
        return _normalise_rows(_csr(rows, cols, values, (len(features), len(self.taxonomy.priority_ids))))

    def sparse_matrices(self, features: Sequence[ClusterFeatures]) -> dict[str, sp.csr_matrix]:
        return {
            "sector": self.sector_matrix(features),
            "technology": self.priority_matrix(features),
            "own_sector": self.own_sector_matrix(features),
            "members": self.sector_matrix(features, members=True),
        }


class EngineState:
    """Every indexed cluster's features, with the vocabulary that laid them out.

    Sectors, technologies and members' activities are kept as sparse matrices (a handful of entries per cluster);
    descriptions as dense rows of their latent text space. Scoring works on blocks of rows: each component is one
    matrix product of the block against all clusters, the components are weighted and summed in place, and
    `argpartition` picks the top k of every row of the block at once.
    """

    def __init__(
        self,
        vocabulary: Vocabulary,
        cluster_ids,
        country_ids,
        accepts,
        sparse: dict[str, sp.csr_matrix],
        text: np.ndarray,
    ):
        self.vocabulary = vocabulary
        self.cluster_ids = np.asarray(cluster_ids, dtype=np.int64)
        self.country_ids = np.asarray(country_ids, dtype=np.int64)
        self.accepts = np.asarray(accepts, dtype=bool)
        self.sparse = sparse
        self.text = np.ascontiguousarray(text, dtype=np.float32)
        self.position = {int(pk): i for i, pk in enumerate(self.cluster_ids.tolist())}
        self._right_transposed: dict[str, np.ndarray] | None = None
        self._country_columns: dict[int, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.cluster_ids)

    @classmethod
    def build(cls, features: Sequence[ClusterFeatures], taxonomy: Taxonomy) -> EngineState:
        vocabulary = Vocabulary(taxonomy)
        text = vocabulary.fit_text([f.text for f in features])
        return cls(vocabulary, *_identity(features), vocabulary.sparse_matrices(features), text)

    @property
    def right(self) -> dict[str, np.ndarray | sp.csr_matrix]:
        """The column side of every component, a row per cluster: sparse where the features are."""
        return {
            "sector": self.sparse["sector"],
            "technology": self.sparse["technology"],
            "value_chain": self.sparse["own_sector"],
            "text": self.text,
            "members": self.sparse["members"],
        }

    @property
    def right_transposed(self) -> dict[str, np.ndarray]:
        """The column side as dense feature rows, built once per state: a sparse left row then adds a handful of
        contiguous feature rows, and a dense one is a matrix product. The unit components are stacked, in the
        order of UNIT_COMPONENTS, so one product gives their weighted sum."""
        if self._right_transposed is None:
            right = self.right
            self._right_transposed = {
                "unit": np.vstack([right[name].T.toarray(order="C") for name in UNIT_COMPONENTS]),
                "value_chain": right["value_chain"].T.toarray(order="C"),
                "text": np.ascontiguousarray(self.text.T),
            }
        return self._right_transposed

    def columns_of_country(self, country_id: int) -> np.ndarray:
        if self._country_columns is None:
            order = np.argsort(self.country_ids, kind="stable")
            countries, starts = np.unique(self.country_ids[order], return_index=True)
            self._country_columns = dict(zip(countries.tolist(), np.split(order, starts[1:]), strict=True))
        return self._country_columns.get(int(country_id), np.zeros(0, dtype=np.int64))

    def left(self, positions: np.ndarray) -> dict[str, np.ndarray | sp.csr_matrix]:
        """The row side of the given clusters: sparse where the features are (a handful of entries in hundreds of
        columns, so a product costs their entries, not the columns), dense for the text space."""
        left = {name: self.sparse[name][positions] for name in ("sector", "technology", "members")}
        left["value_chain"] = sp.csr_matrix(self.sparse["own_sector"][positions] @ self.vocabulary.value_chain)
        left["text"] = self.text[positions]
        return left

    def replace(self, changed: Sequence[ClusterFeatures], removed_ids: Iterable[int] = ()) -> EngineState:
        """A copy with the changed clusters' rows recomputed (in their place, or appended when new) and the removed
        ones dropped.

        The dense column side, when built, is carried over with its columns moved rather than laid out again from
        the sparse matrices.
        """
        changed_ids = {f.id for f in changed}
        removed = np.array(sorted({int(pk) for pk in removed_ids} - changed_ids), dtype=np.int64)
        keep = np.flatnonzero(~np.isin(self.cluster_ids, removed))
        appended = self._rows_of([f for f in changed if f.id not in self.position])
        state = EngineState(
            self.vocabulary,
            np.concatenate([self.cluster_ids[keep], appended.cluster_ids]),
            np.concatenate([self.country_ids[keep], appended.country_ids]),
            np.concatenate([self.accepts[keep], appended.accepts]),
            {
                name: sp.csr_matrix(sp.vstack([matrix[keep], appended.sparse[name]], format="csr"), dtype=np.float32)
                for name, matrix in self.sparse.items()
            },
            np.vstack([self.text[keep], appended.text]),
        )
        if self._right_transposed is not None:
            side = appended.right_transposed
            state._right_transposed = {
                name: np.hstack([matrix[:, keep] if len(keep) < len(self) else matrix, side[name]])
                for name, matrix in self._right_transposed.items()
            }
        state.rewrite([f for f in changed if f.id in self.position])
        return state

    def rewrite(self, changed: Sequence[ClusterFeatures]) -> None:
        """Recompute the rows of clusters already indexed, in place: the dense rows and columns are overwritten
        where they are, only the small sparse matrices are put together again.

        For a state nobody else reads: an incremental worker's own copy, updated change after change.
        """
        if not changed:
            return
        rows = self._rows_of(changed)
        positions = np.array([self.position[int(pk)] for pk in rows.cluster_ids], dtype=np.int64)
        if np.any(self.country_ids[positions] != rows.country_ids):
            self._country_columns = None
        self.country_ids[positions] = rows.country_ids
        self.accepts[positions] = rows.accepts
        self.text[positions] = rows.text
        for name, matrix in self.sparse.items():
            self.sparse[name] = _with_rows(matrix, positions, rows.sparse[name])
        if self._right_transposed is not None:
            side = rows.right_transposed
            for name, matrix in self._right_transposed.items():
                matrix[:, positions] = side[name]

    def _rows_of(self, features: Sequence[ClusterFeatures]) -> EngineState:
        """The given clusters laid out in this state's vocabulary, as a state of their own."""
        text = (
            self.vocabulary.text_vectors([f.text for f in features])
            if features
            else np.zeros((0, self.text.shape[1]), dtype=np.float32)
        )
        return EngineState(self.vocabulary, *_identity(features), self.vocabulary.sparse_matrices(features), text)

    # --- Scoring ---------------------------------------------------------------------------
    def block_scores(
        self, left: dict[str, np.ndarray], left_countries, *, weights: dict[str, float], same_country_factor: float
    ) -> np.ndarray:
        """The weighted total of every left row against every cluster, home partners discounted.

        Each left row is scaled by its component's share of the weights, so products arrive weighted: the text
        product is written into the block and bounded there, the unit components are added by one product, and the
        value chains are bounded in a block of their own and added. The block is this thread's scratch space: it
        holds the scores until the next call.
        """
        right = self.right_transposed
        weight_sum = sum(weights.values())
        share = {name: np.float32(weights.get(name, 0) / weight_sum) for name in COMPONENTS}
        shape = (left["text"].shape[0], len(self))
        total = _scratch("total", shape)
        np.matmul(np.asarray(left["text"] * share["text"], dtype=np.float32), right["text"], out=total)
        _bound("text", total, share["text"])
        unit = [left[name] * share[name] for name in UNIT_COMPONENTS]
        _add_product(total, sp.hstack(unit, format="csr") if any(map(sp.issparse, unit)) else np.hstack(unit), right)
        if share["value_chain"]:
            chain = _scratch("value_chain", shape)
            chain.fill(0)
            _add_product(chain, left["value_chain"] * share["value_chain"], right, name="value_chain")
            _bound("value_chain", chain, share["value_chain"])
            total += chain
        left_countries = np.asarray(left_countries, dtype=np.int64)
        if same_country_factor != 1:
            for country in np.unique(left_countries[left_countries >= 0]).tolist():
                home = np.ix_(np.flatnonzero(left_countries == country), self.columns_of_country(country))
                total[home] *= np.float32(same_country_factor)
        return total

    def top_k(
        self,
        left: dict[str, np.ndarray],
        *,
        left_ids,
        left_countries,
        k: int,
        min_score: float,
        weights: dict[str, float],
        same_country_factor: float,
        only_countries: Sequence[int] | None = None,
    ) -> Suggestions:
        """The k best partners for each left row among the clusters that accept suggestions."""
        left_ids = np.asarray(left_ids, dtype=np.int64)
        left_countries = np.asarray(left_countries, dtype=np.int64)
        blocked = ~self.accepts
        if only_countries is not None:
            blocked |= ~np.isin(self.country_ids, np.asarray(list(only_countries), dtype=np.int64))
        blocked_columns = np.flatnonzero(blocked)
        parts = []
        for start in range(0, len(left_ids), BLOCK_ROWS):
            block = slice(start, start + BLOCK_ROWS)
            block_left = {name: matrix[block] for name, matrix in left.items()}
            total = self.block_scores(
                block_left, left_countries[block], weights=weights, same_country_factor=same_country_factor
            )
            total[:, blocked_columns] = 0
            own = np.array([self.position.get(int(pk), -1) for pk in left_ids[block].tolist()], dtype=np.int64)
            has_own = own >= 0
            total[np.flatnonzero(has_own), own[has_own]] = 0
            rows, cols, scores = _top_k_dense(total, k, min_score)
            parts.append((rows + start, cols, scores))
        rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        scores = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.float32)
        right = self.right
        components = {}
        for name in COMPONENTS:
            # The pair's own dot product: cheaper than keeping every component's block in memory.
            values = _row_dots(left[name], rows, right[name], cols)
            _transform(name, values)
            components[name] = values.astype(np.float64)
        return Suggestions(
            cluster_ids=left_ids[rows],
            partner_ids=self.cluster_ids[cols],
            scores=np.clip(scores, 0.0, 1.0).astype(np.float64),
            components=components,
        )

    def top_k_for_positions(
        self, positions, *, k: int, min_score: float, weights: dict[str, float], same_country_factor: float
    ) -> Suggestions:
        positions = np.asarray(positions, dtype=np.int64)
        return self.top_k(
            self.left(positions),
            left_ids=self.cluster_ids[positions],
            left_countries=self.country_ids[positions],
            k=k,
            min_score=min_score,
            weights=weights,
            same_country_factor=same_country_factor,
        )

    def left_for_features(self, features: Sequence[ClusterFeatures]) -> dict[str, np.ndarray]:
        """Left rows for profiles outside the index: a free-text need or a technopark's residents."""
        sparse = self.vocabulary.sparse_matrices(features)
        return {
            "sector": sparse["sector"].toarray(),
            "technology": sparse["technology"].toarray(),
            "value_chain": (sparse["own_sector"] @ self.vocabulary.value_chain).toarray(),
            "text": self.vocabulary.text_vectors([f.text for f in features]),
            "members": sparse["members"].toarray(),
        }

    # --- Storage ---------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        vocabulary, taxonomy = self.vocabulary, self.vocabulary.taxonomy
        vectorizer = vocabulary.vectorizer
        arrays = {
            "format": np.array([STATE_FORMAT]),
            "cluster_ids": self.cluster_ids,
            "country_ids": self.country_ids,
            "accepts": self.accepts,
            "text": self.text,
            "sector_codes": np.array(taxonomy.sector_codes, dtype="U10"),
            "sector_sections": np.array(taxonomy.sector_sections, dtype="U10"),
            "priority_ids": np.array(taxonomy.priority_ids, dtype=np.int64),
            "priority_parents": np.array(taxonomy.priority_parents, dtype=np.int64),
            "value_chains": np.array(taxonomy.value_chains, dtype="U10").reshape(-1, 2),
            "text_terms": np.array(vocabulary.text_terms, dtype="U10"),
            "text_idf": vectorizer.idf_,
        }
        if vocabulary.text_components is not None:
            arrays["text_components"] = vocabulary.text_components
        for name, matrix in self.sparse.items():
            arrays[f"{name}.data"] = matrix.data
            arrays[f"{name}.indices"] = matrix.indices
            arrays[f"{name}.indptr"] = matrix.indptr
            arrays[f"{name}.shape"] = np.array(matrix.shape)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> EngineState:
        with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
            if int(arrays["format"][0]) != STATE_FORMAT:
                raise ValueError("the stored matching state has another format; rebuild the index")
            taxonomy = Taxonomy(
                sector_codes=tuple(arrays["sector_codes"].tolist()),
                sector_sections=tuple(arrays["sector_sections"].tolist()),
                priority_ids=tuple(arrays["priority_ids"].tolist()),
                priority_parents=tuple(arrays["priority_parents"].tolist()),
                value_chains=tuple(tuple(pair) for pair in arrays["value_chains"].tolist()),
            )
            components = arrays["text_components"] if "text_components" in arrays.files else None
            vocabulary = Vocabulary(taxonomy, arrays["text_terms"].tolist(), arrays["text_idf"], components)
            names = {key.split(".")[0] for key in arrays.files if "." in key}
            sparse = {
                name: sp.csr_matrix(
                    (arrays[f"{name}.data"], arrays[f"{name}.indices"], arrays[f"{name}.indptr"]),
                    shape=tuple(arrays[f"{name}.shape"].tolist()),
                )
                for name in names
            }
            return cls(
                vocabulary, arrays["cluster_ids"], arrays["country_ids"], arrays["accepts"], sparse, arrays["text"]
            )


def limit_threads(threads: int) -> None:
    """Cap the BLAS threads of this process; small products pay more for waking threads than they gain."""
    threadpool_limits(limits=max(1, threads), user_api="blas")


def _transform(name: str, values: np.ndarray) -> None:
    """Bound each component to [0, 1] in place; faint text likeness between unrelated texts counts as none."""
    _bound(name, values, 1.0)
    np.maximum(values, 0.0, out=values)


def _bound(name: str, values: np.ndarray, share: float) -> None:
    """`_transform` of values already scaled by `share`, for the components that need it: text likeness under the
    floor (negative included) counts as none, and neither text nor a value chain counts for more than its share."""
    if name == "text":
        # Multiplied by the comparison: a masked assignment branches on every entry and is several times slower.
        np.multiply(values, values >= TEXT_FLOOR * share, out=values)
    np.minimum(values, np.float32(share), out=values)


def _row_dots(left, rows: np.ndarray, right, cols: np.ndarray) -> np.ndarray:
    """The dot product of each left row `rows[i]` with right row `cols[i]`; either side may be sparse."""
    if not len(rows):
        return np.zeros(0)
    a, b = left[rows], right[cols]
    if sp.issparse(b) and not sp.issparse(a):
        a, b = b, a
    if sp.issparse(a):
        return np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return np.einsum("ij,ij->i", a, b)


_SCRATCH = threading.local()


def _scratch(name: str, shape: tuple[int, int]) -> np.ndarray:
    """A float32 block of `shape`, kept per thread and reused: a block of tens of megabytes allocated afresh costs a
    page fault for every 4 KB of it, more than some of the arithmetic done in it."""
    arrays = _SCRATCH.__dict__.setdefault("arrays", {})
    size = shape[0] * shape[1]
    if name not in arrays or arrays[name].size < size:
        arrays[name] = np.empty(size, dtype=np.float32)
    return arrays[name][:size].reshape(shape)


def _add_product(out: np.ndarray, left, right: dict[str, np.ndarray], name: str = "unit") -> None:
    """`out += left @ right[name]`, by scipy's own kernel, which adds into the array it is given, when the types
    allow: the public product allocates and zeroes a block for its result first."""
    other = right[name]
    if (
        _csr_matvecs is not None
        and sp.issparse(left)
        and left.format == "csr"
        and left.dtype == other.dtype == out.dtype
        and left.indptr.dtype == left.indices.dtype
        and other.flags.c_contiguous
        and out.flags.c_contiguous
    ):
        rows, inner = left.shape
        _csr_matvecs(rows, inner, other.shape[1], left.indptr, left.indices, left.data, other.ravel(), out.ravel())
    else:
        out += left @ other


def _identity(features: Sequence[ClusterFeatures]):
    return (
        np.array([f.id for f in features], dtype=np.int64),
        np.array([f.country_id if f.country_id is not None else -1 for f in features], dtype=np.int64),
        np.array([f.accepts_suggestions for f in features], dtype=bool),
    )


def _top_k_dense(total: np.ndarray, k: int, min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k largest entries of each row at or above min_score, best first; ties go to the lower column.

    A lower bound of each row's k-th value comes from its column groups' maxima; every entry reaching it is then
    taken and ranked, so which of several equal scores makes the list never depends on a partition's order.
    """
    rows_count, columns = total.shape
    if not rows_count or not columns or k <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    # Entries must also be positive: a floor of the smallest positive value says both in one comparison.
    maxima = _group_maxima(total)
    floor = np.maximum(_kth_lower_bound(total, maxima, k), max(np.float32(min_score), _SMALLEST_POSITIVE))
    rows, cols = _entries_reaching(total, maxima, floor)
    values = total[rows, cols]
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    starts = np.searchsorted(rows, np.arange(rows_count))
    keep = np.arange(len(rows)) - starts[rows] < k
    return rows[keep], cols[keep], values[keep]


_SMALLEST_POSITIVE = np.finfo(np.float32).smallest_subnormal


def _groups(total: np.ndarray) -> tuple[np.ndarray, int]:
    """The row-major view of a block's whole column groups, and the number of columns they cover."""
    rows_count, columns = total.shape
    whole = columns // TOP_K_GROUP * TOP_K_GROUP
    return total[:, :whole].reshape(rows_count, -1, TOP_K_GROUP), whole


def _group_maxima(total: np.ndarray) -> np.ndarray:
    """Each row's maximum per group of TOP_K_GROUP columns, the last group taking the columns left over."""
    grouped, whole = _groups(total)
    if whole == total.shape[1]:
        return grouped.max(axis=2)
    return np.column_stack([grouped.max(axis=2), total[:, whole:].max(axis=1)])


def _kth_lower_bound(total: np.ndarray, maxima: np.ndarray, k: int) -> np.ndarray:
    """For each row, a value its k-th largest entry reaches: the k-th largest of its column groups' maxima (k
    groups reach it, so k entries do). Cheaper than partitioning whole rows, and the entries at or above it are
    few, so ranking them is cheap too."""
    columns = total.shape[1]
    if columns <= k:
        return total.min(axis=1)
    groups = maxima.shape[1]
    if groups <= k:
        return np.partition(total, columns - k, axis=1)[:, columns - k]
    return np.partition(maxima, groups - k, axis=1)[:, groups - k]


def _entries_reaching(total: np.ndarray, maxima: np.ndarray, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every entry at or above its row's floor, row by row, columns ascending: only the column
    groups whose maximum reaches the floor are searched."""
    grouped, whole = _groups(total)
    if not whole:
        return np.nonzero(total >= floor[:, None])
    group_rows, group_numbers = np.nonzero(maxima[:, : whole // TOP_K_GROUP] >= floor[:, None])
    inside, offsets = np.nonzero(grouped[group_rows, group_numbers] >= floor[group_rows, None])
    rows, cols = group_rows[inside], group_numbers[inside] * TOP_K_GROUP + offsets
    if whole < total.shape[1]:
        tail_rows, tail_cols = np.nonzero(total[:, whole:] >= floor[:, None])
        rows, cols = np.concatenate([rows, tail_rows]), np.concatenate([cols, tail_cols + whole])
    return rows, cols


def _fit_ngrams(texts: Sequence[str]) -> tuple[list[str], sp.csr_matrix, np.ndarray]:
    """The n-gram vocabulary, TF-IDF rows and idf of `texts`, as `TfidfVectorizer.fit_transform` gives them.

    The vectorizer counts every n-gram of every document in Python. Descriptions share most of their words, so
    here each distinct word is cut into n-grams once, and the counts are the product of a document-by-word and a
    word-by-n-gram matrix; the pruning (document frequencies, then the most frequent terms) and the weighting are
    the vectorizer's own steps on the same alphabetically ordered count matrix, so the result is the same.
    Raises ValueError when no n-gram is found or none survives the pruning, as the vectorizer does.
    """
    word_index: dict[str, int] = {}
    rows, cols = [], []
    for row, text in enumerate(texts):
        for word in text.lower().split():
            rows.append(row)
            cols.append(word_index.setdefault(word, len(word_index)))
    if not word_index:
        raise ValueError("no words in the descriptions")
    splitter = Vocabulary._new_vectorizer()
    word_ngrams = [splitter._char_wb_ngrams(word) for word in word_index]
    terms = sorted({gram for grams in word_ngrams for gram in grams})
    term_index = {term: i for i, term in enumerate(terms)}
    by_word = sp.csr_matrix(
        (
            np.ones(sum(map(len, word_ngrams)), dtype=np.float32),
            np.fromiter((term_index[gram] for grams in word_ngrams for gram in grams), dtype=np.int64),
            np.cumsum([0, *map(len, word_ngrams)]),
        ),
        shape=(len(word_ngrams), len(terms)),
    )
    by_document = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), len(word_index))
    )
    counts = sp.csr_matrix(by_document @ by_word, dtype=np.float32)
    counts.sum_duplicates()
    counts.sort_indices()
    many = len(texts) >= TEXT_MAX_DF_MIN_DOCUMENTS
    high = TEXT_MAX_DF * len(texts) if many else len(texts)
    low = 2 if many else 1
    frequencies = np.bincount(counts.indices, minlength=len(terms))
    mask = (frequencies <= high) & (frequencies >= low)
    if mask.sum() > TEXT_MAX_FEATURES:
        totals = np.asarray(counts.sum(axis=0)).ravel()
        chosen = np.zeros(len(terms), dtype=bool)
        chosen[np.flatnonzero(mask)[(-totals[mask]).argsort()[:TEXT_MAX_FEATURES]]] = True
        mask = chosen
    kept = np.flatnonzero(mask)
    if not len(kept):
        raise ValueError("no n-gram left after pruning")
    counts = sp.csr_matrix(counts[:, kept])
    weighting = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True)
    weighting.fit(counts)
    tfidf = sp.csr_matrix(weighting.transform(counts, copy=False), dtype=np.float32)
    return [terms[i] for i in kept], tfidf, weighting.idf_


# --- Reasons --------------------------------------------------------------------------------
@dataclass
class Explanation:
    """The concrete overlaps behind a pair's component scores, as codes and ids for the page to name."""

    shared_sectors: list[str] = field(default_factory=list)
    adjacent_sections: list[str] = field(default_factory=list)
    complementary: list[tuple[str, str]] = field(default_factory=list)
    shared_priorities: list[int] = field(default_factory=list)
    related_priorities: list[int] = field(default_factory=list)
    shared_member_sectors: list[str] = field(default_factory=list)


def explain(a: ClusterFeatures, b: ClusterFeatures, taxonomy: Taxonomy) -> Explanation:
    """Which sectors, chains, priorities and member activities two clusters have in common, strongest first."""
    section_of = dict(zip(taxonomy.sector_codes, taxonomy.sector_sections, strict=True))
    parent_of = dict(zip(taxonomy.priority_ids, taxonomy.priority_parents, strict=True))
    chains = set(taxonomy.value_chains)

    def codes(item):
        return [code for code in [item.primary_sector, *item.secondary_sectors] if code]

    a_codes, b_codes = codes(a), codes(b)
    shared = [code for code in a_codes if code in set(b_codes)]
    shared_sections = {section_of.get(code) for code in shared}
    a_sections = {section_of.get(code, code) for code in a_codes}
    adjacent = sorted({section_of.get(code, code) for code in b_codes} & a_sections - shared_sections - {None})
    complementary = [(s, c) for s in a_codes for c in b_codes if (s, c) in chains]
    complementary += [(s, c) for s in b_codes for c in a_codes if (s, c) in chains and (s, c) not in complementary]

    def ancestors(pk):
        seen = []
        parent = parent_of.get(pk)
        while parent and parent not in seen and len(seen) < 4:
            seen.append(parent)
            parent = parent_of.get(parent)
        return seen

    shared_priorities = [pk for pk in a.priorities if pk in set(b.priorities)]
    a_up = {up for pk in a.priorities for up in [pk, *ancestors(pk)]}
    b_up = {up for pk in b.priorities for up in [pk, *ancestors(pk)]}
    covered = {up for pk in shared_priorities for up in [pk, *ancestors(pk)]}
    # The nearest common ancestors only: "shares the area ICT" is not repeated under "shares the priority AI".
    common = (a_up & b_up) - covered
    related = sorted(pk for pk in common if not any(pk in ancestors(other) for other in common if other != pk))

    a_members = {code: a.member_sectors.count(code) for code in set(a.member_sectors)}
    b_members = set(b.member_sectors)
    member_overlap = sorted((code for code in a_members if code in b_members), key=lambda c: (-a_members[c], c))
    return Explanation(
        shared_sectors=shared,
        adjacent_sections=adjacent,
        complementary=complementary,
        shared_priorities=shared_priorities,
        related_priorities=related,
        shared_member_sectors=member_overlap[:5],
    )

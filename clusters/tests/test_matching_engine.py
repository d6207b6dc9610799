"""The matching maths on hand-made features: no database."""

import numpy as np
import pytest
import scipy.sparse as sp

from clusters.matching.engine import (
    ClusterFeatures,
    EngineState,
    ListFloors,
    Suggestions,
    Taxonomy,
    _add_product,
    _group_maxima,
    _kth_lower_bound,
    _top_k_dense,
    _with_rows,
    explain,
)

WEIGHTS = {"sector": 0.30, "technology": 0.20, "value_chain": 0.15, "text": 0.20, "members": 0.15}

# Sections C (manufacturing) and J (information); divisions under them. Priorities: area 1 → priority 2 →
# technologies 3 and 4; area 10 → priority 11.
TAXONOMY = Taxonomy(
    sector_codes=("C", "J", "20", "22", "26", "27", "28", "29", "62"),
    sector_sections=("C", "J", "C", "C", "C", "C", "C", "C", "J"),
    priority_ids=(1, 2, 3, 4, 10, 11),
    priority_parents=(0, 1, 2, 2, 0, 10),
    value_chains=(("27", "29"), ("20", "22")),
)


def features(pk, **kwargs):
    return ClusterFeatures(id=pk, country_id=kwargs.pop("country", pk), **kwargs)


def top(state, pk, k=5, min_score=0.0, factor=1.0, weights=None):
    found = state.top_k_for_positions(
        [state.position[pk]], k=k, min_score=min_score, weights=weights or WEIGHTS, same_country_factor=factor
    )
    return dict(zip(found.partner_ids.tolist(), found.scores.tolist(), strict=True)), found


def test_same_division_scores_higher_than_same_section_only():
    state = EngineState.build(
        [features(1, primary_sector="26"), features(2, primary_sector="26"), features(3, primary_sector="28")],
        TAXONOMY,
    )
    scores, found = top(state, 1, weights={"sector": 1})
    assert scores[2] == pytest.approx(1.0)
    assert 0 < scores[3] < 0.5
    assert found.components["sector"][0] == pytest.approx(1.0)


def test_a_technology_shares_its_priority_with_a_sibling_but_less_than_itself():
    state = EngineState.build(
        [
            features(1, priorities=(3,)),
            features(2, priorities=(3,)),
            features(3, priorities=(4,)),
            features(4, priorities=(11,)),
        ],
        TAXONOMY,
    )
    scores, _ = top(state, 1, weights={"technology": 1})
    assert scores[2] == pytest.approx(1.0)
    assert 0 < scores[3] < scores[2]
    assert 4 not in scores


def test_value_chain_pairs_make_supplier_and_customer_complementary_in_both_directions():
    state = EngineState.build(
        [features(1, primary_sector="27"), features(2, primary_sector="29"), features(3, primary_sector="62")],
        TAXONOMY,
    )
    supplier, _ = top(state, 1, weights={"value_chain": 1})
    customer, _ = top(state, 2, weights={"value_chain": 1})
    assert supplier == {2: pytest.approx(1.0)}
    assert customer == {1: pytest.approx(1.0)}


def test_descriptions_match_across_english_and_russian_through_shared_terms():
    texts = {
        1: "Nanotechnology and photonics cluster: lasers, optical fibre, нанотехнологии и фотоника",
        2: "Кластер фотоники и нанотехнологий: лазеры, оптическое волокно",
        3: "Dairy farming, grain and meat processing for the regional food market",
    }
    state = EngineState.build([features(pk, text=text) for pk, text in texts.items()], TAXONOMY)
    scores, _ = top(state, 1, weights={"text": 1})
    assert scores.get(2, 0) > scores.get(3, 0)
    assert scores[2] > 0.1


def test_members_activities_count_by_how_many_members_share_them():
    state = EngineState.build(
        [
            features(1, member_sectors=("62", "62", "62", "26")),
            features(2, member_sectors=("62",)),
            features(3, member_sectors=("26",)),
        ],
        TAXONOMY,
    )
    scores, _ = top(state, 1, weights={"members": 1})
    assert scores[2] > scores[3] > 0


def test_scores_are_symmetric_and_within_zero_and_one():
    rng = np.random.default_rng(3)
    codes = ["20", "22", "26", "27", "28", "29", "62"]
    items = [
        features(
            pk,
            country=pk % 3,
            primary_sector=str(rng.choice(codes)),
            secondary_sectors=(str(rng.choice(codes)),),
            priorities=(int(rng.choice([3, 4, 11])),),
            member_sectors=tuple(rng.choice(codes, 4).tolist()),
            text=f"cluster {pk} {' '.join(rng.choice(['laser', 'chemistry', 'software', 'metal'], 3))}",
        )
        for pk in range(1, 31)
    ]
    state = EngineState.build(items, TAXONOMY)
    scores = state.block_scores(state.left(np.arange(30)), state.country_ids, weights=WEIGHTS, same_country_factor=0.6)
    assert np.allclose(scores, scores.T, atol=1e-5)
    assert scores.min() >= 0 and scores.max() <= 1 + 1e-6


def test_top_k_keeps_k_best_excludes_self_and_partners_that_opted_out():
    items = [features(pk, primary_sector="26") for pk in range(1, 8)]
    items[3].accepts_suggestions = False
    state = EngineState.build(items, TAXONOMY)
    scores, found = top(state, 1, k=3)
    assert len(scores) == 3
    assert 1 not in scores and 4 not in scores
    assert list(found.scores) == sorted(found.scores, reverse=True)


def test_a_home_partner_ranks_below_a_foreign_one_with_the_same_fit():
    state = EngineState.build(
        [
            features(1, country=7, primary_sector="26"),
            features(2, country=7, primary_sector="26"),
            features(3, country=8, primary_sector="26"),
        ],
        TAXONOMY,
    )
    scores, found = top(state, 1, factor=0.5)
    assert found.partner_ids.tolist() == [3, 2]
    assert scores[2] == pytest.approx(scores[3] * 0.5)


def test_min_score_drops_weak_partners():
    state = EngineState.build(
        [features(1, primary_sector="26"), features(2, primary_sector="26"), features(3, primary_sector="28")],
        TAXONOMY,
    )
    scores, _ = top(state, 1, min_score=0.2)
    assert set(scores) == {2}


def test_top_k_of_a_dense_block_breaks_ties_by_lower_column():
    total = np.array([[0.5, 0.9, 0.5, 0.1], [0.0, 0.0, 0.3, 0.0]], dtype=np.float32)
    rows, cols, values = _top_k_dense(total, 2, 0.2)
    assert rows.tolist() == [0, 0, 1]
    assert cols.tolist() == [1, 0, 2]
    assert values.tolist() == pytest.approx([0.9, 0.5, 0.3])


def _top_k_by_sorting(total, k, min_score):
    """The reference: every row sorted whole, best first, ties to the lower column."""
    rows, cols, values = [], [], []
    for row, line in enumerate(total):
        ranked = sorted(
            (col for col in range(len(line)) if line[col] > 0 and line[col] >= min_score),
            key=lambda col: (-line[col], col),
        )[:k]
        rows += [row] * len(ranked)
        cols += ranked
        values += [line[col] for col in ranked]
    return rows, cols, values


@pytest.mark.parametrize("columns", [5, 63, 64, 200, 1000, 1033])
@pytest.mark.parametrize("k", [1, 20])
def test_top_k_of_a_dense_block_equals_sorting_every_row(columns, k):
    generator = np.random.default_rng(columns * 100 + k)
    # Scores on a coarse grid make many ties; zeros and scores under the minimum must never be taken.
    total = (generator.integers(0, 40, size=(37, columns)) / 40).astype(np.float32)
    total[::5] = 0
    for min_score in (0.0, 0.5):
        rows, cols, values = _top_k_dense(total, k, min_score)
        expected = _top_k_by_sorting(total, k, min_score)
        assert (rows.tolist(), cols.tolist(), values.tolist()) == expected


def test_a_floor_from_column_groups_never_passes_a_rows_kth_score():
    generator = np.random.default_rng(7)
    total = generator.random((50, 1000), dtype=np.float32)
    bound = _kth_lower_bound(total, _group_maxima(total), 20)
    assert (bound <= np.sort(total, axis=1)[:, -20]).all()


def test_state_round_trips_through_bytes_and_scores_the_same():
    items = [
        features(pk, primary_sector="26" if pk % 2 else "27", priorities=(3,), text=f"laser optics {pk}")
        for pk in range(1, 12)
    ]
    state = EngineState.build(items, TAXONOMY)
    copy = EngineState.from_bytes(state.to_bytes())
    _, before = top(state, 1)
    _, after = top(copy, 1)
    assert after.partner_ids.tolist() == before.partner_ids.tolist()
    assert np.allclose(after.scores, before.scores)


def test_stored_state_of_another_format_is_refused():
    state = EngineState.build([features(1), features(2)], TAXONOMY)
    blob = state.to_bytes().replace(b"format", b"formaT")
    with pytest.raises((ValueError, KeyError)):
        EngineState.from_bytes(blob)


def test_replacing_rows_updates_a_changed_cluster_appends_a_new_one_and_drops_a_removed_one():
    state = EngineState.build(
        [features(1, primary_sector="26"), features(2, primary_sector="28"), features(3, primary_sector="26")],
        TAXONOMY,
    )
    updated = state.replace([features(2, primary_sector="26"), features(4, primary_sector="26")], removed_ids=[3])
    assert sorted(updated.cluster_ids.tolist()) == [1, 2, 4]
    scores, _ = top(updated, 1, weights={"sector": 1})
    assert scores == {2: pytest.approx(1.0), 4: pytest.approx(1.0)}
    assert len(state) == 3


def test_a_large_corpus_is_scored_in_blocks_and_projected_to_the_latent_text_space():
    rng = np.random.default_rng(0)
    words = ["laser", "optics", "semiconductor", "software", "chemistry", "polymer", "steel", "railway", "grain"]
    items = [
        features(pk, country=pk % 5, text=" ".join(rng.choice(words, 6)) + f" zone{pk % 40}") for pk in range(1, 700)
    ]
    state = EngineState.build(items, TAXONOMY)
    assert state.vocabulary.text_components is not None
    found = state.top_k_for_positions(
        np.arange(len(state)), k=5, min_score=0.0, weights=WEIGHTS, same_country_factor=0.6
    )
    assert len(found) == 5 * len(state)
    assert not np.any(found.cluster_ids == found.partner_ids)


def test_explain_names_the_overlaps_behind_a_pair():
    a = features(1, primary_sector="27", secondary_sectors=("26",), priorities=(3,), member_sectors=("62", "62"))
    b = features(2, primary_sector="29", secondary_sectors=("26", "28"), priorities=(4,), member_sectors=("62",))
    explanation = explain(a, b, TAXONOMY)
    assert explanation.shared_sectors == ["26"]
    assert explanation.complementary == [("27", "29")]
    assert explanation.shared_priorities == []
    assert explanation.related_priorities == [2]
    assert explanation.shared_member_sectors == ["62"]


def _vectorizer_fit(texts):
    """The reference: scikit-learn's own fit of the same vectorizer settings."""
    from clusters.matching import engine

    many = len(texts) >= engine.TEXT_MAX_DF_MIN_DOCUMENTS
    options = {"max_features": engine.TEXT_MAX_FEATURES, "min_df": 2 if many else 1}
    if many:
        options["max_df"] = engine.TEXT_MAX_DF
    vectorizer = engine.Vocabulary._new_vectorizer(**options)
    matrix = vectorizer.fit_transform(texts)
    return sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get), matrix.toarray(), vectorizer.idf_


@pytest.mark.parametrize(
    ("documents", "max_features"),
    [(12, 30_000), (80, 30_000), (300, 120), (400, 45)],
    ids=["few-documents", "common-ngrams-pruned", "most-frequent-kept", "ties-at-the-cut"],
)
def test_the_ngram_fit_gives_exactly_the_vectorizers_vocabulary_weights_and_idf(monkeypatch, documents, max_features):
    from clusters.matching import engine

    monkeypatch.setattr(engine, "TEXT_MAX_FEATURES", max_features)
    rng = np.random.default_rng(documents)
    words = (
        "Микроэлектроника полупроводники датчики semiconductors Sensors chip naïve Straße a I "
        "中国 科技 the of cluster кластер нанотехнологии nanotechnology x\u00a0y tab\tsep new\nline"
    ).split(" ")
    texts = [" ".join(rng.choice(words, rng.integers(0, 10))) + f" Zone{rng.integers(0, 30)}" for _ in range(documents)]
    texts[0] = ""
    terms, tfidf, idf = engine._fit_ngrams(texts)
    expected_terms, expected_tfidf, expected_idf = _vectorizer_fit(texts)
    assert terms == expected_terms
    assert len(terms) <= max_features
    assert np.array_equal(tfidf.toarray(), expected_tfidf)
    assert np.array_equal(idf, expected_idf)


def test_descriptions_without_words_leave_the_text_component_empty_and_the_state_storable():
    state = EngineState.build([features(1, text=""), features(2, text="  \n "), features(3, text="")], TAXONOMY)
    assert not state.text.any()
    copy = EngineState.from_bytes(state.to_bytes())
    assert copy.vocabulary.text_terms == ["   "]
    assert not copy.vocabulary.text_vectors(["laser optics"]).any()


def test_a_stored_state_keeps_the_fitted_text_space_for_later_rows():
    items = [features(pk, text=f"laser optics photonics {pk}" if pk % 2 else f"grain dairy {pk}") for pk in range(1, 9)]
    state = EngineState.build(items, TAXONOMY)
    copy = EngineState.from_bytes(state.to_bytes())
    assert copy.vocabulary.text_terms == state.vocabulary.text_terms
    new = ["laser optics for photonics", "dairy and grain"]
    assert np.allclose(copy.vocabulary.text_vectors(new), state.vocabulary.text_vectors(new))


# --- List floors --------------------------------------------------------------------------------
def _suggestions(pairs):
    cluster_ids, partner_ids, scores = (np.array(column) for column in zip(*pairs, strict=True))
    return Suggestions(cluster_ids.astype(np.int64), partner_ids.astype(np.int64), scores.astype(np.float64))


def test_a_full_list_asks_its_kth_score_and_a_short_or_empty_one_the_minimum():
    found = _suggestions([(1, 2, 0.9), (1, 3, 0.7), (4, 2, 0.8)])
    floors = ListFloors.of([4, 1, 9], found, k=2, min_score=0.1)
    assert floors.cluster_ids.tolist() == [1, 4, 9]
    assert floors.floors.tolist() == pytest.approx([0.7, 0.1, 0.1])
    assert floors.lookup(np.array([9, 1, 5]), default=0.3).tolist() == pytest.approx([0.1, 0.7, 0.3])


def test_changes_to_floors_apply_in_turn_and_a_removed_list_loses_its_floor():
    older = ListFloors.of([1, 2, 3], _suggestions([(1, 5, 0.5), (2, 5, 0.6), (3, 5, 0.4)]), k=1, min_score=0.1)
    newer = ListFloors.of([2, 7], _suggestions([(2, 5, 0.2), (7, 5, 0.9)]), k=1, min_score=0.1, removed_ids=[3, 7])
    assert newer.cluster_ids.tolist() == [2, 3, 7]  # a rewritten list is not removed
    assert np.isnan(newer.floors[1])
    merged = older.updated(newer)
    assert merged.cluster_ids.tolist() == [1, 2, 7]
    assert merged.floors.tolist() == pytest.approx([0.5, 0.2, 0.9])
    latest = ListFloors.of([2], _suggestions([(2, 5, 0.3)]), k=1, min_score=0.1)
    assert older.updated(newer, latest).floors.tolist() == pytest.approx([0.5, 0.3, 0.9])
    assert older.updated(latest, newer).floors.tolist() == pytest.approx([0.5, 0.2, 0.9])
    joined = ListFloors().updated(newer, ListFloors.of([1], _suggestions([(1, 5, 0.5)]), k=1, min_score=0.1))
    assert joined.cluster_ids.tolist() == [1, 2, 7]
    again = ListFloors.from_bytes(newer.to_bytes())
    assert again.cluster_ids.tolist() == [2, 3, 7] and np.array_equal(again.floors, newer.floors, equal_nan=True)
    assert len(ListFloors.from_bytes(None).cluster_ids) == 0
    assert len(ListFloors().updated().cluster_ids) == 0


def _layout_of(state):
    """What a state would lay out from scratch from its own rows: its dense column side and country columns."""
    fresh = EngineState(state.vocabulary, state.cluster_ids, state.country_ids, state.accepts, state.sparse, state.text)
    return fresh.right_transposed, {country: fresh.columns_of_country(country) for country in range(6)}


def _assert_laid_out_alike(state):
    right, countries = _layout_of(state)
    for name, matrix in right.items():
        assert np.allclose(state.right_transposed[name], matrix), name
    for country, columns in countries.items():
        assert state.columns_of_country(country).tolist() == columns.tolist(), country


SEVERAL = [
    features(pk, primary_sector=("26", "27", "28")[pk % 3], priorities=(3,) if pk % 2 else (11,), text=f"laser {pk}")
    for pk in range(1, 40)
]


def test_a_replaced_state_scores_as_one_built_from_scratch_and_leaves_its_source_untouched():
    changed = [features(5, primary_sector="62", text="software"), features(99, primary_sector="26", text="laser")]
    for removed in ([], [7]):
        for carried in (True, False):
            state = EngineState.build(SEVERAL, TAXONOMY)
            state.columns_of_country(5)
            if carried:
                state.right_transposed  # built, so the copy moves its columns instead of laying them out again
            before = (state.text.copy(), state.country_ids.copy(), state.sparse["sector"].toarray())
            updated = state.replace(changed, removed_ids=removed)
            _assert_laid_out_alike(updated)
            assert updated.position[5] == state.position[5] and updated.cluster_ids[-1] == 99
            assert (7 in updated.position) is not bool(removed)
            assert np.array_equal(state.text, before[0]) and np.array_equal(state.country_ids, before[1])
            assert np.array_equal(state.sparse["sector"].toarray(), before[2])
            _assert_laid_out_alike(state)


def test_rewriting_rows_in_place_gives_the_state_a_copy_would_have():
    changed = [features(5, primary_sector="62", text="software", country=2), features(8, accepts_suggestions=False)]
    for carried in (True, False):
        state = EngineState.build(SEVERAL, TAXONOMY)
        state.columns_of_country(2)
        if carried:
            state.right_transposed
        copy = state.replace(changed)
        state.rewrite(changed)
        assert state.country_ids[state.position[5]] == 2 and not state.accepts[state.position[8]]
        for name, matrix in copy.sparse.items():
            assert np.allclose(state.sparse[name].toarray(), matrix.toarray()), name
        assert np.allclose(state.text, copy.text)
        _assert_laid_out_alike(state)
        assert top(state, 5, k=10)[0] == pytest.approx(top(copy, 5, k=10)[0])
    with pytest.raises(KeyError):
        state.rewrite([features(1000)])


@pytest.mark.parametrize("positions", [[0], [9], [6, 2, 0], [3, 4, 5, 9, 1]])
def test_splicing_rows_into_a_sparse_matrix_is_the_same_as_stacking_and_indexing(positions):
    rng = np.random.default_rng(len(positions))
    matrix = sp.random(10, 7, density=0.3, format="csr", dtype=np.float32, random_state=rng)
    rows = sp.random(len(positions), 7, density=0.4, format="csr", dtype=np.float32, random_state=rng)
    rows = sp.csr_matrix(sp.vstack([sp.csr_matrix((1, 7), dtype=np.float32), rows[1:]]))  # an empty row too
    source = np.arange(10)
    source[positions] = 10 + np.arange(len(positions))
    expected = sp.vstack([matrix, rows], format="csr")[source]
    spliced = _with_rows(matrix, np.array(positions), rows)
    assert np.array_equal(spliced.toarray(), expected.toarray())
    assert spliced.nnz == expected.nnz


def test_a_product_added_into_a_block_equals_the_public_product_added_for_every_kind_of_left_side():
    rng = np.random.default_rng(3)
    right = {"unit": rng.random((6, 9), dtype=np.float32)}
    start = rng.random((4, 9), dtype=np.float32)
    sparse = sp.random(4, 6, density=0.4, format="csr", dtype=np.float32, random_state=rng)
    for left in (sparse, sparse.astype(np.float64), sparse.toarray()):
        out = start.copy()
        _add_product(out, left, right)
        assert np.allclose(out, start + left @ right["unit"], atol=1e-6), type(left)

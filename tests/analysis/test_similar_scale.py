"""The similarity index at national scale (peer_challenges/similar.py): one vector per distinct wording,
the cleaning on whole columns, repeats for every council at once - and the same answers as one TF-IDF
row per recommendation (the way the index was first built), exactly on the live dataset (marked live_data:
every check compares two computations; TF-IDF scores depend on the whole corpus, so known pairs and thresholds
are pinned only on the frozen fixture dataset, in tests/analysis/test_similar.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from peer_challenges.store import db as data
from peer_challenges.analysis import similar
from peer_challenges.domain import taxonomy as themes
from peer_challenges.store.db import run_query

BRECKLAND_SEED = "breckland-2022-06-r01"
pytestmark = pytest.mark.live_data


@pytest.fixture(scope="module")
def taxonomy():
    return themes.load_taxonomy(themes.default_taxonomy_path())


@pytest.fixture(scope="module")
def recs():
    return run_query("themes__recommendations", all_records=True)


@pytest.fixture(scope="module")
def index(recs, taxonomy):
    return similar.build_index(recs, taxonomy)


@pytest.fixture(scope="module")
def page_index(taxonomy):
    """The index as the Themes page builds it: from the narrow themes__similarity_* queries."""
    conn = data.connect(data.default_data_dir())
    try:
        parts = [run_query(q, conn=conn) for q in ("themes__similarity_recommendations", "themes__similarity_features",
                                                    "themes__similarity_challenges")]
    finally:
        conn.close()
    return similar.index_from_queries(*parts, taxonomy)


def reference_matrix(recs: pd.DataFrame, taxonomy) -> tuple[pd.DataFrame, sp.csr_matrix]:
    """The index as first built: a TF-IDF row per recommendation (the test's oracle)."""
    frame = recs.reset_index(drop=True).copy()
    frame["document"] = [similar.document(t, x) for t, x in zip(frame["title"], frame["text"])]
    frame = frame[[bool(similar.content_words(d)) for d in frame["document"]]].reset_index(drop=True)
    tags = []
    for topics, doc, theme in zip(frame["topics"], frame["document"], frame["core_theme"]):
        found = set(taxonomy.canonical_topics(similar._as_list(topics))) | set(taxonomy.tag_topics(doc))
        tags.append(sorted(f"topic:{t}" for t in found) + ([f"core:{theme}"] if isinstance(theme, str) and theme else []))
    blocks = [
        (TfidfVectorizer(analyzer=similar._word_analyzer, sublinear_tf=True).fit_transform(frame["document"]), 0.5),
        (TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True,
                         preprocessor=similar._fragment_preprocessor).fit_transform(frame["document"]), 0.2),
        (TfidfVectorizer(analyzer=similar._identity).fit_transform(tags), 0.3),
    ]
    matrix = sp.hstack([m * np.sqrt(w) for m, w in blocks]).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return frame, sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def reference_repeats(frame: pd.DataFrame, matrix, threshold: float) -> list[tuple[str, str, float]]:
    """Each later recommendation's closest earlier one at the same council, council by council."""
    out = []
    for _, group in frame.groupby("council_id", sort=True):
        months = group.drop_duplicates("challenge_id").sort_values(["challenge_month", "challenge_id"])
        if len(months) < 2:
            continue
        rank = {cid: r for r, cid in enumerate(months["challenge_id"])}
        idx = group.index.to_numpy()
        block = (matrix[idx] @ matrix[idx].T).toarray()
        ranks = group["challenge_id"].map(rank).to_numpy()
        for a in range(len(idx)):
            earlier = np.flatnonzero(ranks < ranks[a])
            if earlier.size:
                b = earlier[np.argmax(block[a, earlier])]
                if block[a, b] >= threshold:
                    out.append((frame.at[idx[a], "recommendation_id"], frame.at[idx[b], "recommendation_id"],
                                round(float(block[a, b]), 3)))
    return sorted(out, key=lambda r: (-r[2], r[0]))


# ---------------------------------------------------------------- cleaning on whole columns


def test_column_cleaning_gives_the_same_documents_as_row_by_row_on_the_real_data(recs):
    for column in ("title", "text"):
        assert list(similar.clean_wording_column(recs[column])) == [similar.clean_wording(v) for v in recs[column]]
    assert list(similar.documents(recs["title"], recs["text"])) == [
        similar.document(t, x) for t, x in zip(recs["title"], recs["text"])]


@pytest.mark.parametrize("raw", [
    "Café culture (wording not seen) – naïve plan",          # non-ASCII: row by row
    "Plan\xa0ahead (heading only)",                           # a no-break space is whitespace to Python
    "Tidy\x0bup (text cut off).",                             # vertical tab
    "RECOMMENDATION ON Vision; INFERRED FROM minutes; more.",  # case
    "Recommendations(s) on   budgets\n(truncated)",
    "(excerpt) (number unknown) Keep (this) one; link to a specific target. Next.",
    "", "   ", None, float("nan"),
])
def test_column_cleaning_matches_row_by_row_on_awkward_text(raw):
    assert list(similar.clean_wording_column([raw, "plain"])) == [similar.clean_wording(raw), "plain"]


# ---------------------------------------------------------------- one vector per distinct wording


def test_scores_are_exactly_those_of_one_row_per_recommendation(index, recs, taxonomy):
    frame, matrix = reference_matrix(recs, taxonomy)
    assert list(frame["recommendation_id"]) == list(index.frame["recommendation_id"])
    assert len(index.docs) < len(index)  # shared wordings share a vector
    for rid in frame["recommendation_id"].iloc[::7]:
        i = int(np.flatnonzero(frame["recommendation_id"] == rid)[0])
        expected = np.asarray((matrix @ matrix[i].T).todense()).ravel()
        assert np.array_equal(index.scores(rid), expected)  # bit for bit: same ties, same order


def test_the_factored_path_for_many_distinct_wordings_agrees(index, recs, taxonomy, monkeypatch):
    """Above _DENSE_GRAM_UP_TO distinct features the index keeps wording and topic vectors apart and
    combines them per pair: same scores to rounding."""
    frame, matrix = reference_matrix(recs, taxonomy)
    monkeypatch.setattr(similar.vectors, "_DENSE_GRAM_UP_TO", 10)  # where the index looks it up
    factored = similar.build_index(recs, taxonomy)
    assert factored.feature_matrix is None
    for rid in frame["recommendation_id"].iloc[::11]:
        i = int(np.flatnonzero(frame["recommendation_id"] == rid)[0])
        expected = np.asarray((matrix @ matrix[i].T).todense()).ravel()
        assert np.allclose(factored.scores(rid), expected, atol=1e-12)
    hits = similar.similar_to(factored, BRECKLAND_SEED, k=5)
    assert list(hits["recommendation_id"]) == list(similar.similar_to(index, BRECKLAND_SEED, k=5)["recommendation_id"])
    assert similar.reference_threshold(factored) == similar.reference_threshold(index)


def test_repeats_for_every_council_at_once_match_the_council_by_council_loop(index, recs, taxonomy):
    frame, matrix = reference_matrix(recs, taxonomy)
    for threshold in (0.1, 0.26, 0.5):
        pairs = similar.repeated_recommendations(index, threshold)
        got = list(zip(pairs["later_recommendation_id"], pairs["earlier_recommendation_id"], pairs["similarity"]))
        assert got == reference_repeats(frame, matrix, threshold)


def test_repeated_recommendations_limit_and_display_columns(index):
    every = similar.repeated_recommendations(index, 0.1)
    first = similar.repeated_recommendations(index, 0.1, limit=3)
    assert len(every) > 3
    pd.testing.assert_frame_equal(first, every.head(3), check_dtype=False)
    names = dict(run_query("council__list")[["council_id", "name"]].values)
    for row in every.head(20).itertuples():
        assert row.council_name == names[row.council_id]
        assert row.earlier_challenge_month < row.later_challenge_month
    assert len(similar.flagged_repeats(index, 0.1)) == len(every)


def test_the_page_index_from_the_narrow_queries_gives_the_same_answers(index, page_index, recs, taxonomy):
    assert list(page_index.frame["recommendation_id"]) == list(index.frame["recommendation_id"])
    worded, _ = reference_matrix(recs, taxonomy)
    assert len(page_index.skipped) == len(index.skipped) == len(recs) - len(worded)
    assert similar.reference_threshold(page_index) == similar.reference_threshold(index)
    for seed in (BRECKLAND_SEED, "bury-2023-11-r04", "colchester-2022-09-r05"):
        a, b = similar.similar_to(index, seed), similar.similar_to(page_index, seed)
        for col in ("recommendation_id", "similarity", "shared", "title", "council_name", "challenge_month", "core_theme"):
            assert list(a[col]) == list(b[col]), col
    a, b = similar.repeated_recommendations(index), similar.repeated_recommendations(page_index)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert list(similar.repeat_councils(page_index)["council_id"]) == list(similar.repeat_councils(index)["council_id"])


def test_a_hash_collision_between_features_is_refused(page_index):
    recs = pd.DataFrame({"recommendation_id": ["a", "b"], "challenge_key": [0, 0], "seq": [1, 2], "number": ["1", "2"],
                         "feature_hash": [7, 7]})
    features = pd.DataFrame({"feature_hash": [7, 7], "title": ["One", "Two"], "text": [None, None],
                             "core_theme": [None, None], "topics": [[], []]})
    challenges = pd.DataFrame({"challenge_key": [0], "council_id": ["x"], "council_name": ["X"],
                               "challenge_id": ["x-1"], "challenge_month": ["2020-01"]})
    assert similar.index_from_queries(recs, features, challenges) is None


def test_duplicate_wordings_keep_every_recommendation_and_tie_break_by_id():
    rows = [(f"{c}-2020-r{i}", c, f"{c}-2020", "2020-01", "Set a balanced medium-term financial strategy", None,
             "Financial planning and management", ["finance"]) for c in ("b", "a", "c") for i in (2, 1)]
    frame = pd.DataFrame(rows, columns=["recommendation_id", "council_id", "challenge_id", "challenge_month", "title",
                                        "text", "core_theme", "topics"])
    index = similar.build_index(frame)
    assert len(index) == 6 and len(index.docs) == 1
    hits = similar.similar_to(index, "b-2020-r2", k=3)
    assert list(hits["recommendation_id"]) == ["a-2020-r1", "a-2020-r2", "c-2020-r1"]
    assert (hits["similarity"] == 1.0).all()

"""Similar and repeated recommendations: TF-IDF over each recommendation's wording, cosine similarity.

Pure functions (pandas, numpy, pyarrow, scikit-learn; no streamlit, no duckdb). The page builds the index
once (st.cache_resource) and asks it questions:

- ``build_index(recs, taxonomy)`` — one row per recommendation with recommendation_id, council_id,
  challenge_id, title, text and, where present, topics and core_theme (``index_from_keys`` does the same
  from a frame that already carries a wording key and a feature key, as the page's queries give it);
- ``similar_to(index, recommendation_id)`` — the closest recommendations at OTHER councils, with a score;
- ``repeated_recommendations(index, threshold)`` — where a council has had two or more challenges with
  recommendations recorded, each recommendation of a later challenge that closely matches one from an
  earlier challenge (a repeat is the strongest sign that something was not fixed);
- ``reference_threshold(index)`` — the data-driven default threshold for "closely matches".

How the similarity is made (cosine of three L2-normalised TF-IDF blocks, weighted):
  50 %  words and two-word phrases of the title and full text (English and council stop words removed);
  20 %  4–5 letter fragments of those words, so "finance" meets "financial" and "prioritise" meets
        "priorities" (scikit-learn has no stemmer; fragments do the same job without a new dependency);
  30 %  the recommendation's topics (curated, mapped onto data/taxonomy.yaml, plus those the taxonomy's
        keywords find in its wording) and its core element — so "money plan" meets "MTFS".
Editorial notes that the collectors added to titles ("(text cut off)", "heading only; full wording not
seen", "Inferred from progress minutes; …") are removed first: they describe the record, not the
recommendation, and would otherwise make unrelated headings look alike. A recommendation with no
wording left after that (e.g. "Wording not captured (grouped at progress review …)") is not indexed.

Scale. Many recommendations share their wording (and many more their topics), so the index holds one
vector per distinct wording and one per distinct set of topic tokens, and a recommendation points at
them: scores are exactly those of one TF-IDF row per recommendation (document frequencies count every
recommendation), but the work and the memory grow with the number of distinct wordings, not of
recommendations. Repeats are found for every council at once with array operations, once per index.

The code: peer_challenges.analysis.similar.vectors (cleaning, vectors, the index and how it is built)
and peer_challenges.analysis.similar.queries (the questions above); this package offers both.
"""

from __future__ import annotations

from peer_challenges.analysis.similar.queries import (
    REFERENCE_QUANTILE,
    REPEAT_COLUMNS,
    _EXACT_PAIRS_UP_TO,
    _SAMPLE_PAIRS,
    councils_with_repeat_challenges,
    flagged_repeats,
    reference_threshold,
    repeat_councils,
    repeat_matches,
    repeat_rows,
    repeated_recommendations,
    shared_terms,
    similar_to,
)
from peer_challenges.analysis.similar.vectors import (
    DOMAIN_STOP_WORDS,
    STOP_WORDS,
    WEIGHTS,
    SimilarityIndex,
    _as_list,
    _fragment_preprocessor,
    _identity,
    _word_analyzer,
    build_index,
    clean_wording,
    clean_wording_column,
    content_words,
    document,
    documents,
    index_from_keys,
    index_from_queries,
)

__all__ = [
    "REFERENCE_QUANTILE", "REPEAT_COLUMNS", "councils_with_repeat_challenges", "flagged_repeats",
    "reference_threshold", "repeat_councils", "repeat_matches", "repeat_rows", "repeated_recommendations",
    "shared_terms", "similar_to",
    "DOMAIN_STOP_WORDS", "STOP_WORDS", "WEIGHTS", "SimilarityIndex", "build_index", "clean_wording",
    "clean_wording_column", "content_words", "document", "documents", "index_from_keys", "index_from_queries",
    # used by pages/themes.py (_SAMPLE_PAIRS, _EXACT_PAIRS_UP_TO) and tests/analysis/test_similar_scale.py (the rest)
    "_EXACT_PAIRS_UP_TO", "_SAMPLE_PAIRS", "_as_list", "_fragment_preprocessor", "_identity", "_word_analyzer",
]

"""Similar and repeated recommendations: TF-IDF over each recommendation's wording, cosine similarity.

Pure functions (pandas, numpy, scikit-learn; no streamlit, no duckdb). The page builds the index once
(st.cache_resource) and asks it questions:

- ``build_index(recs, taxonomy)`` — one row per recommendation with recommendation_id, council_id,
  challenge_id, title, text and, where present, topics and core_theme;
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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

WEIGHTS = {"words": 0.5, "fragments": 0.2, "topics": 0.3}
# "closely matches" = at least as similar as the top 2% of pairs of recommendations made to DIFFERENT
# councils (pairs that, by construction, are not repeats). See reference_threshold().
REFERENCE_QUANTILE = 0.98
# below this many recommendations every cross-council pair is used; above it a fixed-seed sample
_EXACT_PAIRS_UP_TO = 2500
_SAMPLE_PAIRS = 250_000

# words that say nothing about what a recommendation is about (on top of scikit-learn's English list)
DOMAIN_STOP_WORDS = frozenset({
    "council", "councils", "council's", "borough", "district", "county", "city", "authority",
    "make", "sure", "need", "needs", "consider", "ensure", "continue", "look", "way", "ways",
    "better", "clear", "clearer", "clearly", "work", "working", "including", "use", "using",
    "members", "member", "staff", "officers", "officer", "councillors", "councillor",
    "recommendation", "recommendations", "should", "also", "within", "across",
})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | DOMAIN_STOP_WORDS

_EDITORIAL_WORDS = (
    r"wording|seen|captured|cut off|truncated|inferred|heading|unconfirmed|excerpt|number unknown|"
    r"grouping|reported|progress review|detail not"
)
# a bracketed remark by the collector: "(text cut off)", "(topic heading only; full wording not seen)"
_EDITORIAL_BRACKETS = re.compile(r"\s*\((?:[^()]*\b(?:" + _EDITORIAL_WORDS + r")\b[^()]*)\)", re.IGNORECASE)
# a sentence or clause by the collector: "Inferred from progress minutes; formal wording not seen."
_EDITORIAL_CLAUSES = re.compile(
    r"[^.;]*\b(?:inferred from|discussed under|wording not|formal wording|wording and number|"
    r"link to a specific)\b[^.;]*[.;]?",
    re.IGNORECASE,
)
# a generic lead-in: "Recommendation on Strategic vision", "Recommendation grouped by the LGA under 'X'"
_LEAD_INS = re.compile(
    r"^(?:recommendations?(?:\(s\))?\s+(?:on|grouped\s+by\s+the\s+LGA(?:\s+progress\s+review)?\s+under)"
    r"|group\s+of\s+recommendations\s+under\s+the\s+theme)\s*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z0-9]+")


def clean_wording(text) -> str:
    """A title or text without the collector's editorial remarks; '' for missing text."""
    if not isinstance(text, str):
        return ""
    text = _EDITORIAL_BRACKETS.sub("", text)
    text = _EDITORIAL_CLAUSES.sub(" ", text)
    text = _LEAD_INS.sub("", text.strip())
    return re.sub(r"\s+", " ", text).strip(" ;.,'\"")


def document(title, text) -> str:
    """The wording compared: cleaned title, then cleaned full text where it adds anything."""
    t, x = clean_wording(title), clean_wording(text)
    if x and x.lower() != t.lower():
        return f"{t}. {x}" if t else x
    return t


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


def _word_analyzer(text: str) -> list[str]:
    words = content_words(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _fragment_preprocessor(text: str) -> str:
    return " ".join(content_words(text))


def _identity(tokens):
    return tokens


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [v for v in value if isinstance(v, str)]
    except TypeError:
        return []


@dataclass
class SimilarityIndex:
    """The recommendations that could be indexed (``frame``, in row order of ``matrix``) and the
    weighted TF-IDF matrix whose rows are L2-normalised, so row · row = cosine similarity."""

    frame: pd.DataFrame
    matrix: sp.csr_matrix
    skipped: pd.DataFrame = field(default_factory=pd.DataFrame)
    _pos: dict = field(default_factory=dict)

    def __post_init__(self):
        self._pos = {rid: i for i, rid in enumerate(self.frame["recommendation_id"])}

    def __len__(self) -> int:
        return len(self.frame)

    def __contains__(self, recommendation_id) -> bool:
        return recommendation_id in self._pos

    def position(self, recommendation_id: str) -> int:
        try:
            return self._pos[recommendation_id]
        except KeyError:
            raise KeyError(f"recommendation {recommendation_id!r} is not in the similarity index "
                           "(unknown, or it has no wording to compare)") from None

    def scores(self, recommendation_id: str) -> np.ndarray:
        """Cosine similarity of one recommendation with every indexed one (itself = 1)."""
        row = self.matrix[self.position(recommendation_id)]
        return np.asarray((self.matrix @ row.T).todense()).ravel()

    def pair_score(self, a: str, b: str) -> float:
        return float(self.matrix[self.position(a)].multiply(self.matrix[self.position(b)]).sum())


def build_index(recs: pd.DataFrame, taxonomy=None) -> SimilarityIndex:
    """Index every recommendation that has wording. ``taxonomy`` (peer_challenges.themes.Taxonomy,
    optional) maps curated topic tags onto topic ids and adds the topics its keywords find."""
    need = {"recommendation_id", "council_id", "challenge_id", "title"}
    missing = need - set(recs.columns)
    if missing:
        raise ValueError(f"build_index needs columns {sorted(missing)}")
    frame = recs.copy().reset_index(drop=True)
    texts = frame["text"] if "text" in frame else pd.Series([None] * len(frame))
    frame["document"] = [document(t, x) for t, x in zip(frame["title"], texts)]
    has_words = np.array([bool(content_words(d)) for d in frame["document"]], dtype=bool)
    skipped = frame.loc[~has_words].reset_index(drop=True)
    frame = frame.loc[has_words].reset_index(drop=True)
    if frame.empty:
        return SimilarityIndex(frame=frame, matrix=sp.csr_matrix((0, 0)), skipped=skipped)

    tags = []
    raw_topics = frame["topics"] if "topics" in frame else pd.Series([[]] * len(frame))
    core = frame["core_theme"] if "core_theme" in frame else pd.Series([None] * len(frame))
    for topics, doc, theme in zip(raw_topics, frame["document"], core):
        given = _as_list(topics)
        if taxonomy is not None:
            found = set(taxonomy.canonical_topics(given)) | set(taxonomy.tag_topics(doc))
        else:
            found = set(given)
        tokens = sorted(f"topic:{t}" for t in found)
        if isinstance(theme, str) and theme:
            tokens.append(f"core:{theme}")
        tags.append(tokens)
    frame["index_topics"] = [[t.split(":", 1)[1] for t in tk if t.startswith("topic:")] for tk in tags]

    blocks = []
    words = TfidfVectorizer(analyzer=_word_analyzer, sublinear_tf=True)
    blocks.append((words.fit_transform(frame["document"]), WEIGHTS["words"]))
    fragments = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True,
                                preprocessor=_fragment_preprocessor)
    blocks.append((fragments.fit_transform(frame["document"]), WEIGHTS["fragments"]))
    if any(tags):
        topic_vec = TfidfVectorizer(analyzer=_identity)
        blocks.append((topic_vec.fit_transform(tags), WEIGHTS["topics"]))
    # each block is L2-normalised by TfidfVectorizer; scale by sqrt(weight) so the dot product of two
    # rows is the weighted sum of the blocks' cosines; renormalise rows (a missing block loses weight
    # for everyone equally only if we renormalise, so a recommendation is always 1.0 with itself)
    matrix = sp.hstack([m * np.sqrt(w) for m, w in blocks]).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sp.diags(1.0 / norms) @ matrix
    return SimilarityIndex(frame=frame, matrix=sp.csr_matrix(matrix), skipped=skipped)


def similar_to(index: SimilarityIndex, recommendation_id: str, k: int = 5, *,
               other_councils: bool = True, topic_labels: dict | None = None) -> pd.DataFrame:
    """The ``k`` most similar recommendations (at other councils unless other_councils=False), best
    first: the indexed columns plus ``similarity`` (0–1) and ``shared`` (words/topics in common)."""
    i = index.position(recommendation_id)
    scores = index.scores(recommendation_id)
    frame = index.frame
    mask = np.ones(len(frame), dtype=bool)
    mask[i] = False
    if other_councils:
        mask &= (frame["council_id"] != frame.at[i, "council_id"]).to_numpy()
    candidates = np.flatnonzero(mask & (scores > 0))
    order = candidates[np.lexsort((frame["recommendation_id"].to_numpy()[candidates], -scores[candidates]))][:k]
    out = frame.iloc[order].copy()
    out.insert(0, "similarity", scores[order].round(3))
    out["shared"] = [_shared(frame.iloc[i], frame.iloc[j], topic_labels) for j in order]
    return out.drop(columns=["document"]).reset_index(drop=True)


def shared_terms(a: pd.Series, b: pd.Series) -> tuple[list[str], list[str]]:
    """The content words and the topic ids two indexed recommendations have in common."""
    words = sorted(set(content_words(a["document"])) & set(content_words(b["document"])))
    topics = sorted(set(a["index_topics"]) & set(b["index_topics"]))
    return words, topics


def _shared(a: pd.Series, b: pd.Series, topic_labels: dict | None = None) -> str:
    words, topics = shared_terms(a, b)
    parts = []
    if words:
        parts.append("words: " + ", ".join(words[:6]))
    if topics:
        parts.append("topics: " + ", ".join((topic_labels or {}).get(t, t) for t in topics))
    return "; ".join(parts)


def reference_threshold(index: SimilarityIndex, quantile: float = REFERENCE_QUANTILE) -> float:
    """The ``quantile`` of similarity over pairs of recommendations at DIFFERENT councils.

    Two recommendations made to different councils are never a repeat, so their similarities show how
    alike unrelated (or merely same-topic) recommendations look. A later recommendation that matches an
    earlier one at the same council at least this closely is more alike than 98 % of those pairs.
    Exact for small data; a fixed-seed sample of pairs otherwise (same answer every run)."""
    n = len(index)
    if n < 2:
        return 1.0
    councils = index.frame["council_id"].to_numpy()
    if n <= _EXACT_PAIRS_UP_TO:
        dense = (index.matrix @ index.matrix.T).toarray()
        iu = np.triu_indices(n, 1)
        cross = councils[iu[0]] != councils[iu[1]]
        values = dense[iu][cross]
    else:
        rng = np.random.default_rng(20240301)
        a = rng.integers(0, n, _SAMPLE_PAIRS)
        b = rng.integers(0, n, _SAMPLE_PAIRS)
        keep = councils[a] != councils[b]
        a, b = a[keep], b[keep]
        values = np.asarray(index.matrix[a].multiply(index.matrix[b]).sum(axis=1)).ravel()
    if values.size == 0:
        return 1.0
    return float(np.round(np.quantile(values, quantile), 2))


def councils_with_repeat_challenges(recs: pd.DataFrame) -> pd.DataFrame:
    """Councils with two or more challenges that have recommendations recorded: council_id, challenges
    (list of challenge_ids, oldest first)."""
    if recs.empty:
        return pd.DataFrame(columns=["council_id", "challenges"])
    order = "challenge_month" if "challenge_month" in recs else "challenge_id"
    per = (recs.drop_duplicates("challenge_id").sort_values(["council_id", order])
           .groupby("council_id")["challenge_id"].agg(list))
    per = per[per.map(len) >= 2]
    return per.rename("challenges").reset_index()


def repeated_recommendations(index: SimilarityIndex, threshold: float | None = None,
                             topic_labels: dict | None = None) -> pd.DataFrame:
    """For every council with ≥2 challenges with (indexed) recommendations: each recommendation of a
    later challenge whose closest match in an EARLIER challenge of the same council scores at least
    ``threshold`` (default: reference_threshold). One row per later recommendation, best match only:
    council_id, later_* and earlier_* (recommendation_id, challenge_id, number, title), similarity."""
    if threshold is None:
        threshold = reference_threshold(index)
    frame = index.frame
    order = "challenge_month" if "challenge_month" in frame else "challenge_id"
    rows = []
    for council_id, group in frame.groupby("council_id", sort=True):
        months = group.drop_duplicates("challenge_id").sort_values(order)
        if len(months) < 2:
            continue
        rank = {cid: r for r, cid in enumerate(months["challenge_id"])}
        idx = group.index.to_numpy()
        block = (index.matrix[idx] @ index.matrix[idx].T).toarray()
        ranks = group["challenge_id"].map(rank).to_numpy()
        for a in range(len(idx)):
            earlier = np.flatnonzero(ranks < ranks[a])
            if earlier.size == 0:
                continue
            b = earlier[np.argmax(block[a, earlier])]
            score = block[a, b]
            if score >= threshold:
                later, prior = frame.loc[idx[a]], frame.loc[idx[b]]
                rows.append({
                    "council_id": council_id,
                    "later_recommendation_id": later["recommendation_id"],
                    "later_challenge_id": later["challenge_id"],
                    "later_number": later.get("number"),
                    "later_title": later["title"],
                    "earlier_recommendation_id": prior["recommendation_id"],
                    "earlier_challenge_id": prior["challenge_id"],
                    "earlier_number": prior.get("number"),
                    "earlier_title": prior["title"],
                    "similarity": round(float(score), 3),
                    "shared": _shared(later, prior, topic_labels),
                })
    columns = ["council_id", "later_recommendation_id", "later_challenge_id", "later_number", "later_title",
               "earlier_recommendation_id", "earlier_challenge_id", "earlier_number", "earlier_title",
               "similarity", "shared"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["similarity", "later_recommendation_id"], ascending=[False, True]).reset_index(drop=True)

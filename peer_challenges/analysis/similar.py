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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.preprocessing import normalize

WEIGHTS = {"words": 0.5, "fragments": 0.2, "topics": 0.3}
# "closely matches" = at least as similar as the top 2% of pairs of recommendations made to DIFFERENT
# councils (pairs that, by construction, are not repeats). See reference_threshold().
REFERENCE_QUANTILE = 0.98
# below this many recommendations every cross-council pair is used; above it a fixed-seed sample
_EXACT_PAIRS_UP_TO = 2500
_SAMPLE_PAIRS = 250_000
# a block's Gram matrix (distinct rows x distinct rows) is kept dense up to this many rows
_DENSE_GRAM_UP_TO = 2048
# pairs scored per batch (bounds the temporary memory of repeated_recommendations at national scale)
_PAIR_BATCH = 1_000_000

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
_BRACKETS_SRC = r"\s*\((?:[^()]*\b(?:" + _EDITORIAL_WORDS + r")\b[^()]*)\)"
_EDITORIAL_BRACKETS = re.compile(_BRACKETS_SRC, re.IGNORECASE)
# a sentence or clause by the collector: "Inferred from progress minutes; formal wording not seen."
_CLAUSE_WORDS = r"inferred from|discussed under|wording not|formal wording|wording and number|link to a specific"
_CLAUSES_SRC = r"[^.;]*\b(?:" + _CLAUSE_WORDS + r")\b[^.;]*[.;]?"
_EDITORIAL_CLAUSES = re.compile(_CLAUSES_SRC, re.IGNORECASE)
# every clause match contains one of its phrases: a linear-time test that skips the (backtracking)
# clause pattern for the many titles without one - same result, far faster on long text
_CLAUSE_HINT = re.compile(_CLAUSE_WORDS, re.IGNORECASE)
# a generic lead-in: "Recommendation on Strategic vision", "Recommendation grouped by the LGA under 'X'"
_LEAD_INS_SRC = (
    r"^(?:recommendations?(?:\(s\))?\s+(?:on|grouped\s+by\s+the\s+LGA(?:\s+progress\s+review)?\s+under)"
    r"|group\s+of\s+recommendations\s+under\s+the\s+theme)\s*"
)
_LEAD_INS = re.compile(_LEAD_INS_SRC, re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z0-9]+")
_TRIM = " ;.,'\""
# rows of printable ASCII (plus tab and newlines) are cleaned by pyarrow's RE2 on the whole column:
# on such text RE2 and Python's re agree on \s, \b and case; any other row goes through clean_wording
_SIMPLE_ROW = r"^[\x20-\x7e\t\n\r]*$"


def clean_wording(text) -> str:
    """A title or text without the collector's editorial remarks; '' for missing text."""
    if not isinstance(text, str):
        return ""
    if "(" in text:
        text = _EDITORIAL_BRACKETS.sub("", text)
    if _CLAUSE_HINT.search(text):
        text = _EDITORIAL_CLAUSES.sub(" ", text)
    text = _LEAD_INS.sub("", text.strip())
    return re.sub(r"\s+", " ", text).strip(_TRIM)


def document(title, text) -> str:
    """The wording compared: cleaned title, then cleaned full text where it adds anything."""
    t, x = clean_wording(title), clean_wording(text)
    if x and x.lower() != t.lower():
        return f"{t}. {x}" if t else x
    return t


def _as_arrow_strings(values) -> pa.Array:
    if isinstance(values, pd.Series):
        values = values.astype(object).where(values.notna(), None).tolist()
    return pa.array([v if isinstance(v, str) else None for v in values], type=pa.large_string())


def _id_array(ids: pd.Series):
    """The ids as a pyarrow array (sharing the frame's memory when it is Arrow-backed already)."""
    if hasattr(ids.array, "__arrow_array__"):
        try:
            arr = pa.array(ids.array)
            if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
                return arr
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            pass
    return _as_arrow_strings(ids)


def clean_wording_column(values) -> np.ndarray:
    """clean_wording of every value, as an object array - on the whole column at once (pyarrow/RE2) for
    plain-ASCII rows, row by row for the rest. Same result as [clean_wording(v) for v in values]."""
    arr = _as_arrow_strings(values)
    out = np.empty(len(arr), dtype=object)
    if not len(arr):
        return out
    simple = pc.fill_null(pc.match_substring_regex(arr, _SIMPLE_ROW), False).to_numpy(zero_copy_only=False)
    missing = pc.is_null(arr).to_numpy(zero_copy_only=False)
    fast = simple & ~missing
    if fast.any():
        x = pc.filter(arr, pa.array(fast))
        x = pc.replace_substring_regex(x, "(?i)" + _BRACKETS_SRC, "")
        x = pc.replace_substring_regex(x, "(?i)" + _CLAUSES_SRC, " ")
        x = pc.utf8_trim(x, " \t\n\r")
        x = pc.replace_substring_regex(x, "(?i)" + _LEAD_INS_SRC, "")
        x = pc.replace_substring_regex(x, r"[ \t\n\r]+", " ")
        x = pc.utf8_trim(x, _TRIM)
        out[fast] = np.asarray(x.to_pylist(), dtype=object)
    out[missing] = ""
    slow = np.flatnonzero(~simple & ~missing)
    for i in slow:
        out[i] = clean_wording(arr[int(i)].as_py())
    return out


def documents(titles, texts) -> np.ndarray:
    """document(title, text) for whole columns (the cleaning vectorised; see clean_wording_column)."""
    t, x = clean_wording_column(titles), clean_wording_column(texts)
    out = t.copy()
    for i in np.flatnonzero(np.fromiter((bool(v) for v in x), dtype=bool, count=len(x))):
        if x[i].lower() != t[i].lower():
            out[i] = f"{t[i]}. {x[i]}" if t[i] else x[i]
    return out


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


def _tfidf(vectorizer: CountVectorizer, docs, weights: np.ndarray, sublinear: bool) -> sp.csr_matrix:
    """What TfidfVectorizer(sublinear_tf=sublinear) fitted on a corpus holding each of ``docs``
    ``weights`` times gives for each distinct doc: document frequencies count every copy."""
    # (as TfidfVectorizer does: float64 counts straight from the vectorizer - no astype, which would
    # reorder each row's entries and so the floating-point sums)
    vectorizer.set_params(dtype=np.float64)
    counts = vectorizer.fit_transform(docs)
    n = float(weights.sum())
    present = counts.copy()
    present.data[:] = 1.0
    df = np.asarray(present.T @ weights.astype(np.float64)).ravel()
    idf = np.log((n + 1.0) / (df + 1.0)) + 1.0
    if sublinear:
        np.log(counts.data, counts.data)
        counts.data += 1.0
    counts.data *= idf[counts.indices]
    return normalize(counts, norm="l2", copy=False)


def _hashable(value):
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_as_list(value))
    return value


def _factorize_rows(columns: list) -> np.ndarray:
    """One int code per row (0, 1, … in order of first appearance) for the combination of values in
    ``columns``; lists and arrays compare by content, missing values are equal."""
    rows = list(zip(*[[_hashable(v) for v in col] for col in columns]))
    codes, _ = pd.factorize(pd.Series(rows, dtype=object), sort=False) if rows else (np.zeros(0, np.int64), None)
    return np.asarray(codes, dtype=np.int64)


@dataclass
class SimilarityIndex:
    """The recommendations that could be indexed (``frame``: ids plus ``doc`` and ``feature`` codes) and
    the vectors behind them: ``doc_matrix`` has one row per distinct wording (``docs``: title, text,
    document, words), ``tag_matrix`` one per distinct set of topic tokens; ``features`` (one row per
    distinct wording x core element x topics) says which of each a recommendation uses and the row's norm.
    A recommendation's vector is its doc row and its tag row side by side, divided by that norm, so the
    dot product of two recommendations' vectors is their cosine similarity."""

    frame: pd.DataFrame
    docs: pd.DataFrame
    features: pd.DataFrame
    doc_matrix: sp.csr_matrix
    tag_matrix: sp.csr_matrix | None = None
    feature_matrix: sp.csr_matrix | None = None
    skipped: pd.DataFrame = field(default_factory=pd.DataFrame)
    memo: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        n = len(self.frame)
        self._feature = self.frame["feature"].to_numpy(np.int64) if n else np.zeros(0, np.int64)
        self._council = (pd.factorize(self.frame["council_id"])[0].astype(np.int64) if n
                         else np.zeros(0, np.int64))
        self._doc_of = self.features["doc"].to_numpy(np.int64) if len(self.features) else np.zeros(0, np.int64)
        self._tag_of = self.features["tag"].to_numpy(np.int64) if len(self.features) else np.zeros(0, np.int64)
        self._inv = self.features["inv_norm"].to_numpy(np.float64) if len(self.features) else np.zeros(0)
        ids = self.frame["recommendation_id"] if n else pd.Series([], dtype=object)
        self._ids = _id_array(ids)
        # each id's place in sorted order: ties in score are broken by id without making Python strings
        self._id_rank = (pc.rank(self._ids, sort_keys="ascending", tiebreaker="first").to_numpy() if n
                         else np.zeros(0, dtype=np.uint64))
        self._small = n <= 50_000
        self._pos = {rid: i for i, rid in enumerate(ids)} if self._small else {}

    def __len__(self) -> int:
        return len(self.frame)

    def __contains__(self, recommendation_id) -> bool:
        return isinstance(recommendation_id, str) and self._find(recommendation_id) >= 0

    def _find(self, recommendation_id: str) -> int:
        if self._small or recommendation_id in self._pos:
            return self._pos.get(recommendation_id, -1)
        i = pc.index(self._ids, pa.scalar(recommendation_id, self._ids.type)).as_py()
        if len(self._pos) > 10_000:
            self._pos.clear()
        self._pos[recommendation_id] = i
        return i

    def position(self, recommendation_id: str) -> int:
        i = self._find(recommendation_id) if isinstance(recommendation_id, str) else -1
        if i < 0:
            raise KeyError(f"recommendation {recommendation_id!r} is not in the similarity index "
                           "(unknown, or it has no wording to compare)")
        return i

    def ids_at(self, positions) -> list:
        """The recommendation ids at ``positions`` (of frame)."""
        return pc.take(self._ids, pa.array(np.asarray(positions, dtype=np.int64))).to_pylist()

    @property
    def councils(self) -> np.ndarray:
        """Council code of every indexed recommendation (equal codes = same council)."""
        return self._council

    def rows(self, positions) -> pd.DataFrame:
        """The indexed recommendations at ``positions``, with their wording (title, text), core element and
        the topics the index gives them (index_topics)."""
        positions = np.asarray(positions, dtype=np.int64)
        out = self.frame.iloc[positions].drop(columns=["doc", "feature"]).reset_index(drop=True)
        for col in out.columns:
            if isinstance(out[col].dtype, pd.CategoricalDtype):
                out[col] = out[col].astype(object)
        feats = self._feature[positions]
        docs = self._doc_of[feats]
        out["title"] = self.docs["title"].to_numpy(dtype=object)[docs]
        out["text"] = self.docs["text"].to_numpy(dtype=object)[docs]
        for col in ("core_theme", "index_topics"):
            out[col] = self.features[col].to_numpy(dtype=object)[feats]
        return out

    # ---------------------------------------------------------------- scores

    def _matrix(self, which: str):
        return {"doc": self.doc_matrix, "tag": self.tag_matrix, "feature": self.feature_matrix}[which]

    def _gram(self, which: str) -> np.ndarray | None:
        matrix = self._matrix(which)
        if matrix is None or matrix.shape[0] > _DENSE_GRAM_UP_TO:
            return None
        if which not in self.memo.setdefault("gram", {}):
            self.memo["gram"][which] = (matrix @ matrix.T).toarray()
        return self.memo["gram"][which]

    def _block_pairs(self, which: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        matrix = self._matrix(which)
        if matrix is None or not len(a):
            return np.zeros(len(a))
        gram = self._gram(which)
        if gram is not None:
            return gram[a, b]
        k = matrix.shape[0]
        unique, inverse = np.unique(a * k + b, return_inverse=True)
        ua, ub = unique // k, unique % k
        values = np.empty(len(unique))
        for lo in range(0, len(unique), 200_000):
            hi = lo + 200_000
            values[lo:hi] = np.asarray(matrix[ua[lo:hi]].multiply(matrix[ub[lo:hi]]).sum(axis=1)).ravel()
        return values[inverse]

    def feature_pair_scores(self, fa: np.ndarray, fb: np.ndarray) -> np.ndarray:
        """Cosine similarity of feature rows fa[i] and fb[i]."""
        fa, fb = np.asarray(fa, dtype=np.int64), np.asarray(fb, dtype=np.int64)
        if self.feature_matrix is not None:
            return self._block_pairs("feature", fa, fb)
        s = self._block_pairs("doc", self._doc_of[fa], self._doc_of[fb])
        if self.tag_matrix is not None:
            s = s + self._block_pairs("tag", self._tag_of[fa], self._tag_of[fb])
        return s * self._inv[fa] * self._inv[fb]

    def pair_scores(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cosine similarity of the indexed recommendations at positions a[i] and b[i]."""
        return self.feature_pair_scores(self._feature[np.asarray(a, dtype=np.int64)],
                                        self._feature[np.asarray(b, dtype=np.int64)])

    def _row_scores(self, which: str, row: int) -> np.ndarray:
        gram = self._gram(which)
        if gram is not None:
            return gram[row]
        matrix = self._matrix(which)
        return np.asarray((matrix @ matrix[row].T).todense()).ravel()

    def scores(self, recommendation_id: str) -> np.ndarray:
        """Cosine similarity of one recommendation with every indexed one (itself = 1)."""
        f0 = self._feature[self.position(recommendation_id)]
        if self.feature_matrix is not None:
            matrix = self.feature_matrix
            return np.asarray((matrix @ matrix[f0].T).todense()).ravel()[self._feature]
        s = self._row_scores("doc", self._doc_of[f0])[self._doc_of]
        if self.tag_matrix is not None:
            s = s + self._row_scores("tag", self._tag_of[f0])[self._tag_of]
        by_feature = s * self._inv * self._inv[f0]
        return by_feature[self._feature]

    def pair_score(self, a: str, b: str) -> float:
        return float(self.pair_scores(np.array([self.position(a)]), np.array([self.position(b)]))[0])


# ---------------------------------------------------------------- building


_TEXT_COLUMNS = ("title", "text", "core_theme", "topics")


def build_index(recs: pd.DataFrame, taxonomy=None) -> SimilarityIndex:
    """Index every recommendation that has wording. ``taxonomy`` (peer_challenges.domain.taxonomy.Taxonomy,
    optional) maps curated topic tags onto topic ids and adds the topics its keywords find."""
    need = {"recommendation_id", "council_id", "challenge_id", "title"}
    missing = need - set(recs.columns)
    if missing:
        raise ValueError(f"build_index needs columns {sorted(missing)}")
    recs = recs.reset_index(drop=True)
    n = len(recs)
    blank = pd.Series([None] * n, dtype=object)
    title = recs["title"]
    text = recs["text"] if "text" in recs else blank
    core = recs["core_theme"] if "core_theme" in recs else blank
    topics = recs["topics"] if "topics" in recs else blank
    doc_key = _factorize_rows([title, text])
    feature_key = _factorize_rows([doc_key, core, topics])
    first = np.unique(feature_key, return_index=True)[1]
    features = pd.DataFrame({
        "feature_key": np.arange(len(first)),
        **{name: col.to_numpy(dtype=object)[first] for name, col in
           (("title", title), ("text", text), ("core_theme", core), ("topics", topics))},
    })
    frame = recs.drop(columns=[c for c in _TEXT_COLUMNS if c in recs])
    frame["feature_key"] = feature_key
    return index_from_keys(frame, features, taxonomy, full_rows=recs)


def index_from_queries(recs: pd.DataFrame, features: pd.DataFrame, challenges: pd.DataFrame,
                       taxonomy=None) -> SimilarityIndex | None:
    """The index from the themes__similarity_* queries: ``recs`` (recommendation_id, challenge_key, seq,
    number, feature_hash), ``features`` (feature_hash, title, text, core_theme, topics) and
    ``challenges`` (challenge_key, council_id, council_name, challenge_id, challenge_month). Council and
    challenge columns are categorical (a few bytes a row). None if two different features share a hash
    (vanishingly unlikely; the caller then builds from full rows with build_index)."""
    features = features.reset_index(drop=True)
    if not features["feature_hash"].is_unique:
        return None
    feature_key = pd.Index(features["feature_hash"]).get_indexer(recs["feature_hash"])
    if (feature_key < 0).any():
        return None
    challenges = challenges.sort_values("challenge_key").reset_index(drop=True)
    if not (challenges["challenge_key"].to_numpy() == np.arange(len(challenges))).all():
        raise ValueError("challenge_key must number the challenges 0, 1, 2, …")
    ck = recs["challenge_key"].to_numpy(np.int64)

    def categorical(per_challenge) -> pd.Categorical:
        codes, uniques = pd.factorize(per_challenge, sort=False)
        return pd.Categorical.from_codes(codes[ck], categories=pd.Index(uniques, dtype=object))

    frame = pd.DataFrame({
        "recommendation_id": recs["recommendation_id"],
        "council_id": categorical(challenges["council_id"].to_numpy(dtype=object)),
        "council_name": categorical(challenges["council_name"].to_numpy(dtype=object)),
        "challenge_id": categorical(challenges["challenge_id"].to_numpy(dtype=object)),
        "challenge_month": categorical(challenges["challenge_month"].to_numpy(dtype=object)),
        "seq": recs["seq"].to_numpy(),
        "number": recs["number"].astype("category"),
        "feature_key": feature_key,
    })
    return index_from_keys(frame, features.drop(columns=["feature_hash"]).assign(feature_key=np.arange(len(features))),
                           taxonomy)


def index_from_keys(recs: pd.DataFrame, features: pd.DataFrame, taxonomy=None,
                    full_rows: pd.DataFrame | None = None) -> SimilarityIndex:
    """The index from one row per recommendation (recommendation_id, council_id, challenge_id, any other
    columns to keep, and feature_key) and one row per feature_key 0, 1, 2, … (title, text, core_theme,
    topics: a distinct wording x core element x topics). ``full_rows`` (optional, same rows as
    ``recs``) is what ``skipped`` reports."""
    recs = recs.reset_index(drop=True)
    features = features.sort_values("feature_key").reset_index(drop=True)
    if len(features) and not (features["feature_key"].to_numpy() == np.arange(len(features))).all():
        raise ValueError("feature_key must number the features 0, 1, 2, …")
    features = features.assign(doc_key=_factorize_rows([features["title"], features["text"]]))
    docs = features.drop_duplicates("doc_key").sort_values("doc_key")
    doc_rows = np.full(int(features["doc_key"].max()) + 1 if len(features) else 0, -1, dtype=np.int64)
    doc_rows[docs["doc_key"].to_numpy()] = np.arange(len(docs))
    doc_text = documents(docs["title"], docs["text"])
    doc_words = [frozenset(content_words(d)) for d in doc_text]
    has_words = np.array([bool(w) for w in doc_words], dtype=bool)

    feature_doc = doc_rows[features["doc_key"].to_numpy(np.int64)] if len(features) else np.zeros(0, np.int64)
    rec_doc = feature_doc[recs["feature_key"].to_numpy(np.int64)] if len(recs) else np.zeros(0, np.int64)
    keep = has_words[rec_doc] if len(recs) else np.zeros(0, dtype=bool)
    skipped = (full_rows if full_rows is not None else recs).loc[~keep].reset_index(drop=True)
    frame = recs.loc[keep].reset_index(drop=True)
    columns = [c for c in frame.columns if c != "feature_key"]
    if frame.empty:
        empty_docs = pd.DataFrame(columns=["title", "text", "document", "words"])
        empty_features = pd.DataFrame(columns=["doc", "tag", "core_theme", "index_topics", "inv_norm"])
        return SimilarityIndex(frame=frame[columns].assign(doc=pd.Series(dtype=np.int64),
                                                          feature=pd.Series(dtype=np.int64)),
                               docs=empty_docs, features=empty_features, doc_matrix=sp.csr_matrix((0, 0)),
                               skipped=skipped)

    # compact codes for the features and wordings the indexed recommendations use, numbered in order of
    # first appearance in the frame: the order a vectorizer over one row per recommendation meets them,
    # so the vocabularies are built in the same order and the floating-point sums come out the same
    keys, first, inverse = np.unique(frame["feature_key"].to_numpy(np.int64), return_index=True, return_inverse=True)
    appearance = np.argsort(first, kind="stable")
    renumber = np.empty(len(keys), dtype=np.int64)
    renumber[appearance] = np.arange(len(keys))
    feature_code = renumber[inverse.ravel()]
    feats = features.iloc[keys[appearance]].reset_index(drop=True)
    feat_n = np.bincount(feature_code, minlength=len(feats)).astype(np.float64)
    feat_doc, used_docs = pd.factorize(doc_rows[feats["doc_key"].to_numpy(np.int64)], sort=False)
    feat_doc = np.asarray(feat_doc, dtype=np.int64)
    used_docs = np.asarray(used_docs, dtype=np.int64)
    doc_n = np.bincount(feat_doc, weights=feat_n, minlength=len(used_docs))
    doc_text, doc_words = doc_text[used_docs], [doc_words[i] for i in used_docs]
    docs = docs.iloc[used_docs].reset_index(drop=True)

    # topic tokens per feature: curated topics (mapped), the taxonomy's keywords in the wording, core element
    doc_tags = [tuple(taxonomy.tag_topics(d)) for d in doc_text] if taxonomy is not None else None
    canonical: dict = {}
    tag_codes: dict = {}
    tag_sets: list = []
    tag_topics: list = []  # per tag set: its topic ids (shared by every feature with that set)
    feat_tag = np.empty(len(feats), dtype=np.int64)
    for j, (topics, d, theme) in enumerate(zip(feats["topics"], feat_doc, feats["core_theme"])):
        given = _as_list(topics)
        if taxonomy is not None:
            # = set(taxonomy.canonical_topics(given)), one look-up per distinct tag
            for tag in given:
                if tag not in canonical:
                    canonical[tag] = taxonomy.canonical_topic(tag)
            found = {canonical[tag] for tag in given if canonical[tag] is not None} | set(doc_tags[d])
        else:
            found = set(given)
        tokens = sorted(f"topic:{t}" for t in found)
        if isinstance(theme, str) and theme:
            tokens.append(f"core:{theme}")
        key = tuple(tokens)
        if key not in tag_codes:
            tag_codes[key] = len(tag_sets)
            tag_sets.append(list(key))
            tag_topics.append([t.split(":", 1)[1] for t in key if t.startswith("topic:")])
        feat_tag[j] = tag_codes[key]
    tag_n = np.bincount(feat_tag, weights=feat_n, minlength=len(tag_sets))

    words = _tfidf(CountVectorizer(analyzer=_word_analyzer), list(doc_text), doc_n, sublinear=True)
    fragments = _tfidf(CountVectorizer(analyzer="char_wb", ngram_range=(4, 5), preprocessor=_fragment_preprocessor),
                       list(doc_text), doc_n, sublinear=True)
    # each block is L2-normalised; scale by sqrt(weight) so the dot product of two rows is the weighted
    # sum of the blocks' cosines; rows are then divided by their norm (a missing block loses weight only
    # for the rows without it), so a recommendation is always 1.0 with itself
    doc_matrix = sp.hstack([words * np.sqrt(WEIGHTS["words"]), fragments * np.sqrt(WEIGHTS["fragments"])]).tocsr()
    tag_matrix = None
    if any(tag_sets):
        tags = _tfidf(CountVectorizer(analyzer=_identity), tag_sets, tag_n, sublinear=False)
        tag_matrix = (tags * np.sqrt(WEIGHTS["topics"])).tocsr()
    sq = np.asarray(doc_matrix.multiply(doc_matrix).sum(axis=1)).ravel()[feat_doc]
    if tag_matrix is not None:
        sq = sq + np.asarray(tag_matrix.multiply(tag_matrix).sum(axis=1)).ravel()[feat_tag]
    norms = np.sqrt(sq)
    norms[norms == 0] = 1.0
    feature_matrix = None
    if len(feats) <= _DENSE_GRAM_UP_TO:
        # few distinct features (today's data): one normalised row per feature, built exactly as a row per
        # recommendation would be, so every score is bit-for-bit the per-recommendation computation
        blocks = [words[feat_doc] * np.sqrt(WEIGHTS["words"]), fragments[feat_doc] * np.sqrt(WEIGHTS["fragments"])]
        if tag_matrix is not None:
            blocks.append(tags[feat_tag] * np.sqrt(WEIGHTS["topics"]))
        m = sp.hstack(blocks).tocsr()
        row_norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        row_norms[row_norms == 0] = 1.0
        feature_matrix = sp.csr_matrix(sp.diags(1.0 / row_norms) @ m)

    out = frame[columns].copy()
    out["doc"] = feat_doc[feature_code].astype(np.int32)
    out["feature"] = feature_code.astype(np.int32)
    return SimilarityIndex(
        frame=out,
        docs=pd.DataFrame({"title": docs["title"].to_numpy(dtype=object), "text": docs["text"].to_numpy(dtype=object),
                           "document": doc_text, "words": doc_words}),
        features=pd.DataFrame({"doc": feat_doc, "tag": feat_tag,
                               "core_theme": pd.Categorical(feats["core_theme"].to_numpy(dtype=object)),
                               "index_topics": np.array(tag_topics + [None], dtype=object)[:-1][feat_tag],
                               "inv_norm": 1.0 / norms}),
        doc_matrix=doc_matrix, tag_matrix=tag_matrix, feature_matrix=feature_matrix, skipped=skipped,
    )


# ---------------------------------------------------------------- questions


def similar_to(index: SimilarityIndex, recommendation_id: str, k: int = 5, *,
               other_councils: bool = True, topic_labels: dict | None = None) -> pd.DataFrame:
    """The ``k`` most similar recommendations (at other councils unless other_councils=False), best
    first: the indexed columns plus ``similarity`` (0–1) and ``shared`` (words/topics in common)."""
    i = index.position(recommendation_id)
    scores = index.scores(recommendation_id)
    mask = scores > 0
    mask[i] = False
    if other_councils:
        mask &= index.councils != index.councils[i]
    candidates = np.flatnonzero(mask)
    if len(candidates) > k:  # only the candidates that can make the top k (ties kept) are sorted
        kth = np.partition(scores[candidates], len(candidates) - k)[len(candidates) - k]
        candidates = candidates[scores[candidates] >= kth]
    order = candidates[np.lexsort((index._id_rank[candidates], -scores[candidates]))][:k]
    out = index.rows(order)
    out.insert(0, "similarity", scores[order].round(3))
    seed = _pair_parts(index, i)
    out["shared"] = [_shared(seed, _pair_parts(index, j), topic_labels) for j in order]
    return out


def _pair_parts(index: SimilarityIndex, position: int) -> tuple[frozenset, list]:
    f = index._feature[position]
    return index.docs["words"].iat[index._doc_of[f]], index.features["index_topics"].iat[f]


def shared_terms(a, b) -> tuple[list[str], list[str]]:
    """The content words and the topic ids two indexed recommendations have in common (each given as a
    row with ``document`` and ``index_topics``, or as the index's (words, topics) pair)."""
    if isinstance(a, tuple):
        (wa, ta), (wb, tb) = a, b
    else:
        wa, ta = set(content_words(a["document"])), a["index_topics"]
        wb, tb = set(content_words(b["document"])), b["index_topics"]
    return sorted(set(wa) & set(wb)), sorted(set(ta) & set(tb))


def _shared(a, b, topic_labels: dict | None = None) -> str:
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
    key = ("reference_values",)
    if key not in index.memo:
        councils = index.councils
        if n <= _EXACT_PAIRS_UP_TO:
            a, b = np.triu_indices(n, 1)
        else:
            rng = np.random.default_rng(20240301)
            a = rng.integers(0, n, _SAMPLE_PAIRS)
            b = rng.integers(0, n, _SAMPLE_PAIRS)
        keep = councils[a] != councils[b]
        index.memo[key] = index.pair_scores(a[keep], b[keep])
    values = index.memo[key]
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


def _challenge_ranks(index: SimilarityIndex) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Per indexed recommendation: its challenge's rank within its council (0 = oldest) and how many
    challenges its council has; and the councils' challenges (oldest first)."""
    frame = index.frame
    order = "challenge_month" if "challenge_month" in frame else "challenge_id"
    challenge, _ = pd.factorize(frame["challenge_id"])
    firsts = np.unique(challenge, return_index=True)[1]
    chal = pd.DataFrame({
        "council": index.councils[firsts], "challenge": challenge[firsts],
        "month": frame[order].to_numpy(dtype=object)[firsts], "challenge_id": frame["challenge_id"].to_numpy(dtype=object)[firsts],
        "council_id": frame["council_id"].to_numpy(dtype=object)[firsts],
    })
    chal = chal.sort_values(["council", "month", "challenge_id"], kind="stable", na_position="last")
    chal["rank"] = chal.groupby("council").cumcount()
    rank = np.empty(challenge.max() + 1, dtype=np.int64)
    rank[chal["challenge"].to_numpy()] = chal["rank"].to_numpy()
    n_challenges = np.bincount(chal["council"].to_numpy(), minlength=index.councils.max() + 1)
    return rank[challenge], n_challenges[index.councils], chal


def repeat_councils(index: SimilarityIndex) -> pd.DataFrame:
    """Councils with two or more challenges with (indexed) recommendations, by council_id: council_id,
    council_name (when indexed), council (code), challenges (ids, oldest first) and their months."""
    if "repeat_councils" not in index.memo:
        columns = ["council_id", "council_name", "council", "challenges", "months"]
        if not len(index):
            index.memo["repeat_councils"] = pd.DataFrame(columns=columns)
        else:
            _, _, chal = _challenge_ranks(index)  # sorted by council, oldest challenge first
            council = chal["council"].to_numpy()
            starts = np.flatnonzero(np.r_[True, council[1:] != council[:-1]])
            ends = np.r_[starts[1:], len(council)]
            multi = ends - starts >= 2
            starts, ends = starts[multi], ends[multi]
            ids, months = chal["challenge_id"].tolist(), chal["month"].tolist()
            grouped = pd.DataFrame({
                "council": council[starts], "council_id": chal["council_id"].to_numpy(dtype=object)[starts],
                "challenges": [ids[a:b] for a, b in zip(starts, ends)],
                "months": [months[a:b] for a, b in zip(starts, ends)],
            })
            grouped = grouped.sort_values("council_id", kind="stable").reset_index(drop=True)
            if "council_name" in index.frame:
                first = np.unique(index.councils, return_index=True)[1]
                names = pd.Series(index.frame["council_name"].to_numpy(dtype=object)[first],
                                  index=index.councils[first])
                grouped["council_name"] = names.reindex(grouped["council"]).to_numpy()
            else:
                grouped["council_name"] = grouped["council_id"]
            index.memo["repeat_councils"] = grouped[columns]
    return index.memo["repeat_councils"]


def repeat_matches(index: SimilarityIndex) -> pd.DataFrame:
    """For every recommendation of a council's later challenge: its closest match among the council's
    earlier challenges (positions in index.frame: later, earlier; similarity; council code). Sorted as
    repeated_recommendations lists them (similarity to 3 places, highest first; then later id).
    Computed once per index, for every council at once, in batches of pairs."""
    if "repeat_matches" in index.memo:
        return index.memo["repeat_matches"]
    columns = {"later": np.int64, "earlier": np.int64, "similarity": np.float64, "council": np.int64}
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    if len(index) < 2:
        index.memo["repeat_matches"] = empty
        return empty
    rank, n_challenges, _ = _challenge_ranks(index)
    councils = index.councils
    positions = np.flatnonzero(n_challenges >= 2)
    # positions sorted by council, challenge rank, then frame order: a later recommendation's earlier
    # challenges are the contiguous run from its council's first row up to its own challenge's first row
    p = positions[np.lexsort((positions, rank[positions], councils[positions]))]
    sc, sr = councils[p], rank[p]
    new_council = np.r_[True, sc[1:] != sc[:-1]]
    new_rank = new_council | np.r_[True, sr[1:] != sr[:-1]]
    council_start = np.maximum.accumulate(np.where(new_council, np.arange(len(p)), 0))
    rank_start = np.maximum.accumulate(np.where(new_rank, np.arange(len(p)), 0))
    n_earlier = rank_start - council_start
    later = np.flatnonzero(n_earlier > 0)
    out_later, out_earlier, out_score = [], [], []
    cum = np.cumsum(n_earlier[later])
    lo = 0
    while lo < len(later):
        hi = int(np.searchsorted(cum, (cum[lo - 1] if lo else 0) + _PAIR_BATCH, side="right"))
        hi = max(hi, lo + 1)
        batch = later[lo:hi]
        counts = n_earlier[batch]
        starts = np.cumsum(counts) - counts
        a = np.repeat(batch, counts)
        b = np.arange(counts.sum()) - np.repeat(starts, counts) + np.repeat(council_start[batch], counts)
        s = index.pair_scores(p[a], p[b])
        best = np.maximum.reduceat(s, starts)
        # ties: the earliest in frame order (as np.argmax over the council's rows did)
        cand = np.where(s == np.repeat(best, counts), p[b], len(councils))
        out_later.append(p[batch])
        out_earlier.append(np.minimum.reduceat(cand, starts))
        out_score.append(best)
        lo = hi
    out = pd.DataFrame({"later": np.concatenate(out_later), "earlier": np.concatenate(out_earlier),
                        "similarity": np.concatenate(out_score)})
    out["council"] = councils[out["later"].to_numpy()]
    order = np.lexsort((index._id_rank[out["later"].to_numpy()], -out["similarity"].round(3).to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    index.memo["repeat_matches"] = out
    return out


def flagged_repeats(index: SimilarityIndex, threshold: float) -> pd.DataFrame:
    """repeat_matches at or above ``threshold`` (in their listing order)."""
    matches = repeat_matches(index)
    return matches[matches["similarity"].to_numpy() >= threshold]


REPEAT_COLUMNS = ["council_id", "later_recommendation_id", "later_challenge_id", "later_number", "later_title",
                  "earlier_recommendation_id", "earlier_challenge_id", "earlier_number", "earlier_title",
                  "similarity", "shared", "council_name", "later_challenge_month", "earlier_challenge_month"]


def repeat_rows(index: SimilarityIndex, matches: pd.DataFrame, topic_labels: dict | None = None) -> pd.DataFrame:
    """The rows of repeated_recommendations for some of repeat_matches (e.g. the first 1,000 flagged)."""
    if matches.empty:
        return pd.DataFrame(columns=REPEAT_COLUMNS)
    later, earlier = index.rows(matches["later"].to_numpy()), index.rows(matches["earlier"].to_numpy())

    def col(frame, name):
        return frame[name].to_numpy(dtype=object) if name in frame else np.full(len(frame), None, dtype=object)

    return pd.DataFrame({
        "council_id": col(later, "council_id"),
        "later_recommendation_id": col(later, "recommendation_id"),
        "later_challenge_id": col(later, "challenge_id"),
        "later_number": col(later, "number"),
        "later_title": col(later, "title"),
        "earlier_recommendation_id": col(earlier, "recommendation_id"),
        "earlier_challenge_id": col(earlier, "challenge_id"),
        "earlier_number": col(earlier, "number"),
        "earlier_title": col(earlier, "title"),
        "similarity": matches["similarity"].round(3).to_numpy(),
        "shared": [_shared(_pair_parts(index, a), _pair_parts(index, b), topic_labels)
                   for a, b in zip(matches["later"], matches["earlier"])],
        "council_name": col(later, "council_name") if "council_name" in later else col(later, "council_id"),
        "later_challenge_month": col(later, "challenge_month"),
        "earlier_challenge_month": col(earlier, "challenge_month"),
    })


def repeated_recommendations(index: SimilarityIndex, threshold: float | None = None,
                             topic_labels: dict | None = None, limit: int | None = None) -> pd.DataFrame:
    """For every council with ≥2 challenges with (indexed) recommendations: each recommendation of a
    later challenge whose closest match in an EARLIER challenge of the same council scores at least
    ``threshold`` (default: reference_threshold). One row per later recommendation, best match only:
    council_id, later_* and earlier_* (recommendation_id, challenge_id, number, title), similarity,
    shared (and council_name, later/earlier_challenge_month for display). ``limit``: the first rows only."""
    if threshold is None:
        threshold = reference_threshold(index)
    flagged = flagged_repeats(index, threshold)
    if limit is not None:
        flagged = flagged.head(limit)
    return repeat_rows(index, flagged, topic_labels)

"""The similarity index: the cleaned wording of each recommendation, its TF-IDF vectors and the
``SimilarityIndex`` that scores pairs of recommendations (cosine similarity).

- ``clean_wording`` / ``document`` (and the column-wise ``clean_wording_column`` / ``documents``) strip the
  collectors' editorial remarks and make the text compared; ``content_words`` are its words;
- ``build_index(recs, taxonomy)``, ``index_from_keys`` and ``index_from_queries`` build the index;
- ``SimilarityIndex`` holds one vector per distinct wording and per distinct set of topic tokens and
  answers ``scores`` (one recommendation against all) and ``pair_scores``.

Part of peer_challenges.analysis.similar (the package docstring says how the similarity is made);
the questions asked of the index are in peer_challenges.analysis.similar.queries.
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
# a block's Gram matrix (distinct rows x distinct rows) is kept dense up to this many rows
_DENSE_GRAM_UP_TO = 2048

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

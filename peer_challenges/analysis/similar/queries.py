"""The questions asked of the similarity index: the recommendations most like one
(``similar_to``), the data-driven threshold for "closely matches" (``reference_threshold``) and the
repeats: recommendations of a council's later challenge that closely match one of an earlier challenge
(``repeat_councils``, ``repeat_matches``, ``flagged_repeats``, ``repeat_rows``,
``repeated_recommendations``).

Part of peer_challenges.analysis.similar; the index itself is peer_challenges.analysis.similar.vectors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peer_challenges.analysis.similar.vectors import SimilarityIndex, content_words

# "closely matches" = at least as similar as the top 2% of pairs of recommendations made to DIFFERENT
# councils (pairs that, by construction, are not repeats). See reference_threshold().
REFERENCE_QUANTILE = 0.98
# below this many recommendations every cross-council pair is used; above it a fixed-seed sample
_EXACT_PAIRS_UP_TO = 2500
_SAMPLE_PAIRS = 250_000
# pairs scored per batch (bounds the temporary memory of repeated_recommendations at national scale)
_PAIR_BATCH = 1_000_000


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

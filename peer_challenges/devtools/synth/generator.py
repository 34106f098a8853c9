"""The synthetic dataset's generator: ``generate(scale, seed)`` makes every table column-wise with numpy /
pyarrow and returns a ``Synth`` (the Arrow tables in the contract's shape, plus what the validator needs).

Also here: the shape of the data (England's council mix, the wording councils use, ``format_date``:
dates as councils write them) and ``theme_model`` (the real core-theme and topic distribution).

Part of peer_challenges.devtools.synth (the package docstring describes the data).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.vocab import CORE_THEMES, STATUSES

GENERATOR_VERSION = 2  # 2: the build's challenge_status and challenge_themes roll-ups
TODAY = dt.date(2025, 9, 30)  # the synthetic data's "today": the last possible as-of date
FIRST_MONTH = (2014 - 1970) * 12  # Jan 2014, as months since Jan 1970
LAST_ONSITE_MONTH = (2025 - 1970) * 12 + 5  # Jun 2025
CUT_MONTH = (TODAY.year - 1970) * 12 + TODAY.month - 1
CUT_QUARTER = CUT_MONTH // 3
KIND = "corporate_peer_challenge"

# England's 317 councils (2023-): region -> {council type: count}
ENGLAND = {
    "North East": {"unitary": 7, "metropolitan": 5},
    "North West": {"metropolitan": 15, "unitary": 8, "county": 1, "district": 12},
    "Yorkshire and The Humber": {"metropolitan": 9, "unitary": 6},
    "East Midlands": {"county": 4, "unitary": 6, "district": 29},
    "West Midlands": {"metropolitan": 7, "unitary": 4, "county": 3, "district": 19},
    "East of England": {"unitary": 6, "county": 5, "district": 39},
    "London": {"london_borough": 33},
    "South East": {"unitary": 13, "county": 6, "district": 51},
    "South West": {"unitary": 12, "county": 2, "district": 14, "other": 1},
}
TEMPLATE = [(region, ctype) for region, types in ENGLAND.items() for ctype, n in types.items() for _ in range(n)]
assert len(TEMPLATE) == 317

ONS_PREFIX = {"unitary": "E06", "district": "E07", "metropolitan": "E08", "london_borough": "E09",
              "county": "E10", "other": "E06"}
NAME_FORM = {
    "district": "{p} District Council", "unitary": "{p} Council", "county": "{p}shire County Council",
    "metropolitan": "{p} Metropolitan Borough Council", "london_borough": "London Borough of {p}",
    "other": "Council of the Isles of {p}",
}
PLACE_A = ["Ash", "Bram", "Cal", "Dun", "El", "Fen", "Glen", "Hol", "Ing", "Kel", "Lang", "Mar", "Nor",
           "Oak", "Pen", "Quen", "Ros", "Sal", "Thorn", "Ul", "Ven", "Wes", "Yar", "Brad", "Car", "Den",
           "Eden", "Fair", "Hart", "Lind", "Mel", "Red", "Stan", "Wil", "Bex", "Chal", "Hal", "Ken", "Lox",
           "Mil"]
PLACE_B = ["ford", "ton", "bury", "ham", "ley", "wick", "field", "worth", "dale", "stow", "mouth", "minster",
           "by", "thorpe", "bridge", "combe", "hurst", "well", "wood", "gate", "borough", "chester", "holm",
           "stead", "mere"]

STATUS_CODES = STATUSES  # index = code: complete, in_progress, not_started, ongoing, delayed, superseded
COMPLETE, IN_PROGRESS, NOT_STARTED, ONGOING, DELAYED, SUPERSEDED = range(6)
STATUS_RAW = [  # a council's wording, by status code (three styles; some councils give none)
    ["Complete", "In progress", "Not started", "Ongoing", "Delayed", "Superseded"],
    ["Completed", "On track", "Not yet started", "Business as usual", "Behind schedule", "Withdrawn"],
    ["Achieved", "Underway", "Not started", "BAU", "Delayed", "No longer applicable"],
]
NOTES = ["Synthetic progress note: work continuing as planned.",
         "Synthetic progress note: reported to Cabinet this quarter.",
         "Synthetic progress note: awaiting a decision at Full Council.",
         "Synthetic progress note: resources reallocated; timescale under review."]
TITLES = {
    "Local priorities and outcomes": [
        "Agree a clear, shared vision for the place", "Refresh the corporate plan and its priorities",
        "Use resident insight to set priorities", "Set measurable outcomes for each priority",
        "Align service plans with the council's priorities", "Develop a place narrative with partners"],
    "Organisational and place leadership": [
        "Strengthen place leadership with partners", "Build the leadership team's capacity",
        "Lead the local economic growth agenda", "Invest in relationships with town and parish councils",
        "Take a visible role in regional partnerships", "Develop a shared plan with health and police partners"],
    "Governance and culture": [
        "Strengthen member-officer relationships", "Review the constitution and scheme of delegation",
        "Improve the effectiveness of scrutiny", "Embed a positive organisational culture",
        "Strengthen risk management and assurance", "Improve decision-making transparency"],
    "Financial planning and management": [
        "Close the medium-term budget gap", "Develop a sustainable medium-term financial strategy",
        "Rebuild reserves to a prudent level", "Strengthen the capital programme's governance",
        "Review commercial investments and borrowing", "Deliver the savings programme on time"],
    "Capacity for improvement": [
        "Create capacity to deliver the transformation programme", "Develop a workforce strategy",
        "Improve programme and project management", "Invest in digital and data capability",
        "Strengthen performance management", "Improve internal and external communications"],
    "Council-requested focus": [
        "Review the council's approach to its requested focus area", "Develop the focus-area delivery plan"],
}
ACCOUNTABLE = ["Leader of the Council", "Chief Executive", "Cabinet Member for Finance",
               "Cabinet Member for Resources", "Deputy Leader", "Chair of Overview and Scrutiny"]
RESPONSIBLE = ["Chief Executive", "Section 151 Officer", "Monitoring Officer", "Director of Resources",
               "Head of Policy and Performance", "Director of Place", "Head of HR and OD",
               "Head of Communications"]
FOCUS_AREAS = ["Economic growth", "Housing delivery", "Climate change", "Customer experience",
               "Local government reorganisation", "Regeneration"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
PRECISION_CODES = ("day", "month", "quarter", "season", "year")
SEASON_OF_END = {5: "Spring", 8: "Summer", 11: "Autumn"}
NO_TARGET_TEXT = ["Ongoing", "TBC", None, "Ongoing"]


# ---- dates as numpy datetime64[D] from "months since Jan 1970" ---------------------------------------
_M0 = np.datetime64("1970-01", "M")
_ONE_DAY = np.timedelta64(1, "D")


def _month_start(m):
    return (_M0 + np.asarray(m).astype("timedelta64[M]")).astype("datetime64[D]")


def _month_end(m):
    return (_M0 + (np.asarray(m) + 1).astype("timedelta64[M]")).astype("datetime64[D]") - _ONE_DAY


def _month_of(d):
    return d.astype("datetime64[M]").astype(np.int64)


def _fy_quarter_label(end: dt.date) -> str:
    """The UK financial-year quarter ending on ``end``'s month: Jun 2020 -> 'Q1 2020/21'."""
    q = {6: 1, 9: 2, 12: 3, 3: 4}[end.month]
    fy = end.year if end.month >= 4 else end.year - 1
    return f"Q{q} {fy}/{(fy + 1) % 100:02d}"


def format_date(value: dt.date | None, precision: str | None, style: int = 0) -> str | None:
    """Text as councils write a (period-end date, precision); parse_date reads it back to the same pair."""
    if value is None or precision is None:
        return None
    if precision == "day":
        return value.isoformat() if style % 3 == 0 else (
            value.strftime("%d/%m/%Y") if style % 3 == 1 else f"{value.day} {MONTHS[value.month - 1]} {value.year}")
    if precision == "month":
        return [value.strftime("%Y-%m"), f"{MONTHS[value.month - 1][:3]} {value.year}",
                f"{MONTHS[value.month - 1][:3]} {value.year % 100:02d}", f"end of {MONTHS[value.month - 1]} {value.year}",
                f"{MONTHS[value.month - 1]} {value.year}"][style % 5]
    if precision == "quarter":
        return _fy_quarter_label(value)
    if precision == "season":
        return f"{SEASON_OF_END[value.month]} {value.year}"
    if precision == "year":
        return f"{value.year - 1}/{value.year % 100:02d}"
    raise ValueError(precision)


# ---- the real theme distribution ---------------------------------------------------------------------
@dataclass
class ThemeModel:
    themes: list[str]
    theme_p: np.ndarray
    topics: list[str]
    topic_p: dict[str, np.ndarray]  # core theme -> probabilities over topics
    n_topics_p: np.ndarray  # P(1..4 topics)


def theme_model(path: Path | None = None) -> ThemeModel:
    """Core-theme and topic frequencies of the committed recommendations (topics conditional on theme),
    restricted to topics that are canonical in the repository's taxonomy."""
    path = path or PROJECT_ROOT / "data" / "recommendations.parquet"
    from peer_challenges.domain.taxonomy import load_taxonomy
    tax = load_taxonomy(PROJECT_ROOT / "data" / "taxonomy.yaml")
    rows = pq.read_table(path, columns=["core_theme", "topics"]).to_pylist()
    theme_counts = Counter(r["core_theme"] for r in rows if r["core_theme"] in CORE_THEMES)
    if not theme_counts:
        raise UserError(f"{path}: no recommendations with a core theme to draw the theme distribution from")
    topic_counts: Counter = Counter()
    joint: dict[str, Counter] = {t: Counter() for t in theme_counts}
    n_counts: Counter = Counter()
    for r in rows:
        topics = [t for t in (r["topics"] or []) if tax.canonical_topic(t) == t]
        if topics:
            n_counts[min(len(topics), 4)] += 1
        for t in topics:
            topic_counts[t] += 1
            if r["core_theme"] in joint:
                joint[r["core_theme"]][t] += 1
    themes = sorted(theme_counts, key=CORE_THEMES.index)
    topics = sorted(topic_counts)
    glob = np.array([topic_counts[t] for t in topics], float)
    glob /= glob.sum()
    topic_p = {}
    for th in themes:
        v = np.array([joint[th][t] for t in topics], float)
        v = v / v.sum() if v.sum() else glob
        topic_p[th] = 0.85 * v + 0.15 * glob  # mostly the theme's own topics, some spread
    n_p = np.array([n_counts.get(k, 0) for k in (1, 2, 3, 4)], float) + 1
    return ThemeModel(themes, np.array([theme_counts[t] for t in themes], float) / sum(theme_counts.values()),
                      topics, topic_p, n_p / n_p.sum())


# ---- generation ------------------------------------------------------------------------------------
def _cat(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _pad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def _date_array(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(values.astype("datetime64[D]"), type=pa.date32(), mask=mask)


def _pick(pool: list, idx: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(pool, type=pa.string()).take(pa.array(idx.astype(np.int32), mask=mask))


def _precision_array(codes: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return _pick(list(PRECISION_CODES), codes, mask)


@dataclass
class Synth:
    """The generated dataset: Arrow tables in the contract's shape plus what the validator needs."""
    scale: float
    seed: int
    tables: dict[str, pa.Table]
    raw: dict = field(default_factory=dict)  # per-row styles for writing source records
    example_council: str | None = None

    @property
    def rows(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in self.tables.items()}


def generate(scale: float, seed: int = 1, themes: ThemeModel | None = None) -> Synth:
    if not scale > 0:
        raise UserError(f"--scale must be greater than 0; got {scale}")
    rng = np.random.default_rng(seed)
    themes = themes or theme_model()

    # -- councils
    n_co = max(1, round(317 * scale))
    width = max(4, len(str(n_co)))
    blocks = [rng.permutation(317) for _ in range((n_co + 316) // 317)]
    tmpl = np.concatenate(blocks)[:n_co]
    co_region = np.array([TEMPLATE[t][0] for t in tmpl], dtype=object)
    co_type = np.array([TEMPLATE[t][1] for t in tmpl], dtype=object)
    co_num = np.arange(1, n_co + 1)
    council_id = [f"synthetic-council-{i:0{width}d}" for i in co_num]
    names = []
    for i in range(n_co):
        place = PLACE_A[i % len(PLACE_A)] + PLACE_B[(i // len(PLACE_A)) % len(PLACE_B)]
        rounds = i // (len(PLACE_A) * len(PLACE_B))
        if rounds:
            place = f"{place} {rounds + 1}"
        names.append("Synthetic " + NAME_FORM[co_type[i]].format(p=place))
    ons = [f"{ONS_PREFIX[co_type[i]]}{(900000 + i) % 1000000:06d}" for i in range(n_co)]
    councils = pa.table({
        "council_id": pa.array(council_id), "name": pa.array(names), "ons_code": pa.array(ons),
        "council_type": pa.array(co_type.tolist(), pa.string()), "region": pa.array(co_region.tolist(), pa.string()),
        "synthetic": pa.array(np.ones(n_co, bool)),
    })

    # -- challenges: 1-3 per council (mean 2), on-site months 2014-01 .. 2025-06, 30-54 months apart
    k = rng.choice([1, 2, 3], size=n_co, p=[0.2, 0.6, 0.2])
    gaps = rng.integers(30, 55, size=(n_co, 2))
    span = LAST_ONSITE_MONTH - FIRST_MONTH
    used = np.where(k >= 2, gaps[:, 0], 0) + np.where(k >= 3, gaps[:, 1], 0)
    m0 = FIRST_MONTH + (rng.random(n_co) * (span - used + 1)).astype(np.int64)
    ch_co = np.repeat(np.arange(n_co), k)
    n_ch = len(ch_co)
    pos = np.arange(n_ch) - np.repeat(np.cumsum(k) - k, k)  # 0, 1, 2 within the council
    offs = np.where(pos >= 1, gaps[ch_co, 0], 0) + np.where(pos >= 2, gaps[ch_co, 1], 0)
    ch_month = m0[ch_co] + offs
    month_text = pc.utf8_slice_codeunits(pc.cast(pa.array(_month_start(ch_month)), pa.string()), 0, 7)
    ch_id = _cat(pa.array(council_id).take(pa.array(ch_co)), "-", month_text)

    day_prec = rng.random(n_ch) < 0.75
    day = rng.integers(1, 25, size=n_ch)
    onsite_start = np.where(day_prec, _month_start(ch_month) + (day - 1) * _ONE_DAY, _month_end(ch_month))
    onsite_end = onsite_start + 3 * _ONE_DAY
    base = _month_start(ch_month) + 14 * _ONE_DAY
    today = np.datetime64(TODAY)

    def milestone(p_present, lo, hi, start, p_day):
        d = start + rng.integers(lo, hi + 1, size=n_ch) * _ONE_DAY
        present = (rng.random(n_ch) < p_present) & (d <= today)
        is_day = rng.random(n_ch) < p_day
        d = np.where(is_day, d, _month_end(_month_of(d)))
        present &= d <= today
        return d, present, np.where(is_day, 0, 1)  # precision codes: day | month

    rep, rep_ok, rep_prec = milestone(0.75, 35, 140, base, 0.65)
    ap, ap_ok, ap_prec = milestone(0.70, 60, 240, base, 0.70)
    pr, pr_ok, pr_prec = milestone(0.60, 240, 480, base, 1.0)
    prp, prp_ok, prp_prec = milestone(0.55, 30, 120, pr, 0.6)
    prp_ok &= pr_ok

    n_rec = rng.integers(5, 19, size=n_ch)
    total_kind = rng.random(n_ch)
    rec_total = np.where(total_kind < 0.85, n_rec, n_rec + rng.integers(1, 5, size=n_ch))
    rec_total_null = total_kind >= 0.95
    people = rng.integers(40, 201, size=n_ch)
    meetings = rng.integers(15, 61, size=n_ch)
    team = rng.integers(4, 9, size=n_ch)
    focus = rng.integers(0, len(FOCUS_AREAS), size=n_ch)
    has_focus = rng.random(n_ch) < 0.3

    # monitoring: quarterly reports from the quarter after the action plan (or on-site + 5 months)
    monitored = rng.random(n_ch) < 0.85
    basis = np.where(ap_ok, ap, base + 150 * _ONE_DAY)
    q0 = _month_of(basis) // 3 + 1
    n_q = np.where(monitored, rng.integers(1, 9, size=n_ch), 0)
    n_q = np.clip(np.minimum(n_q, CUT_QUARTER - q0 + 1), 0, None)
    monitored = n_q > 0
    as_of_style = rng.choice(4, size=n_ch, p=[0.60, 0.25, 0.12, 0.03])  # day | month | quarter | unknown
    uses_rag = rng.random(n_ch) < 0.4
    wording = rng.choice(4, size=n_ch, p=[0.3, 0.3, 0.2, 0.2])  # 3 = no status text
    pr_assess = pr_ok & (rng.random(n_ch) < 0.6)
    j_pr = np.where(pr_assess, _month_of(pr) // 3 - q0, -1)
    numbering = rng.choice(3, size=n_ch, p=[0.75, 0.2, 0.05])  # "1" | "R1" | none (unnumbered)
    snap_kind = rng.choice(3, size=n_ch, p=[0.65, 0.25, 0.10])  # none | recommendations | actions
    snap_kind = np.where((snap_kind == 1) & ~monitored, 0, snap_kind)
    has_s2 = monitored | (snap_kind > 0)

    # -- recommendations
    rec_ch = np.repeat(np.arange(n_ch), n_rec)
    n_r = len(rec_ch)
    rec_seq = np.arange(n_r) - np.repeat(np.cumsum(n_rec) - n_rec, n_rec) + 1
    rec_id = _cat(ch_id.take(pa.array(rec_ch)), "-r", _pad(rec_seq, 2))
    theme_idx = rng.choice(len(themes.themes), size=n_r, p=themes.theme_p)
    cand = np.empty((n_r, 4), np.int64)
    for ti, th in enumerate(themes.themes):
        sel = theme_idx == ti
        cand[sel] = rng.choice(len(themes.topics), size=(int(sel.sum()), 4), p=themes.topic_p[th])
    n_top = rng.choice([1, 2, 3, 4], size=n_r, p=themes.n_topics_p)
    keep = np.ones((n_r, 4), bool)
    for c in range(1, 4):
        for prev in range(c):
            keep[:, c] &= cand[:, c] != cand[:, prev]
    keep &= np.cumsum(keep, axis=1) <= n_top[:, None]
    topic_offsets = np.concatenate([[0], np.cumsum(keep.sum(axis=1))]).astype(np.int32)
    topics = pa.ListArray.from_arrays(pa.array(topic_offsets), pa.array(themes.topics).take(pa.array(cand[keep])))
    title_pick = rng.integers(0, 6, size=n_r)
    title_pool = [t for th in themes.themes for t in (TITLES[th] * 3)[:6]]
    titles = pa.array(title_pool).take(pa.array(theme_idx * 6 + title_pick))
    has_text = rng.random(n_r) < 0.3
    text = pc.if_else(pa.array(has_text), _cat(titles, ". Synthetic recommendation text for testing at scale."),
                      pa.nulls(n_r, pa.string()))
    number = pc.if_else(pa.array(numbering[rec_ch] == 1), _cat("R", pc.cast(pa.array(rec_seq), pa.string())),
                        pc.cast(pa.array(rec_seq), pa.string()))
    unnumbered = numbering[rec_ch] == 2
    number = pc.if_else(pa.array(unnumbered), pa.nulls(n_r, pa.string()), number)
    record_flag = pc.if_else(pa.array(unnumbered), "unnumbered", pa.nulls(n_r, pa.string()))
    acc_null = rng.random(n_r) < 0.15
    accountable = _pick(ACCOUNTABLE, rng.integers(0, len(ACCOUNTABLE), size=n_r), acc_null)
    responsible = _pick(RESPONSIBLE, rng.integers(0, len(RESPONSIBLE), size=n_r), acc_null & (rng.random(n_r) < 0.7))

    # targets: 1-18 months after the action plan, at a precision; "Ongoing"/"TBC"/nothing for 22%
    has_target = rng.random(n_r) < 0.78
    tm = _month_of(basis[rec_ch]) + rng.integers(1, 19, size=n_r)
    prec = rng.choice(5, size=n_r, p=[0.20, 0.45, 0.18, 0.07, 0.10])
    mon = tm % 12 + 1  # calendar month 1..12
    q_end = tm + (3 - mon % 3) % 3  # next calendar quarter end (Mar, Jun, Sep, Dec)
    season_end = tm + np.select([mon <= 5, mon <= 8, mon <= 11], [5 - mon, 8 - mon, 11 - mon], 17 - mon)
    fy_end = tm + (3 - mon) % 12
    t_month = np.select([prec == 2, prec == 3, prec == 4], [q_end, season_end, fy_end], tm)
    exact_day = (prec == 0) & (rng.random(n_r) < 0.3)
    target = np.where(exact_day, _month_start(t_month) + rng.integers(0, 28, size=n_r) * _ONE_DAY, _month_end(t_month))
    style = rng.integers(0, 5, size=n_r)
    no_target_pick = rng.integers(0, len(NO_TARGET_TEXT), size=n_r)
    target_raw = _target_raw(target, prec, style, has_target, no_target_pick)

    # -- updates: one row per recommendation per reporting quarter
    kind_r = rng.choice(4, size=n_r, p=[0.85, 0.07, 0.03, 0.05])  # normal | ongoing | superseded | stalled
    start_r = rng.choice(3, size=n_r, p=[0.7, 0.2, 0.1])
    done_r = start_r + rng.geometric(0.3, size=n_r)
    sup_r = start_r + rng.integers(1, 5, size=n_r)
    keep_after = rng.random(n_r) < 0.35
    delays = rng.random(n_r) < 0.5
    revises = rng.random(n_r) < 0.55
    rev_months = rng.integers(3, 13, size=n_r)
    nq_r = n_q[rec_ch]
    u = np.select([kind_r == 0, kind_r == 2],
                  [np.where(keep_after, nq_r, np.minimum(done_r + 1, nq_r)), np.minimum(sup_r + 1, nq_r)], nq_r)
    up_rec = np.repeat(np.arange(n_r), u)
    n_u = len(up_rec)
    j = np.arange(n_u) - np.repeat(np.cumsum(u) - u, u)
    up_ch = rec_ch[up_rec]
    q_end_date = _month_end(3 * (q0[up_ch] + j) + 2)
    is_pr = j == j_pr[up_ch]
    true_as_of = np.where(is_pr, pr[up_ch], q_end_date)
    tgt = target[up_rec]
    overdue = has_target[up_rec] & (true_as_of > tgt)
    kr, s = kind_r[up_rec], start_r[up_rec]
    late_status = np.where(overdue & delays[up_rec], DELAYED, IN_PROGRESS)
    status = np.select(
        [kr == 0, kr == 1, kr == 2],
        [np.where(j < s, NOT_STARTED, np.where(j < done_r[up_rec], late_status, COMPLETE)),
         np.where(j < s, NOT_STARTED, ONGOING),
         np.where(j < sup_r[up_rec], np.where(j < s, NOT_STARTED, late_status), SUPERSEDED)],
        np.where(overdue, DELAYED, NOT_STARTED))
    no_status = (rng.random(n_u) < 0.03) & ~is_pr
    rag_code = np.select(  # 0 red, 1 amber, 2 green, 3 none
        [status == COMPLETE, status == ONGOING, status == IN_PROGRESS, status == NOT_STARTED, status == DELAYED],
        [2, 2, np.where(overdue, 1, 2), 1, 0], 3)
    rag_null = (rag_code == 3) | no_status | ~(uses_rag[up_ch] | is_pr)
    w = wording[up_ch]
    raw_null = (w == 3) | no_status | is_pr
    status_raw = pa.array(np.array(STATUS_RAW, dtype=object).ravel().tolist()).take(
        pa.array((np.minimum(w, 2) * 6 + status).astype(np.int32), mask=raw_null))
    has_rev = overdue & revises[up_rec] & ~no_status
    revised = _month_end(_month_of(tgt) + rev_months[up_rec])
    ast = as_of_style[up_ch]
    as_of_null = (ast == 3) & ~is_pr
    as_of_prec = np.where(is_pr, 0, ast)  # day | month | quarter
    note_null = rng.random(n_u) >= 0.08
    note = _pick(NOTES, rng.integers(0, len(NOTES), size=n_u), note_null)
    up_ch_ids = ch_id.take(pa.array(up_ch))
    up_rec_ids = rec_id.take(pa.array(up_rec))
    updates = pa.table({
        "update_id": _cat(up_rec_ids, "-u", _pad(j + 1, 2)), "recommendation_id": up_rec_ids,
        "challenge_id": up_ch_ids, "council_id": pa.array(council_id).take(pa.array(ch_co[up_ch])),
        "seq": pa.array((j + 1).astype(np.int32)),
        "as_of": _date_array(true_as_of, as_of_null), "as_of_precision": _precision_array(as_of_prec, as_of_null),
        "status": _pick(list(STATUS_CODES), status, no_status), "status_raw": status_raw,
        "rag": _pick(["red", "amber", "green", "green"], rag_code, rag_null),
        "revised_target": _date_array(revised, ~has_rev), "revised_target_precision": _precision_array(np.ones(n_u, int), ~has_rev),
        "assessed_by": pc.if_else(pa.array(is_pr), "peer_team", "council"), "peer_view": pa.nulls(n_u, pa.string()),
        "note": note,
        "source_id": _cat(up_ch_ids, pc.if_else(pa.array(is_pr), "-s3", "-s2")),
    })

    # -- council-wide progress snapshots (recommendations: the latest statuses; actions: invented counts)
    last_row = np.cumsum(u) - 1
    has_rows = u > 0
    last_status = np.full(n_r, -1)
    last_status[has_rows] = np.where(no_status[last_row[has_rows]], -1, status[last_row[has_rows]])
    cnt = {code: np.bincount(rec_ch, weights=(last_status == code), minlength=n_ch).astype(np.int64)
           for code in (COMPLETE, IN_PROGRESS, NOT_STARTED, DELAYED)}
    snap_ch = np.flatnonzero(snap_kind > 0)
    is_recs = snap_kind[snap_ch] == 1
    act_total = rng.integers(20, 91, size=n_ch)[snap_ch]
    act_done = np.floor(act_total * rng.uniform(0.2, 0.95, size=n_ch)[snap_ch]).astype(np.int64)
    snap_month = np.where(monitored[snap_ch], 3 * (q0[snap_ch] + np.maximum(n_q[snap_ch], 1) - 1) + 2,
                          np.minimum(_month_of(base[snap_ch]) + 12, CUT_MONTH))
    snap_ids = ch_id.take(pa.array(snap_ch))
    n_s = len(snap_ch)
    snapshots = pa.table({
        "snapshot_id": _cat(snap_ids, "-p01"), "challenge_id": snap_ids,
        "council_id": pa.array(council_id).take(pa.array(ch_co[snap_ch])),
        "as_of": _date_array(_month_end(snap_month)), "as_of_precision": _precision_array(np.where(is_recs, 0, 1)),
        "unit": pa.array(np.where(is_recs, "recommendations", "actions").tolist(), pa.string()),
        "total": pa.array(np.where(is_recs, n_rec[snap_ch], act_total).astype(np.int32)),
        "complete": pa.array(np.where(is_recs, cnt[COMPLETE][snap_ch], act_done).astype(np.int32)),
        "in_progress": pa.array((cnt[IN_PROGRESS] + cnt[DELAYED])[snap_ch].astype(np.int32), mask=~is_recs),
        "not_started": pa.array(cnt[NOT_STARTED][snap_ch].astype(np.int32), mask=~is_recs),
        "rag_green": pa.nulls(n_s, pa.int32()), "rag_amber": pa.nulls(n_s, pa.int32()), "rag_red": pa.nulls(n_s, pa.int32()),
        "basis": pa.nulls(n_s, pa.string()), "assessed_by": pa.array(["council"] * n_s, pa.string()),
        "is_forecast": pa.array(np.zeros(n_s, bool)),
        "note": pa.array(["Synthetic council-wide progress figure."] * n_s, pa.string()),
        "source_id": _cat(snap_ids, "-s2"),
    })

    # -- sources: s1 feedback report, s2 progress reports, s3 progress review
    src_rows = [(np.arange(n_ch), 1), (np.flatnonzero(has_s2), 2), (np.flatnonzero(pr_ok), 3)]
    src_ch = np.concatenate([r for r, _ in src_rows])
    src_n = np.concatenate([np.full(len(r), n) for r, n in src_rows])
    src_ch_ids = ch_id.take(pa.array(src_ch))
    src_pub = np.select([src_n == 1, src_n == 3], [rep[src_ch], prp[src_ch]], rep[src_ch])
    src_pub_null = np.select([src_n == 1, src_n == 3], [~rep_ok[src_ch], ~prp_ok[src_ch]], True)
    src_pub_prec = np.select([src_n == 1, src_n == 3], [rep_prec[src_ch], prp_prec[src_ch]], 0)
    sid = _cat("s", pc.cast(pa.array(src_n), pa.string()))
    sources = pa.table({
        "source_id": _cat(src_ch_ids, "-", sid), "challenge_id": src_ch_ids,
        "council_id": pa.array(council_id).take(pa.array(ch_co[src_ch])),
        "url": _cat("https://example.org/synthetic-peer-challenges/", src_ch_ids, "/", sid),
        "title": _pick(["", "Synthetic LGA feedback report", "Synthetic action plan progress reports",
                        "Synthetic LGA progress review"], src_n),
        "kind": _pick(["", "lga_feedback_report", "committee_report", "lga_progress_review"], src_n),
        "published": _date_array(src_pub, src_pub_null), "published_precision": _precision_array(src_pub_prec, src_pub_null),
    })

    # -- challenges and recommendations tables
    council_ids_of_ch = pa.array(council_id).take(pa.array(ch_co))
    focus_list = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(has_focus)]).astype(np.int32)),
        pa.array(FOCUS_AREAS).take(pa.array(focus[has_focus])))
    challenges = pa.table({
        "challenge_id": ch_id, "council_id": council_ids_of_ch, "kind": pa.array([KIND] * n_ch),
        "challenge_month": month_text,
        "onsite_start": _date_array(onsite_start), "onsite_start_precision": _precision_array(np.where(day_prec, 0, 1)),
        "onsite_end": _date_array(onsite_end, ~day_prec), "onsite_end_precision": _precision_array(np.zeros(n_ch, int), ~day_prec),
        "report_published": _date_array(rep, ~rep_ok), "report_published_precision": _precision_array(rep_prec, ~rep_ok),
        "report_published_basis": pc.if_else(pa.array(rep_ok), "lga_publication", pa.nulls(n_ch, pa.string())),
        "action_plan_approved": _date_array(ap, ~ap_ok), "action_plan_approved_precision": _precision_array(ap_prec, ~ap_ok),
        "progress_review_onsite": _date_array(pr, ~pr_ok), "progress_review_onsite_precision": _precision_array(pr_prec, ~pr_ok),
        "progress_review_published": _date_array(prp, ~prp_ok),
        "progress_review_published_precision": _precision_array(prp_prec, ~prp_ok),
        "progress_review_published_basis": pc.if_else(pa.array(prp_ok), "lga_publication", pa.nulls(n_ch, pa.string())),
        "progress_review_kind": pc.if_else(pa.array(pr_ok), "progress_review", pa.nulls(n_ch, pa.string())),
        "pandemic_delayed": pa.array(np.zeros(n_ch, bool)),
        "people_met": pa.array(people.astype(np.int32)), "people_met_lower_bound": pa.array(people % 3 == 0),
        "meetings_held": pa.array(meetings.astype(np.int32)), "meetings_held_lower_bound": pa.array(np.zeros(n_ch, bool)),
        "peer_team_size": pa.array(team.astype(np.int32)),
        "recommendations_total": pa.array(rec_total.astype(np.int32), mask=rec_total_null),
        "recommendations_recorded": pa.array(n_rec.astype(np.int32)),
        "focus_areas": focus_list, "joint_with": pa.ListArray.from_arrays(pa.array(np.zeros(n_ch + 1, np.int32)), pa.array([], pa.string())),
        "synthetic": pa.array(np.ones(n_ch, bool)),
        "notes": pa.array([f"Synthetic record generated by peer_challenges synth (seed {seed})."] * n_ch),
        "source_file": _cat("sources/", council_ids_of_ch, "/", month_text, "-corporate-peer-challenge.yaml"),
        "report_group": ch_id,
    })
    recommendations = pa.table({
        "recommendation_id": rec_id, "challenge_id": ch_id.take(pa.array(rec_ch)),
        "council_id": pa.array(council_id).take(pa.array(ch_co[rec_ch])), "seq": pa.array(rec_seq.astype(np.int32)),
        "number": number, "title": titles, "text": text,
        "core_theme": pa.array(themes.themes).take(pa.array(theme_idx)), "core_theme_source": pa.array(["curated"] * n_r),
        "topics": topics, "topics_source": pa.array(["curated"] * n_r), "record_flag": record_flag,
        "record_kind": pa.array(["recommendation"] * n_r, pa.string()), "stands_for": pa.nulls(n_r, pa.int32()),
        "accountable": accountable, "responsible": responsible, "target_raw": target_raw,
        "target_date": _date_array(target, ~has_target), "target_precision": _precision_array(prec, ~has_target),
        "source_id": _cat(ch_id.take(pa.array(rec_ch)), "-s1"),
    })
    tables = {"councils": councils, "challenges": challenges, "recommendations": recommendations,
              "updates": updates, "sources": sources, "progress_snapshots": snapshots,
              "council_register": synthetic_register(councils)}
    raw = {"n_rec": n_rec, "u": u, "as_of_style": as_of_style, "is_pr": is_pr, "rec_total_null": rec_total_null,
           "snap_ch": snap_ch}
    # an example council for "?council=": the one with the most update rows among the first 317
    upd_per_co = np.bincount(ch_co[up_ch], minlength=n_co) if n_u else np.zeros(n_co, int)
    example = council_id[int(np.argmax(upd_per_co[:317]))]
    return Synth(scale=scale, seed=seed, tables=tables, raw=raw, example_council=example)


def _target_raw(target, prec, style, has_target, no_target_pick) -> pa.Array:
    """target_raw as a council writes it, formatted once per distinct (date, precision, style)."""
    days = target.astype("datetime64[D]").astype(np.int64)
    key = np.where(has_target, (days * 8 + prec) * 8 + style, -1 - no_target_pick)
    uniq, inverse = np.unique(key, return_inverse=True)
    texts = []
    for kv in uniq.tolist():
        if kv < 0:
            texts.append(NO_TARGET_TEXT[-1 - kv])
            continue
        st, rest = kv % 8, kv // 8
        p, d = rest % 8, rest // 8
        value = dt.date(1970, 1, 1) + dt.timedelta(days=d)
        texts.append(format_date(value, PRECISION_CODES[p], st))
    return pa.array(texts, pa.string()).take(pa.array(inverse.astype(np.int32)))


def synthetic_register(councils: pa.Table) -> pa.Table:
    """council_register for synthetic councils: each in force since the register's start, no reorganisation
    (the build's synthetic_register_row, column for column)."""
    from peer_challenges.store.build import synthetic_register_row

    rows = [synthetic_register_row({**c, "synthetic": True}) for c in
            councils.select(["council_id", "name", "ons_code", "council_type", "region"]).to_pylist()]
    return pa.Table.from_pylist(rows)

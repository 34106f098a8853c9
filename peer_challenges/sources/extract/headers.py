"""Header recognition: which column a table header cell names (Ref, Recommendation, Position,
Actions, Owner / Accountable / Responsible, Timescale, Revised target, Status, RAG, As at, Theme),
matched by meaning against a list of patterns, and which row of a table is its header row (the
best-scoring row among the first rows, so title rows above it are skipped)."""

from __future__ import annotations

import re

from peer_challenges.sources.extract.common import _cell_text


# ============================================================================ header recognition

# (kind, pattern): a header cell, normalised (lower case, single spaces, no trailing punctuation),
# must match a pattern in full. The first kind whose pattern matches wins, so the order matters.
_COLUMN_PATTERNS: list[tuple[str, str]] = [
    ("ref", r"(?:rec(?:ommendation)?\.?\s*)?(?:ref(?:erence)?\.?|no\.?|number|num|#|id)(?:\s*(?:no\.?|number))?"),
    ("ref", r"item(?:\s+no\.?)?|recs?\.?|r\s*#|s\s*/?\s*no\.?|line"),
    ("revised_target", r"(?:revised|new|updated|amended|current)\s+(?:target(?:\s+date)?|timescales?|date|deadline|"
                       r"due\s+date|completion\s+date|end\s+date)"),
    ("target", r"(?:original\s+|agreed\s+|proposed\s+)?(?:timescales?|target(?:\s+(?:completion\s+)?(?:date|timescale|end\s+date))?|"
               r"target\s+completion|due(?:\s+(?:date|by))?|deadline|completion\s+date|by\s+when|when|date(?:\s+due)?|"
               r"time\s*frame|timeline|end\s+date|delivery\s+date|expected\s+completion(?:\s+date)?|"
               r"completion\s+by|to\s+be\s+completed\s+by)"),
    ("rag", r"(?:current\s+|overall\s+|progress\s+)?(?:rag|r\s*/\s*a\s*/\s*g|r\s+a\s+g|bram|brag)(?:\s+(?:rating|status|rated))?|"
            r"rating|traffic\s+light"),
    ("status", r"(?:current\s+|overall\s+|progress\s+|delivery\s+|action\s+|implementation\s+|completion\s+)?status|"
               r"progress|status\s+update|(?:current\s+)?progress\s+status|complete\??|completed\??|done\??"),
    ("position", r"(?:current\s+)?position(?:\s+(?:on|against)\s+the\s+recommendations?)?(?:\s+statement)?|"
                 r"progress\s+(?:update|to\s+date|so\s+far|made|report|comments?|narrative|summary|commentary|against\s+.*|since\s+.*)|"
                 r"(?:latest\s+|progress\s+)?updates?|comments?|commentary|narrative|notes?|evidence|"
                 r"(?:what\s+we\s+have\s+done|work\s+(?:done|completed)(?:\s+to\s+date)?)|outcomes?(?:\s+achieved)?"),
    ("action", r"(?:(?:proposed|planned|agreed|key|council'?s?|our)\s+)?actions?(?:\s+(?:to\s+be\s+taken|proposed|required|"
               r"planned|taken|to\s+date|agreed))?|(?:council|management|our)\s+response|response|"
               r"what\s+we\s+will\s+do|how\s+we\s+will\s+(?:respond|deliver(?:\s+it)?)|milestones?|deliverables?|"
               r"activity|activities|next\s+steps"),
    ("as_of", r"date\s+(?:of\s+)?(?:last\s+)?update(?:d)?|last\s+updated?|updated(?:\s+on)?|as\s+at|as\s+of|"
              r"update\s+date|reporting\s+date|date\s+updated"),
    ("accountable", r"accountable(?:\s+(?:officer|member|lead|person|owner|director))?|"
                    r"(?:lead|responsible)\s+(?:member|councillor|cllr)s?|portfolio\s+holders?|"
                    r"(?:lead\s+)?cabinet\s+members?|political\s+lead|member\s+lead|executive\s+lead|"
                    r"senior\s+responsible\s+officer|sro|sponsor"),
    ("responsible", r"responsible(?:\s+(?:officer|lead|person|owner|officers|director|manager))?|"
                    r"(?:lead|responsible)\s+officers?|officer\s+lead|lead\s+director|delivery\s+lead|"
                    r"lead\s+officer\s*\(s\)"),
    ("owner", r"(?:action\s+|recommendation\s+)?owners?(?:\s*\(s\))?|leads?|lead\s*\(s\)|"
              r"lead\s+(?:person|team|service|area)|by\s+whom|who|responsibility|ownership"),
    ("text", r"(?:the\s+)?(?:(?:lga|cpc|peer|peer\s+team'?s?|peer\s+challenge|key|corporate\s+peer\s+challenge|"
             r"original|lga\s+peer)\s+)?(?:recommendations?|recs?)(?:\s+(?:text|description|made|in\s+full|"
             r"from\s+the\s+peer\s+(?:team|challenge|review)|title))?"),
    ("text", r"areas?\s+for\s+(?:development|improvement|consideration)|(?:key\s+)?(?:findings?|issues?)|description|"
             r"what\s+the\s+peers?\s+(?:said|recommended)|peer\s+(?:challenge\s+)?feedback|peer\s+findings?|"
             r"feedback|summary"),
    ("theme", r"(?:core\s+|cpc\s+|key\s+)?(?:themes?|elements?|areas?|priority|priorities|category|categories|"
              r"topics?|workstreams?|headings?)"),
]
_COLUMN_RES = [(kind, re.compile(pattern)) for kind, pattern in _COLUMN_PATTERNS]
_STRUCTURED = {"accountable", "responsible", "owner", "target", "revised_target", "status", "rag", "as_of"}
_FREE_TEXT = {"text", "position", "action", "theme"}


def _normalise_header(cell) -> str:
    text = _cell_text(cell).lower().replace("\u2019", "'").replace("&", " and ")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"^[\s*#:.\-]+|[\s*:.?\-]+$", "", text)
    return text.strip()


def column_kind(cell) -> str | None:
    """What a header cell names (ref, text, position, action, accountable, responsible, owner,
    target, revised_target, status, rag, as_of, theme), or None."""
    text = _normalise_header(cell)
    if not text or len(text) > 60:
        return None
    for kind, pattern in _COLUMN_RES:
        if pattern.fullmatch(text):
            return kind
    return None


def _header_score(row: list) -> tuple[int, dict[int, str]]:
    kinds: dict[int, str] = {}
    for i, cell in enumerate(row):
        kind = column_kind(cell)
        if kind:
            kinds[i] = kind
    distinct = set(kinds.values())
    if "text" not in distinct:
        return 0, kinds
    others = distinct - {"text", "theme"}
    if not others:
        return 0, kinds
    return len(distinct), kinds


def find_header(rows: list[list], max_scan: int = 40) -> tuple[int, dict[int, str]] | None:
    """(row index, {column index: kind}) of the header row, or None.

    A header names a recommendation column and at least one other known column; the best-scoring
    row among the first ``max_scan`` wins (title rows above it are skipped).
    """
    best = None
    for i, row in enumerate(rows[:max_scan]):
        score, kinds = _header_score(row)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i, kinds)
    if best is None:
        return None
    return best[1], best[2]


def _resolve_owner_columns(kinds: dict[int, str]) -> dict[int, str]:
    """Generic 'Owner' / 'Lead' columns: the first becomes accountable unless an Accountable column
    exists, the next responsible. Named columns (Lead officer = responsible, Lead member = accountable)
    keep their meaning."""
    kinds = dict(kinds)
    for i in sorted(kinds):
        if kinds[i] == "owner":
            kinds[i] = "accountable" if "accountable" not in kinds.values() else "responsible"
    return kinds

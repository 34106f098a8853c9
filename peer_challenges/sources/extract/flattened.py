"""Recommendations from action-plan tables flattened to text (a PDF or a copy-paste lost the cell
borders): a header line split into known column names, then row blocks that start with the next
ref number in sequence, each cut into its columns by a best-scoring split whose structured cells
(owner role titles, timescales, statuses) must be recognisable; free-text cells are split apart
where the text allows it."""

from __future__ import annotations

import functools
import re

from peer_challenges.domain.dates import DateParseError, parse_date
from peer_challenges.domain.status import normalise_rag, normalise_status
from peer_challenges.sources.extract.common import _new_rec, _ref_number, _squash
from peer_challenges.sources.extract.headers import _FREE_TEXT, _STRUCTURED, _resolve_owner_columns, column_kind


# ---------------------------------------------------------------------------- flattened tables

# role titles used to split "Leader of the Council Chief Executive" into two owners
_CAP = r"(?:[A-Z][\w'’.-]*|[A-Z]{2,}|ICT|HR|IT)"
_DEPT = rf"{_CAP}(?:(?:\s*,\s*|\s+(?:&|and|of|the|for|-|–)\s+|\s+){_CAP})*"
_ROLE_CORE = (
    rf"(?:Deputy\s+)?Leader(?:\s+of\s+(?:the\s+)?(?:Council|Opposition|{_CAP}(?:\s+{_CAP})*\s+Group))?"
    rf"|(?:(?:Deputy|Assistant|Interim|Acting|Joint|Shared)\s+)*Chief\s+Executive(?:\s+Officer)?"
    rf"|(?:(?:Interim|Acting|Deputy|Assistant|Executive|Strategic|Corporate|Service|Managing|Group|Programme|Project|Operational|Senior)\s+)*"
    rf"Directors?(?:\s+(?:of|for)\s+{_DEPT}|\s*[-–:]\s*{_DEPT}|\s+{_DEPT})?"
    rf"|(?:(?:Interim|Acting|Deputy|Assistant)\s+)*Heads?\s+of\s+{_DEPT}"
    rf"|(?:(?:Deputy|Lead)\s+)?(?:Cabinet|Portfolio)\s+(?:Member|Holder|Lead)s?(?:\s+(?:for|of)\s+{_DEPT})?"
    rf"|Lead\s+(?:Member|Councillor|Cabinet\s+Member)s?(?:\s+(?:for|of)\s+{_DEPT})?"
    rf"|(?:(?:Deputy|Interim|Acting)\s+)?Monitoring\s+Officer"
    rf"|(?:(?:Deputy|Interim|Acting)\s+)?(?:S\.?\s?151|Section\s+151)(?:\s+Officer)?"
    rf"|(?:(?:Deputy|Interim|Acting)\s+)?Chief\s+(?:Finance|Financial|Operating|Digital|People|Legal|Information|Technology|Officer)(?:\s+Officer)?s?"
    rf"|Chief\s+Officers?|(?:Corporate\s+|Senior\s+|Extended\s+|Executive\s+|Strategic\s+)?(?:Leadership|Management)\s+Team"
    rf"|(?:SLT|CMT|CLT|ELT|SMT|LMT|ELB|CLB|SRO|HoPS|MO|CEO|CE|DCE)"
    rf"|(?:{_CAP}\s+){{0,3}}(?:Manager|Officer|Lead|Advisor|Adviser|Team|Board|Committee|Partnership|Panel)s?"
    rf"|(?:(?:Vice\s+)?Chairs?|Chairman|Chairperson)(?:\s+of\s+(?:the\s+)?{_DEPT})?"
    rf"|(?:All\s+)?(?:Members|Councillors|Group\s+Leaders|Political\s+Group\s+Leaders)"
    rf"|(?:Full\s+)?Council|Cabinet|Mayor|(?:Deputy\s+)?Mayor"
)
_ROLE_ONE = rf"(?:{_ROLE_CORE})(?:\s*\((?:[^()]{{1,25}})\))?"
_ROLE = re.compile(rf"{_ROLE_ONE}(?:\s*(?:&|and|/|,)\s*{_ROLE_ONE})*")
_GENERIC_OWNER = re.compile(
    r"(?:[A-Z][\w'’.()/-]*|\(\w+\))(?:\s+(?:[A-Z][\w'’.()/-]*|&|and|of|the|for|/|-|–|\([^()]{1,20}\)))*"
)
_CONNECTORS = {"of", "the", "and", "&", "for", "to", "/", "-", "–"}


def _is_role(text: str) -> bool:
    return bool(_ROLE.fullmatch(text)) and text.split()[-1].lower() not in _CONNECTORS


def _is_generic_owner(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 10 and bool(_GENERIC_OWNER.fullmatch(text))
            and words[-1].lower() not in _CONNECTORS)


_NO_DATE_WORDS = re.compile(r"(?i)^(?:tbc|tba|tbd|to be (?:confirmed|agreed|determined)|on-?\s?going|n/?a|"
                            r"not applicable|continuous|continuing|immediate(?:ly)?|as required|various)$")


@functools.lru_cache(maxsize=4096)
def _is_date_span(text: str) -> bool:
    """Text a timescale column could hold: a readable date, or a no-date word (TBC, Ongoing)."""
    if text.startswith("(") or text.endswith(")"):
        return False
    if not re.search(r"\d", text) and not _NO_DATE_WORDS.match(text):
        return False
    try:
        parse_date(text)
    except DateParseError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _is_status_span(text: str) -> bool:
    return bool(normalise_status(text) or normalise_rag(text))


@functools.lru_cache(maxsize=4096)
def _owner_kind(text: str) -> str | None:
    if _is_role(text):
        return "role"
    if _is_generic_owner(text):
        return "generic"
    return None


_HEADER_WORDS = set("""
ref reference no number num id item rec recs recommendation recommendations position progress update updates
comments comment commentary narrative notes evidence action actions response owner owners lead leads officer
accountable responsible member portfolio holder cabinet timescale timescales target date due deadline completion
when timeframe timeline status rag rating revised theme area priority description finding findings issue
""".split())


def _flat_header(line: str) -> list[tuple[str, str]] | None:
    """Tokenise a flattened header line ("Ref Recommendation Position on the Recommendation
    Accountable Responsible Timescale Status") into [(kind, label)], or None if it is not one.

    The words are split into known column names so that a recommendation column exists, as few
    words as possible are left over (they join the column before), and then as many columns as
    possible: "Ref Recommendation Owner" is three columns, not Ref + "Recommendation Owner"."""
    words = line.split()
    if not 3 <= len(words) <= 30:
        return None
    n = len(words)
    # cheap checks first (this runs on every line of a document)
    if sum(1 for w in words if w.lower().strip(".:()?#") in _HEADER_WORDS) < 3:
        return None
    if not any(column_kind(" ".join(words[:j])) for j in range(1, min(7, n) + 1)):
        return None

    @functools.lru_cache(maxsize=None)
    def best(i: int, has_text: bool):
        """Best (score, segmentation) for words[i:], score = (-unknown, columns)."""
        if i == n:
            return ((0, 0), ()) if has_text else None
        options = []
        for j in range(i + 1, min(n, i + 7) + 1):
            kind = column_kind(" ".join(words[i:j]))
            if kind:
                sub = best(j, has_text or kind == "text")
                if sub:
                    options.append(((sub[0][0], sub[0][1] + 1), ((kind, i, j),) + sub[1]))
        if i > 0:  # an unknown word joins the column before
            sub = best(i + 1, has_text)
            if sub:
                options.append(((sub[0][0] - 1, sub[0][1]), sub[1]))
        return max(options, key=lambda o: o[0]) if options else None

    result = best(0, False)
    if result is None:
        return None
    (neg_unknown, ncols), segs = result
    kinds = [k for k, _, _ in segs]
    if not (set(kinds) & _STRUCTURED) or ncols < 3 or -neg_unknown > 3:
        return None
    cols = []
    for idx, (kind, a, b) in enumerate(segs):
        stop = segs[idx + 1][1] if idx + 1 < len(segs) else n
        cols.append((kind, " ".join(words[a:stop])))
    return cols


_ROW_START = re.compile(r"^\s*(?P<ref>(?:Rec(?:ommendation)?\.?\s*|[A-Z]{1,5}\s?)?\d{1,3}(?:\.\d{1,2})?[a-z]?)[.):]?"
                        r"(?:\s+(?P<rest>\S.*))?$")


def _ref_tuple(ref: str) -> tuple[str, int, int | None] | None:
    m = re.fullmatch(r"(Rec(?:ommendation)?\.?\s*|[A-Z]{0,5})\s?(\d{1,3})(?:\.(\d{1,2}))?([a-z]?)", ref.strip())
    if not m:
        return None
    minor = int(m.group(3)) if m.group(3) else (ord(m.group(4)) - 96 if m.group(4) else None)
    return m.group(1), int(m.group(2)), minor


def _follows(prev: tuple | None, cur: tuple) -> bool:
    if prev is None:
        return cur[1] <= 3
    if cur[0] != prev[0]:
        return False
    if cur[1] == prev[1] + 1 and (cur[2] is None or cur[2] <= 1):
        return True
    if cur[1] == prev[1] and cur[2] is not None and (prev[2] or 0) + 1 == cur[2]:
        return True
    return False


def _flattened_tables(lines: list[str]) -> tuple[list[dict], list[str]]:
    """Recommendations from action-plan tables flattened to text (seed 001's layout)."""
    recs: list[dict] = []
    warnings: list[str] = []
    i = 0
    while i < len(lines):
        header = None
        span = 0
        for n in (1, 2, 3):
            if i + n > len(lines):
                break
            chunk = lines[i:i + n]
            if n > 1 and (any(not c.strip() for c in chunk) or _flat_header(lines[i + 1].strip())):
                break  # a header split over lines, but not a title line glued to a real header
            header = _flat_header(" ".join(c.strip() for c in chunk))
            if header:
                span = n
                break
        if not header:
            i += 1
            continue
        header_line = " ".join(c.strip() for c in lines[i:i + span])
        i += span
        # row blocks: each starts with the next ref in sequence
        blocks: list[tuple[str, list[str]]] = []
        prev = None
        j = i
        while j < len(lines):
            line = lines[j]
            if _squash(line) == _squash(header_line):  # repeated header after a page break
                j += 1
                continue
            m = _ROW_START.match(line)
            ref_t = _ref_tuple(m.group("ref")) if m else None
            if m and ref_t and _follows(prev, ref_t):
                blocks.append((m.group("ref"), [m.group("rest") or ""]))
                prev = ref_t
                j += 1
                continue
            if not blocks:
                if line.strip() and j - i > 3:
                    break  # no row soon after the header: not a table
                j += 1
                continue
            if not line.strip():
                # a blank line ends the table unless the next row follows
                k = j + 1
                while k < len(lines) and not lines[k].strip():
                    k += 1
                nxt = _ROW_START.match(lines[k]) if k < len(lines) else None
                nxt_t = _ref_tuple(nxt.group("ref")) if nxt else None
                if nxt and nxt_t and _follows(prev, nxt_t):
                    j = k
                    continue
                break
            blocks[-1][1].append(line)
            j += 1
        i = j
        if not blocks:
            continue
        col_kinds = [k for k, _ in header if k != "ref"]
        if header[0][0] != "ref":
            warnings.append("flattened table without a Ref column: rows were found by their leading numbers")
        for k, (ref, block_lines) in enumerate(blocks):
            score, rec = _parse_flat_row(ref, block_lines, col_kinds)
            if k == len(blocks) - 1:
                # the last row may run into the text after the table when no blank line separates them
                for cut in range(1, min(3, len(block_lines) - 1) + 1):
                    score2, rec2 = _parse_flat_row(ref, block_lines[:-cut], col_kinds)
                    if score2 >= score + 10:
                        score, rec = score2, rec2
            recs.append(rec)
    return recs, warnings


def _tokens(block_lines: list[str]) -> list[tuple[str, bool]]:
    """Words with a flag: does the word start a line?"""
    out = []
    for line in block_lines:
        for k, word in enumerate(line.split()):
            out.append((word, k == 0))
    return out


_MAX_ROW_WORDS = 250


def _parse_flat_row(ref: str, block_lines: list[str], col_kinds: list[str]) -> tuple[float, dict]:
    toks = _tokens(block_lines)
    if len(toks) > _MAX_ROW_WORDS and col_kinds and col_kinds[0] in _FREE_TEXT:
        # a very long row: the structured cells are near its end; glue the head onto the first text cell
        head, toks = toks[:-_MAX_ROW_WORDS // 2], toks[-_MAX_ROW_WORDS // 2:]
        toks = [(" ".join(w for w, _ in head) + " " + toks[0][0], head[0][1])] + toks[1:]
    words = [w for w, _ in toks]
    starts = [s for _, s in toks]
    n = len(words)
    # consecutive free-text columns form one group, split afterwards
    groups: list[tuple[str, list[str]]] = []
    for kind in col_kinds:
        if kind in _FREE_TEXT:
            if groups and groups[-1][0] == "free":
                groups[-1][1].append(kind)
            else:
                groups.append(("free", [kind]))
        else:
            groups.append((kind, [kind]))
    cache: dict = {}
    digits = [0]
    for w in words:
        digits.append(digits[-1] + any(c.isdigit() for c in w))
    capital = [w[:1].isupper() or w[:1] == "(" for w in words]

    def span_score(kind: str, a: int, b: int) -> float | None:
        key = (kind, a, b)
        if key in cache:
            return cache[key]
        score = None
        if kind in ("target", "revised_target", "as_of"):
            if b - a <= 6 and (digits[b] > digits[a] or b - a <= 4) and _is_date_span(" ".join(words[a:b])):
                score = 10 + 0.5 * (b - a)
        elif kind in ("status", "rag"):
            if b - a <= (5 if kind == "status" else 3) and _is_status_span(" ".join(words[a:b])):
                score = 10 + 0.5 * (b - a)
        elif kind in ("accountable", "responsible", "owner"):
            if b - a <= 12 and capital[a]:
                role = _owner_kind(" ".join(words[a:b]))
                if role == "role":
                    score = 10 + 0.3 * (b - a)
                elif role == "generic":
                    score = 3 + 0.1 * (b - a)
        if score is not None and starts[a]:
            score += 2
        cache[key] = score
        return score

    @functools.lru_cache(maxsize=None)
    def best(g: int, pos: int) -> tuple[float, tuple]:
        """Best (score, spans) for groups g.. over words pos..n."""
        if g == len(groups):
            return (0.0, ()) if pos == n else (-1e9, ())
        kind, members = groups[g]
        options = []
        if kind == "free":
            need = 1 if "text" in members else 0
            for end in range(pos + need, n + 1):
                sub = best(g + 1, end)
                if sub[0] > -1e8:
                    options.append((sub[0], ((pos, end),) + sub[1]))
            if not options:
                return (-1e9, ())
            # prefer the longest free text among equal scores (earliest structured match is the last)
            return max(options, key=lambda o: (o[0], o[1][0][1]))
        # structured: empty, or a span that the recogniser accepts
        sub = best(g + 1, pos)
        options.append((sub[0], ((pos, pos),) + sub[1]))
        for end in range(pos + 1, min(n, pos + 12) + 1):
            s = span_score(kind, pos, end)
            if s is None:
                continue
            sub = best(g + 1, end)
            if sub[0] > -1e8:
                options.append((sub[0] + s, ((pos, end),) + sub[1]))
        return max(options, key=lambda o: o[0])

    score, spans = best(0, 0)
    rec = _new_rec(number=_ref_number(ref))
    owner_cols = [k for k in col_kinds if k in ("accountable", "responsible", "owner")]
    resolved = _resolve_owner_columns(dict(enumerate(owner_cols)))
    owners: list[tuple[str, str]] = []  # (accountable|responsible, text)
    owner_idx = 0
    for (kind, members), (a, b) in zip(groups, spans):
        if kind == "free":
            _split_free(rec, members, words[a:b], starts[a:b])
            continue
        if kind in ("accountable", "responsible", "owner"):
            if a < b:
                owners.append((resolved[owner_idx], " ".join(words[a:b])))
            owner_idx += 1
            continue
        if a == b:
            continue
        text = " ".join(words[a:b])
        key = {"target": "target_raw", "revised_target": "revised_target_raw", "as_of": "as_of_raw",
               "status": "status_raw", "rag": "rag_raw"}[kind]
        rec[key] = text
    if owners:
        generic = [t for _, t in owners if not _is_role(t)]
        if generic and len(owner_cols) > 1:
            whole = " ".join(t for _, t in owners)
            rec["accountable"] = whole
            rec.setdefault("_warn", []).append(
                f"could not split the owners {whole!r} into accountable and responsible; all of it is in accountable")
        else:
            for kind, text in owners:
                rec[kind] = text
            if generic:
                rec.setdefault("_warn", []).append(f"owner {generic[0]!r} is not a role title the extractor knows; check it")
    return score, rec


_POSITION_SPLITS = [
    re.compile(r"\s[-–•]\s+(?=(?:We|Our|The\s+council|The\s+Council|Council|This\s+has|Work\s+has|A\s+\w+\s+has)\b)"),
    re.compile(r"\n\s*[-–•]\s+"),
    re.compile(r"\s-\s"),
]


def _split_free(rec: dict, members: list[str], words: list[str], starts: list[bool]) -> None:
    """Split a run of free-text words into the free-text columns (recommendation, position, actions...)."""
    # rebuild the text with its line breaks
    parts = []
    for w, s in zip(words, starts):
        parts.append(("\n" if s and parts else (" " if parts else "")) + w)
    text = "".join(parts).strip()
    pieces = {}
    if len(members) == 1:
        pieces[members[0]] = text
    else:
        first, rest_members = members[0], members[1:]
        cut = None
        for pattern in _POSITION_SPLITS:
            m = pattern.search(text)
            if m:
                cut = m
                break
        if cut:
            pieces[first] = text[:cut.start()].strip()
            pieces[rest_members[0]] = ("- " + text[cut.end():].strip()) if "-" in cut.group(0) or "•" in cut.group(0) \
                else text[cut.end():].strip()
        else:
            pieces[first] = text
            rec.setdefault("_warn", []).append("could not separate the recommendation from the "
                                               f"{rest_members[0]} text")
    for kind, value in pieces.items():
        value = value.strip()
        if not value:
            continue
        if kind == "text":
            rec["text"] = _squash(value)
        elif kind == "position":
            rec["position"] = _tidy_position(value)
        elif kind == "action":
            rec["actions"] = _tidy_position(value)
        elif kind == "theme":
            rec["theme"] = _squash(value)


def _tidy_position(text: str) -> str:
    """Bullets on their own lines, wrapped lines joined."""
    items = re.split(r"(?:^|\n)\s*[-–•]\s+", "\n" + text)
    items = [_squash(i) for i in items if _squash(i)]
    if len(items) > 1 or text.lstrip().startswith(("-", "–", "•")):
        return "\n".join(f"- {i}" for i in items)
    return _squash(text)

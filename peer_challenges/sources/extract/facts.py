"""Challenge facts a document states: on-site dates, people met, meetings held, peer team size,
how many recommendations the report made, progress-review date, first committee date and action-
plan approval; the date a progress document speaks for ("as at 31 March 2025"); and the council
name, document title and kind of source read from the first lines."""

from __future__ import annotations

import re
from typing import Any

from peer_challenges.domain.dates import try_parse_date
from peer_challenges.sources.extract.common import HTML_EXTS, _NUMBER_WORD, _squash, _to_int
from peer_challenges.sources.extract.paragraphs import _NAV_NOISE, _is_toc


# ============================================================================ challenge facts

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)")
_RANGE = re.compile(
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?P<m1>{_MONTH}))?(?:\s+(?P<y1>\d{{4}}))?\s*(?:-|–|—|to|and|until|till)\s*"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})\s+(?P<y2>\d{{4}})", re.I)
_ONSITE_CUE = re.compile(r"on[- ]?site|took\s+place|visit|peer\s+challenge|peer\s+review|were\s+at|spent|"
                         r"carried\s+out|conducted|welcomed?|peer\s+team", re.I)


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text)


def _date_for_record(text: str) -> str | None:
    """A date phrase as the source files write it: YYYY-MM-DD, YYYY-MM, or the phrase itself."""
    parsed = try_parse_date(text)
    if parsed.value is None:
        return None
    if parsed.precision == "day":
        return parsed.value.isoformat()
    if parsed.precision == "month":
        return parsed.value.strftime("%Y-%m")
    return _squash(text)


def _find_as_of(text: str) -> str | None:
    """The date a progress document speaks for: 'as at 31 March 2025', 'Last updated: 23/03/2023',
    '2nd quarter 2020/21'."""
    flat = _squash(text)
    for pattern in (r"\bas\s+(?:at|of)\s+(?P<d>[\w/ ,.-]{4,30})", r"\blast\s+updated:?\s+(?:on\s+)?(?P<d>[\w/ ,.-]{4,30})",
                    r"\bposition\s+at\s+(?P<d>[\w/ ,.-]{4,30})"):
        for m in re.finditer(pattern, flat, re.I):
            words = m.group("d").split()
            for k in range(min(5, len(words)), 0, -1):
                cand = " ".join(words[:k]).strip(" ,.")
                if re.search(r"\d", cand) and try_parse_date(cand).value:
                    return cand
    m = re.search(r"\b(?P<q>1st|2nd|3rd|4th|first|second|third|fourth)\s+quarter\s+(?:of\s+)?(?P<fy>\d{4}\s*/\s*\d{2,4})",
                  flat, re.I)
    if m:
        q = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4}[m.group("q").lower()]
        return f"Q{q} {m.group('fy').replace(' ', '')}"
    # a short title line such as "Action plan update Q2 2024/25"
    for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:6]:
        if len(line.split()) <= 12 and re.search(r"progress|update|position|monitoring", line, re.I):
            m = re.search(r"\b(?:Q|Quarter\s*)([1-4])\s+(\d{4}\s*/\s*\d{2,4})\b", line, re.I)
            if m and try_parse_date(m.group(0)).value:
                return f"Q{m.group(1)} {m.group(2).replace(' ', '')}"
    return None


def _facts(lines: list[str]) -> tuple[dict, list[str]]:
    """Challenge fields the text states, and warnings."""
    warnings: list[str] = []
    flat = _squash("\n".join(lines))
    facts: dict[str, Any] = {}
    # how many recommendations the report made
    totals = []
    for m in re.finditer(
            r"\b(?:total\s+of|series\s+of|set\s+out|sets\s+out|made|makes|contains?|contained|included?|includes|"
            r"identified|put\s+forward|gave|offers?|offered|proposed|with|its|their|report'?s?|response\s+to|respond\s+to)\s+(?:a\s+series\s+of\s+|"
            r"a\s+total\s+of\s+)?(?:the\s+)?(?P<n>" + _NUMBER_WORD + r")\s+(?:key\s+|main\s+|high[- ]level\s+|specific\s+|"
            r"formal\s+|headline\s+|further\s+)?recommendations\b", flat, re.I):
        totals.append(_to_int(m.group("n")))
    for m in re.finditer(r"\b(?P<n>" + _NUMBER_WORD + r")\s+(?:key\s+|main\s+)?recommendations\s+(?:were|have\s+been|are)\s+"
                         r"(?:made|put\s+forward|set\s+out|given|identified|proposed)", flat, re.I):
        totals.append(_to_int(m.group("n")))
    if totals:
        facts["recommendations_total"] = totals[0]
        if len(set(totals)) > 1:
            warnings.append(f"the text gives different numbers of recommendations ({', '.join(map(str, sorted(set(totals))))}); "
                            f"recommendations_total = {totals[0]}")
    lower = r"(?P<lb>more\s+than|over|at\s+least|in\s+excess\s+of|upwards\s+of|around|approximately|about|almost|nearly|some)?\s*"
    m = re.search(r"\b(?:spoke\s+to|speaking\s+to|spoken\s+to|met(?:\s+with)?|meeting\s+with|talked\s+(?:to|with)|"
                  r"engaged\s+with|interviewed|heard\s+from|conversations\s+with)\s+" + lower +
                  r"(?P<n>\d{1,4})(?P<plus>\+)?\s+(?:different\s+|individual\s+)?(?:people|individuals|persons)\b", flat, re.I)
    if m:
        facts["people_met"] = int(m.group("n"))
        facts["people_met_lower_bound"] = bool(m.group("plus")) or (m.group("lb") or "").lower().split()[:1] in (
            ["more"], ["over"], ["at"], ["in"], ["upwards"])
    for s in _sentences(flat):
        m = re.search(r"\b" + lower + r"(?P<n>\d{1,4})(?P<plus>\+)?\s+(?:separate\s+|different\s+|individual\s+)?meetings\b", s, re.I)
        if m and re.search(r"peer|team|on[- ]?site|visit|interview|people|during\s+their|stay|days", s, re.I):
            facts["meetings_held"] = int(m.group("n"))
            facts["meetings_held_lower_bound"] = bool(m.group("plus")) or (m.group("lb") or "").lower().split()[:1] in (
                ["more"], ["over"], ["at"], ["in"], ["upwards"])
            break
    m = re.search(r"\bpeer\s+(?:review\s+|challenge\s+)?team\s+(?:was\s+)?(?:made\s+up\s+of|consisted\s+of|comprised(?:\s+of)?|"
                  r"of)\s+(?P<n>" + _NUMBER_WORD + r")\b", flat, re.I)
    if m:
        facts["peer_team_size"] = _to_int(m.group("n"))
    # on-site dates
    head_text = _squash("\n".join([ln for ln in lines if ln.strip()][:15]))
    for s in [head_text] + _sentences(flat):
        if "progress review" in s.lower() and s is not head_text:
            continue
        m = _RANGE.search(s)
        if m and (s is head_text or _ONSITE_CUE.search(s)):
            y1 = m.group("y1") or m.group("y2")
            m1 = m.group("m1") or m.group("m2")
            start = _date_for_record(f"{m.group('d1')} {m1} {y1}")
            end = _date_for_record(f"{m.group('d2')} {m.group('m2')} {m.group('y2')}")
            if start and end and start <= end:
                facts["onsite_start"], facts["onsite_end"] = start, end
                break
    if "onsite_start" not in facts:
        for s in _sentences(flat):
            if re.search(r"progress\s+review|report(?:ed)?\s+to", s, re.I):
                continue
            m = re.search(rf"\b(?:in|during|over)\s+(?:the\s+)?(?P<d>(?:{_MONTH}\s+\d{{4}})|(?:(?:spring|summer|autumn|winter)\s+(?:of\s+)?\d{{4}}))",
                          s, re.I)
            if m and _ONSITE_CUE.search(s):
                d = m.group("d").replace(" of ", " ")
                value = _date_for_record(d[:1].upper() + d[1:])
                if value:
                    facts["onsite_start"] = value
                    break
    for s in _sentences(flat):
        if not re.search(r"progress\s+review|review\s+progress", s, re.I):
            continue
        m = re.search(rf"\b(?:in|on|during)\s+(?P<d>(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\s+\d{{4}})", s, re.I)
        if m:
            value = _date_for_record(m.group("d"))
            if value:
                facts["progress_review_onsite"] = value
                break
    m = re.search(rf"\b(?:reported|presented|taken|submitted|considered)\s+(?:it\s+)?(?:to|by|at)\s+(?:the\s+|a\s+meeting\s+of\s+(?:the\s+)?)?"
                  rf"(?:full\s+)?(?:Council|Cabinet|Executive|[A-Z][\w&]*(?:\s+[A-Z&][\w&]*)*\s+Committee)\s+on\s+"
                  rf"(?P<d>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}})", flat)
    if m:
        facts["report_published"] = _date_for_record(m.group("d"))
        facts["report_published_basis"] = "committee"  # DATE_BASES: the first committee date
    m = re.search(rf"\baction\s+plan\b[^.]{{0,100}}?\b(?:approved|agreed|adopted)\b(?:\s+by\s+[^.]{{1,40}}?)?\s+(?:in|on)\s+"
                  rf"(?P<d>(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\s+\d{{4}})", flat, re.I)
    if m:
        facts["action_plan_approved"] = _date_for_record(m.group("d"))
    return facts, warnings


def _council_name(lines: list[str]) -> str | None:
    for line in [ln.strip() for ln in lines if ln.strip()][:15]:
        line = line.lstrip("# ").strip()
        if re.fullmatch(r"(?:[A-Z][\w&'’.,-]*\s+){1,6}(?:Council)|London\s+Borough\s+of\s+[A-Z][\w ]+|"
                        r"(?:Royal\s+)?Borough\s+of\s+[A-Z][\w ]+(?:\s+Council)?", line) and \
                not re.match(r"Local\s+Government|Full\s+Council|The\s+Council$", line):
            return line
    return None


def _doc_title(lines: list[str]) -> str | None:
    for line in lines[:30]:
        text = line.strip().lstrip("#").strip()
        if not text or _NAV_NOISE.match(text) or _is_toc(line):
            continue
        if len(text.split()) <= 15:
            return text
        return None
    return None


def _source_kind(flat_head: str, ext: str) -> str:
    low = flat_head.lower()
    if "progress review" in low and ("local government association" in low or "lga" in low.split()):
        return "lga_progress_review"
    if "feedback report" in low and ("peer challenge" in low or "lga" in low.split()):
        return "lga_feedback_report"
    if re.search(r"\b(?:cabinet|committee|council)\b.*\b(?:meeting\s+date|report\s+subject|report\s+of|report\s+to)\b|"
                 r"\b(?:cabinet|committee|scrutiny)\s+report\b|"
                 r"\breport\s+to\b.*\b(?:cabinet|committee|council)\b|\bagenda\s+item\b", low):
        return "committee_report"
    if ext in HTML_EXTS:
        return "council_page"
    return "other"

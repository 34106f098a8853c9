"""Text clean-up and paragraph structure for the prose recognisers: normalised lines (bullets,
markdown emphasis and links, odd spaces), contents-page lines, the lines that start a
recommendation ("Recommendation 3", "REC 2 (CRD2)"), labelled lines ("Target: Oct 24",
"Status:"), and paragraphs rebuilt from lines, including PDF text without blank lines, with what
counts as a heading."""

from __future__ import annotations

import re

from peer_challenges.sources.extract.common import _squash


# ============================================================================ text clean-up

_BULLET_GLYPHS = "•▪◦●○■□➢►▶✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\u2023\u2043\u25aa\u25cf\u2219\u00b7\u25e6\u27a2"
_NAV_NOISE = re.compile(r"^(?:skip to (?:main )?content|menu|search|home|cookies?.*|accept .*cookies.*)$", re.I)


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.translate({0xa0: " ", 0x2007: " ", 0x202f: " ", 0x2009: " ", 0x200b: None, 0xad: None,
                           0x2010: "-", 0x2011: "-", 0x0c: "\n"})
    # markdown emphasis and links
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"\[([^\]\n]+)\]\([^)\n]*\)", r"\1", text)
    lines = []
    for line in text.split("\n"):
        line = line.rstrip()
        m = re.match(rf"^(\s*)[{_BULLET_GLYPHS}]\s*", line)
        if m:
            line = m.group(1) + "- " + line[m.end():]
        lines.append(line)
    return lines


_TOC = re.compile(r"(?:\t|\.{3,}|…+|\s{3,})\s*\d{1,3}\s*$")


def _is_toc(line: str) -> bool:
    return bool(_TOC.search(line.rstrip()))


# ============================================================================ prose

_REC_HEAD = re.compile(
    r"^(?:#{1,6}\s*)?(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:(?:key|peer(?:\s+team)?|lga|main)\s+)?"
    r"recommendation\s*(?:no\.?\s*|number\s*)?(?P<num>\d{1,3}[a-z]?)\b"
    r"(?:\s*\((?P<code>[A-Za-z]{1,6}\s?\d{1,3}[a-z]?)\))?(?:(?P<sep>\s*[:.)\-–—]\s*)(?P<rest>.*)|\s*$)",
    re.I)
_REC_CODE = re.compile(
    r"^(?:#{1,6}\s*)?(?:REC|Rec)\.?\s*(?P<num>\d{1,3}[a-z]?)\s*(?:\((?P<code>[A-Za-z]{1,6}\s?\d{1,3}[a-z]?)\))?"
    r"\s*[:.\-–—)]?\s+(?P<rest>\S.*)$"
    r"|^(?:#{1,6}\s*)?R(?P<num2>\d{1,3}[a-z]?)\s*[:.\-–—)]\s+(?P<rest2>\S.*)$")
_NOT_A_REC_REST = re.compile(r"^(?:see|above|below|in|of|and|to|is|was|has|will|refers?|relates?|"
                             r"as|on|at|for|with|which|that)\b", re.I)


def _rec_start(line: str):
    """(number, code, inline text) if the line starts a recommendation, else None."""
    stripped = line.strip()
    if not stripped or _is_toc(line):
        return None
    m = _REC_HEAD.match(stripped)
    if m:
        rest = (m.group("rest") or "").strip()
        if rest and (_NOT_A_REC_REST.match(rest) or re.fullmatch(r"\d{1,3}", rest)):
            return None
        return m.group("num"), m.group("code"), rest
    m = _REC_CODE.match(stripped)
    if m:
        num = m.group("num") or m.group("num2")
        rest = (m.group("rest") or m.group("rest2") or "").strip()
        if _NOT_A_REC_REST.match(rest):
            return None
        return num, m.group("code"), rest
    return None


_LABEL_KINDS: list[tuple[str, str]] = [
    ("revised_target", r"revised\s+(?:target(?:\s+date)?|timescales?|date|deadline)|new\s+target(?:\s+date)?"),
    ("target", r"target(?:\s+(?:completion\s+)?date)?|timescales?|time\s*frame|deadline|due(?:\s+date|\s+by)?|"
               r"completion\s+date|by\s+when|target\s+completion|original\s+target|when"),
    ("status", r"(?:current\s+|overall\s+|progress\s+)?status"),
    ("rag", r"rag(?:\s+(?:rating|status))?|rating"),
    ("accountable", r"accountable(?:\s+(?:officer|member|lead))?|lead\s+member|portfolio\s+holder|"
                    r"(?:lead\s+)?cabinet\s+member|political\s+lead"),
    ("responsible", r"responsible(?:\s+officer)?|lead\s+officer|officer\s+lead"),
    ("owner", r"owners?|leads?|action\s+owner|lead\s*\(s\)"),
    ("position", r"progress(?:\s+(?:update|to\s+date|so\s+far|made))?|update|position|current\s+position|"
                 r"comments?|commentary|position\s+statement|latest\s+position"),
    ("action", r"actions?(?:\s+(?:taken|to\s+date|proposed|planned|agreed))?|council\s+response|response|"
               r"what\s+we\s+will\s+do"),
    ("theme", r"(?:core\s+)?theme"),
    ("as_of", r"as\s+at|as\s+of|date\s+of\s+update|last\s+updated"),
]
_LABEL_ALT = "|".join(f"(?P<{k}{i}>{p})" for i, (k, p) in enumerate(_LABEL_KINDS))
_LABEL_RE = re.compile(rf"^\s*(?:[-*]\s*)?(?:{_LABEL_ALT})\s*(?::|\s[-–—]\s)\s*(?P<value>.*)$", re.I)
_LABEL_SPLIT = re.compile(rf"(?:\s*[|;]\s*|\s+[–—]\s+)(?=(?:{'|'.join(p for _, p in _LABEL_KINDS)})\s*:)", re.I)


_BARE_LABEL_RE = re.compile(rf"^\s*(?:[-*]\s*)?(?:{_LABEL_ALT})\s*:?\s*$", re.I)


def _bare_label(line: str) -> str | None:
    """The kind of a label standing alone on its line ("Progress update", "Status:"), else None."""
    m = _BARE_LABEL_RE.match(line)
    if not m:
        return None
    for name, value in m.groupdict().items():
        if value is not None:
            return re.sub(r"\d+$", "", name)
    return None


def _label(line: str):
    """(kind, value) for a labelled line such as "Target: Oct 24", else None."""
    m = _LABEL_RE.match(line)
    if not m:
        return None
    for name, value in m.groupdict().items():
        if value is not None and name != "value":
            return re.sub(r"\d+$", "", name), m.group("value").strip()
    return None


class _Para:
    """A paragraph: lines joined, with what its first line looks like."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    @property
    def first(self) -> str:
        return self.lines[0]

    @property
    def text(self) -> str:
        joined = ""
        for line in self.lines:
            line = line.strip()
            if joined.endswith("-") and not joined.endswith(" -") and line[:1].islower():
                joined = joined + line  # "decision-" + "making": keep the hyphen, no space
            else:
                joined = f"{joined} {line}" if joined else line
        return _squash(joined)

    @property
    def indent(self) -> bool:
        return self.first[:1] in (" ", "\t")

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"_Para({self.text[:60]!r})"


_ITEM = re.compile(r"^\s*(?:(?P<num>\d{1,2})[.)]|\((?P<num2>\d{1,2})\)|(?P<letter>[a-z])[.)]|\((?P<letter2>[a-z])\)|"
                   r"(?P<bullet>[-*]))\s+(?P<rest>\S.*)$")
_NUMBERED_PARA = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})+\.?\s+\S")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+\S")


def _is_break_line(line: str) -> bool:
    """A line that always starts a new paragraph."""
    return bool(_rec_start(line) or _label(line) or _ITEM.match(line) or _NUMBERED_PARA.match(line)
                or _MD_HEADING.match(line) or _is_toc(line))


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.:;!?][\"'’”)\]]*\s*$", text))


def _paragraphs(lines: list[str]) -> list[_Para]:
    paras: list[list[str]] = []
    blank_before: list[bool] = []
    cur: list[str] | None = None
    blank = True
    # text from a PDF often has no blank lines: a paragraph then ends where a line that finishes a
    # sentence is clearly shorter than the lines around it, and a short title line stands alone
    filled = [ln.strip() for ln in lines if ln.strip()]
    dense = len(filled) >= 3 and (len(lines) - len(filled)) < 0.05 * len(lines)
    widths = sorted(len(ln) for ln in filled)
    full = widths[int(len(widths) * 0.9)] if widths else 0
    prev_line = ""
    prev_title = False
    for line in lines:
        if not line.strip():
            cur = None
            blank = True
            prev_line = ""
            continue
        stripped = line.strip()
        title = (len(stripped.split()) <= 8 and not _ends_sentence(stripped) and stripped[:1].isupper()
                 and (not prev_line or _ends_sentence(prev_line) or prev_title))
        pdf_break = dense and cur is not None and (
            (_ends_sentence(prev_line) and len(prev_line.strip()) < 0.8 * full) or title or prev_title)
        new = cur is None or pdf_break or _is_break_line(line) or (
            line[:1] in (" ", "\t") and _ends_sentence(cur[-1]))
        prev_line = line
        prev_title = dense and title
        if new:
            cur = [line]
            paras.append(cur)
            blank_before.append(blank)
        else:
            cur.append(line)
        blank = False
    # re-join paragraphs split by a blank line in the middle of a sentence (PDF page layout)
    out: list[list[str]] = []
    for lines_, was_blank in zip(paras, blank_before):
        if out and was_blank:
            prev = out[-1]
            first = lines_[0]
            lower_next = first[:1].islower() or first[:1].isdigit()
            short_head = len(prev) == 1 and (
                _is_heading(_Para(prev)) or (_rec_start(prev[0]) and len(prev[0].split()) <= 14))
            if (len(prev[-1].strip()) >= 40 and not _ends_sentence(prev[-1]) and first[:1] not in (" ", "\t")
                    and not _is_break_line(first) and not _MD_HEADING.match(prev[0])
                    and (lower_next or not short_head)):
                prev.extend(lines_)
                continue
        out.append(list(lines_))
    return [_Para(p) for p in out]


def _is_heading(p: _Para) -> bool:
    """A section heading: markdown '#', a numbered title, an ALL-CAPS line, or a short title line."""
    if _MD_HEADING.match(p.first):
        return True
    if len(p.lines) > 2 or _label(p.first) or p.indent:
        return False
    text = p.text
    words = text.split()
    if not words or len(words) > 12 or _ends_sentence(text) or text.endswith(","):
        return False
    if re.match(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z]", text):
        return True
    letters = re.sub(r"[^A-Za-z]", "", text)
    if len(letters) >= 4 and letters.isupper():
        return True
    return text[:1].isupper() and len(words) <= 8 and not _ITEM.match(p.first)

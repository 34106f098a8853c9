"""The text of a PDF's table cells: the words pdfplumber finds, grouped into lines, and a cell's lines
joined back into the text the document had (``_join_lines``).

pdfplumber gives the words of a cell line by line, and a line ends either where the layout wrapped the
text (join with a space), where it broke a word too long for the cell (join without one: a one-word
line that fills the cell, then a line going on in lower case; "Recomme" + "ndation"), after a
hyphen ("medium-" + "term", kept as written) or where the text itself started a new line (kept as a
new line: the next word would have fitted, or a paragraph gap). Whether a lower-case word after a
full one-word line is the rest of a broken word is also checked against the whole document: a word
seen elsewhere on its own is a word of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


# ============================================================================ lines and cells

@dataclass
class _Line:
    words: list[dict]

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def x1(self) -> float:
        return self.words[-1]["x1"]

    @property
    def top(self) -> float:
        return min(w["top"] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w["bottom"] for w in self.words)

    @property
    def size(self) -> float:
        return max(w.get("size") or (w["bottom"] - w["top"]) for w in self.words)


@dataclass
class _Cell:
    """One cell of the page: its box and the lines of text inside it (more lines are added when the
    cell goes on at the top of the next page)."""

    x0: float
    x1: float
    lines: list[_Line] = field(default_factory=list)
    ident: int = -1
    _cache: tuple = field(default=(), repr=False)

    def text(self, space: float, vocab: _Vocab | None = None) -> str:
        key = (len(self.lines), id(vocab))
        if not self._cache or self._cache[0] != key:
            self._cache = (key, _join_lines(self.lines, self.x0, self.x1, space, vocab))
        return self._cache[1]


def _norm(word: str) -> str:
    return re.sub(r"^\W+|\W+$", "", word).lower()


@dataclass
class _Vocab:
    """How often each word occurs in the document, and how often each pair (a one-word line that fills
    its cell, the first word of the next line) occurs: a next-line word seen only in such pairs is the
    rest of a word the layout broke ("Recomme" + "ndation"); one seen elsewhere is a word of its own."""

    seen: dict[str, int] = field(default_factory=dict)
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)

    def broken(self, prev: str, nxt: str) -> bool:
        return self.seen.get(_norm(nxt), 0) <= self.pairs.get((_norm(prev), _norm(nxt)), 0)


def _group_lines(words: list[dict]) -> list[_Line]:
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(w["top"] - lines[-1].words[0]["top"]) <= 0.4 * (w.get("size") or 10):
            lines[-1].words.append(w)
        else:
            lines.append(_Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


_SHORT_WORDS = {"a", "i", "an", "as", "at", "be", "by", "do", "go", "if", "in", "is", "it", "me", "my", "no", "of",
                "on", "or", "so", "to", "up", "us", "we"}


def _edge(lines: list[_Line], x0: float, x1: float) -> float:
    """The right end of a cell's text area (cells are padded alike on both sides)."""
    return x1 - max(0.0, min(ln.words[0]["x0"] for ln in lines) - x0)


def _broken_word(prev: _Line, nxt: _Line, edge: float, vocab: _Vocab | None) -> bool:
    """Whether a one-word line is the first part of a word the layout broke for want of room: the word
    fills the line (the next character would not have fitted, give or take a fifth of a point), the next
    line goes on in lower case, and (when the document's words are known) the next line's first word is
    not a word of its own."""
    first = nxt.words[0]
    if len(prev.words) != 1 or not first["text"][:1].islower() or _norm(first["text"]) in _SHORT_WORDS:
        return False
    chars = first.get("chars") or []
    char_w = (chars[0]["x1"] - chars[0]["x0"]) if chars else (first["x1"] - first["x0"]) / max(1, len(first["text"]))
    if edge - prev.x1 >= char_w + 0.2:
        return False
    return vocab is None or vocab.broken(prev.words[0]["text"], first["text"])


def _join_lines(lines: list[_Line], x0: float, x1: float, space: float, vocab: _Vocab | None = None) -> str:
    """A cell's lines as one text: soft wraps joined with a space, words broken across lines joined
    without one, hard line breaks kept as new lines."""
    if not lines:
        return ""
    edge = _edge(lines, x0, x1)
    out = lines[0].text
    for prev, nxt in zip(lines, lines[1:]):
        size = prev.size
        first = nxt.words[0]
        last_word = prev.words[-1]["text"]
        gap = nxt.top - prev.bottom
        if len(last_word) > 1 and last_word.endswith("-") and last_word[-2].isalpha():
            out += nxt.text  # "medium-" + "term": the word keeps its hyphen
        elif _broken_word(prev, nxt, edge, vocab):
            out += nxt.text  # "Recomme" + "ndation"
        elif gap > 0.6 * size or prev.x1 + space * size + (first["x1"] - first["x0"]) <= edge - 0.4 * size:
            out += "\n" + nxt.text  # the next word would have fitted: the text broke the line itself
        else:
            out += " " + nxt.text
    return out


class _Registry:
    """Every cell made while reading a PDF, numbered (the cell ids of the grid tables)."""

    def __init__(self):
        self.cells: list[_Cell] = []

    def new(self, x0: float, x1: float) -> _Cell:
        cell = _Cell(x0=x0, x1=x1, ident=len(self.cells))
        self.cells.append(cell)
        return cell


def _count_pairs(cells, vocab: _Vocab) -> None:
    for cell in cells:
        if len(cell.lines) < 2:
            continue
        edge = _edge(cell.lines, cell.x0, cell.x1)
        for prev, nxt in zip(cell.lines, cell.lines[1:]):
            if _broken_word(prev, nxt, edge, None):
                key = (_norm(prev.words[0]["text"]), _norm(nxt.words[0]["text"]))
                vocab.pairs[key] = vocab.pairs.get(key, 0) + 1

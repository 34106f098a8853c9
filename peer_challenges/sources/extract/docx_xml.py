"""Word .docx, the package and the XML: the checks a file must pass before python-docx opens it (not a zip,
not a Word document, password-protected, an old .doc renamed, or a zip that would decompress beyond a sane
size), the WordprocessingML names, and list numbering and styles resolved to the numbers Word shows.
Used by ``docx`` (the reader and the draft)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from peer_challenges.domain.errors import UserError
from peer_challenges.sources.extract.common import MAX_BYTES

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all parts together, as the zip declares them
MAX_RATIO = 100  # uncompressed / compressed, for a part of at least RATIO_MIN_SIZE
RATIO_MIN_SIZE = 1024 * 1024
MAX_MEMBERS = 10000

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


_P, _TBL, _TR, _TC, _R, _SDT, _SDT_CONTENT = (_w(n) for n in ("p", "tbl", "tr", "tc", "r", "sdt", "sdtContent"))
_VAL = _w("val")
# inside a paragraph: subtrees whose text is not the paragraph's visible text
_SKIP_IN_P = {_w("pPr"), _w("rPr"), _w("del"), _w("moveFrom"), _w("sdtPr"), _w("sdtEndPr"),
              f"{{{_MC}}}AlternateContent"}
# at block level: containers whose children are paragraphs and tables
_BLOCK_CONTAINERS = {_w("customXml"), _w("ins"), _w("moveTo")}


# ============================================================================ checks before opening

def check_zip_bounds(path: Path, infos: list, label: str, what: str) -> None:
    """Refuse an Office package (zip) that would decompress beyond sane bounds -- too many parts, too much
    in all, or one part compressed more than MAX_RATIO:1 -- before any library opens it (a zip bomb).
    ``label`` names the file kind in the message ("the .docx"), ``what`` the document ("a Word document")."""
    if len(infos) > MAX_MEMBERS:
        raise UserError(f"{path}: the zip package has {len(infos)} parts, more than the {MAX_MEMBERS} {what} "
                        "could need; refused")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise UserError(f"{path}: {label} decompresses to more than {MAX_UNCOMPRESSED // 1024 // 1024} MB "
                        f"({total / 1024 / 1024:,.0f} MB declared); refused as a possible zip bomb")
    for info in infos:
        if info.file_size >= RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise UserError(f"{path}: the part {info.filename!r} decompresses to more than {MAX_RATIO} times its "
                            f"compressed size ({ratio:,.0f}:1); refused as a possible zip bomb")


def _check_package(path: Path) -> None:
    """Refuse what is not a .docx, or what would decompress to too much, before python-docx opens it."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
        if head.startswith(_OLE_MAGIC):
            head += fh.read(MAX_BYTES)  # the stream names are in the directory, which can be anywhere
    not_docx = f"{path}: this is not a Word .docx file: "
    if head.startswith(_OLE_MAGIC):
        # an OLE compound file: Office puts a password-protected .docx in one, and old .doc files are one
        if "WordDocument".encode("utf-16-le") in head and "EncryptedPackage".encode("utf-16-le") not in head:
            raise UserError(not_docx + "it is an old Word 97-2003 .doc file with a .docx name; open it in Word "
                                       "and save it as .docx (or as PDF)")
        raise UserError(not_docx + "it is password-protected (an encrypted Office file); save an unprotected "
                                   "copy and extract that")
    if not zipfile.is_zipfile(path):
        low = head.lstrip().lower()
        if low.startswith(b"%pdf"):
            what = "it is a PDF with a .docx name; rename it to .pdf"
        elif low.startswith(b"{\\rtf"):
            what = "it is an RTF document with a .docx name; save it as .docx or PDF"
        elif low.startswith((b"<html", b"<!doctype", b"<?xml")) or b"<html" in low:
            what = "it is an HTML or XML file with a .docx name; save it from Word as .docx"
        elif low.startswith(b"pk"):
            what = "a damaged or incomplete zip package (a .docx is a zip of XML parts); save it from Word again"
        else:
            what = "it is not a zip package (a .docx is a zip of XML parts); save it from Word as .docx"
        raise UserError(not_docx + what)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise UserError(not_docx + f"a damaged zip package ({type(exc).__name__})") from None
    check_zip_bounds(path, infos, "the .docx", "a Word document")
    names = {i.filename for i in infos}
    if not any(n.startswith("word/") for n in names):
        kind = ("an Excel workbook" if any(n.startswith("xl/") for n in names) else
                "a PowerPoint presentation" if any(n.startswith("ppt/") for n in names) else
                "an OpenDocument file" if "mimetype" in names else "a zip archive")
        raise UserError(not_docx + f"it is {kind} with a .docx name (no word/document.xml part)")


# ============================================================================ numbering

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letter(n: int) -> str:
    if n <= 0:
        return str(n)
    return chr(97 + (n - 1) % 26) * ((n - 1) // 26 + 1)  # a..z, aa..zz, as Word counts


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        return _ordinal(n)
    if fmt == "none":
        return ""
    return str(n)  # decimal and the formats this reader does not spell out


@dataclass
class _Level:
    start: int = 0
    fmt: str = "decimal"
    text: str | None = None  # lvlText, e.g. "%1." or "%1.%2"
    restart: int | None = None  # lvlRestart
    legal: bool = False  # isLgl: every level's number as decimal


def _int_attr(el, default=None):
    if el is None:
        return default
    try:
        return int(el.get(_VAL))
    except (TypeError, ValueError):
        return default


def _parse_level(lvl) -> _Level:
    fmt_el = lvl.find(_w("numFmt"))
    text_el = lvl.find(_w("lvlText"))
    legal = lvl.find(_w("isLgl"))
    return _Level(start=_int_attr(lvl.find(_w("start")), 0),
                  fmt=(fmt_el.get(_VAL) if fmt_el is not None else None) or "decimal",
                  text=text_el.get(_VAL) if text_el is not None else None,
                  restart=_int_attr(lvl.find(_w("lvlRestart"))),
                  legal=legal is not None and legal.get(_VAL) not in ("0", "false", "off"))


class _Numbering:
    """The numbers Word shows for list paragraphs, counted in document order.

    As in Word (ECMA-376 17.9), the running count belongs to the abstractNum: the w:num lists that
    share one continue each other's numbering, and a w:num with a w:startOverride (what Word writes
    for "Restart numbering" / "Set numbering value") sets the count at that level the first time it is
    used. So a list restarts when its numId says so, and deeper levels restart under a new parent
    number (unless w:lvlRestart says otherwise)."""

    def __init__(self, document, styles: "_Styles"):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str | None, dict[int, int], dict[int, _Level]]] = {}
        self.counters: dict[str | None, dict[int, int]] = {}
        self.started: set[tuple[str, int]] = set()  # (numId, ilvl) already used
        self.alias: dict[str, str] = {}  # abstractNum -> the abstractNum its numStyleLink leads to
        try:
            from docx.opc.constants import RELATIONSHIP_TYPE as RT

            root = document.part.part_related_by(RT.NUMBERING).element
        except (KeyError, AttributeError, ImportError):
            return
        style_links: dict[str, str] = {}
        for an in root.findall(_w("abstractNum")):
            aid = an.get(_w("abstractNumId"))
            self.abstract[aid] = {_int_attr_named(lvl, "ilvl", 0): _parse_level(lvl) for lvl in an.findall(_w("lvl"))}
            link = an.find(_w("numStyleLink"))
            if link is not None and not self.abstract[aid]:
                style_links[aid] = link.get(_VAL)
        for num in root.findall(_w("num")):
            nid = num.get(_w("numId"))
            aid_el = num.find(_w("abstractNumId"))
            aid = aid_el.get(_VAL) if aid_el is not None else None
            starts: dict[int, int] = {}
            levels: dict[int, _Level] = {}
            for ov in num.findall(_w("lvlOverride")):
                ilvl = _int_attr_named(ov, "ilvl", 0)
                start = _int_attr(ov.find(_w("startOverride")))
                if start is not None:
                    starts[ilvl] = start
                lvl = ov.find(_w("lvl"))
                if lvl is not None:
                    levels[ilvl] = _parse_level(lvl)
            self.nums[nid] = (aid, starts, levels)
        # an abstractNum that only points at a numbering style: the count and levels are those of the
        # abstractNum of that style's list
        for aid, style_id in style_links.items():
            nid = styles.num_pr(style_id)[0]
            target = self.nums.get(nid, (None,))[0] if nid else None
            if target and target != aid and self.abstract.get(target):
                self.alias[aid] = target

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Count one paragraph of list num_id at level ilvl; the label Word shows for it."""
        if num_id not in self.nums:
            return None
        aid, starts, overrides = self.nums[num_id]
        aid = self.alias.get(aid, aid)
        levels = dict(self.abstract.get(aid, {}))
        levels.update(overrides)
        if ilvl not in levels:
            return None
        lvl = levels[ilvl]

        def start(k: int) -> int:
            return levels[k].start if k in levels else 0

        counts = self.counters.setdefault(aid, {})
        first_use = (num_id, ilvl) not in self.started
        self.started.add((num_id, ilvl))
        if first_use and ilvl in starts:
            counts[ilvl] = starts[ilvl]  # "restart at" / "set numbering value"
        elif first_use and ilvl in overrides and overrides[ilvl].start:
            counts[ilvl] = overrides[ilvl].start
        else:
            counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else start(ilvl)
        for deeper in [k for k in counts if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counts[deeper]
        if lvl.fmt == "bullet":
            return "-"
        text = lvl.text if lvl.text is not None else f"%{ilvl + 1}."

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            value = counts.get(k, start(k))
            fmt = levels[k].fmt if k in levels else "decimal"
            if (lvl.legal and k < ilvl) or fmt == "bullet":
                fmt = "decimal"
            return _format_number(value, fmt)

        label = re.sub(r"%([1-9])", number, text).strip()
        return label or None


def _int_attr_named(el, name: str, default: int) -> int:
    try:
        return int(el.get(_w(name)))
    except (TypeError, ValueError):
        return default


# ============================================================================ styles

class _Styles:
    """Paragraph styles: the list (numPr) and heading level a style gives, through its basedOn chain."""

    def __init__(self, document):
        self.by_id: dict[str, object] = {}
        try:
            root = document.styles.element
        except (AttributeError, KeyError):
            return
        for st in root.findall(_w("style")):
            if st.get(_w("type")) in (None, "paragraph", "numbering"):
                self.by_id[st.get(_w("styleId"))] = st

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen and len(seen) < 20:
            seen.add(style_id)
            st = self.by_id[style_id]
            yield st
            based = st.find(_w("basedOn"))
            style_id = based.get(_VAL) if based is not None else None

    def name(self, style_id: str | None) -> str | None:
        st = self.by_id.get(style_id) if style_id else None
        el = st.find(_w("name")) if st is not None else None
        return el.get(_VAL) if el is not None else style_id

    def num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        num_id = ilvl = None
        for st in self._chain(style_id):
            pr = st.find(f"{_w('pPr')}/{_w('numPr')}")
            if pr is None:
                continue
            if num_id is None:
                num_id = (pr.find(_w("numId")).get(_VAL) if pr.find(_w("numId")) is not None else None)
            if ilvl is None:
                ilvl = _int_attr(pr.find(_w("ilvl")))
            if num_id is not None:
                break
        return num_id, ilvl

    def heading(self, style_id: str | None) -> int | None:
        for st in self._chain(style_id):
            name_el = st.find(_w("name"))
            name = (name_el.get(_VAL) if name_el is not None else "") or ""
            m = re.fullmatch(r"(?i)heading\s*([1-9])(?:\s.*)?", name.strip())
            if m:
                return int(m.group(1))
            if name.strip().lower() == "title":
                return 1
            outline = _int_attr(st.find(f"{_w('pPr')}/{_w('outlineLvl')}"))
            if outline is not None and outline < 9:
                return outline + 1
        return None



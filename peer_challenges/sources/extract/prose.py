"""Recommendations in report prose: "Recommendation N" headings and blocks with their labelled
Target / Status / Owner / Progress lines and progress paragraphs, numbered or bulleted lists (or
paragraphs starting with a verb) under a "Key recommendations" heading, skipping committee-report
recommendations, and sentences such as "Three of the recommendations were completed during
2019/20, namely ... (CRD1)" and "the remaining actions were rolled forward to 2020/21"."""

from __future__ import annotations

import re

from peer_challenges.domain.dates import try_parse_date
from peer_challenges.domain.status import normalise_status
from peer_challenges.sources.extract.common import _NUMBER_WORD, _new_rec, _squash, _to_int
from peer_challenges.sources.extract.paragraphs import (_ITEM, _LABEL_SPLIT, _NUMBERED_PARA, _Para, _bare_label, _ends_sentence,
                            _is_heading, _is_toc, _label, _rec_start)


_IMPERATIVE = set("""
adopt agree align articulate assess build capitalise celebrate clarify commission communicate complete confirm
consider continue create define deliver design determine develop drive embed empower enable encourage engage
enhance ensure establish evaluate explore expand focus foster formalise harness identify implement improve
increase introduce invest lead learn look maintain make maximise mobilise monitor agree appoint plan prioritise
promote provide put raise reconsider reduce refresh reset review revisit seek set simplify streamline strengthen
support take undertake use work reflect share strengthen refocus rebuild recognise reassess re-establish
""".split())


def _prose_recs(paras: list[_Para], warnings: list[str]) -> list[dict]:
    recs: list[dict] = []
    i = 0
    heading_style = []  # per record: True when its text came after a bare heading
    while i < len(paras):
        start = _rec_start(paras[i].first)
        if not start:
            i += 1
            continue
        num, code, inline = start
        rec = _new_rec(number=num, code=code)
        # the heading paragraph may hold the start of the text on the following lines
        head = paras[i]
        text_lines = [inline] if inline else []
        text_lines += [ln.strip() for ln in head.lines[1:]]
        text_open = True
        in_list = False
        # "Recommendation 1 - Financial sustainability" then a paragraph: the inline words are a title
        if (inline and len(head.lines) == 1 and len(inline.split()) <= 10 and not _ends_sentence(inline)
                and i + 1 < len(paras) and not _rec_start(paras[i + 1].first) and not _label(paras[i + 1].first)
                and not _is_heading(paras[i + 1])):
            rec["_title"] = inline
            text_lines = []
        bare = not text_lines
        heading_style.append(bare)
        position: list[str] = []
        pending_label = None
        waiting_value = None  # a label whose value is the next paragraph ("Target:" then "Oct 24")
        i += 1
        while i < len(paras):
            p = paras[i]
            if _rec_start(p.first) or _is_toc(p.first):
                break
            if waiting_value:
                _set_label(rec, waiting_value, p.text)
                pending_label = waiting_value if waiting_value in ("position", "action") else None
                waiting_value = None
                i += 1
                continue
            bare_kind = _bare_label(p.first)
            if bare_kind:
                if len(p.lines) > 1:
                    _set_label(rec, bare_kind, _squash(" ".join(p.lines[1:])))
                    pending_label = bare_kind if bare_kind in ("position", "action") else None
                else:
                    waiting_value = bare_kind
                text_open = False
                i += 1
                continue
            lab = _label(p.first)
            if lab:
                kind, value = lab
                rest = " ".join(ln.strip() for ln in p.lines[1:])
                value = _squash(f"{value} {rest}")
                # several labels on one line: "Target: Oct 24 | Status: Complete"
                for piece in _LABEL_SPLIT.split(p.text)[1:] if _LABEL_SPLIT.search(p.text) else []:
                    sub = _label(piece)
                    if sub:
                        _set_label(rec, *sub)
                if _LABEL_SPLIT.search(p.text):
                    value = _squash(_LABEL_SPLIT.split(_label(p.text)[1])[0])
                if not value and len(p.lines) == 1:
                    waiting_value = kind
                _set_label(rec, kind, value)
                pending_label = kind if kind in ("position", "action") else None
                text_open = False
                i += 1
                continue
            if _is_heading(p) and not (text_open and not text_lines):
                break
            if _NUMBERED_PARA.match(p.first) and not text_open:
                break
            item = _ITEM.match(p.first)
            if text_open:
                joined = " ".join(text_lines)
                if not text_lines:
                    text_lines.append(p.text)
                elif (joined.rstrip().endswith(":") or in_list) and (
                        (item and (not in_list or item.group("bullet") or item.group("num") or item.group("letter")))
                        or (p.indent and p.text.split()[0].lower() in _IMPERATIVE)):
                    text_lines.append("\n- " + (_squash(item.group("rest") + " " + " ".join(p.lines[1:])) if item else p.text))
                    in_list = True
                    i += 1
                    continue
                elif not _ends_sentence(joined) and not p.indent and not item:
                    text_lines.append(p.text)
                else:
                    text_open = False
                    continue
                i += 1
                # a bare heading's text is its first paragraph (plus a list it introduces)
                if bare and not " ".join(text_lines).rstrip().endswith(":"):
                    text_open = False
                continue
            if pending_label:
                _append(rec, "position" if pending_label == "position" else "actions", p.text)
            else:
                position.append(p.text)
            i += 1
        text = "".join((t if t.startswith("\n") else (" " + t)) for t in text_lines).strip()
        text = re.sub(r"[ \t]+", " ", text)
        rec["text"] = text or None
        if position:
            rec["_extra"] = position
        recs.append(rec)
    # unlabelled paragraphs after a recommendation are its progress, unless they only follow the last
    # one (then they are more likely the report going on)
    with_extra = [r for r in recs[:-1] if r.get("_extra")]
    for k, rec in enumerate(recs):
        extra = rec.pop("_extra", None)
        if not extra:
            continue
        if k == len(recs) - 1 and recs and heading_style[k] and not with_extra:
            continue
        _append(rec, "position", "\n".join(extra))
    return recs


def _append(rec: dict, key: str, text: str) -> None:
    text = text.strip()
    if text:
        rec[key] = f"{rec[key]}\n{text}" if rec.get(key) else text


def _set_label(rec: dict, kind: str, value: str) -> None:
    value = value.strip()
    if not value:
        return
    key = {"target": "target_raw", "revised_target": "revised_target_raw", "status": "status_raw",
           "rag": "rag_raw", "as_of": "as_of_raw", "position": "position", "action": "actions",
           "theme": "theme"}.get(kind)
    if key in ("position", "actions"):
        _append(rec, key, value)
    elif key:
        rec[key] = value
    elif kind == "accountable":
        rec["accountable"] = value
    elif kind == "responsible":
        rec["responsible"] = value
    elif kind == "owner":
        if rec.get("accountable"):
            rec["responsible"] = rec.get("responsible") or value
        else:
            rec["accountable"] = value


_KEYREC_HEAD = re.compile(
    r"^(?:#{1,6}\s*)?(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:(?:the|key|main|summary\s+of(?:\s+the)?|our|peer\s+team'?s?|"
    r"peer\s+challenge|lga|top|headline|corporate\s+peer\s+challenge|cpc|list\s+of(?:\s+the)?)\s+)*"
    r"recommendations?(?:\s+(?:for|to)\s+the\s+council|\s+from\s+the\s+peer\s+(?:team|challenge|review)|"
    r"\s+made\s+by\s+the\s+peer\s+team)?\s*:?$", re.I)
_COMMITTEE_REC = re.compile(
    r"^(?:that\s+)?(?:the\s+)?(?:cabinet|council|committee|members?|board|full\s+council|panel|executive)\s+"
    r"(?:is\s+asked\s+to\s+|are\s+asked\s+to\s+)?(?:note|notes|noted|agree|agrees|approve|approves|receive|receives|"
    r"consider|considers|endorse|endorses|recommend|recommends|comment|delegate|delegates)\b|"
    r"^(?:note|notes|receive|receives|approve|approves|endorse|endorses)\s+(?:the\s+)?(?:report|contents?|progress)"
    r"|it\s+is\s+recommended", re.I)


def _list_recs(paras: list[_Para], warnings: list[str]) -> list[dict]:
    """Numbered or bulleted lists under a 'Key recommendations' heading."""
    recs: list[dict] = []
    for h, head in enumerate(paras):
        if len(head.lines) != 1 or _is_toc(head.first) or not _KEYREC_HEAD.match(head.first.strip()):
            continue
        head_num = re.match(r"^\s*(?:#+\s*)?(\d{1,2})\.", head.first)
        items: list[dict] = []
        intro = 0
        committee = False
        for p in paras[h + 1:]:
            if _rec_start(p.first):
                break
            m = _ITEM.match(p.first)
            if m:
                rest = _squash(" ".join([m.group("rest")] + [ln.strip() for ln in p.lines[1:]]))
                num = m.group("num") or m.group("num2")
                short_title = len(rest.split()) <= 8 and not _ends_sentence(rest)
                if num is not None:
                    numbered = [it for it in items if it["number"] is not None]
                    expected = (int(numbered[-1]["number"]) + 1) if numbered else None
                    if items and short_title and all(_ends_sentence(it["text"]) for it in items):
                        break  # "3. Summary of the approach": the next section
                    if head_num and not items and int(num) == int(head_num.group(1)) + 1 and short_title:
                        break
                    if expected is not None and int(num) != expected:
                        break
                    items.append(_new_rec(number=num, text=rest))
                elif m.group("letter") or m.group("letter2"):
                    if items:
                        items[-1]["text"] += "\n- " + rest
                    else:
                        items.append(_new_rec(number=m.group("letter") or m.group("letter2"), text=rest))
                else:  # bullet
                    if items and items[-1]["number"] is not None and p.indent:
                        items[-1]["text"] += "\n- " + rest
                    else:
                        items.append(_new_rec(number=None, text=rest, record_flag="unnumbered"))
                continue
            if items:
                if p.indent and not _is_heading(p):
                    items[-1]["text"] += " " + p.text
                    continue
                break
            if _is_heading(p):
                break
            if re.search(r"recommended\s+that|it\s+is\s+recommended", p.text, re.I):
                committee = True
            intro += 1
            if intro > 3:
                break
        if not items and not committee:
            items = _imperative_paragraphs(paras[h + 1:])
        kept = []
        for it in items:
            if committee or _COMMITTEE_REC.search(it["text"]):
                committee = True
                continue
            kept.append(it)
        if committee and items:
            warnings.append("a 'Recommendations' list that asks a committee to note or agree something was "
                            "skipped (committee-report recommendations are not peer recommendations)")
        recs.extend(kept)
    return recs


def _imperative_paragraphs(paras: list[_Para]) -> list[dict]:
    """Unnumbered recommendations: paragraphs that each start with a verb ("Develop ...", "Review ..."),
    after at most two introductory paragraphs and before the next heading; two or more of them."""
    items: list[dict] = []
    intro = 0
    for p in paras:
        if _rec_start(p.first) or _is_heading(p) or _is_toc(p.first):
            break
        first = re.sub(r"[^a-z-]", "", p.text.split()[0].lower()) if p.text.split() else ""
        if first in _IMPERATIVE and len(p.text.split()) <= 80:
            items.append(_new_rec(number=None, text=p.text, record_flag="unnumbered"))
            continue
        if items:
            break
        intro += 1
        if intro > 2:
            return []
    return items if len(items) >= 2 else []


_DONE_SENT = re.compile(
    r"\b(?P<count>" + _NUMBER_WORD + r"|all|some|several)\s+of\s+the\s+(?:\w+\s+)?(?:recommendations|actions)\s+"
    r"(?:were|have\s+been|has\s+been|are\s+now|are|had\s+been|was)\s+(?:now\s+)?(?:fully\s+)?"
    r"(?P<status>completed|complete|closed|achieved|delivered|implemented|superseded|withdrawn|embedded)"
    r"(?P<when>\s+(?:during|in|by|within|before)\s+(?:the\s+)?[\w/ -]{2,30}?)?\s*[,:;]?\s+"
    r"(?:namely|these\s+(?:were|are|being)|i\.?\s?e\.?|including|being|as\s+follows)?\s*[:,]?\s*", re.I)
_CODE_REF = re.compile(r"\((?P<code>[A-Z]{1,6}\s?\d{1,3}[a-z]?|(?:rec(?:ommendation)?\.?\s*)?\d{1,3}[a-z]?)\)", re.I)
_ROLLED = re.compile(
    r"\b(?:the\s+)?(?:remaining|other|outstanding)\s+(?:\w+\s+)?(?:actions|recommendations)\s+(?:have\s+been|were|are|"
    r"will\s+be|had\s+been)\s+(?:rolled|carried|moved|brought)\s+(?:forward|over)\s+(?:in)?to\s+(?:the\s+)?(?P<period>[^.;,]+)",
    re.I)


def _status_sentences(paras: list[_Para], warnings: list[str]) -> tuple[list[dict], str | None]:
    """'Three of the recommendations were completed during 2019/20, namely X (CRD1); Y (CRD2) and Z (CRD5)'."""
    recs: list[dict] = []
    rolled = None
    for p in paras:
        text = p.text
        for m in _DONE_SENT.finditer(text):
            count = m.group("count").lower()
            limit = _to_int(count) if re.fullmatch(_NUMBER_WORD, count) else None
            rest = text[m.end():]
            pos = 0
            found = 0
            for cm in _CODE_REF.finditer(rest):
                desc = rest[pos:cm.start()]
                if len(desc) > 400:
                    break
                desc = re.sub(r"^[\s;,.]*(?:and\s+|namely\s+)?", "", desc).strip(" ;,")
                desc = re.sub(r"\s*(?:;|,)?\s*and\s*$", "", desc)
                code = cm.group("code")
                number = re.search(r"\d{1,3}[a-z]?$", code).group(0)
                when = (m.group("when") or "").strip()
                status_raw = _squash(f"{m.group('status')} {when}")
                rec = _new_rec(number=number, code=code if not code.isdigit() else None,
                               text=(desc[:1].upper() + desc[1:]) if desc else None, status_raw=status_raw,
                               status=normalise_status(m.group("status")))
                period = re.sub(r"^(?:during|in|by|within|before)\s+(?:the\s+)?", "", when, flags=re.I)
                if period and try_parse_date(period).value:
                    rec["as_of_raw"] = period
                rec["_from_sentence"] = True
                recs.append(rec)
                found += 1
                pos = cm.end()
                if limit is not None and found >= limit:
                    break
            if limit is not None and found and found != limit:
                warnings.append(f"the text says {count} recommendations were {m.group('status')} "
                                f"but names {found}")
        rm = _ROLLED.search(text)
        if rm and rolled is None:
            period = rm.group("period").strip()
            if try_parse_date(period).value:
                rolled = period
    return recs, rolled

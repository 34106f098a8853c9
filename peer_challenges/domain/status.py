"""Map what councils write about progress onto the project's status and RAG vocabularies.

Status and RAG are kept apart (DESIGN): a status is never inferred from a RAG rating, nor the reverse.
Matching ignores case, whitespace, punctuation and remarks in brackets ("Completed (March 2024)").
Text we cannot map is None (or StatusError with strict=True): never guess.
"""

from __future__ import annotations

import re

from peer_challenges.domain.errors import UserError
from peer_challenges.domain.vocab import ASSESSOR_WORDS, RAGS, STATUSES


STATUS_LABELS = {
    "complete": "Complete",
    "in_progress": "In progress",
    "not_started": "Not started",
    "ongoing": "Ongoing",
    "delayed": "Delayed",
    "superseded": "Superseded",
    None: "Not reported",
}
STATUS_ICONS = {
    "complete": "\u2705",  # ✅
    "in_progress": "\U0001f504",  # 🔄
    "not_started": "\u2b55",  # ⭕
    "ongoing": "\u267e\ufe0f",  # ♾️
    "delayed": "\u26a0\ufe0f",  # ⚠️
    "superseded": "\u26d4",  # ⛔
    None: "\u2754",  # ❔
}


NO_STATUS = "not_reported"  # how filters and downloads name "no status recorded"


def status_words(status, *, icon: bool = True, assessed_by=None, say_who: bool = False) -> str:
    """The one way a status is written for people: "✅ Complete", "❔ Not reported" (None, NaN, NA or
    "not_reported"); icon=False drops the icon; say_who=True adds who gave it ("(peer team's finding)",
    "(council's own rating)" or "(who assessed it is not known)"), except where there is no status."""
    key = status if isinstance(status, str) and status and status != NO_STATUS else None
    text = STATUS_LABELS.get(key, str(key))
    if icon:
        text = f"{STATUS_ICONS.get(key, STATUS_ICONS[None])} {text}"
    if say_who and key is not None:
        who = assessed_by if isinstance(assessed_by, str) and assessed_by in ASSESSOR_WORDS else "unknown"
        text += f" ({ASSESSOR_WORDS[who]})"
    return text


class StatusError(ValueError, UserError):
    """Status or RAG text that does not map onto the vocabulary (strict mode only)."""


_SYNONYMS = {
    "complete": [
        "complete", "completed", "done", "achieved", "delivered", "closed", "met", "finished",
        "implemented", "actioned", "fully complete", "fully completed", "fully achieved",
        "fully implemented", "fully delivered", "closed complete", "complete closed",
    ],
    "in_progress": [
        "in progress", "on track", "underway", "under way", "started", "progressing", "commenced",
        "in hand", "work in progress", "wip", "on target", "ongoing on track", "partially complete",
        "partially completed", "partly complete", "partly completed", "partially achieved",
        "partly achieved", "part complete", "part achieved", "partially delivered", "partly delivered",
        "substantially complete", "nearly complete", "almost complete",
    ],
    "not_started": [
        "not started", "not yet started", "planned", "not due", "not yet due", "pending",
        "not commenced", "not yet commenced", "yet to start", "not begun",
    ],
    "ongoing": [
        "ongoing", "on going", "bau", "business as usual", "embedded", "continuous", "continuing",
        "ongoing bau", "ongoing business as usual",
    ],
    "delayed": [
        "delayed", "behind schedule", "off track", "at risk", "slipped", "overdue", "behind",
        "late", "slipping", "not on track", "off target", "behind target", "stalled",
    ],
    "superseded": [
        "superseded", "withdrawn", "no longer applicable", "no longer required", "no longer relevant",
        "closed superseded", "cancelled", "canceled", "n a superseded", "not applicable superseded",
        "replaced",
    ],
}

# Text that says "no status given": None even in strict mode.
_NO_STATUS = {"", "n a", "na", "none", "nil", "unknown", "not known", "tbc", "not reported", "no update"}

_RAG_TOKENS = {
    "red": "red", "r": "red",
    "amber": "amber", "a": "amber", "yellow": "amber",
    "green": "green", "g": "green", "blue": "green",  # blue = complete in some councils' schemes
}
_RAG_IGNORED = {"rag", "rating", "status"}


def _key(text: str) -> str:
    """Lower-case words separated by single spaces, punctuation gone."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


_STATUS_OF = {_key(word): status for status, words in _SYNONYMS.items() for word in words}
_STATUS_OF.update({_key(s): s for s in STATUSES})  # "in_progress", "in-progress", "in progress"


def _text(value) -> str | None:
    """The input as a string with bracketed remarks removed, or None for an empty cell."""
    if value is None or (isinstance(value, float) and value != value):  # None, NaN
        return None
    text = str(value)
    stripped = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", text)
    return stripped if stripped.strip() else text


def _error(kind: str, text, vocabulary, examples: str) -> StatusError:
    return StatusError(
        f"unrecognised {kind} {str(text).strip()!r}; expected one of: {', '.join(vocabulary)} ({examples})"
    )


def normalise_status(text, *, strict: bool = False) -> str | None:
    """The vocabulary status for what a council wrote, or None (empty or unrecognised)."""
    cleaned = _text(text)
    if cleaned is None:
        return None
    key = _key(cleaned)
    if key in _NO_STATUS:
        return None
    if key in _STATUS_OF:
        return _STATUS_OF[key]
    # "Complete - reported to Cabinet": use the one status the parts name, if exactly one
    parts = re.split(r"\s+[-\u2013\u2014]+\s+|[:;,\n]", cleaned)
    found = {_STATUS_OF[k] for k in map(_key, parts) if k in _STATUS_OF}
    if len(found) == 1:
        return found.pop()
    if strict:
        raise _error("status", text, STATUSES, "or what councils write, e.g. Completed, On track, BAU, Withdrawn")
    return None


def normalise_rag(text, *, strict: bool = False) -> str | None:
    """red | amber | green for a RAG rating, or None (empty or unrecognised).

    Two colours ("Red/Amber", "Amber/Green") give the worse of the two; blue counts as green.
    """
    cleaned = _text(text)
    if cleaned is None:
        return None
    key = _key(cleaned)
    if key in _NO_STATUS:
        return None
    tokens = [t for t in key.split() if t not in _RAG_IGNORED]
    if tokens and all(t in _RAG_TOKENS for t in tokens):
        return min((_RAG_TOKENS[t] for t in tokens), key=RAGS.index)
    if strict:
        raise _error("RAG rating", text, RAGS, "or R / A / G")
    return None

"""Topics and core themes: the taxonomy in data/taxonomy.yaml and the keyword tagger built on it.

Every recommendation has one core theme (one of the five CPC core elements, or "Council-requested
focus") and any number of topics from data/taxonomy.yaml. A curated label in a source file always
wins; the tagger only fills gaps and, through ``agreement``, shows how far it can be trusted.

- ``canonical_topic`` maps a curated tag (a topic id or one of its aliases) onto a topic id;
- ``tag_topics`` finds topics whose keywords occur in a text (whole words, case-insensitive,
  multi-word phrases, a trailing ``*`` for a stem: ``financ*`` matches finance, financial ...);
- where keywords overlap the longest phrase wins ("financial planning" is finance, not planning),
  and the file's ``ignore`` phrases ("in place") count for no topic;
- ``propose_core_theme`` lets each topic found vote for its usual core theme (topics given by the
  caller, e.g. curated ones, count double); ties go to the theme listed first in CORE_THEMES.
  It never proposes "Council-requested focus": that depends on what the council asked for.

Command line (peer_challenges.cli.themes): ``python -m peer_challenges themes --agreement [--facts DIR]``
or ``python -m peer_challenges themes --tag "some text"``.

Standard library + PyYAML only.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.vocab import CORE_THEMES, COUNCIL_REQUESTED


DEFAULT_TAXONOMY_PATH = PROJECT_ROOT / "data" / "taxonomy.yaml"
DEFAULT_FACTS_DIR = PROJECT_ROOT.parent / "shared" / "facts"

TOPIC_FIELDS = ("id", "label", "description", "core_theme", "aliases", "keywords")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# between the words of a phrase: spaces, hyphens or dashes ("decision-making", "member–officer")
_SEP = "\\s\\-\u2010-\u2015"


class TaxonomyError(ValueError, UserError):
    """The taxonomy file is unreadable or invalid; the message names the file, topic and field."""


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    description: str
    core_theme: str
    aliases: tuple = ()
    keywords: tuple = ()


def normalise_tag(tag) -> str:
    """'Member-Officer relations' -> 'member_officer_relations' (case, '-' and ' ' ignored)."""
    if not isinstance(tag, str):
        return ""
    return re.sub(f"[{_SEP}_]+", "_", tag.strip().lower()).strip("_")


def keyword_pattern(keyword: str) -> str:
    """Regular-expression source for one keyword (without the word boundaries around it)."""
    words = [w for w in re.split(f"[{_SEP}]+", keyword.strip().lower()) if w]
    parts = []
    for i, word in enumerate(words):
        stem = word.endswith("*") and i == len(words) - 1
        body = re.escape(word[:-1] if stem else word).replace("'", "['\u2019]")
        parts.append(body + (r"\w*" if stem else ""))
    return f"[{_SEP}]+".join(parts)


def _literal_length(keyword: str) -> int:
    return len(keyword.replace("*", ""))


class Taxonomy:
    """The topics of data/taxonomy.yaml (in file order) and the keyword tagger.

    All keywords (and the ``ignore`` phrases) are scanned together, left to right; where several
    could match at one place the longest phrase wins, and the words it covers count only for the
    topics that list that phrase (an ignore phrase counts for none).
    """

    def __init__(self, topics: Iterable[Topic], ignore: Iterable[str] = ()):
        self.topics: dict[str, Topic] = {}
        self.ignore: tuple[str, ...] = tuple(ignore)
        self._lookup: dict[str, str] = {}
        for topic in topics:
            self.topics[topic.id] = topic
        for topic in self.topics.values():
            self._lookup[normalise_tag(topic.id)] = topic.id
        for topic in self.topics.values():
            for alias in topic.aliases:
                self._lookup.setdefault(normalise_tag(alias), topic.id)
        # pattern source -> (literal length, topic ids listing it; empty for an ignore phrase)
        owners: dict[str, tuple[int, list[str]]] = {}
        for topic in self.topics.values():
            for keyword in topic.keywords:
                _, tids = owners.setdefault(keyword_pattern(keyword), (_literal_length(keyword), []))
                if topic.id not in tids:
                    tids.append(topic.id)
        for phrase in self.ignore:
            owners.setdefault(keyword_pattern(phrase), (_literal_length(phrase), []))
        ordered = sorted(owners, key=lambda src: (-owners[src][0], src))
        # grouped by first letter (every keyword starts with a letter or digit): same matches as a
        # flat list of alternatives, several times faster
        groups: dict[str, list[str]] = {}
        for src in ordered:
            groups.setdefault(src[0].lower(), []).append(src[1:])
        alternatives = "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())
        self._scanner = (
            re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE) if ordered else None
        )
        self._keywords = [(re.compile(src, re.IGNORECASE), owners[src][1]) for src in ordered]
        self._span_cache: dict[str, tuple[str, ...]] = {}

    def _topics_for(self, matched: str) -> tuple[str, ...]:
        key = matched.lower()
        if key not in self._span_cache:
            found: set[str] = set()
            for pattern, tids in self._keywords:
                if pattern.fullmatch(matched):
                    found.update(tids)
            self._span_cache[key] = tuple(tid for tid in self.topics if tid in found)
        return self._span_cache[key]

    def canonical_topic(self, tag: str) -> str | None:
        """The topic id for a topic id or alias (case, '-' and ' ' ignored); None if unknown."""
        return self._lookup.get(normalise_tag(tag))

    def canonical_topics(self, tags) -> list[str]:
        """Tags mapped onto topic ids, without duplicates, in file order; unknown tags dropped."""
        if isinstance(tags, str):
            tags = [tags]
        found = {self.canonical_topic(t) for t in tags or ()}
        return [tid for tid in self.topics if tid in found]

    def matches(self, text: str) -> dict[str, list[str]]:
        """Topic id -> the words in ``text`` that matched its keywords (file order)."""
        if not text or self._scanner is None:
            return {}
        hits: dict[str, list[str]] = {}
        for match in self._scanner.finditer(text):
            for tid in self._topics_for(match.group(0)):
                hits.setdefault(tid, []).append(match.group(0))
        return {tid: hits[tid] for tid in self.topics if tid in hits}

    def tag_topics(self, text: str) -> list[str]:
        """Topics whose keywords occur in ``text``, in file order."""
        return list(self.matches(text))

    def theme_votes(self, text: str, topics=()) -> dict[str, int]:
        """Core theme -> votes: one per topic found in ``text``, two per topic given."""
        given = set(self.canonical_topics(topics))
        voters = set(self.tag_topics(text)) | given
        votes: dict[str, int] = {}
        for tid in self.topics:
            if tid not in voters:
                continue
            theme = self.topics[tid].core_theme
            if theme == COUNCIL_REQUESTED:
                continue
            votes[theme] = votes.get(theme, 0) + (2 if tid in given else 1)
        return votes

    def propose_core_theme(self, text: str, topics=()) -> str | None:
        """The core theme most topics vote for; ties go to the earlier theme in CORE_THEMES.

        None when no topic is found (never "Council-requested focus")."""
        votes = self.theme_votes(text, topics)
        if not votes:
            return None
        return min(votes, key=lambda theme: (-votes[theme], CORE_THEMES.index(theme)))


# --- loading and validation ---------------------------------------------------------------


def _string_list(value, path, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise TaxonomyError(f"{path}: {where}, field '{field}': expected a list of words in [brackets] or '- ' lines, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            raise TaxonomyError(
                f"{path}: {where}, field '{field}' item {i + 1}: expected a non-empty piece of text, got {item!r}"
            )
        out.append(item.strip())
    return tuple(out)


def _check_keyword(keyword: str, path, where: str, field: str = "keywords") -> str:
    words = [w for w in re.split(f"[{_SEP}]+", keyword.lower()) if w]
    if not words or not words[0][0].isalnum():
        raise TaxonomyError(f"{path}: {where}, field '{field}': {keyword!r} must start with a letter or digit")
    for i, word in enumerate(words):
        if "*" in word[:-1] or (word.endswith("*") and i != len(words) - 1) or word == "*":
            raise TaxonomyError(
                f"{path}: {where}, field '{field}': {keyword!r} — '*' may only end the last word "
                "(write a stem such as financ*)"
            )
    return " ".join(words)


def load_taxonomy(path) -> Taxonomy:
    """Read and check data/taxonomy.yaml. Raises TaxonomyError naming the file, topic and field."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read the taxonomy file ({exc})") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TaxonomyError(f"{path}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise TaxonomyError(f"{path}: expected 'topics:' followed by a list of topics (each starting '- id: ...')")
    unknown = [k for k in data if k not in ("topics", "ignore")]
    if unknown:
        raise TaxonomyError(f"{path}: unknown top-level field '{unknown[0]}' (expected 'topics' and optionally 'ignore')")
    entries = data.get("topics")
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError(f"{path}: expected 'topics:' followed by a list of topics (each starting '- id: ...')")
    ignore = tuple(
        _check_keyword(k, path, "ignore list", "ignore") for k in _string_list(data.get("ignore"), path, "ignore list", "ignore")
    )

    topics: list[Topic] = []
    seen_ids: dict[str, int] = {}
    alias_owner: dict[str, str] = {}  # normalised tag -> topic id that claims it
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise TaxonomyError(f"{path}: topic {n}: expected fields id, label, description, core_theme, aliases, keywords; got {entry!r}")
        tid = entry.get("id")
        where = f"topic '{tid}'" if isinstance(tid, str) and tid else f"topic {n}"
        unknown = [k for k in entry if k not in TOPIC_FIELDS]
        if unknown:
            raise TaxonomyError(
                f"{path}: {where}: unknown field '{unknown[0]}' (expected one of: {', '.join(TOPIC_FIELDS)})"
            )
        if not isinstance(tid, str) or not _ID_RE.match(tid):
            raise TaxonomyError(
                f"{path}: {where}, field 'id': expected a snake_case id (lower-case letters, digits and _, "
                f"starting with a letter), got {tid!r}"
            )
        where = f"topic '{tid}'"
        if tid in seen_ids:
            raise TaxonomyError(f"{path}: {where}, field 'id': duplicate id (topics {seen_ids[tid]} and {n} are both '{tid}')")
        seen_ids[tid] = n
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise TaxonomyError(f"{path}: {where}, field 'label': expected a plain-English name, got {label!r}")
        description = entry.get("description")
        if description is None:
            description = ""
        if not isinstance(description, str):
            raise TaxonomyError(f"{path}: {where}, field 'description': expected one line of text, got {description!r}")
        core = entry.get("core_theme")
        if core not in CORE_THEMES:
            raise TaxonomyError(
                f"{path}: {where}, field 'core_theme': expected one of {', '.join(repr(t) for t in CORE_THEMES)}; got {core!r}"
            )
        aliases = _string_list(entry.get("aliases"), path, where, "aliases")
        keywords = tuple(_check_keyword(k, path, where) for k in _string_list(entry.get("keywords"), path, where, "keywords"))
        for alias in aliases:
            if not normalise_tag(alias):
                raise TaxonomyError(f"{path}: {where}, field 'aliases': {alias!r} has no letters")
        topics.append(Topic(tid, label.strip(), description.strip(), core, aliases, keywords))

    ids = {normalise_tag(t.id): t.id for t in topics}
    for topic in topics:
        for alias in topic.aliases:
            key = normalise_tag(alias)
            owner = ids.get(key)
            if owner is not None and owner != topic.id:
                raise TaxonomyError(
                    f"{path}: topic '{topic.id}', field 'aliases': {alias!r} is the id of topic '{owner}' "
                    f"(a tag can belong to one topic only)"
                )
            other = alias_owner.get(key)
            if other is not None and other != topic.id:
                raise TaxonomyError(
                    f"{path}: topic '{topic.id}', field 'aliases': {alias!r} is also an alias of topic '{other}' "
                    f"(a tag can belong to one topic only: remove it from '{other}' or '{topic.id}')"
                )
            alias_owner[key] = topic.id
    return Taxonomy(topics, ignore)


# --- agreement with curated labels ---------------------------------------------------------


def _record_text(record: dict) -> str:
    return " ".join(str(record.get(k)) for k in ("title", "text") if record.get(k))


def _rate(k: int, n: int):
    return k / n if n else None


def agreement(records, taxonomy: Taxonomy) -> dict:
    """How often the tagger, reading title + text only, agrees with the curated labels.

    core_theme: over records with a curated core theme, how many get the same proposal
    (no proposal counts as disagreement). topics: over records whose curated tags map onto at
    least one topic, how many share at least one topic with the tagger, and the mean Jaccard
    similarity of the two sets. Rates are None when nothing was compared. Extra keys:
    core_theme.no_proposal (records the tagger could not place) and core_theme_with_topics (the
    same comparison when the curated topics are also given, as the build does).
    """
    core_n = core_k = no_proposal = with_topics_k = 0
    top_n = top_k = 0
    jaccard_sum = 0.0
    for record in records:
        text = _record_text(record)
        tagged = set(taxonomy.tag_topics(text))
        curated_topics = taxonomy.canonical_topics(record.get("topics") or [])
        curated_core = record.get("core_theme")
        if curated_core:
            core_n += 1
            proposed = taxonomy.propose_core_theme(text)
            if proposed is None:
                no_proposal += 1
            elif proposed == curated_core:
                core_k += 1
            if taxonomy.propose_core_theme(text, curated_topics) == curated_core:
                with_topics_k += 1
        if curated_topics:
            top_n += 1
            curated = set(curated_topics)
            if tagged & curated:
                top_k += 1
            jaccard_sum += len(tagged & curated) / len(tagged | curated)
    return {
        "core_theme": {"compared": core_n, "agree": core_k, "rate": _rate(core_k, core_n), "no_proposal": no_proposal},
        "topics": {
            "compared": top_n, "any_overlap": top_k, "rate": _rate(top_k, top_n),
            "mean_jaccard": (jaccard_sum / top_n) if top_n else None,
        },
        "core_theme_with_topics": {"compared": core_n, "agree": with_topics_k, "rate": _rate(with_topics_k, core_n)},
    }


def facts_records(facts_dir) -> list[dict]:
    """The recommendations in the collected facts (*.json), as {title, text, core_theme, topics, where}."""
    facts_dir = Path(facts_dir)
    if not facts_dir.is_dir():
        raise UserError(f"{facts_dir}: facts folder not found (give another with --facts DIR)")
    out = []
    for path in sorted(facts_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"{path}: cannot read the facts file ({exc})") from None
        if not isinstance(data, dict):
            continue
        for i, rec in enumerate(data.get("recommendations") or []):
            if not isinstance(rec, dict):
                continue
            out.append({
                "title": rec.get("summary"), "text": None, "core_theme": rec.get("core_theme"),
                "topics": list(rec.get("topics") or []), "where": f"{path.name} recommendations[{i}]",
            })
    return out


def current_taxonomy(path=None) -> Taxonomy:
    """The one taxonomy loader for readers: the file at path, else default_taxonomy_path() (which follows
    DATA_DIR), parsed once per version of the file (keyed on its path and modification time)."""
    path = Path(path) if path else default_taxonomy_path()
    return _cached_taxonomy(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _cached_taxonomy(path: str, mtime_ns: int) -> Taxonomy:
    return load_taxonomy(path)


def topic_labels(path=None) -> dict[str, str]:
    """Topic id -> plain-English label from the current taxonomy; {} when it cannot be read (labels are a
    nicety: callers fall back to the id in words)."""
    try:
        return {tid: topic.label for tid, topic in current_taxonomy(path).topics.items()}
    except Exception:
        return {}


def default_taxonomy_path() -> Path:
    """taxonomy.yaml in DATA_DIR when that folder has one, else the repository's data/taxonomy.yaml."""
    value = os.environ.get("DATA_DIR")
    if value:
        from peer_challenges.domain.paths import data_dir, url_scheme

        # an s3:// DATA_DIR: the local copy of the version being served
        folder = data_dir() if url_scheme(value) else Path(value).expanduser()
        candidate = folder / "taxonomy.yaml"
        if candidate.exists():
            return candidate
    return DEFAULT_TAXONOMY_PATH

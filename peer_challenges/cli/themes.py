"""The `themes` command: tag text with topics and a core theme, or measure how often the tagger agrees
with the curated labels in the collected facts.

Parses the arguments and prints what peer_challenges.domain.taxonomy (load_taxonomy, agreement,
facts_records) finds: the topics and core theme for ``--tag TEXT``, or the agreement figures (and, with
``--show-disagreements``, the recommendations the tagger gets wrong) for ``--agreement``.
"""

from __future__ import annotations

from pathlib import Path

from peer_challenges.domain.taxonomy import (
    DEFAULT_FACTS_DIR,
    _record_text,
    agreement,
    default_taxonomy_path,
    facts_records,
    load_taxonomy,
)


def _pct(rate) -> str:
    return "n/a" if rate is None else f"{rate:.1%}"


def _run(args) -> int:
    taxonomy = load_taxonomy(args.taxonomy)
    if args.tag is not None:
        found = taxonomy.matches(args.tag)
        if found:
            for tid, hits in found.items():
                topic = taxonomy.topics[tid]
                print(f"{tid}: {topic.label} [{topic.core_theme}] (matched: {', '.join(dict.fromkeys(h.lower() for h in hits))})")
        else:
            print("no topics found")
        print(f"core theme: {taxonomy.propose_core_theme(args.tag) or 'none proposed'}")
        return 0
    records = facts_records(args.facts)
    result = agreement(records, taxonomy)
    core, top, both = result["core_theme"], result["topics"], result["core_theme_with_topics"]
    print(f"recommendations read: {len(records)} (from {args.facts})")
    print(f"core theme: tagger agrees with {core['agree']} of {core['compared']} curated ({_pct(core['rate'])}); "
          f"no proposal for {core['no_proposal']}")
    print(f"core theme, curated topics also given: {both['agree']} of {both['compared']} ({_pct(both['rate'])})")
    print(f"topics: at least one in common for {top['any_overlap']} of {top['compared']} ({_pct(top['rate'])}); "
          f"mean Jaccard {('n/a' if top['mean_jaccard'] is None else format(top['mean_jaccard'], '.2f'))}")
    if args.show_disagreements:
        print()
        for rec in records:
            curated = rec.get("core_theme")
            text = _record_text(rec)
            proposed = taxonomy.propose_core_theme(text)
            if curated and proposed != curated:
                print(f"{rec.get('where', '')}: curated {curated!r}, tagger {proposed!r} "
                      f"{taxonomy.tag_topics(text)}: {text}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "themes", help="tag text with topics and a core theme; measure agreement with curated labels",
        description="Tag text with topics from data/taxonomy.yaml and propose a core theme, or measure "
                    "how often the tagger agrees with the curated labels in the collected facts.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--agreement", action="store_true", help="compare the tagger with the curated labels in the facts")
    mode.add_argument("--tag", metavar="TEXT", help="print the topics and core theme proposed for TEXT")
    parser.add_argument("--facts", type=Path, default=DEFAULT_FACTS_DIR, metavar="DIR",
                        help=f"facts folder for --agreement (default {DEFAULT_FACTS_DIR})")
    parser.add_argument("--taxonomy", type=Path, default=None, metavar="PATH",
                        help="taxonomy file (default: taxonomy.yaml in DATA_DIR, else data/taxonomy.yaml)")
    parser.add_argument("--show-disagreements", action="store_true",
                        help="with --agreement, list the recommendations whose core theme the tagger gets wrong")
    parser.set_defaults(func=_cli)


def _cli(args) -> int:
    if args.taxonomy is None:
        args.taxonomy = default_taxonomy_path()
    _run(args)
    return 0

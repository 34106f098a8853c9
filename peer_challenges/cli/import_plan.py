"""The `import-plan` command: add status updates from an updated action plan to a challenge's source file.

Parses the arguments, calls peer_challenges.sources.importplan.import_plan and prints the diff (with
``--dry-run``), the warnings and a one-line summary.
"""

from __future__ import annotations

from peer_challenges.sources.importplan import SOURCE_KINDS, import_plan


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import-plan", help="add status updates from an updated action plan to a challenge's source file",
        description="Append one update per recommendation from an action plan (CSV, XLSX, text, PDF, HTML) "
                    "to data/sources/<council>/<YYYY-MM>-*.yaml. Existing history is never changed.")
    p.add_argument("file", metavar="FILE", help="the updated action plan")
    p.add_argument("--council", required=True, metavar="ID", help="council_id, e.g. brentwood")
    p.add_argument("--challenge", required=True, metavar="YYYY-MM", help="on-site month of the challenge")
    p.add_argument("--as-of", required=True, dest="as_of", metavar="DATE",
                   help="the date the plan reports progress at, e.g. 2025-03-31")
    p.add_argument("--dry-run", action="store_true", help="show the change as a diff; write nothing")
    p.add_argument("--data-dir", metavar="DIR", help="data folder (default: $DATA_DIR or data/)")
    p.add_argument("--source-url", metavar="URL", help="where the plan was published")
    p.add_argument("--source-title", metavar="TITLE", help="title for the new source entry (default: file name)")
    p.add_argument("--source-kind", choices=SOURCE_KINDS, default="council_page",
                   help="kind of the new source entry (default: council_page)")
    p.set_defaults(func=_run)


def _run(args) -> int:
    result = import_plan(args.file, args.council, args.challenge, args.as_of, data_dir=args.data_dir,
                         dry_run=args.dry_run, source_url=args.source_url, source_title=args.source_title,
                         source_kind=args.source_kind)
    if args.dry_run and result["diff"]:
        print(result["diff"], end="")
    for w in result["warnings"]:
        print(f"warning: {w}")
    n = len(result["added"])
    summary = (f"{'would add' if args.dry_run else 'added'} {n} update{'s' if n != 1 else ''} to {result['path']}"
               + (f" (source {result['source_id']})" if result["source_id"] else ""))
    if result["unchanged"]:
        summary += f"; {len(result['unchanged'])} already recorded for this date"
    if result["skipped"]:
        summary += f"; no progress given for {', '.join(map(str, result['skipped']))}"
    if args.dry_run:
        summary += "; dry run: nothing written"
    print(summary)
    return 0

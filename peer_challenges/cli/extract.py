"""The `extract` command: draft a source record from a report or action plan.

Without ``--challenge`` it prints the extractor's draft (YAML, or JSON with ``--json``) for a person to
complete. With ``--council ID --challenge YYYY-MM --source-url URL`` it makes the same source record the
Contribute page makes: the council block from its existing files or the register, the document cited by its
address, the build's checks run on it; ``--merge-into FILE`` adds it to an existing challenge's file (new
recommendations, new status updates as history, changed targets as revised targets) and prints the change
summary. ``--output`` writes the result to a new file; only ``--output`` equal to ``--merge-into`` replaces a
file (the merge keeps every earlier update). The extractor's warnings and the summary go to stderr.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from peer_challenges.domain.errors import UserError
from peer_challenges.domain.paths import data_dir
from peer_challenges.sources import contribute
from peer_challenges.sources.extract import SUPPORTED_EXTS, extract_file, to_yaml
from peer_challenges.sources.sourcefile import dump_source, load_source, source_path
from peer_challenges.app.views import contribute as views
from peer_challenges.store.build import check_source_record
from peer_challenges.store.db import run_query


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "extract", help="draft a source record from a report or action plan (txt, md, html, pdf, docx, csv, xlsx)",
        description="Read a CPC report or action plan and print a draft source record to review "
                    "(YAML in the data/sources layout, or JSON). With --challenge and --source-url, a complete "
                    "record (checked as the build checks it), or with --merge-into, that record added to an "
                    "existing challenge's file.")
    p.add_argument("file", metavar="FILE", help="the document: " + ", ".join(SUPPORTED_EXTS))
    p.add_argument("--json", action="store_true", help="print JSON instead of YAML")
    p.add_argument("--council", metavar="ID", help="council_id (slug) to put in the draft")
    p.add_argument("--challenge", metavar="YYYY-MM", help="the challenge's on-site month (needs --council and --source-url)")
    p.add_argument("--source-url", metavar="URL", help="where the document is published (http(s) address)")
    p.add_argument("--kind", choices=sorted(contribute.DOCUMENT_KINDS), default=None,
                   help="what the document is (default: action_plan, or feedback_report when it has no statuses)")
    p.add_argument("--as-of", metavar="DATE", help="the date the statuses are as at (default: the date the document gives)")
    p.add_argument("--merge-into", metavar="FILE", help="an existing data/sources/<id>/<YYYY-MM>-*.yaml to add the record to")
    p.add_argument("--output", "-o", metavar="PATH",
                   help="write the result to PATH (e.g. data/sources/<id>/<YYYY-MM>-corporate-peer-challenge.yaml) "
                        "instead of printing it; an existing file is never overwritten, except the --merge-into file")
    p.set_defaults(func=_run)


def _write(output: Path, text: str) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)


def _run(args) -> int:
    council = args.council
    if council is not None and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", council):
        raise UserError(f"--council {council!r}: expected a lower-case slug such as 'castle-point'")
    output = Path(args.output) if getattr(args, "output", None) else None
    merge_into = Path(args.merge_into) if getattr(args, "merge_into", None) else None
    replacing = output is not None and merge_into is not None and output.resolve() == merge_into.resolve()
    if output is not None and output.exists() and not replacing:
        raise UserError(f"{output} already exists; extract never overwrites a source file (use --merge-into "
                        f"{output} --output {output} to add to it)")
    if getattr(args, "challenge", None) or getattr(args, "source_url", None) or merge_into is not None:
        return _run_record(args, council, output, merge_into)
    result = extract_file(args.file, council)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n" if args.json else to_yaml(result)
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)
        print(f"wrote {output} ({_plural(len(result['recommendations']), 'recommendation')}, "
              f"{_plural(len(result['warnings']), 'warning')})", file=sys.stderr)
    if not args.json:
        for w in result["warnings"]:
            print(f"warning: {w}", file=sys.stderr)
    return 0


def _run_record(args, council: str | None, output: Path | None, merge_into: Path | None) -> int:
    month = args.challenge
    if merge_into is not None and not merge_into.is_file():
        raise UserError(f"--merge-into {merge_into}: no such file; expected an existing data/sources/<id>/<YYYY-MM>-*.yaml")
    if merge_into is not None and month is None:
        m = re.match(r"^(\d{4}-\d{2})-", merge_into.name)
        month = m.group(1) if m else None
    if merge_into is not None and council is None:
        council = merge_into.parent.name
    missing = [flag for flag, value in (("--council", council), ("--challenge", month),
                                        ("--source-url", args.source_url)) if not value]
    if missing:
        raise UserError(f"{', '.join(missing)}: needed to make a complete record (every record names its council, "
                        "challenge month and the address where the document is published)")
    draft = extract_file(args.file, council)
    kind = args.kind or ("action_plan" if any(r.get("status_raw") for r in draft["recommendations"])
                         else "feedback_report")
    problems = contribute.check_inputs(council_id=council, month=month, source_url=args.source_url, kind=kind)
    if problems:
        raise UserError(" ".join(problems))
    folder = data_dir()
    block = views.council_block(run_query, council)
    record = contribute.record_from_rows(draft, contribute.draft_rows(draft), council=block, month=month,
                                         source_url=args.source_url, kind=kind, as_of=args.as_of,
                                         file_name=Path(args.file).name)
    if merge_into is not None:
        existing = load_source(merge_into)
        record, changes = contribute.merge_record(existing, record)
        target = merge_into
    else:
        changes = contribute.new_challenge_changes(record)
        on_record = views.challenge_source_file(run_query, council, month)
        target = folder / on_record if on_record else source_path(folder, council, month, "corporate_peer_challenge")
        if target.exists():
            print(f"note: {target} already exists; use --merge-into {target} to add to it", file=sys.stderr)
    problems = check_source_record(record, target.name, folder)
    summary = contribute.change_summary(changes, council_name=block["name"], month=month,
                                        path=f"data/sources/{council}/{target.name}", source_url=args.source_url,
                                        kind=kind, file_name=Path(args.file).name)
    if args.json:
        text = json.dumps({"record": record, "file": f"data/sources/{council}/{target.name}", "summary": summary,
                           "problems": problems, "warnings": draft["warnings"]},
                          indent=2, ensure_ascii=False, default=str) + "\n"
    else:
        text = dump_source(record)
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)
        print(f"wrote {output}", file=sys.stderr)
    if not args.json:
        for w in draft["warnings"]:
            print(f"warning: {w}", file=sys.stderr)
        for p in problems:
            print(f"problem (the build would refuse this): {p}", file=sys.stderr)
        sys.stderr.write(summary)
    return 1 if problems else 0

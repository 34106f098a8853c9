"""The `extract` command: draft a source record from a report or action plan.

Parses the arguments, checks ``--council`` and ``--output``, calls
peer_challenges.sources.extract.extract_file and prints the draft (YAML, or JSON with ``--json``) or
writes it to a new file; the extractor's warnings go to stderr.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from peer_challenges.domain.errors import UserError
from peer_challenges.sources.extract import SUPPORTED_EXTS, extract_file, to_yaml


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "extract", help="draft a source record from a report or action plan (txt, md, html, pdf, docx, csv, xlsx)",
        description="Read a CPC report or action plan and print a draft source record to review "
                    "(YAML in the data/sources layout, or JSON).")
    p.add_argument("file", metavar="FILE", help="the document: " + ", ".join(SUPPORTED_EXTS))
    p.add_argument("--json", action="store_true", help="print JSON instead of YAML")
    p.add_argument("--council", metavar="ID", help="council_id (slug) to put in the draft")
    p.add_argument("--output", "-o", metavar="PATH",
                   help="write the draft to PATH (e.g. data/sources/<id>/<YYYY-MM>-corporate-peer-challenge.yaml) "
                        "instead of printing it; an existing file is never overwritten")
    p.set_defaults(func=_run)


def _run(args) -> int:
    council = args.council
    if council is not None and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", council):
        raise UserError(f"--council {council!r}: expected a lower-case slug such as 'castle-point'")
    output = Path(args.output) if getattr(args, "output", None) else None
    if output is not None and output.exists():
        raise UserError(f"{output} already exists; extract never overwrites a source file (edit it, or use "
                        "import-plan to add progress)")
    result = extract_file(args.file, council)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n" if args.json else to_yaml(result)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
        print(f"wrote {output} ({_plural(len(result['recommendations']), 'recommendation')}, "
              f"{_plural(len(result['warnings']), 'warning')})", file=sys.stderr)
    if not args.json:
        for w in result["warnings"]:
            print(f"warning: {w}", file=sys.stderr)
    return 0

"""The extractor's benchmark: time to draft each committed document fixture, in one run so the figures
compare as ratios (the 20-page PDF through pdfplumber against the pypdf text path it replaced).

    python -m peer_challenges.devtools.bench.extract [--runs 5] [--json bench/extract.json] [--markdown bench/EXTRACT.md]

Part of peer_challenges.devtools.bench; figures on a shared 2-core machine are noisy: compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from peer_challenges import PROJECT_ROOT
from peer_challenges.devtools.bench.report import machine
from peer_challenges.devtools.bench.timing import _time
from peer_challenges.sources.extract import extract_file, extract_text
from peer_challenges.sources.extract.readers import _read_pdf

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
CASES = [  # (label, path, pages)
    ("20-page progress report (PDF)", FIXTURES / "pdf" / "long_progress.pdf", 20),
    ("action plan, 3 pages (PDF export of the Word file)", FIXTURES / "pdf" / "action_plan.pdf", 3),
    ("action plan (Word .docx)", FIXTURES / "docx" / "action_plan.docx", None),
    ("committee progress report (PDF)", FIXTURES / "pdf" / "progress_report.pdf", None),
    ("LGA feedback report (Word .docx)", FIXTURES / "pdf" / "feedback_report.docx", None),
]


def run(runs: int) -> dict:
    rows = []
    for label, path, pages in CASES:
        stats, draft = _time(lambda p=path: extract_file(p), runs)
        rows.append({"document": label, "file": path.relative_to(PROJECT_ROOT).as_posix(), "pages": pages,
                     "recommendations": len(draft["recommendations"]), "draft_ms": stats})
    long_pdf = CASES[0][1]
    text_only, _ = _time(lambda: _read_pdf(long_pdf), runs)
    old_path, old = _time(lambda: extract_text(_read_pdf(long_pdf), source_name=long_pdf.name, ext=".pdf"), runs)
    new = rows[0]["draft_ms"]["p50"]
    return {"machine": machine(), "runs": runs, "documents": rows,
            "twenty_page_pdf": {"pdfplumber_draft_ms": rows[0]["draft_ms"], "pypdf_text_only_ms": text_only,
                                "pypdf_text_and_extract_text_ms": old_path,
                                "old_path_recommendations": len(old["recommendations"]),
                                "new_over_old": round(new / old_path["p50"], 2) if old_path["p50"] else None}}


def markdown(result: dict) -> str:
    t = result["twenty_page_pdf"]
    lines = ["# Extractor benchmark", "",
             f"Median of {result['runs']} runs on {result['machine'].get('nproc', '?')} CPUs "
             "(`python -m peer_challenges.devtools.bench.extract`).", "",
             "| document | pages | recommendations found | draft, median ms | p90 ms |", "|---|---|---|---|---|"]
    for r in result["documents"]:
        lines.append(f"| {r['document']} | {r['pages'] or ''} | {r['recommendations']} | {r['draft_ms']['p50']:,.0f} "
                     f"| {r['draft_ms']['p90']:,.0f} |")
    lines += ["", f"The 20-page PDF: {t['pdfplumber_draft_ms']['p50']:,.0f} ms to a draft through pdfplumber, against "
              f"{t['pypdf_text_and_extract_text_ms']['p50']:,.0f} ms for the pypdf text path it replaced "
              f"({t['new_over_old']}x), and {t['pypdf_text_only_ms']['p50']:,.0f} ms for pypdf's text alone. Most of the "
              "difference is pdfminer laying out each page's characters for pdfplumber.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", type=Path, default=PROJECT_ROOT / "bench" / "extract.json")
    p.add_argument("--markdown", type=Path, default=PROJECT_ROOT / "bench" / "EXTRACT.md")
    args = p.parse_args(argv)
    result = run(args.runs)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    args.markdown.write_text(markdown(result), encoding="utf-8")
    sys.stdout.write(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

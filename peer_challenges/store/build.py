"""data/sources/**/*.yaml -> data/*.parquet: validated, deterministic, all-or-nothing.

Every source file is read and validated before anything is written. Errors name the file, the record
and the field. Tables are written to a temporary folder inside the data folder and only moved into
place once all of them (and the derived tables) were written, so a failed build leaves the previous
Parquet untouched.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from peer_challenges.domain.paths import QUERIES_DIR, data_dir as default_data_dir
from peer_challenges.domain.dates import DateParseError, parse_date
from peer_challenges.domain.errors import UserError
from peer_challenges.store.db import create_view, define_rules
from peer_challenges.sources.schema import SourceFile, describe_validation_error
from peer_challenges.domain.vocab import UNTAGGED_KINDS
from peer_challenges.store.contract import DERIVED_TABLES, TABLES
from peer_challenges.sources.sourcefile import load_source
from peer_challenges.sources.register import REGISTER_FILE, load_aliases, load_register

MAX_ERRORS = 50
ARROW_TYPES = {
    "VARCHAR": pa.string(), "DATE": pa.date32(), "INTEGER": pa.int32(), "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
}
# sort order of each table (and so of its row groups): council first, for pruning by council
SORT_KEYS = {
    "councils": ["council_id"],
    "challenges": ["council_id", "challenge_id"],
    "recommendations": ["council_id", "challenge_id", "seq"],
    "updates": ["council_id", "recommendation_id", "seq"],
    "sources": ["council_id", "source_id"],
    "progress_snapshots": ["council_id", "snapshot_id"],
    "council_register": ["council_id"],
}
FILE_NAME = re.compile(r"^(?P<month>\d{4}-\d{2}|unknown)-(?P<kind>[a-z-]+)\.yaml$")
ROW_GROUP_SIZE = 100_000


@dataclass
class BuildReport:
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {t}" for t, n in self.rows.items())
        return f"built {counts} from {self.files} source files"


class _FileErrors(Exception):
    def __init__(self, lines: list[str]):
        self.lines = lines


def _date(value, where: str, errors: list[str]):
    try:
        parsed = parse_date(value)
    except DateParseError as exc:
        errors.append(f"{where}: {exc}")
        return None, None
    return parsed.value, parsed.precision


class _Taxonomy:
    """The tagger, when data/taxonomy.yaml exists; otherwise curated labels pass through."""

    def __init__(self, path: Path):
        self.tax = None
        if path.exists():
            from peer_challenges.domain.taxonomy import TaxonomyError, load_taxonomy
            try:
                self.tax = load_taxonomy(path)
            except TaxonomyError as exc:
                raise UserError(str(exc)) from None

    def topics(self, curated: list[str], text: str, where: str, errors: list[str]):
        if self.tax is None:
            return sorted(set(curated)), ("curated" if curated else None)
        if curated:
            mapped = []
            for tag in curated:
                topic = self.tax.canonical_topic(tag)
                if topic is None:
                    errors.append(f"{where}.topics: {tag!r} is not a topic or alias in taxonomy.yaml (add it there, or use one of: {', '.join(self.tax.topics)})")
                elif topic not in mapped:
                    mapped.append(topic)
            return mapped, "curated"
        tagged = self.tax.tag_topics(text)
        return tagged, ("tagger" if tagged else None)

    def core_theme(self, curated, text, topics):
        if curated:
            return curated, "curated"
        if self.tax is None:
            return None, None
        proposed = self.tax.propose_core_theme(text, topics)
        return proposed, ("tagger" if proposed else None)


def _rows_for_file(path: Path, sources_root: Path, taxonomy: _Taxonomy) -> dict[str, list[dict]]:
    rel = path.relative_to(sources_root.parent).as_posix()
    data = load_source(path)
    try:
        model = SourceFile.model_validate(data)
    except ValidationError as err:
        raise _FileErrors([f"{rel}: {line}" for line in describe_validation_error(err, data)]) from None
    errors: list[str] = []
    council, ch = model.council, model.challenge
    m = FILE_NAME.match(path.name)
    if path.parent.name != council.council_id:
        errors.append(f"{rel}: council.council_id: {council.council_id!r} must equal the folder name {path.parent.name!r}")
    if not m:
        errors.append(f"{rel}: file name must be <YYYY-MM>-<kind>.yaml (or unknown-<kind>.yaml)")
        raise _FileErrors(errors)
    month = m.group("month")
    if m.group("kind") != ch.kind.replace("_", "-"):
        errors.append(f"{rel}: challenge.kind: {ch.kind!r} does not match the file name's kind {m.group('kind')!r}")

    challenge_id = f"{council.council_id}-{month}"
    dates = {}
    for name in ("onsite_start", "onsite_end", "report_published", "action_plan_approved",
                 "progress_review_onsite", "progress_review_published"):
        dates[name], dates[name + "_precision"] = _date(getattr(ch, name), f"{rel}: challenge.{name}", errors)
    expected_month = dates["onsite_start"].strftime("%Y-%m") if dates["onsite_start"] else "unknown"
    if ch.onsite_start and dates["onsite_start"] and dates["onsite_start_precision"] not in ("day", "month"):
        errors.append(f"{rel}: challenge.onsite_start: expected a day or month; got {ch.onsite_start!r}")
    if expected_month != month:
        errors.append(f"{rel}: file month {month!r} does not match challenge.onsite_start {ch.onsite_start!r} (expected {expected_month}-...yaml)")

    source_ids = {s.id for s in model.sources}
    if len(source_ids) != len(model.sources):
        errors.append(f"{rel}: sources: ids must be unique")

    def source_ref(sid, where):
        if sid is None:
            return None
        if sid not in source_ids:
            errors.append(f"{where}.source: {sid!r} is not one of this file's sources ({', '.join(sorted(source_ids))})")
            return None
        return f"{challenge_id}-{sid}"

    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    out["councils"].append({**council.model_dump(), "synthetic": ch.synthetic})
    numbers_seen: set[str] = set()
    for i, rec in enumerate(model.recommendations, start=1):
        where = f"{rel}: recommendations[{i - 1}] (number {rec.number!r})"
        if rec.number is not None:
            if rec.number in numbers_seen:
                errors.append(f"{where}.number: duplicate number within this challenge")
            numbers_seen.add(rec.number)
        rid = f"{challenge_id}-r{i:02d}"
        if rec.target:
            target, target_prec = _date(rec.target, f"{where}.target", errors)
        else:
            from peer_challenges.domain.dates import try_parse_date
            # target_raw is kept as written; an ambiguous or open-ended one has no date (never guessed)
            parsed = try_parse_date(rec.target_raw)
            target, target_prec = parsed.value, parsed.precision
        # a placeholder or a heading says a recommendation exists, not what it says: never tag its own text
        text = "" if rec.record_kind in UNTAGGED_KINDS else " ".join(x for x in (rec.title, rec.text) if x)
        topics, topics_source = taxonomy.topics(rec.topics, text, where, errors)
        core, core_source = taxonomy.core_theme(rec.core_theme, text, topics)
        out["recommendations"].append({
            "recommendation_id": rid, "challenge_id": challenge_id, "council_id": council.council_id,
            "seq": i, "number": rec.number, "title": rec.title, "text": rec.text,
            "core_theme": core, "core_theme_source": core_source, "topics": topics,
            "topics_source": topics_source, "record_flag": rec.record_flag,
            "record_kind": rec.record_kind, "stands_for": rec.stands_for,
            "accountable": rec.accountable, "responsible": rec.responsible, "target_raw": rec.target_raw,
            "target_date": target, "target_precision": target_prec,
            "source_id": source_ref(rec.source, where),
        })
        for j, up in enumerate(rec.updates, start=1):
            uwhere = f"{where}.updates[{j - 1}]"
            as_of, as_of_prec = _date(up.as_of, f"{uwhere}.as_of", errors)
            revised, revised_prec = _date(up.revised_target, f"{uwhere}.revised_target", errors)
            out["updates"].append({
                "update_id": f"{rid}-u{j:02d}", "recommendation_id": rid, "challenge_id": challenge_id,
                "council_id": council.council_id, "seq": j, "as_of": as_of, "as_of_precision": as_of_prec,
                "status": up.status, "status_raw": up.status_raw, "rag": up.rag,
                "revised_target": revised, "revised_target_precision": revised_prec,
                "assessed_by": up.assessed_by, "peer_view": up.peer_view, "note": up.note, "source_id": source_ref(up.source, uwhere),
            })
    for k, snap in enumerate(model.progress_snapshots, start=1):
        where = f"{rel}: progress_snapshots[{k - 1}]"
        as_of, as_of_prec = _date(snap.as_of, f"{where}.as_of", errors)
        parts = [snap.complete, snap.in_progress, snap.not_started]
        if snap.total is not None and sum(p or 0 for p in parts) > snap.total:
            errors.append(f"{where}: complete + in_progress + not_started ({sum(p or 0 for p in parts)}) exceeds total ({snap.total})")
        out["progress_snapshots"].append({
            "snapshot_id": f"{challenge_id}-p{k:02d}", "challenge_id": challenge_id,
            "council_id": council.council_id, "as_of": as_of, "as_of_precision": as_of_prec,
            **{f: getattr(snap, f) for f in ("unit", "total", "complete", "in_progress", "not_started",
                                             "rag_green", "rag_amber", "rag_red", "basis", "assessed_by",
                                             "is_forecast", "note")},
            "source_id": source_ref(snap.source, where),
        })
    for s in model.sources:
        published, published_prec = _date(s.published, f"{rel}: sources[{s.id}].published", errors)
        out["sources"].append({
            "source_id": f"{challenge_id}-{s.id}", "challenge_id": challenge_id,
            "council_id": council.council_id, "url": s.url, "title": s.title, "kind": s.kind,
            "published": published, "published_precision": published_prec,
        })
    if ch.recommendations_total is not None and len(model.recommendations) > ch.recommendations_total:
        errors.append(f"{rel}: challenge.recommendations_total: {ch.recommendations_total} but {len(model.recommendations)} recommendations are recorded")
    out["challenges"].append({
        "challenge_id": challenge_id, "council_id": council.council_id, "kind": ch.kind,
        "challenge_month": None if month == "unknown" else month, **dates,
        "report_published_basis": ch.report_published_basis,
        "progress_review_published_basis": ch.progress_review_published_basis,
        "progress_review_kind": ch.progress_review_kind, "pandemic_delayed": ch.pandemic_delayed,
        "people_met": ch.people_met, "people_met_lower_bound": ch.people_met_lower_bound,
        "meetings_held": ch.meetings_held, "meetings_held_lower_bound": ch.meetings_held_lower_bound,
        "peer_team_size": ch.peer_team_size, "recommendations_total": ch.recommendations_total,
        "recommendations_recorded": len(model.recommendations), "focus_areas": list(ch.focus_areas),
        "joint_with": list(ch.joint_with), "synthetic": ch.synthetic, "notes": ch.notes,
        "source_file": rel,
    })
    if errors:
        raise _FileErrors(errors)
    return out


def check_source_record(record: dict, file_name: str, data: Path | None = None) -> list[str]:
    """The build's checks of one source record, without building or writing into ``data``: the record is
    written to a scratch folder as sources/<council_id>/<file_name> and read the way the build reads a
    file (schema, dates, file name and month, source ids, topics against data/taxonomy.yaml). Returns the
    problems ("recommendations[2] (number '3').target: ...", without the scratch path); empty: it builds."""
    from peer_challenges.sources.sourcefile import write_source_atomic

    data = Path(data) if data else default_data_dir()
    council_id = str((record.get("council") or {}).get("council_id") or "unknown")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", council_id) or not FILE_NAME.match(file_name):
        return [f"council.council_id {council_id!r} / file name {file_name!r}: expected a slug and <YYYY-MM>-<kind>.yaml"]
    with tempfile.TemporaryDirectory(prefix="check-source-") as tmp:
        path = Path(tmp) / "sources" / council_id / file_name
        write_source_atomic(path, record)
        try:
            _rows_for_file(path, path.parents[1], _Taxonomy(data / "taxonomy.yaml"))
        except _FileErrors as exc:
            prefix = f"sources/{council_id}/{file_name}: "
            return [line.removeprefix(prefix) for line in exc.lines]
        except UserError as exc:
            return [str(exc)]
    return []


def collect(data: Path) -> tuple[dict[str, list[dict]], BuildReport]:
    sources_root = data / "sources"
    files = sorted(sources_root.glob("*/*.yaml"))
    if not files:
        raise UserError(f"{sources_root}: no source files (expected data/sources/<council_id>/<YYYY-MM>-<kind>.yaml)")
    taxonomy = _Taxonomy(data / "taxonomy.yaml")
    tables: dict[str, list[dict]] = {t: [] for t in TABLES}
    errors: list[str] = []
    report = BuildReport(files=len(files))
    councils: dict[str, dict] = {}
    for path in files:
        try:
            rows = _rows_for_file(path, sources_root, taxonomy)
        except _FileErrors as exc:
            errors.extend(exc.lines)
            continue
        except UserError as exc:
            errors.append(str(exc))
            continue
        council = rows.pop("councils")[0]
        seen = councils.get(council["council_id"])
        if seen is None:
            councils[council["council_id"]] = council
        else:
            for key in ("name", "ons_code", "council_type", "region"):
                if seen[key] != council[key]:
                    errors.append(f"{path.relative_to(data).as_posix()}: council.{key}: {council[key]!r} differs from {seen[key]!r} in another file of {council['council_id']}")
            seen["synthetic"] = seen["synthetic"] and council["synthetic"]
        for table, items in rows.items():
            tables[table].extend(items)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        more = "" if len(errors) < MAX_ERRORS else f"\n(stopped after {MAX_ERRORS} errors)"
        raise UserError(f"build failed: {len(errors)} problem(s) in the source files; nothing was written.\n" + "\n".join(errors) + more)
    tables["councils"] = list(councils.values())
    ids = {c["challenge_id"] for c in tables["challenges"]}
    for c in tables["challenges"]:
        for other in c["joint_with"]:
            if other not in councils:
                report.warnings.append(f"{c['source_file']}: joint_with {other!r} has no source file")
    if len(ids) != len(tables["challenges"]):
        raise UserError("build failed: two source files give the same council and month")
    assign_report_groups(tables["challenges"])
    tables["council_register"] = register_rows(data, tables["councils"], report)
    return tables, report


def register_rows(data: Path, councils: list[dict], report: BuildReport | None = None) -> list[dict]:
    """The council_register table: data/register/councils.csv, validated, with each row's facts_council_ids.
    Every council of the source files must be in it (by council_id, or through register/aliases.yaml) with the
    same GSS code; the build fails naming each that is not. A data folder without a register (a scratch folder)
    builds with a warning and an empty register. Synthetic councils (test and benchmark data) get a row of their
    own, in force since the register's start."""
    real = [c for c in councils if not c["synthetic"]]
    has_register = (data / REGISTER_FILE).exists()
    if not has_register:
        rows = []
        if real and report is not None:
            report.warnings.append(f"no council register ({REGISTER_FILE.as_posix()}): the five-year cycle, councils "
                                   "in force and reorganisations cannot be shown (see data/register/README.md)")
    else:
        ids = [c["council_id"] for c in real]
        try:
            rows = load_register(data, ids)
        except UserError as exc:
            raise UserError(f"build failed: {exc}\nnothing was written. A council new to the dataset must be in the "
                            "register: see data/register/README.md.") from None
    aliases = load_aliases(data) if has_register else {}
    by_id = {r["council_id"]: r for r in rows}
    problems = []
    for c in real:
        reg = by_id.get(c["council_id"])
        if reg is not None and c["ons_code"] and c["ons_code"] != reg["gss_code"]:
            problems.append(f"council {c['council_id']}: ons_code {c['ons_code']} in its source files, "
                            f"{reg['gss_code']} in the register")
    if problems:
        raise UserError("build failed: the source files and data/register/councils.csv disagree; nothing was "
                        "written.\n" + "\n".join(problems))
    present = {c["council_id"] for c in councils}
    for r in rows:
        r["facts_council_ids"] = ([r["council_id"]] if r["council_id"] in present else []) + sorted(
            a for a, targets in aliases.items() if r["council_id"] in targets and a in present)
        r["synthetic"] = False
    for c in councils:
        if c["synthetic"] and c["council_id"] not in by_id:
            rows.append(synthetic_register_row(c))
    return rows


def synthetic_register_row(council: dict) -> dict:
    """A register row for a synthetic council (benchmark and test data): in force since the register's start."""
    from datetime import date

    return {"council_id": council["council_id"], "gss_code": council.get("ons_code"), "name": council["name"],
            "council_type": council["council_type"], "region": council["region"], "valid_from": date(2014, 4, 1),
            "valid_to": None, "successor_ids": [], "predecessor_ids": [], "region_basis": "synthetic",
            "type_basis": "synthetic", "source": "synthetic council (not a real council)",
            "facts_council_ids": [council["council_id"]], "synthetic": True}


def assign_report_groups(challenges: list[dict]) -> None:
    """report_group: one value for the partner councils of one joint challenge (one visit, one report), the
    challenge_id otherwise. Partners are the councils named in joint_with (either way round) whose challenge
    began in the same month; the group is named by its first challenge_id."""
    by_key = {(c["council_id"], c["challenge_month"]): c for c in challenges}
    for c in challenges:
        members = {c["challenge_id"]}
        for other in c["joint_with"]:
            partner = by_key.get((other, c["challenge_month"]))
            if partner is not None and c["challenge_month"] is not None:
                members.add(partner["challenge_id"])
        c["report_group"] = min(members)


def _arrow_table(name: str, rows: list[dict]) -> pa.Table:
    columns = TABLES[name]
    schema = pa.schema([(col, ARROW_TYPES[typ]) for col, typ in columns.items()])
    keys = SORT_KEYS[name]
    rows = sorted(rows, key=lambda r: tuple("" if r[k] is None else r[k] for k in keys))
    return pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=schema)


def _write(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_SIZE, write_statistics=True)


def derive(conn: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Create the derived tables (queries/build/<name>.sql over the base tables) in folder."""
    define_rules(conn)
    for name in TABLES:
        create_view(conn, name, folder / f"{name}.parquet")
    for name in DERIVED_TABLES:
        sql = (QUERIES_DIR / "build" / f"{name}.sql").read_text(encoding="utf-8")
        table = conn.sql(sql).to_arrow_table()
        _write(table, folder / f"{name}.parquet")
        create_view(conn, name, folder / f"{name}.parquet")  # later derived tables may build on this one


def write_tables(tables: dict[str, list[dict]], target: Path) -> dict[str, int]:
    """Write every table (rows as dicts) and the derived ones to a temporary folder, then move them into target."""
    return write_arrow_tables({name: _arrow_table(name, rows) for name, rows in tables.items()}, target)


def build(data: Path | None = None, out: Path | None = None) -> BuildReport:
    data = Path(data) if data else default_data_dir()
    tables, report = collect(data)
    report.rows = write_tables(tables, Path(out) if out else data)
    return report


def write_arrow_tables(tables: dict[str, pa.Table], target: Path) -> dict[str, int]:
    """Write the tables (Arrow) and the derived ones all-or-nothing: into a temporary folder inside target,
    then moved into place only once every file was written.

    Each table is conformed to its contract (the TABLES columns, in order, cast to ARROW_TYPES: a
    missing column or an impossible cast is an error), sorted by SORT_KEYS (nulls first, as
    _arrow_table does), written with _write; the derived tables are made by derive(); then everything
    is moved into target, as write_tables does.
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=target))
    try:
        counts = {}
        for name, columns in TABLES.items():
            table = tables[name]
            missing = [c for c in columns if c not in table.column_names]
            if missing:
                raise UserError(f"table {name}: missing columns {missing}")
            schema = pa.schema([(col, ARROW_TYPES[typ]) for col, typ in columns.items()])
            table = table.select(list(columns)).cast(schema)
            table = table.sort_by([(k, "ascending", "at_start") for k in SORT_KEYS[name]])
            _write(table, tmp / f"{name}.parquet")
            counts[name] = table.num_rows
        conn = duckdb.connect()
        try:
            derive(conn, tmp)
        finally:
            conn.close()
        for name in list(TABLES) + list(DERIVED_TABLES):
            (tmp / f"{name}.parquet").replace(target / f"{name}.parquet")
        return counts
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

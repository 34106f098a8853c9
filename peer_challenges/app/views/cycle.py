"""View model of the Five-year cycle page and of the register facts the Council page shows: which councils in
force have a corporate peer challenge on record here within five years, which are overdue or have none on
record, the cycle over time by council type, and what reorganisation carries over (predecessors, successors,
inherited challenges). Plain functions over a query callable (store.db.run_query in tests, ui.query on the
page); no streamlit. Everything is worded "on record here": absence from our data is not proof that no
challenge happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from peer_challenges.analysis import cycle_charts as cc
from peer_challenges.analysis.narrative import date_label, escape_markdown, missing, who_assessed
from peer_challenges.analysis.stats import share
from peer_challenges.app.views.common import Chart, Metric, Query
from peer_challenges.domain.norms import CYCLE_YEARS
from peer_challenges.domain.status import status_words
from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS

ON_RECORD_CAVEAT = ("Counted from the challenges on record here: a council with none on record may still have had "
                    "a peer challenge that we have not collected.")
# the order the list of councils not within five years is shown in, with its words
NOT_WITHIN = ("overdue", "none_on_record", "borderline", "date_not_known")
# the list's choices (a radio: one choice, large targets) and the statuses each shows
SHOW_CHOICES = {"all": "All of them", "overdue": f"Overdue (more than {CYCLE_YEARS} years)",
                "none_on_record": "None on record here", "other": "Borderline or date not known"}
SHOW_STATUSES = {"all": NOT_WITHIN, "overdue": ("overdue",), "none_on_record": ("none_on_record",),
                 "other": ("borderline", "date_not_known")}


def parse_as_of(raw) -> dt.date | None:
    """The ?as_of=YYYY-MM-DD of a link (None when absent or not a date)."""
    try:
        return dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def day(d) -> str:
    return pd.Timestamp(d).strftime("%-d %B %Y")


# ---------------------------------------------------------------- national figures


@dataclass
class Cycle:
    as_of: dt.date
    summary: pd.DataFrame    # cycle__summary: dimension all | council_type | region
    councils: pd.DataFrame   # cycle__councils: every council in force

    @property
    def total(self) -> Mapping:
        row = self.summary[self.summary["dimension"] == "all"]
        return row.iloc[0] if len(row) else {}

    @property
    def n_councils(self) -> int:
        return int(self.total["councils"]) if len(self.summary) else 0


def load(query: Query, as_of: dt.date | None) -> Cycle:
    as_of = as_of or dt.date.today()
    return Cycle(as_of=as_of, summary=query("cycle__summary", as_of=as_of),
                 councils=query("cycle__councils", as_of=as_of))


def metrics(c: Cycle) -> list[Metric]:
    t = c.total
    n = c.n_councils
    if not n:
        return []
    within = share(int(t["within"]), n)
    return [
        Metric("Councils in force", f"{n:,}", f"English principal councils in force on {day(c.as_of)}, from the "
               "register (data/register: the ONS April 2021 lookup and the reorganisations either side of it)."),
        Metric(f"Challenge on record within {CYCLE_YEARS} years", f"{int(t['within']):,} of {n:,}",
               f"The latest corporate peer challenge on record here began within {CYCLE_YEARS} years before "
               f"{day(c.as_of)}.", within.interval_text and f"{within.value:.0%} (95% interval {within.interval_text})"),
        Metric("Overdue", f"{int(t['overdue']):,}", f"The latest challenge on record here began more than "
               f"{CYCLE_YEARS} years before {day(c.as_of)}."),
        Metric("None on record here", f"{int(t['none_on_record']):,}", "No corporate peer challenge of this council "
               "is on record here (a predecessor's challenge is not the council's own). " + ON_RECORD_CAVEAT),
    ]


def headline(c: Cycle) -> str:
    """The national figure in words (Markdown)."""
    t = c.total
    n = c.n_councils
    if not n:
        return "The council register is empty, so the cycle cannot be shown."
    extra = []
    if int(t["borderline"]):
        extra.append(f"{int(t['borderline'])} {'is' if int(t['borderline']) == 1 else 'are'} about {CYCLE_YEARS} "
                     "years (the visit is known only to its month, which straddles the line)")
    if int(t["date_not_known"]):
        extra.append(f"{int(t['date_not_known'])} {'has' if int(t['date_not_known']) == 1 else 'have'} a challenge "
                     "on record whose date is not known")
    return (f"On {day(c.as_of)}, **{int(t['within']):,} of the {n:,} councils in force** have a corporate peer "
            f"challenge on record here that began within the last {CYCLE_YEARS} years; "
            f"**{int(t['overdue']):,}** are overdue (their latest on record began more than {CYCLE_YEARS} years "
            f"before) and **{int(t['none_on_record']):,}** have none on record here"
            + ("; " + "; ".join(extra) if extra else "") + ". "
            + f"{int(t['with_any_on_record']):,} of the {n:,} have at least one challenge on record. " + ON_RECORD_CAVEAT)


def coverage_sentence(query: Query, as_of: dt.date | None = None) -> str | None:
    """'N of M councils in force have at least one challenge on record here' (Overview, About); None without a
    register."""
    s = query("cycle__summary", as_of=as_of or dt.date.today())
    t = s[s["dimension"] == "all"]
    if t.empty or not int(t["councils"].iloc[0]):
        return None
    n, m = int(t["with_any_on_record"].iloc[0]), int(t["councils"].iloc[0])
    return (f"{n:,} of the {m:,} English councils in force today have at least one corporate peer challenge on "
            f"record here; {int(t['within'].iloc[0]):,} have one within the last {CYCLE_YEARS} years.")


def breakdown_table(c: Cycle, dimension: str) -> pd.DataFrame:
    """By council type or by region: councils in force, within five years, overdue, none on record, and the
    share within ("k of n" under 10, else with its 95% interval)."""
    rows = c.summary[c.summary["dimension"] == dimension]
    label = "Council type" if dimension == "council_type" else "Region"
    out = []
    for r in rows.itertuples(index=False):
        name = COUNCIL_TYPE_LABELS.get(r.grp, r.grp) if dimension == "council_type" else r.grp
        out.append({label: name, "Councils in force": int(r.councils),
                    f"Within {CYCLE_YEARS} years": int(r.within), "Overdue": int(r.overdue),
                    "None on record": int(r.none_on_record),
                    "Other (borderline or date not known)": int(r.borderline) + int(r.date_not_known),
                    f"Share within {CYCLE_YEARS} years": share(int(r.within), int(r.councils)).text})
    return pd.DataFrame(out)


def not_within_table(c: Cycle, statuses=NOT_WITHIN) -> pd.DataFrame:
    """The councils in force without a challenge on record within five years, each with a link to its page:
    overdue ones longest-waiting first, then those with none on record (with their predecessors' latest).
    Column operations, not a loop: at national scale there are tens of thousands of rows."""
    # where it stands and since when first: they are what the table is for (type and region are filters too)
    columns = ["Council", "Page", "Where it stands", "Latest on record here", "Years since", "Type", "Region",
               "In force since", "A predecessor's latest"]
    df = c.councils[c.councils["cycle_status"].isin(statuses)].copy()
    if df.empty:
        return pd.DataFrame(columns=columns)
    order = {s: i for i, s in enumerate(NOT_WITHIN)}
    df["_o"] = df["cycle_status"].map(order)
    df = df.sort_values(["_o", "latest_onsite_start", "name"], na_position="last")
    latest = [("" if missing(d) else date_label(d, p))
              for d, p in zip(df["latest_onsite_start"], df["latest_onsite_start_precision"])]
    pred_when = pd.to_datetime(df["predecessor_latest_onsite_start"]).dt.strftime("%B %Y")
    pred = (df["predecessor_latest_council_name"].astype("object") + ", " + pred_when.astype("object"))
    since = pd.to_datetime(df["valid_from"])
    return pd.DataFrame({
        "Council": df["name"].to_numpy(), "Page": ("/council?council=" + df["council_id"]).to_numpy(),
        "Type": df["council_type"].map(lambda t: COUNCIL_TYPE_LABELS.get(t, t)).to_numpy(),
        "Region": df["region"].to_numpy(), "Where it stands": df["cycle_status"].map(cc.STATUS_WORDS).to_numpy(),
        "Latest on record here": latest, "Years since": pd.to_numeric(df["years_since"]).astype(float).to_numpy(),
        "In force since": since.where(since > pd.Timestamp("2014-04-01")).dt.strftime("%-d %B %Y").fillna("").to_numpy(),
        "A predecessor's latest": pred.fillna("").to_numpy(),
    }, columns=columns)


def council_page(council_id: str) -> str:
    return f"/council?council={council_id}"


def over_time(query: Query) -> Chart:
    rows = query("cycle__over_time")
    title = (f"Share of councils in force with a challenge on record here in the previous {CYCLE_YEARS} years, "
             "by council type")
    fig = cc.over_time_chart(rows, title)
    note = ("Each point counts the councils in force on that 1 April (a district abolished later still counts "
            "for the years it existed) and whether their latest challenge on record began in the five years "
            "before. Our facts were collected mostly from recent reports, so the early years show what is on "
            "record here, not what happened then. " + cc.over_time_summary(rows))
    return Chart(fig=fig, alt=cc.over_time_summary(rows), data=cc.over_time_table(rows), note=note)


# ---------------------------------------------------------------- one council: register facts


@dataclass
class RegisterEntry:
    """A council's register rows (one; two for a joint record), and its direct successors and predecessors."""

    selves: pd.DataFrame
    successors: pd.DataFrame
    predecessors: pd.DataFrame

    @property
    def found(self) -> bool:
        return not self.selves.empty

    @property
    def abolished_on(self):
        v = self.selves["valid_to"].dropna()
        return v.min() if len(v) else None


def register_entry(query: Query, council_id: str) -> RegisterEntry:
    rows = query("council__register", council_id=council_id)
    pick = (lambda rel: rows[rows["relation"] == rel].drop_duplicates("council_id").reset_index(drop=True))  # noqa: E731
    return RegisterEntry(pick("self"), pick("successor"), pick("predecessor"))


def _names_links(df: pd.DataFrame) -> str:
    links = [f"[{escape_markdown(r.name)}]({council_page(r.council_id)})" for r in df.itertuples()]
    return links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]


def reorganisation_notice(entry: RegisterEntry) -> str | None:
    """'Abolished on 1 April 2023; its successor: ...' or 'Created on 1 April 2023 from ...' (Markdown), or
    None for a council no reorganisation touched."""
    parts = []
    if entry.abolished_on is not None:
        parts.append(f"This council was abolished on **{day(entry.abolished_on)}**"
                     + (f"; its area is now served by {_names_links(entry.successors)}" if len(entry.successors) else "")
                     + ". Its challenges and recommendations are shown on the successor's page as inherited.")
    if len(entry.predecessors):
        created = entry.selves["valid_from"].max()
        parts.append(f"Created on **{day(created)}** from {_names_links(entry.predecessors)}: their challenges on "
                     "record are listed below as inherited.")
    return " ".join(parts) or None


def cycle_sentence(query: Query, council_id: str, as_of: dt.date | None = None) -> str | None:
    """Where this council stands against the five-year cycle today (None when it is not in force)."""
    as_of = as_of or dt.date.today()
    entry = register_entry(query, council_id)
    ids = sorted(set(entry.selves["council_id"]))
    if not ids:
        return None
    rows = query("cycle__councils", as_of=as_of, council_ids=ids)
    if rows.empty:
        return None
    r = rows.iloc[0]
    status = r["cycle_status"]
    if status == "none_on_record":
        pred = ""
        if not missing(r["predecessor_latest_council_name"]):
            pred = (f" Its predecessors' latest on record: {escape_markdown(r['predecessor_latest_council_name'])}, "
                    f"{pd.Timestamp(r['predecessor_latest_onsite_start']).strftime('%B %Y')}.")
        return (f"**Five-year cycle:** no corporate peer challenge of this council is on record here (as of "
                f"{day(as_of)}).{pred} {ON_RECORD_CAVEAT}")
    if status == "date_not_known":
        return ("**Five-year cycle:** a challenge is on record here, but its date is not known, so it cannot be "
                "placed in the cycle.")
    latest = date_label(r["latest_onsite_start"], r["latest_onsite_start_precision"])
    words = {"within": f"within the LGA's expectation of one at least every {CYCLE_YEARS} years; the next is due "
                       f"by {pd.Timestamp(r['next_due_by']).strftime('%B %Y')}",
             "overdue": f"more than {CYCLE_YEARS} years ago: **overdue** against the LGA's expectation (due by "
                        f"{pd.Timestamp(r['next_due_by']).strftime('%B %Y')})",
             "borderline": f"about {CYCLE_YEARS} years ago (the visit is known only to its month, which straddles "
                           "the line)"}[status]
    return (f"**Five-year cycle:** the latest challenge on record here began {latest} "
            f"({r['years_since']:.1f} years before {day(as_of)}), {words}.")


def inherited(query: Query, council_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The predecessors' challenges (one row per challenge, a joint one once) and their open recommendations,
    as tables for the page."""
    ch = query("council__inherited", council_id=council_id)
    table = pd.DataFrame([{
        "Predecessor": r.predecessor_names, "Abolished": day(r.abolished_on) if not missing(r.abolished_on) else "",
        "Challenge": (date_label(r.onsite_start, r.onsite_start_precision) if not missing(r.onsite_start)
                      else "date not known"),
        "Page": f"/council?council={r.challenge_council_id}&challenge={r.challenge_month or 'unknown'}",
        "Recommendations recorded": int(r.recommendations), "Complete": int(r.complete), "Open": int(r.open),
        "Status not reported": int(r.status_not_reported),
    } for r in ch.itertuples(index=False)], columns=["Predecessor", "Abolished", "Challenge", "Page",
                                                     "Recommendations recorded", "Complete", "Open",
                                                     "Status not reported"])
    open_recs = query("council__inherited_open", council_id=council_id)
    open_table = pd.DataFrame([{
        "Predecessor": r.predecessor_name, "Challenge": r.challenge_month, "No.": r.number, "Recommendation": r.title,
        "Latest status": status_words(r.latest_status),
        "As of": date_label(r.latest_as_of, r.latest_as_of_precision) if not missing(r.latest_as_of) else "",
        "Assessed by": who_assessed([r.latest_assessed_by]),
    } for r in open_recs.itertuples(index=False)], columns=["Predecessor", "Challenge", "No.", "Recommendation",
                                                          "Latest status", "As of", "Assessed by"])
    return table, open_table


def register_only_line(entry: RegisterEntry, recorded_jointly: bool = False) -> str:
    """The line under the name of a council with no source file of its own: type, region, GSS code, when it
    was in force (until the day before its abolition), and whether a challenge is on record (one recorded
    jointly with another council, e.g. Chiltern's under Chiltern and South Bucks, is)."""
    r = entry.selves.iloc[0]
    since = pd.Timestamp(r["valid_from"])
    old = since <= pd.Timestamp("2014-04-01")
    if missing(r["valid_to"]):
        when = "in force throughout the register (since 2014 or earlier)" if old else f"in force since {day(since)}"
    else:
        until = day(pd.Timestamp(r["valid_to"]) - pd.Timedelta(days=1))
        when = f"in force {'from 2014 or earlier' if old else f'from {day(since)}'} until {until}"
    return (f"{escape_markdown(COUNCIL_TYPE_LABELS.get(r['council_type'], r['council_type']))} council, "
            f"{escape_markdown(r['region'])} · ONS code {escape_markdown(r['gss_code'])} · {when} · "
            + ("corporate peer challenges recorded jointly with another council" if recorded_jointly
               else "no corporate peer challenge on record here"))


def recorded_as(entry: RegisterEntry) -> list[str]:
    """The source-file council ids that stand for this register council other than its own (a joint record of
    two councils, data/register/aliases.yaml: Chiltern's is chiltern-and-south-bucks)."""
    own = set(entry.selves["council_id"])
    return sorted({i for listed in entry.selves["facts_council_ids"] if listed is not None for i in listed
                   if i not in own})


def recorded_under(entry: RegisterEntry, names: Mapping[str, str]) -> str | None:
    """For a register council whose challenges our source files record under another id (recorded_as): a
    Markdown sentence linking to that record's page; None otherwise. ``names``: council id -> name of the
    councils on record (ids not on record are left out)."""
    ids = [i for i in recorded_as(entry) if i in names]
    if not ids:
        return None
    links = " and ".join(f"[{escape_markdown(names[i])}]({council_page(i)})" for i in ids)
    return (f"This council's corporate peer challenges are recorded here jointly with another council's, on one "
            f"page: {links}.")

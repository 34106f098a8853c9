"""About: what a corporate peer challenge is, the definitions behind every figure, coverage, sources,
accessibility and how to add data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peer_challenges.app import ui
from peer_challenges.app.views import cycle as cycle_view
from peer_challenges.domain.norms import MILESTONES, PROGRESS_REVIEW_NORM_DAYS
from peer_challenges.analysis.narrative import RECORD_FLAG_LABELS, SLIPPAGE_LABELS, SOURCE_KIND_LABELS, date_label, missing, plural
from peer_challenges.domain.status import status_words

# the norms in words, from their one home (domain.norms)
NORMS_IN_WORDS = ", ".join(f"{m.label.lower()} **{m.words}**" for m in MILESTONES)

SOURCES_SHOWN = 1000  # rows of the sources table drawn at once; the search narrows them down

st.set_page_config(page_title="About and definitions · Peer Challenge Explorer")
ui.header(
    "About this dashboard",
    "Peer Challenge Explorer brings together what is publicly known about English councils' Corporate Peer "
    "Challenges: what the peers recommended, which themes recur, how much of each action plan councils report "
    "done, and how far delivery slipped past the timescales councils set themselves.",
)

st.header("What a Corporate Peer Challenge is")
st.markdown(
    """
A **Corporate Peer Challenge** is an improvement visit that a council invites, run by the Local Government
Association (LGA). A small team of serving councillors and senior officers from other councils, with an LGA
adviser, spends several days on site: they read the council's own evidence, meet staff, councillors and
partners, and test how well the council is run. It is not an inspection and gives no score.

The team then writes a **feedback report** with numbered **recommendations**. Councils usually publish it with
an **action plan** that names who is accountable for each recommendation, a timescale and, later, progress.
About ten months after the visit the peers come back for a **progress review** and publish what they found.

Every challenge looks at five **core elements** — local priorities and outcomes; organisational and place
leadership; governance and culture; financial planning and management; capacity for improvement — and the
council can ask the team to look at further **focus areas** of its own.
"""
)

st.header("Definitions")
status_rows = pd.DataFrame({
    "Status": [status_words(s) for s in
               ("complete", "in_progress", "not_started", "ongoing", "delayed", "superseded", None)],
    "Means": [
        "Done, as reported.",
        "Work under way and not yet done.",
        "Not begun yet.",
        "Embedded as business as usual: continuing work with no end date. Counted as done only where a page says so.",
        "Behind schedule, as the council says.",
        "Closed because it no longer applies (withdrawn, replaced). Left out of completion shares.",
        "No status has been published for this recommendation.",
    ],
    "What councils write (examples)": [
        "Completed, Achieved, Delivered, Done, Closed",
        "On track, Underway, Started, Partially complete",
        "Not started, Planned, Not yet due, Pending",
        "Ongoing, BAU, Business as usual, Embedded",
        "Delayed, Off track, Behind schedule, At risk, Slipped",
        "Superseded, Withdrawn, No longer applicable, Cancelled",
        "(blank), TBC, No update",
    ],
})
st.markdown(
    "**Status.** Every update a council publishes is mapped onto one vocabulary. The RAG rating (red, amber, "
    "green) is kept separately: a status is never inferred from a colour, nor a colour from a status. "
    "On every page a status is shown as an icon **and** words, never by colour alone."
)
st.table(status_rows.set_index("Status"))
st.markdown(
    f"""
**Who assessed it.** Every status and RAG rating says whose it is: the **council's own rating** (also where an LGA
progress review quotes it), the **peer team's finding**, or **not known** where the source does not say. Where the
peers disputed the council's rating, both are shown side by side. Completion figures say which they rest on, and the
Overview can restrict them to the peer team's findings.

**Dates given as periods.** Councils often write "Oct 24", "Q2 2020/21", "Spring 2025" or "2024/25". Such a date is
stored as the **last day** of its period, with its precision (day, month, quarter, season or year), and shown at that
precision. Financial years run April–March ("Q2 2020/21" is July–September 2020); UK numeric dates are day-first;
seasons are meteorological (spring = March–May, winter = December–February). "TBC", "Ongoing" and "n/a" are no date.
Unknown dates stay blank — never guessed.

**Completion.** The share complete at a date (default: today) is *complete ÷ (records whose latest status on or
before that date is known − superseded)*. Records with no reported status are left out, and every share says how many
it is out of. **Small numbers stay small:** a share over fewer than 10 records is shown as "k of n", never as a bare
percentage, and is not ranked; larger shares carry a 95% (Wilson) interval. **Completion by age** (Overview) is the
share reported complete within 6, 12 and 24 months of the on-site visit, estimated with Kaplan–Meier: a recommendation
still open counts until its latest dated update and is then censored, and the number still followed ("at risk") is
printed under the curve.

**Count once.** A joint challenge of several councils (one visit, one report) is one challenge in every figure across
councils, and appears on each partner council's page with the partners named.

**Record kinds.** Some records are not one recommendation with its own wording: a **placeholder** only says a
recommendation exists, a **heading** groups several, a **focus area** is the council's own request. They are never
themed from their own text, and counts of recommendations and themes leave them out and say how many. On
Explore and download, the **Record kind** filter takes exactly the records a figure counts.

**Slippage.** For a recommendation reported complete: the date it was first reported complete minus its **original**
target date, in days. For one still open: the date of its latest update minus the original target. A revised target is
shown beside the original but never replaces it. Buckets:
"""
)
st.table(pd.DataFrame({"Bucket": list(SLIPPAGE_LABELS.values()), "When": [
    "Reported complete on or before the original target date.",
    "Reported complete after the original target date.",
    "Still open at its latest update, which came after the original target date.",
    "Still open at its latest update, which came before the original target date.",
    "No target date was given (or it was not a date, such as 'Ongoing').",
    "There is a target but the status update is not dated, so the gap cannot be measured.",
]}).set_index("Bucket"))
st.markdown(
    f"""
**Process timeliness.** Days from the start of the on-site visit to each later step, against the LGA's norms:
{NORMS_IN_WORDS} (the progress review's "about 10 months" is about {PROGRESS_REVIEW_NORM_DAYS} days; no grace added).
A step "met the norm" when its date is on or before the on-site date plus that many months. A date known only to its
month, quarter or year makes the days a **range** (earliest and latest possible); a verdict that could go either way
is **undecidable**, counted apart, and medians and shares are given as ranges. The report norm is judged only on the
final report's publication date (other dates, such as a first committee date, are shown and labelled, not judged);
only CPC progress reviews count as progress reviews (later follow-ups and health checks are shown as such); processes
the pandemic delayed are marked and can be left out. A count given as "more than 145" reads "over 145".

**Themes.** Every recommendation has one of the five core elements, or "Council-requested focus", plus any number of
**topics** from the project's taxonomy (`data/taxonomy.yaml`), tagged from the recommendation's wording. A label a person
curated in the source file always wins over the automatic tagger.

**Councils in force and the five-year cycle.** The register (`data/register/`) lists every English principal council
in force at any time since 1 April 2014: the ONS Lower Tier to Upper Tier Local Authority lookup of April 2021 (Open
Government Licence v3.0), plus the reorganisations on either side of it with the order that made each. A council is
in force on a date from the day it was created until the day its successor took over. The LGA expects a corporate
peer challenge at least every five years: a council is **within** when its latest challenge on record here began in
the five years before the date asked about, **overdue** when it began earlier, and **none on record** when we hold none
of its own (a predecessor's challenge is shown on the successor's page as inherited, but is not the successor's own).
Everything is "on record here": absence from our data is not proof that no challenge happened. National figures count
the councils in force on the date asked about, so a district abolished in 2023 still counts for 2018.

**Denominators.** Most challenges are recorded with their dates only, and few have any statuses. A share is computed
only over the records that can answer it, and the page says over how many: a theme's share, for example, is "of the
challenges with recommendations recorded" in their own wording, with that number beside it.

**Council-wide figures.** Some councils and progress reviews publish one overall figure ("51 of 73 actions done",
"85% green") instead of a status per recommendation. Each counts one unit — **recommendations** or **actions** (the
steps of the council's plan) — and the two are never added together or compared as if they were the same.
"""
)

st.subheader("Records that are not simple numbered recommendations")
flags = ui.query("about__record_flags")
st.markdown(
    "Reports do not always print a neat numbered list. Every item is kept as a record, shown on the council's page "
    "and flagged so it can be told apart. Figures that count recommendations (the Overview's recommendation count, "
    "themes, slippage, completion by age) count only records that are one recommendation with its own wording, and "
    "say how many placeholders, headings and focus areas they leave out. The completion share rests on every record "
    "with a reported status, a heading's included (its status rates the group it heads):"
)
st.dataframe(pd.DataFrame({
    "Record": [RECORD_FLAG_LABELS.get(None if missing(f) else f, f) for f in flags["record_flag"]],
    "Flag in the data": flags["record_flag"].fillna("(none)"),
    "Recommendations": flags["recommendations"],
    "Challenges": flags["challenges"],
}), hide_index=True)
st.caption(
    "Unnumbered: the source gives no number. Heading or group: a heading that gathers several recommendations, or a "
    "group recorded as one. Inferred: read from the text although not set out as a recommendation. Focus area: a "
    "council-requested focus recorded as a recommendation."
)

st.header("What the data covers")
in_force = cycle_view.coverage_sentence(ui.query)
if in_force:
    st.markdown(in_force + " The Five-year cycle page lists the rest.")
coverage = ui.query("about__coverage")
st.dataframe(
    coverage[["measure", "value", "note"]].rename(columns={"measure": "What", "value": "Count", "note": "Note"}),
    hide_index=True, key="coverage_table",
)
info = ui.query("app__dataset_info")
if not missing(info["first_year"].iloc[0]):
    st.caption(f"On-site visits from {int(info['first_year'].iloc[0])} to {int(info['last_year'].iloc[0])}. "
               "Counts are computed from the data each time the page loads.")

served = ui.dataset_version()
if served and served["version"]:
    st.caption(f"This server reads dataset version `{served['version']}` (published "
               f"{served['published_at'] or 'at a time not recorded'}) from `{served['source']}`, and looks for a newer "
               f"publication every {served['poll_seconds']:g} seconds.")

st.header("Sources")
n_sources = ui.query_count("about__sources")
st.markdown(
    f"Every fact comes from a public page or document, cited here: {plural(n_sources, 'source')}. "
    "Search by council, title or kind."
)
search = st.text_input("Search the sources", key="source_search", placeholder="e.g. Stroud, progress review, news")
needle = search.strip() or None
shown = ui.query("about__sources", search=needle, limit=SOURCES_SHOWN)
matching = ui.total_rows(shown, SOURCES_SHOWN, "about__sources", search=needle)
st.caption(f"Showing {len(shown):,} of {matching:,} {'matching ' if needle else ''}sources"
           + (" (search to narrow them down)." if matching > len(shown) else "."))
st.dataframe(
    pd.DataFrame({
        "Council": shown["council_name"],
        "Challenge": [date_label(d, p) if not missing(d) else "date not known"
                      for d, p in zip(shown["onsite_start"], shown["onsite_start_precision"])],
        "Title": shown["title"],
        "Kind": shown["kind"].map(SOURCE_KIND_LABELS).fillna(shown["kind"]),
        "Link": shown["url"],
    }),
    hide_index=True, height=400,
    column_config={
        "Title": st.column_config.TextColumn(width="large"),
        "Link": st.column_config.LinkColumn(display_text=r"https?://(?:www\.)?([^/?#]+)",
                                            help="Opens the source in a new tab (blank: no public link)"),
    },
)

st.header("Accessibility")
st.markdown(
    """
We aim to meet the **Web Content Accessibility Guidelines (WCAG) 2.2 at level AA**.

What we do:
- every chart has a headline that states its finding in words, a text alternative, and its data in a table beside
  it ("Show the data");
- colour is never the only signal: statuses are shown as an icon and words, chart series are also told apart by
  pattern or marker shape and named in legends and labels, and the palette (Okabe–Ito) is chosen to be
  distinguishable with the common forms of colour blindness;
- every page can be used with a keyboard: filters, the council search box, tables and expanders take focus in order;
- every share says what it is out of, and dates are shown at the precision they are known;
- council pages print cleanly on A4, without the sidebar and menus.

Known limitations:
- the interactive tables are drawn on a canvas; screen readers read them less well than plain tables. Each council's
  update history and progress figures are plain tables, and any table can be downloaded as CSV from its toolbar;
- chart hover labels need a mouse; the same figures are in the data tables;
- links to sources open external websites, which we do not control and may not be accessible.

**Report a problem.** If something is hard to use or read, tell the project's maintainers by opening an issue in the
project's repository: say which page, what you tried to do, and any assistive technology you use.
"""
)

st.header("Adding a council or recording progress")
st.page_link("pages/contribute.py", label="Add or update data: turn your document into a source file, in the browser",
             icon="📤")
st.markdown(
    """
**Officers and advisers**: on the *Add or update data* page, upload your council's action plan, a progress report
to a committee, or the LGA's feedback report or progress review (PDF, Word, Excel, CSV, web page or text, up to
20 MB), or paste its text. You check what we read in a table, see what it changes in the challenge on record, and
download a source file and a change summary to send to the maintainers. Nothing on that page changes this
dashboard; a maintainer adds the file after checking it against the document.

Each challenge is one reviewable YAML file, `data/sources/<council_id>/<YYYY-MM>-<kind>.yaml`
(format: `docs/SOURCE_FORMAT.md`). The step-by-step guide is **`docs/ADDING_DATA.md`**: add or edit the file, cite
every source, then rebuild and check the tables. Two commands draft records from the documents councils publish,
so nobody retypes a report; a person reviews the draft before it is committed:
"""
)
st.code(
    "# a feedback report or action plan (PDF, Word .docx, HTML, text, CSV, XLSX) -> a draft YAML record\n"
    "python -m peer_challenges extract report.pdf --council <council_id>\n"
    "# the same, as a complete record (checked as the build checks it), added to the challenge on record\n"
    "python -m peer_challenges extract plan.pdf --council <council_id> --challenge YYYY-MM --source-url https://... "
    "--merge-into data/sources/<council_id>/YYYY-MM-corporate-peer-challenge.yaml\n"
    "# an updated action plan -> one new status update per recommendation (--dry-run shows the change)\n"
    "python -m peer_challenges import-plan plan.xlsx --council <council_id> --challenge YYYY-MM --as-of YYYY-MM-DD --dry-run\n"
    "# validate everything and rebuild the tables\n"
    "python -m peer_challenges build",
    language="bash", wrap_lines=True,
)
st.markdown(
    """
The build validates every file and names the file, record and field of any problem before it replaces the data.
"""
)

st.header("Data licence")
st.markdown(
    """
The facts here are **paraphrased from public pages** — LGA feedback reports and progress reviews, council web pages,
committee papers and local news — and each one is cited above with its link. Recommendation titles are short
paraphrases; a recommendation's full wording is shown only where a council's own published document gave it. The original documents remain the
copyright of their publishers; check the source before relying on a figure.
"""
)

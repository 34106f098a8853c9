"""Five-year cycle: which councils in force have a corporate peer challenge on record here within five years,
which are overdue, which have none on record; by council type and region, over time, with a link to every
council's page. ?as_of=YYYY-MM-DD asks about another date."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from peer_challenges.app import cache, ui
from peer_challenges.app.views import cycle as view
from peer_challenges.analysis.narrative import escape_markdown
from peer_challenges.domain.norms import CYCLE_YEARS
from peer_challenges.domain.paths import data_dir
from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS

SHOW_ROWS = 1000  # rows of the list drawn at once (the count and the Explore download cover all)

st.set_page_config(page_title="Five-year cycle · Peer Challenge Explorer")
ui.header(
    "Who is due a corporate peer challenge",
    f"The LGA expects every council to have a corporate peer challenge at least every {CYCLE_YEARS} years. This "
    "page counts, for every English principal council in force on a date, its latest challenge on record here. "
    + view.ON_RECORD_CAVEAT,
)

raw_as_of = st.query_params.get("as_of")
asked = view.parse_as_of(raw_as_of)
if raw_as_of and asked is None:
    st.warning("The date in this link was not recognised (expected YYYY-MM-DD), so today is shown.", icon="📅")
as_of = st.date_input("As of", value=asked or dt.date.today(), min_value=dt.date(2014, 4, 1),
                      max_value=dt.date.today(), format="DD/MM/YYYY", key="cycle_as_of",
                      help="Councils in force on this date, and challenges that began on or before it.")
if as_of != dt.date.today():
    st.query_params["as_of"] = as_of.isoformat()
elif "as_of" in st.query_params:
    del st.query_params["as_of"]

folder = str(data_dir())  # the caches are per data folder
cycle, not_within = cache.cycle(folder, as_of)
if not cycle.n_councils:
    st.info("This dataset has no council register (data/register/councils.csv), so the cycle cannot be shown. "
            "See data/register/README.md.", icon="📭")
    st.stop()

ui.metric_row(view.metrics(cycle))
st.markdown(view.headline(cycle))

st.header("By council type and region")
st.dataframe(view.breakdown_table(cycle, "council_type"), hide_index=True)
st.dataframe(view.breakdown_table(cycle, "region"), hide_index=True)
st.caption('Shares over fewer than 10 councils are shown as "k of n"; larger ones carry a 95% (Wilson) interval. '
           "Other: a visit known only to a month that straddles the five-year line, or a challenge on record "
           "whose date is not known.")

st.header("The cycle over time")
chart = cache.cycle_over_time(folder)
ui.show_chart(chart.fig, chart.alt, chart.data)
st.caption(chart.note)

st.header(f"Councils without a challenge on record within {CYCLE_YEARS} years")
types = sorted(cycle.councils["council_type"].dropna().unique())
regions = sorted(cycle.councils["region"].dropna().unique())
f1, f2, f3 = st.columns(3)
show = f1.radio("Where it stands", list(view.SHOW_CHOICES), format_func=view.SHOW_CHOICES.get, key="cycle_show",
                help="Which of the councils without a challenge on record within five years to list.")
statuses = view.SHOW_STATUSES[show]
pick_types = f2.multiselect("Council type", types, format_func=lambda t: COUNCIL_TYPE_LABELS.get(t, t),
                            key="cycle_types", placeholder="All types")
pick_regions = f3.multiselect("Region", regions, key="cycle_regions", placeholder="All regions")
table = not_within[not_within["Where it stands"].isin([view.cc.STATUS_WORDS[s] for s in statuses])]
if pick_types:
    table = table[table["Type"].isin([COUNCIL_TYPE_LABELS.get(t, t) for t in pick_types])]
if pick_regions:
    table = table[table["Region"].isin(pick_regions)]
if table.empty:
    st.info("No council in force matches these choices.", icon="🔍")
else:
    shown = table.head(SHOW_ROWS)
    st.caption(f"{len(table):,} councils" + (f"; the first {SHOW_ROWS:,} are listed: narrow them by type or region"
                                            if len(table) > SHOW_ROWS else "")
               + ". Open a council's page from the Page column; the Explore page downloads the whole register.")
    st.dataframe(shown, hide_index=True, column_config={
        "Page": st.column_config.LinkColumn(display_text="Open page", help="The council's page here"),
        "Years since": st.column_config.NumberColumn(format="%.1f", help="Since the latest visit on record here"),
        "In force since": st.column_config.TextColumn(help="Blank: in force throughout the register (since 2014)"),
        "A predecessor's latest": st.column_config.TextColumn(
            help="The latest challenge on record of a council this one replaced (not the council's own)"),
    })
st.caption(f"Register: {escape_markdown('data/register')} (ONS Lower Tier to Upper Tier Local Authority lookup, "
           "April 2021, Open Government Licence v3.0, with the reorganisations either side of it and their orders). "
           "The About page says how councils in force are counted.")

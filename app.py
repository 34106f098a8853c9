"""Peer Challenge Explorer: entrypoint. Run with `streamlit run app.py`."""

import streamlit as st

from peer_challenges.app import ui

st.set_page_config(
    page_title="Peer Challenge Explorer",
    page_icon="🔎",
    layout="wide",
    menu_items={"About": "Peer Challenge Explorer compares English councils' LGA Corporate Peer Challenges."},
)

# The default page is served at / but still reserves its url_path; /overview (a hidden alias) forwards to it.
OVERVIEW = st.Page("pages/overview.py", title="Overview", icon="🏠", url_path="home", default=True)


def overview_alias() -> None:
    """/overview: the default page is served at /, so send this address there (keeping its query)."""
    st.switch_page(OVERVIEW, query_params=st.query_params.to_dict())


# (and the day / month / year fields of a date input at least 24 x 24 px: WCAG 2.5.8 target size)
FOCUS_CSS = ("<style>:focus-visible { outline: 3px solid #1d70b8 !important; outline-offset: 2px; } "
             '[data-testid="stDateInput"] [role="spinbutton"] { display: inline-block; min-width: 24px; '
             "min-height: 24px; text-align: center; }</style>")

PAGES = [
    OVERVIEW,
    st.Page("pages/council.py", title="Council", icon="🏛️", url_path="council"),
    st.Page("pages/themes.py", title="Themes", icon="🏷️", url_path="themes"),
    st.Page("pages/slippage.py", title="Slippage and timeliness", icon="⏱️", url_path="slippage"),
    st.Page("pages/cycle.py", title="Five-year cycle", icon="🔁", url_path="cycle"),
    st.Page("pages/explore.py", title="Explore and download", icon="⬇️", url_path="explore"),
    st.Page("pages/contribute.py", title="Add or update data", icon="📤", url_path="contribute"),
    st.Page("pages/about.py", title="About and definitions", icon="ℹ️", url_path="about"),
    st.Page(overview_alias, title="Overview", url_path="overview", visibility="hidden"),
]

page = st.navigation(PAGES)
# each page's browser-tab title says which page it is (WCAG 2.4.2); pages may refine it (a council's name)
st.set_page_config(page_title=f"{page.title} · Peer Challenge Explorer")
# static CSS, no data: a clearly visible keyboard focus ring everywhere (WCAG 2.4.7 / 2.4.11)
st.markdown(FOCUS_CSS, unsafe_allow_html=True)

problem = ui.data_problem()
if problem:
    # every page needs the data: say what is wrong and how to fix it, instead of a traceback
    ui.show_data_problem(problem)
    st.stop()

ui.synthetic_banner()
page.run()

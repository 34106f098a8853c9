"""themes page (being built)."""

import streamlit as st

st.title("Themes")
st.info("This page is being built and will arrive in a coming release.")

"""Streamlit glue: cached queries, URL state, widgets, view models for the pages, the server start. The only layer that imports streamlit."""

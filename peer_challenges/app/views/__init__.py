"""View models: what each page shows, as plain functions over query results (no streamlit: unit-tested without AppTest)."""

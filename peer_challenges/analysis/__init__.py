"""Pure analysis: narrative sentences, similarity, chart builders (DataFrame -> plotly Figure). No duckdb, no streamlit, no store."""

"""Downloads: the tables officers take away (CSV, Excel with a data dictionary, Parquet). Imports store, analysis, domain."""

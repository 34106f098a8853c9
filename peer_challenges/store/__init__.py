"""The built dataset: the validated atomic build (data/sources -> data/*.parquet) and the DuckDB query layer, the only place SQL runs. Imports sources and domain."""

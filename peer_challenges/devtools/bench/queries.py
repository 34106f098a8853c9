"""The named queries against the pandas baselines: ``measure_queries`` times every queries/*.sql
through ``run_query``; the pandas baselines compute the same results the plain way (read the Parquet
into pandas, sort / groupby / merge) from the tables an app without the build-time roll-ups would read
(``PANDAS_BASELINES``, the target) and, for transparency, from the same roll-ups DuckDB reads
(``PANDAS_SAME_INPUT``); ``measure_pandas`` times them and checks they return as many rows.

Part of peer_challenges.devtools.bench.
"""

from __future__ import annotations

from pathlib import Path

from peer_challenges.devtools.bench.timing import _time

PANDAS_QUERIES = ("council_summary", "recommendation_status", "theme_counts")


# ---- pandas baselines: the same results, the plain way ---------------------------------------------
def _read(folder: Path, table: str, columns=None):
    import pyarrow.parquet as pq
    # pandas.read_parquet would turn DATE columns into objects; datetime64 is the plain pandas way
    return pq.read_table(Path(folder) / f"{table}.parquet", columns=columns).to_pandas(date_as_object=False)


def pandas_council_summary(folder: Path):
    import numpy as np
    import pandas as pd

    co = _read(folder, "councils")
    ch = _read(folder, "challenges", ["challenge_id", "council_id", "challenge_month", "onsite_start",
                                      "progress_review_onsite", "recommendations_total"])
    rs = _read(folder, "recommendation_status", ["challenge_id", "latest_status", "is_open", "slippage_bucket",
                                                 "slippage_days"])
    snaps = _read(folder, "progress_snapshots", ["snapshot_id", "challenge_id", "unit", "complete", "total", "as_of",
                                                 "as_of_precision"])
    ch = ch.sort_values(["council_id", "onsite_start", "challenge_id"], ascending=[True, False, False], na_position="last")
    ch["challenges"] = ch.groupby("council_id")["challenge_id"].transform("size")
    latest = ch.drop_duplicates("council_id", keep="first")
    rs = rs.assign(is_complete=rs["latest_status"].eq("complete"), is_superseded=rs["latest_status"].eq("superseded"),
                   is_overdue=rs["slippage_bucket"].eq("open_overdue"), is_open=rs["is_open"].fillna(False).astype(bool))
    g = rs.groupby("challenge_id")
    recs = pd.DataFrame({
        "recommendations": g.size(), "recommendations_with_status": g["latest_status"].count(),
        "complete": g["is_complete"].sum(), "open": g["is_open"].sum(), "superseded": g["is_superseded"].sum(),
        "overdue": g["is_overdue"].sum(), "median_slippage_days": g["slippage_days"].median(),
        "recommendations_with_slippage": g["slippage_days"].count(),
    }).reset_index()
    snap = snaps.sort_values(["challenge_id", "as_of", "snapshot_id"], ascending=[True, False, False],
                             na_position="last").drop_duplicates("challenge_id")
    snap = snap.rename(columns={c: f"latest_snapshot_{c}" for c in ("unit", "complete", "total", "as_of")})
    out = co.merge(latest, on="council_id").merge(recs, on="challenge_id", how="left").merge(
        snap.drop(columns=["snapshot_id", "as_of_precision"]), on="challenge_id", how="left")
    for c in ("recommendations", "recommendations_with_status", "complete", "open", "overdue",
              "recommendations_with_slippage"):
        out[c] = out[c].fillna(0).astype("int64")
    denom = out["recommendations_with_status"] - out["superseded"].fillna(0)
    out["completion_rate"] = np.where(denom > 0, out["complete"] / denom.where(denom > 0, 1), np.nan)
    out["days_to_progress_review"] = (out["progress_review_onsite"] - out["onsite_start"]).dt.days
    return out.sort_values("name").reset_index(drop=True)


def pandas_recommendation_status(folder: Path):
    """latest status, completion and slippage per recommendation, computed from the base tables."""
    import numpy as np

    recs = _read(folder, "recommendations", ["recommendation_id", "council_id", "challenge_id", "seq", "number",
                                             "title", "core_theme", "topics", "record_flag", "accountable",
                                             "responsible", "target_raw", "target_date", "target_precision"])
    ups = _read(folder, "updates", ["recommendation_id", "seq", "as_of", "as_of_precision", "status", "rag",
                                    "assessed_by", "revised_target", "revised_target_precision"])
    ch = _read(folder, "challenges", ["challenge_id", "challenge_month"])
    co = _read(folder, "councils", ["council_id", "name", "council_type", "region"]).rename(columns={"name": "council_name"})
    ordered = ups.sort_values(["recommendation_id", "as_of", "seq"], na_position="first")
    latest = ordered[ordered["status"].notna()].drop_duplicates("recommendation_id", keep="last")
    latest = latest[["recommendation_id", "status", "as_of", "as_of_precision", "rag", "assessed_by"]].rename(
        columns={"status": "latest_status", "as_of": "latest_as_of", "as_of_precision": "latest_as_of_precision",
                 "rag": "latest_rag", "assessed_by": "latest_assessed_by"})
    completed = ups[ups["status"].eq("complete")].groupby("recommendation_id")["as_of"].min().rename("first_complete")
    revised = ordered[ordered["revised_target"].notna()].drop_duplicates("recommendation_id", keep="last")[
        ["recommendation_id", "revised_target", "revised_target_precision"]]
    counts = ups.groupby("recommendation_id").size().rename("updates_count")
    out = (recs.merge(ch, on="challenge_id").merge(co, on="council_id").merge(latest, on="recommendation_id", how="left")
           .merge(completed, on="recommendation_id", how="left").merge(revised, on="recommendation_id", how="left")
           .merge(counts, on="recommendation_id", how="left"))
    out["challenge_year"] = out["challenge_month"].str[:4].astype("Int64")
    out["updates_count"] = out["updates_count"].fillna(0).astype("int64")
    out["is_open"] = out["latest_status"].isin(["in_progress", "not_started", "ongoing", "delayed"])
    out["completed_on"] = out["first_complete"].where(out["latest_status"].eq("complete"))
    done = (out["completed_on"] - out["target_date"]).dt.days
    running = (out["latest_as_of"] - out["target_date"]).dt.days
    out["slippage_days"] = np.where(out["target_date"].isna(), np.nan,
                                    np.where(out["latest_status"].eq("complete") & out["completed_on"].notna(), done,
                                             np.where(out["is_open"] & out["latest_as_of"].notna(), running, np.nan)))
    s = out["slippage_days"]
    out["slippage_bucket"] = np.select(
        [out["target_date"].isna(), s.isna(), out["latest_status"].eq("complete") & (s <= 0),
         out["latest_status"].eq("complete"), s > 0],
        ["no_target", "unknown", "on_time", "late", "open_overdue"], "open_not_due")
    return out.sort_values(["council_id", "challenge_id", "seq"]).reset_index(drop=True)


def pandas_theme_counts(folder: Path):
    import pandas as pd

    rs = _read(folder, "recommendation_status", ["council_id", "challenge_id", "challenge_year", "council_type",
                                                 "region", "core_theme", "topics"])
    keys = ["challenge_year", "council_type", "region"]
    core = rs[rs["core_theme"].notna()].assign(level="core", theme=rs["core_theme"])
    topic = rs.explode("topics").dropna(subset=["topics"]).assign(level="topic")
    topic["theme"] = topic["topics"]
    cols = ["level", "theme", "council_id", "challenge_id"] + keys
    tagged = pd.concat([core[cols], topic[cols]], ignore_index=True)
    counts = tagged.groupby(["level", "theme"] + keys, dropna=False).agg(
        councils=("council_id", "nunique"), challenges=("challenge_id", "nunique"),
        recommendations=("council_id", "size")).reset_index()
    denom = rs.groupby(keys, dropna=False)["challenge_id"].nunique().rename("challenges_with_recommendations").reset_index()
    out = counts.merge(denom, on=keys)
    return out.sort_values(["level", "theme"] + keys).reset_index(drop=True).rename(columns={"challenge_year": "year"})


PANDAS_BASELINES = {"council_summary": pandas_council_summary, "recommendation_status": pandas_recommendation_status,
                    "theme_counts": pandas_theme_counts}


# ---- for transparency: pandas on the same build-time roll-ups DuckDB reads (reported, not the target) --
def pandas_council_summary_same_input(folder: Path):
    import numpy as np

    co = _read(folder, "councils")
    cs = _read(folder, "challenge_status")
    cs = cs.sort_values(["council_id", "onsite_start", "challenge_id"], ascending=[True, False, False],
                        na_position="last")
    cs["challenges"] = cs.groupby("council_id")["challenge_id"].transform("size")
    out = co.merge(cs.drop_duplicates("council_id", keep="first").drop(columns=["council_type", "region"]),
                   on="council_id")
    denom = out["recommendations_with_status"] - out["superseded"]
    out["completion_rate"] = np.where(denom > 0, out["complete"] / denom.where(denom > 0, 1), np.nan)
    out["days_to_progress_review"] = (out["progress_review_onsite"] - out["onsite_start"]).dt.days
    return out.sort_values("name").reset_index(drop=True)


def pandas_theme_counts_same_input(folder: Path):
    ct = _read(folder, "challenge_themes")
    cs = _read(folder, "challenge_status", ["challenge_year", "council_type", "region", "recommendations"])
    keys = ["challenge_year", "council_type", "region"]
    counts = ct.groupby(["level", "theme"] + keys, dropna=False).agg(
        councils=("council_id", "nunique"), challenges=("challenge_id", "size"),
        recommendations=("recommendations", "sum")).reset_index()
    denom = cs[cs["recommendations"] > 0].groupby(keys, dropna=False).size().rename(
        "challenges_with_recommendations").reset_index()
    out = counts.merge(denom, on=keys)
    return out.sort_values(["level", "theme"] + keys).reset_index(drop=True).rename(columns={"challenge_year": "year"})


def pandas_recommendation_status_same_input(folder: Path):
    return _read(folder, "recommendation_status").sort_values(["council_id", "challenge_id", "seq"]).reset_index(drop=True)


PANDAS_SAME_INPUT = {"council_summary": pandas_council_summary_same_input,
                     "recommendation_status": pandas_recommendation_status_same_input,
                     "theme_counts": pandas_theme_counts_same_input}


def measure_queries(folder: Path, runs: int, council: str | None, budget_s: float | None = None) -> dict:
    from peer_challenges.store import db as data

    conn = data.connect(folder)
    out = {"queries_ms": {}, "queries_p90_ms": {}, "queries_rows": {}, "queries_council_ms": {}, "query_errors": {}}
    try:
        for name in data.list_queries():
            try:
                stats, df = _time(lambda: data.run_query(name, conn=conn), runs, budget_s=budget_s)
            except Exception as exc:  # a query another engineer is still writing: report, carry on
                out["query_errors"][name] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                continue
            out["queries_ms"][name], out["queries_p90_ms"][name] = stats["p50"], stats["p90"]
            if stats["n"] < runs:
                out.setdefault("queries_runs", {})[name] = stats["n"]
            out["queries_rows"][name] = len(df)
            if council and "council_id" in data.query_params(name):
                stats, _ = _time(lambda: data.run_query(name, conn=conn, council_id=council), runs, budget_s=budget_s)
                out["queries_council_ms"][name] = stats["p50"]
    finally:
        conn.close()
    return out


def measure_pandas(folder: Path, runs: int, duckdb_rows: dict, budget_s: float | None = None) -> dict:
    out = {"pandas_baseline_ms": {}, "pandas_baseline_p90_ms": {}, "pandas_rows": {}}
    for name, fn in PANDAS_BASELINES.items():
        stats, df = _time(lambda: fn(folder), runs, budget_s=budget_s)
        expected = duckdb_rows.get(name)
        if expected is not None and len(df) != expected:
            raise AssertionError(f"pandas baseline {name}: {len(df)} rows, DuckDB gave {expected}")
        out["pandas_baseline_ms"][name], out["pandas_baseline_p90_ms"][name] = stats["p50"], stats["p90"]
        out["pandas_rows"][name] = len(df)
        if stats["n"] < runs:
            out.setdefault("pandas_runs", {})[name] = stats["n"]
    for name, fn in PANDAS_SAME_INPUT.items():
        stats, df = _time(lambda: fn(folder), runs, budget_s=budget_s)
        expected = duckdb_rows.get(name)
        if expected is not None and len(df) != expected:
            raise AssertionError(f"pandas same-input baseline {name}: {len(df)} rows, DuckDB gave {expected}")
        out.setdefault("pandas_same_input_ms", {})[name] = stats["p50"]
    return out

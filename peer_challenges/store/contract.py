"""The data contract: the Parquet tables the build writes and their columns (DuckDB types).
Other tools read these names (DESIGN.md, "Data contract"): add columns freely, never rename."""

from __future__ import annotations

# ---- table contracts: column -> DuckDB type (the names are fixed by DESIGN.md; extra columns allowed)
TABLES: dict[str, dict[str, str]] = {
    "councils": {
        "council_id": "VARCHAR", "name": "VARCHAR", "ons_code": "VARCHAR", "council_type": "VARCHAR",
        "region": "VARCHAR", "synthetic": "BOOLEAN",
    },
    "challenges": {
        "challenge_id": "VARCHAR", "council_id": "VARCHAR", "kind": "VARCHAR", "challenge_month": "VARCHAR",
        "onsite_start": "DATE", "onsite_start_precision": "VARCHAR",
        "onsite_end": "DATE", "onsite_end_precision": "VARCHAR",
        "report_published": "DATE", "report_published_precision": "VARCHAR", "report_published_basis": "VARCHAR",
        "action_plan_approved": "DATE", "action_plan_approved_precision": "VARCHAR",
        "progress_review_onsite": "DATE", "progress_review_onsite_precision": "VARCHAR",
        "progress_review_published": "DATE", "progress_review_published_precision": "VARCHAR",
        "progress_review_published_basis": "VARCHAR", "progress_review_kind": "VARCHAR", "pandemic_delayed": "BOOLEAN",
        "people_met": "INTEGER", "people_met_lower_bound": "BOOLEAN",
        "meetings_held": "INTEGER", "meetings_held_lower_bound": "BOOLEAN",
        "peer_team_size": "INTEGER", "recommendations_total": "INTEGER", "recommendations_recorded": "INTEGER",
        "focus_areas": "VARCHAR[]", "joint_with": "VARCHAR[]", "synthetic": "BOOLEAN", "notes": "VARCHAR",
        "source_file": "VARCHAR", "report_group": "VARCHAR",
    },
    "recommendations": {
        "recommendation_id": "VARCHAR", "challenge_id": "VARCHAR", "council_id": "VARCHAR", "seq": "INTEGER",
        "number": "VARCHAR", "title": "VARCHAR", "text": "VARCHAR", "core_theme": "VARCHAR",
        "core_theme_source": "VARCHAR", "topics": "VARCHAR[]", "topics_source": "VARCHAR",
        "record_flag": "VARCHAR", "record_kind": "VARCHAR", "stands_for": "INTEGER", "accountable": "VARCHAR", "responsible": "VARCHAR", "target_raw": "VARCHAR",
        "target_date": "DATE", "target_precision": "VARCHAR", "source_id": "VARCHAR",
    },
    "updates": {
        "update_id": "VARCHAR", "recommendation_id": "VARCHAR", "challenge_id": "VARCHAR", "council_id": "VARCHAR",
        "seq": "INTEGER", "as_of": "DATE", "as_of_precision": "VARCHAR", "status": "VARCHAR", "status_raw": "VARCHAR",
        "rag": "VARCHAR", "revised_target": "DATE", "revised_target_precision": "VARCHAR",
        "assessed_by": "VARCHAR", "peer_view": "VARCHAR", "note": "VARCHAR", "source_id": "VARCHAR",
    },
    "sources": {
        "source_id": "VARCHAR", "challenge_id": "VARCHAR", "council_id": "VARCHAR", "url": "VARCHAR",
        "title": "VARCHAR", "kind": "VARCHAR", "published": "DATE", "published_precision": "VARCHAR",
    },
    "progress_snapshots": {
        "snapshot_id": "VARCHAR", "challenge_id": "VARCHAR", "council_id": "VARCHAR", "as_of": "DATE",
        "as_of_precision": "VARCHAR", "unit": "VARCHAR", "total": "INTEGER", "complete": "INTEGER",
        "in_progress": "INTEGER", "not_started": "INTEGER", "rag_green": "INTEGER", "rag_amber": "INTEGER",
        "rag_red": "INTEGER", "basis": "VARCHAR", "assessed_by": "VARCHAR", "is_forecast": "BOOLEAN",
        "note": "VARCHAR", "source_id": "VARCHAR",
    },
    # every English principal council in force at any time since 2014-04-01 (data/register/, DESIGN.md round 2):
    # valid_to is exclusive (in force on d when valid_from <= d < valid_to; NULL = still in force);
    # facts_council_ids: the council ids of the source files that stand for it (usually [council_id]; a joint
    # record of two councils stands for both)
    "council_register": {
        "council_id": "VARCHAR", "gss_code": "VARCHAR", "name": "VARCHAR", "council_type": "VARCHAR",
        "region": "VARCHAR", "valid_from": "DATE", "valid_to": "DATE", "successor_ids": "VARCHAR[]",
        "predecessor_ids": "VARCHAR[]", "region_basis": "VARCHAR", "type_basis": "VARCHAR", "source": "VARCHAR",
        "facts_council_ids": "VARCHAR[]", "synthetic": "BOOLEAN",
    },
}
# derived at build time from the tables above (queries/build/*.sql)
DERIVED_TABLES = ("recommendation_status", "challenge_status", "challenge_themes")

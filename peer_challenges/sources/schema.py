"""Source-file models (pydantic) and the Parquet table contracts.

Validation errors name the file, the record and the field, and say what was expected.
"""

from __future__ import annotations

import re
from typing import Literal

from peer_challenges.domain.vocab import (
    ASSESSORS, CORE_THEMES, COUNCIL_TYPES, DATE_BASES, RAGS, RECORD_FLAGS, RECORD_KINDS, REGIONS, REVIEW_KINDS,
    SOURCE_KINDS, STATUSES, UNITS,
)
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

DateText = str | None  # parsed by peer_challenges.domain.dates during the build


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Council(_Model):
    council_id: str
    name: str = Field(min_length=1)
    ons_code: str | None = Field(default=None, pattern=r"^E\d{8}$")
    council_type: Literal[COUNCIL_TYPES]  # type: ignore[valid-type]
    region: Literal[REGIONS]  # type: ignore[valid-type]

    @field_validator("council_id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError("expected a lower-case slug such as 'castle-point'")
        return v


class Challenge(_Model):
    kind: str = Field(pattern=r"^[a-z_]+$")
    onsite_start: DateText = None
    onsite_end: DateText = None
    report_published: DateText = None
    report_published_basis: Literal[DATE_BASES] | None = None  # type: ignore[valid-type]
    action_plan_approved: DateText = None
    progress_review_onsite: DateText = None
    progress_review_published: DateText = None
    progress_review_published_basis: Literal[DATE_BASES] | None = None  # type: ignore[valid-type]
    progress_review_kind: Literal[REVIEW_KINDS] | None = None  # type: ignore[valid-type]
    pandemic_delayed: bool = False
    people_met: int | None = Field(default=None, ge=0)
    people_met_lower_bound: bool = False
    meetings_held: int | None = Field(default=None, ge=0)
    meetings_held_lower_bound: bool = False
    peer_team_size: int | None = Field(default=None, ge=0)
    recommendations_total: int | None = Field(default=None, ge=0)
    focus_areas: list[str] = []
    joint_with: list[str] = []
    synthetic: bool = False
    notes: str | None = None


class Source(_Model):
    id: str = Field(pattern=r"^s\d+$")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    title: str = Field(min_length=1)
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    published: DateText = None


class Update(_Model):
    as_of: DateText = None
    status: Literal[STATUSES] | None = None  # type: ignore[valid-type]
    status_raw: str | None = None
    rag: Literal[RAGS] | None = None  # type: ignore[valid-type]
    revised_target: DateText = None
    assessed_by: Literal[ASSESSORS] = "unknown"  # type: ignore[valid-type]
    peer_view: str | None = None  # where the peer team disputed the council's rating: what the peers said
    note: str | None = None
    source: str | None = None


class Recommendation(_Model):
    number: str | None = None
    title: str = Field(min_length=1)
    text: str | None = None
    core_theme: Literal[CORE_THEMES] | None = None  # type: ignore[valid-type]
    topics: list[str] = []
    record_flag: Literal[RECORD_FLAGS] | None = None  # type: ignore[valid-type]
    record_kind: Literal[RECORD_KINDS] = "recommendation"  # type: ignore[valid-type]
    stands_for: int | None = Field(default=None, ge=0)  # how many recommendations a heading or placeholder stands for
    accountable: str | None = None
    responsible: str | None = None
    target_raw: str | None = None
    target: DateText = None
    source: str | None = None
    updates: list[Update] = []

    @field_validator("number", mode="before")
    @classmethod
    def _number_text(cls, v):
        return str(v) if isinstance(v, int) else v


class Snapshot(_Model):
    as_of: DateText = None
    unit: Literal[UNITS]  # type: ignore[valid-type]
    total: int | None = Field(default=None, ge=0)
    complete: int | None = Field(default=None, ge=0)
    in_progress: int | None = Field(default=None, ge=0)
    not_started: int | None = Field(default=None, ge=0)
    rag_green: int | None = Field(default=None, ge=0)
    rag_amber: int | None = Field(default=None, ge=0)
    rag_red: int | None = Field(default=None, ge=0)
    basis: str | None = None
    assessed_by: Literal[ASSESSORS] = "unknown"  # type: ignore[valid-type]
    is_forecast: bool = False  # an expected figure, not a reported one
    note: str | None = None
    source: str | None = None


class SourceFile(_Model):
    council: Council
    challenge: Challenge
    sources: list[Source] = Field(min_length=1)
    recommendations: list[Recommendation] = []
    progress_snapshots: list[Snapshot] = []


def describe_validation_error(err: ValidationError, data: dict) -> list[str]:
    """Turn pydantic's errors into 'where: what (expected ...)' lines that name the record."""
    lines = []
    for e in err.errors():
        loc = e["loc"]
        parts = []
        node = data
        for i, key in enumerate(loc):
            if isinstance(key, int):
                label = f"[{key}]"
                try:
                    item = node[key]
                except (IndexError, KeyError, TypeError):
                    item = None
                if isinstance(item, dict) and loc[i - 1] == "recommendations":
                    label = f"[{key}] (number {item.get('number')!r})"
                parts.append(label)
                node = item
            else:
                parts.append(("." if parts else "") + str(key))
                node = node.get(key) if isinstance(node, dict) else None
        where = "".join(parts)
        got = e.get("input")
        got_text = "" if isinstance(got, (dict, list)) else f"; got {got!r}"
        lines.append(f"{where}: {e['msg']}{got_text}")
    return lines



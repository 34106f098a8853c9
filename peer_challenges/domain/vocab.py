"""The project's closed vocabularies, one home each: council types and regions, statuses and RAG,
slippage buckets, units, source kinds, record flags and the CPC core themes (DESIGN.md, "Definitions").
Every other module imports them from here."""

from __future__ import annotations

COUNCIL_TYPES = ("district", "unitary", "county", "metropolitan", "london_borough", "other")
COUNCIL_TYPE_LABELS = {
    "district": "District", "unitary": "Unitary", "county": "County",
    "metropolitan": "Metropolitan borough", "london_borough": "London borough", "other": "Other",
}


def council_type_words(label: str) -> str:
    """A council type's label inside a sentence: 'district', 'metropolitan borough', but 'London borough'
    (a proper noun keeps its capital)."""
    return label if label.startswith("London") else label[:1].lower() + label[1:]
REGIONS = (
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
)
STATUSES = ("complete", "in_progress", "not_started", "ongoing", "delayed", "superseded")
# slippage against the original target (derived in recommendation_status.slippage_bucket)
SLIPPAGE_BUCKETS = ("on_time", "late", "open_overdue", "open_not_due", "no_target", "unknown")
RAGS = ("red", "amber", "green")
UNITS = ("recommendations", "actions")
SOURCE_KINDS = (
    "lga_feedback_report", "lga_progress_review", "council_page", "committee_report", "news",
    "seed_document", "other",
)
RECORD_FLAGS = ("unnumbered", "heading_or_group", "inferred", "focus_area", "placeholder")
# what a recorded recommendation is (facts' record_kind): only `recommendation` and `inferred` carry the
# wording of one recommendation; a placeholder only says one exists, a heading groups several
RECORD_KINDS = ("recommendation", "placeholder", "heading_or_group", "focus_area", "inferred")
COUNTED_KINDS = ("recommendation", "inferred")  # one recommendation with its own wording: what the figures count
UNTAGGED_KINDS = ("placeholder", "heading_or_group")  # never tagged from their own text
# the records that are not one recommendation with its own wording, in words (one, many)
RECORD_KIND_WORDS = {"placeholder": ("placeholder", "placeholders"), "heading_or_group": ("heading", "headings"),
                     "focus_area": ("council-requested focus area", "council-requested focus areas")}
# who gave a status or RAG rating (DESIGN "who assessed"): an LGA report quoting the council's RAG is `council`
ASSESSORS = ("council", "peer_team", "unknown")
ASSESSOR_WORDS = {"council": "council's own rating", "peer_team": "peer team's finding",
                  "unknown": "who assessed it is not known"}
# what a challenge's report_published / progress_review_published date is
DATE_BASES = ("lga_publication", "committee", "council_news", "received", "feedback_letter", "draft")
DATE_BASIS_WORDS = {
    "lga_publication": "publication of the final report", "committee": "first committee date",
    "council_news": "date of a council news item", "received": "date the council received it",
    "feedback_letter": "date of the feedback letter", "draft": "date of a draft", None: "basis not stated",
}
REVIEW_KINDS = ("progress_review", "follow_up", "health_check")
REVIEW_KIND_WORDS = {"progress_review": "progress review", "follow_up": "later follow-up visit",
                     "health_check": "health check"}
# the five core elements every corporate peer challenge covers, in the LGA's order
CORE_ELEMENTS = (
    "Local priorities and outcomes", "Organisational and place leadership", "Governance and culture",
    "Financial planning and management", "Capacity for improvement",
)
COUNCIL_REQUESTED = "Council-requested focus"
# a recommendation's core theme: one of the five elements, or the council's own requested focus
CORE_THEMES = (*CORE_ELEMENTS, COUNCIL_REQUESTED)

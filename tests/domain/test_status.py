import pytest

from peer_challenges.domain.errors import UserError
from peer_challenges.domain.status import (
    RAGS,
    STATUS_ICONS,
    STATUS_LABELS,
    STATUSES,
    StatusError,
    normalise_rag,
    normalise_status,
)

STATUS_CASES = [
    # complete
    ("Complete", "complete"), ("Completed", "complete"), ("Done", "complete"),
    ("Achieved", "complete"), ("Delivered", "complete"), ("Closed", "complete"), ("Met", "complete"),
    ("COMPLETED.", "complete"), ("  completed  ", "complete"), ("Completed (March 2024)", "complete"),
    ("Complete - reported to Cabinet", "complete"),
    # in_progress
    ("In progress", "in_progress"), ("On track", "in_progress"), ("Underway", "in_progress"),
    ("Under way", "in_progress"), ("Started", "in_progress"), ("Progressing", "in_progress"),
    ("Ongoing - on track", "in_progress"), ("Ongoing \u2013 on track", "in_progress"),
    ("Partially complete", "in_progress"), ("Partly achieved", "in_progress"),
    # not_started
    ("Not started", "not_started"), ("Not yet started", "not_started"), ("Planned", "not_started"),
    ("Not due", "not_started"), ("Pending", "not_started"),
    # ongoing
    ("Ongoing", "ongoing"), ("BAU", "ongoing"), ("Business as usual", "ongoing"),
    ("Embedded", "ongoing"), ("Continuous", "ongoing"), ("business-as-usual", "ongoing"),
    # delayed
    ("Delayed", "delayed"), ("Behind schedule", "delayed"), ("Off track", "delayed"),
    ("Off-track", "delayed"), ("At risk", "delayed"), ("Slipped", "delayed"), ("Overdue", "delayed"),
    # superseded
    ("Superseded", "superseded"), ("Withdrawn", "superseded"), ("No longer applicable", "superseded"),
    ("Closed - superseded", "superseded"), ("Cancelled", "superseded"), ("N/A - superseded", "superseded"),
    # the vocabulary itself, in any spelling
    ("complete", "complete"), ("in_progress", "in_progress"), ("in progress", "in_progress"),
    ("in-progress", "in_progress"), ("IN_PROGRESS", "in_progress"), ("not_started", "not_started"),
    ("not-started", "not_started"), ("ongoing", "ongoing"), ("delayed", "delayed"),
    ("superseded", "superseded"),
]


@pytest.mark.parametrize("text, expected", STATUS_CASES)
def test_normalise_status(text, expected):
    assert normalise_status(text) == expected
    assert normalise_status(text, strict=True) == expected


@pytest.mark.parametrize("status", STATUSES)
def test_vocabulary_passes_through(status):
    assert normalise_status(status, strict=True) == status


@pytest.mark.parametrize("text", [None, "", "   ", float("nan"), "n/a", "N/A", "-", "TBC", "Not reported"])
def test_empty_status_is_none_even_when_strict(text):
    assert normalise_status(text) is None
    assert normalise_status(text, strict=True) is None


@pytest.mark.parametrize("text", [
    "Banana", "Not complete", "50% complete", "Green",  # a RAG colour is not a status
    "Delayed - on track",  # two different statuses: do not choose
])
def test_unrecognised_status(text):
    assert normalise_status(text) is None
    with pytest.raises(StatusError) as info:
        normalise_status(text, strict=True)
    message = str(info.value)
    assert repr(text) in message
    assert all(status in message for status in STATUSES)


RAG_CASES = [
    ("Red", "red"), ("R", "red"), ("red", "red"), (" RED ", "red"),
    ("Amber", "amber"), ("A", "amber"), ("Amber/Green", "amber"), ("Green/Amber", "amber"),
    ("amber-green", "amber"),
    ("Green", "green"), ("G", "green"), ("Blue", "green"),
    ("Red/Amber", "red"), ("R/A", "red"),
    ("RAG: Green", "green"), ("Green (complete)", "green"),
]


@pytest.mark.parametrize("text, expected", RAG_CASES)
def test_normalise_rag(text, expected):
    assert normalise_rag(text) == expected
    assert normalise_rag(text, strict=True) == expected


@pytest.mark.parametrize("text", [None, "", "  ", float("nan"), "n/a", "-"])
def test_empty_rag_is_none_even_when_strict(text):
    assert normalise_rag(text) is None
    assert normalise_rag(text, strict=True) is None


@pytest.mark.parametrize("text", ["Purple", "Complete", "Reddish", "RAG"])
def test_unrecognised_rag(text):
    assert normalise_rag(text) is None
    with pytest.raises(StatusError) as info:
        normalise_rag(text, strict=True)
    message = str(info.value)
    assert repr(text) in message
    assert all(rag in message for rag in RAGS)


def test_status_error_is_a_value_error_and_user_error():
    assert issubclass(StatusError, ValueError)
    assert issubclass(StatusError, UserError)


def test_labels_and_icons():
    assert STATUSES == ("complete", "in_progress", "not_started", "ongoing", "delayed", "superseded")
    assert RAGS == ("red", "amber", "green")
    assert set(STATUS_LABELS) == set(STATUS_ICONS) == set(STATUSES) | {None}
    assert STATUS_LABELS["complete"] == "Complete"
    assert STATUS_LABELS["in_progress"] == "In progress"
    assert STATUS_LABELS[None] == "Not reported"
    assert STATUS_ICONS == {
        "complete": "✅", "in_progress": "🔄", "not_started": "⭕", "ongoing": "♾️",
        "delayed": "⚠️", "superseded": "⛔", None: "❔",
    }
    assert len(set(STATUS_ICONS.values())) == len(STATUS_ICONS)


def test_no_status_from_rag():
    import peer_challenges.domain.status as status

    assert not hasattr(status, "status_from_rag")

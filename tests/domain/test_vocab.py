"""Closed vocabularies (peer_challenges.domain.vocab): how a council type reads inside a sentence."""

from peer_challenges.domain.vocab import COUNCIL_TYPE_LABELS, council_type_words


def test_council_type_words_lower_case_a_type_but_keep_london_a_proper_noun():
    assert {k: council_type_words(v) for k, v in COUNCIL_TYPE_LABELS.items()} == {
        "district": "district", "unitary": "unitary", "county": "county",
        "metropolitan": "metropolitan borough", "london_borough": "London borough", "other": "other",
    }

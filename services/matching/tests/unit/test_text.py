"""Profile text becomes comparable terms across spelling, inflection and the five event languages."""

from __future__ import annotations

from matching.domain.text import terms, words


def test_accents_case_and_inflections_meet() -> None:
    assert words("Logística") == words("logistics")
    assert words("Packaging") == words("packages") == words("package")
    assert words("Monitoring") == words("monitors")


def test_stop_words_of_five_languages_are_dropped() -> None:
    assert words("the and der die le les el los o da") == []
    assert words("Sensoren für die Überwachung") == words("Sensoren Überwachung")


def test_words_split_on_any_script_and_punctuation() -> None:
    assert words("cold-chain/shelf-life") == words("cold chain shelf life")
    assert words("Straße") == ["strass"]


def test_pairs_keep_word_order_for_short_fields() -> None:
    assert "cold_chain" in terms("Cold chain sensors", pairs=True)
    assert "cold_chain" not in terms("Cold chain sensors")

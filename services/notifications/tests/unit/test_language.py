"""Language tags as other systems send them."""

from __future__ import annotations

import pytest

from notifications.domain import ResolvedLanguage, resolve_language


@pytest.mark.parametrize(("tag", "expected"), [
    ("de", ResolvedLanguage("de", "de")),
    ("de-DE", ResolvedLanguage("de", "de_DE")),
    ("de_AT", ResolvedLanguage("de", "de_AT")),
    ("pt-BR", ResolvedLanguage("pt", "pt_BR")),
    ("PT-br", ResolvedLanguage("pt", "pt_BR")),
    ("fr-CA", ResolvedLanguage("fr", "fr_CA")),
    ("es-419", ResolvedLanguage("es", "es_419")),
    ("es-MX, en;q=0.5", ResolvedLanguage("es", "es_MX")),
    ("en-GB", ResolvedLanguage("en", "en_GB")),
    ("de-XX", ResolvedLanguage("de", "de")),
    ("it", ResolvedLanguage("en", "en")),
    ("", ResolvedLanguage("en", "en")),
    (None, ResolvedLanguage("en", "en")),
    ("  ", ResolvedLanguage("en", "en")),
])
def test_tags_resolve_to_a_supported_language_and_the_best_known_locale(tag, expected):
    assert resolve_language(tag) == expected

"""Which language an e-mail is written in, from whatever tag the participant gave at registration.

Registration data comes from many systems: "de", "de-DE", "pt_BR", "FR", "es-419, en;q=0.5" all occur. The text
comes from one of our catalogues (language), while dates and numbers follow the full locale when it is known
(Brazilian and European Portuguese, Austrian and German German differ there). Anything else gets English, so
nobody receives an empty or broken e-mail because of an unusual tag.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "pt")
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class ResolvedLanguage:
    """``language`` picks the message catalogue; ``locale`` (babel identifier, e.g. "pt_BR") formats dates."""

    language: str
    locale: str


def resolve_language(tag: str | None) -> ResolvedLanguage:
    """Map a language tag to a supported language and the most specific locale babel knows for it."""
    first = (tag or "").split(",")[0].split(";")[0].strip().replace("_", "-")
    parts = [part for part in first.split("-") if part]
    if not parts or parts[0].lower() not in SUPPORTED_LANGUAGES:
        return ResolvedLanguage(FALLBACK_LANGUAGE, FALLBACK_LANGUAGE)
    language = parts[0].lower()
    for candidate in _locale_candidates(language, parts[1:]):
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
        return ResolvedLanguage(language, candidate)
    return ResolvedLanguage(language, language)


def _locale_candidates(language: str, subtags: list[str]) -> list[str]:
    # Regions are two letters ("BR") or a UN M.49 area of three digits ("419", Latin America).
    regions = [tag.upper() for tag in subtags if (len(tag) == 2 and tag.isalpha()) or (len(tag) == 3 and tag.isdigit())]
    return [f"{language}_{region}" for region in regions]

"""Every sentence a participant reads, per language, kept out of the code in ``templates/messages/<lang>.toml``.

Translators edit one flat file per language; a key missing in a translation falls back to English rather than
breaking the e-mail. Messages are ``str.format`` patterns with named fields. In HTML the pattern is trusted and the
fields are not: participant-supplied names are escaped before they are put in (``markupsafe.Markup.format``), so a
name like ``<script>`` is shown, never run. A message may be a table of plural forms (CLDR categories "one",
"few", "many", "other"), chosen by babel's plural rules for the reader's locale.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files
from typing import Any

from babel import Locale
from markupsafe import Markup

from notifications.domain.language import FALLBACK_LANGUAGE, ResolvedLanguage

_PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})


class MessageCatalogue:
    """The messages of one language, formatted for one locale."""

    def __init__(self, resolved: ResolvedLanguage, messages: Mapping[str, Any], fallback: Mapping[str, Any]):
        self.language = resolved.language
        self.locale = Locale.parse(resolved.locale)
        self._messages = messages
        self._fallback = fallback

    def has(self, key: str) -> bool:
        return key in self._messages or key in self._fallback

    def pattern(self, key: str, count: int | None = None) -> str:
        """The raw pattern for ``key`` (the plural form for ``count`` when the message has plural forms)."""
        message = self._messages.get(key, self._fallback.get(key))
        if message is None:
            raise KeyError(f"no message {key!r} in catalogue {self.language!r} nor in {FALLBACK_LANGUAGE!r}")
        if isinstance(message, Mapping):
            form = self.locale.plural_form(count if count is not None else 0)
            return message.get(form, message["other"])
        return message

    def text(self, key: str, /, count: int | None = None, **fields: Any) -> str:
        return self.pattern(key, count).format(count=count, **fields)

    def html(self, key: str, /, count: int | None = None, **fields: Any) -> Markup:
        return Markup(self.pattern(key, count)).format(count=count, **fields)

    def reason(self, reason: str) -> str:
        """A reason code translated (``reasons.<code>``), or an operator's free-text reason as written."""
        key = f"reasons.{reason}"
        return self.text(key) if self.has(key) else reason


def catalogue_for(resolved: ResolvedLanguage) -> MessageCatalogue:
    return MessageCatalogue(resolved, _messages(resolved.language), _messages(FALLBACK_LANGUAGE))


def catalogue_keys(language: str) -> frozenset[str]:
    """All keys of one language's file, so a test can tell when a translation lags behind English."""
    return frozenset(_messages(language))


@lru_cache(maxsize=None)
def _messages(language: str) -> Mapping[str, Any]:
    source = files("notifications").joinpath("templates", "messages", f"{language}.toml").read_text("utf-8")
    return _flatten(tomllib.loads(source))


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and not _is_plural(value):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _is_plural(value: Mapping[str, Any]) -> bool:
    return "other" in value and set(value) <= _PLURAL_CATEGORIES and all(isinstance(v, str) for v in value.values())

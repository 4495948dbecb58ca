"""The shared base of every message model and the constrained text types used across the contracts.

Every model is frozen (a message is a fact, not a mutable object) and ignores unknown fields, so a reader on
version 1 keeps working when a producer adds a field (additive changes only within a schema version).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

# Control characters (except tab and newline) have no business in a name or a profile; they are removed
# rather than refused, because spreadsheets and CRMs emit them by accident.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    return _CONTROL.sub("", value).strip()


def _clean_line(value: str) -> str:
    return " ".join(_clean_text(value).split())


class Message(BaseModel):
    """Base of all message payloads: immutable, tolerant of fields added by newer producers."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)


class StrictInbound(BaseModel):
    """Base for payloads from untrusted systems: still tolerant of unknown fields, but immutable."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty (after removing spaces and control characters)")
    return value


# Lengths are checked on the raw input first (so nobody pushes a megabyte through the cleaning), then the text is
# cleaned, then required texts must still have content.
Name = Annotated[str, StringConstraints(max_length=200), AfterValidator(_clean_line), AfterValidator(_not_empty)]
"""A one-line name: whitespace folded, control characters removed, 1 to 200 characters."""

OptionalLine = Annotated[str, StringConstraints(max_length=200), AfterValidator(_clean_line)]
"""A one-line text that may be empty, at most 200 characters."""

Title = Name
"""A title of an offer or request."""

LongText = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_clean_text)]
"""A free text (description), at most 4,000 characters."""

Keyword = Annotated[
    str, StringConstraints(max_length=60), AfterValidator(lambda v: _clean_line(v).lower()), AfterValidator(_not_empty)
]
"""A keyword or topic, lower-cased, 1 to 60 characters."""

Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$")
]
"""An identifier chosen by a system (event id, sender's reference): letters, digits and . _ : @ / -, 1 to 100."""

SectorCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20, pattern=r"^[A-Za-z0-9.]+$")]
"""A sector code such as a NACE code (e.g. C10.8 or 10.89)."""

def _language_tag(value: str) -> str:
    tag = value.strip().replace("_", "-").lower()
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", tag):
        raise ValueError(f"'{value}' is not a language tag such as en, de, pt-br")
    return tag


LanguageCode = Annotated[str, StringConstraints(max_length=20), AfterValidator(_language_tag)]
"""A language as a BCP 47 tag such as en, de, pt-br (lower-cased)."""

ItemText = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_clean_text)]
"""The description of one offer or request, at most 2,000 characters."""

NoteText = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_clean_text)]
"""A short message to another participant, at most 1,000 characters."""

Phone = Annotated[str, StringConstraints(max_length=40), AfterValidator(_clean_line)]
"""A phone number, free form, at most 40 characters."""

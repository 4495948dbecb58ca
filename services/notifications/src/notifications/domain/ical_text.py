"""iCalendar text (RFC 5545) written directly: content lines, escaped values, quoted parameters, folded lines.

The invitations are few properties of known types, so they are written here rather than built as ``icalendar``
components and serialised: that library's serialiser took about 1.6 ms per invitation, a sixth of the notifications
service's CPU per e-mail (docs/benchmarks.md). The tests read every file back with ``icalendar``, as clients would.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

CRLF = "\r\n"
_FOLD_AT = 75
"""Octets per line, without the line break (RFC 5545, 3.1); a continuation line starts with one space."""


def content(*lines: str) -> bytes:
    """The file: each content line folded, every line ended by CRLF."""
    return "".join(fold(line) + CRLF for line in lines).encode("utf-8")


def line(name: str, value: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """``NAME;PARAM=value:value`` (the value already in its property's form; ``text`` for TEXT)."""
    return name + "".join(f";{key}={param(given)}" for key, given in params) + ":" + value


def text(value: str) -> str:
    """A TEXT value (3.3.11): backslash, semicolon and comma escaped, line breaks written as ``\\n``."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def param(value: str) -> str:
    """A parameter value (3.2): as it is when plain (``Europe/Berlin``, ``ACCEPTED``), else quoted, with a caret, a
    line break and a double quote written ``^^``, ``^n`` and ``^'`` (RFC 6868), other control characters but tab as
    spaces (a quoted string may hold none of them)."""
    if value and all(ch.isascii() and (ch.isalnum() or ch in "-_./+") for ch in value):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    escaped = value.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    return '"' + "".join(" " if (ord(ch) < 32 and ch != "\t") or ord(ch) == 127 else ch for ch in escaped) + '"'


def local_time(value: datetime) -> str:
    """A DATE-TIME as wall-clock time, for use with TZID (3.3.5, form 3)."""
    return value.strftime("%Y%m%dT%H%M%S")


def utc_time(value: datetime) -> str:
    """A DATE-TIME in UTC (3.3.5, form 2)."""
    return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def utc_offset(value: timedelta) -> str:
    """A UTC-OFFSET (3.3.14): ``+0100``; seconds only when there are some."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def fold(unfolded: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and a space, never inside a character."""
    if len(unfolded.encode("utf-8")) <= _FOLD_AT:
        return unfolded
    pieces, current, size, limit = [], [], 0, _FOLD_AT
    for ch in unfolded:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, _FOLD_AT - 1
        current.append(ch)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)

"""Dates, times, countries and scores the way a reader of a given locale writes them, at the event's clock.

Times are always shown in the event's time zone and name it, because people travel to the event and a time in
their home zone would send them to the wrong table; the zone's name is given in the reader's language with the
IANA name beside it, which is what calendar applications show.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name
from babel.lists import format_list
from babel.numbers import format_percent

from notifications.domain.message_catalogue import MessageCatalogue


class ReaderFormats:
    """Formatting for one reader (locale from the catalogue) at one event (time zone)."""

    def __init__(self, catalogue: MessageCatalogue, zone: ZoneInfo):
        self._catalogue = catalogue
        self._locale = catalogue.locale
        self._zone = zone

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self._zone)

    def date(self, instant: datetime) -> str:
        return format_date(self.local(instant), "full", locale=self._locale)

    def time(self, instant: datetime) -> str:
        return format_time(self.local(instant), "short", locale=self._locale)

    def zone_name(self, instant: datetime) -> str:
        """E.g. "Mitteleuropäische Sommerzeit (Europe/Berlin)": the name that is right on that day."""
        named = get_timezone_name(self.local(instant), "long", locale=self._locale)
        return self._catalogue.text("format.zone", name=named, iana=self._zone.key)

    def period(self, starts_at: datetime, ends_at: datetime) -> str:
        """A meeting's time as one phrase: day, start–end, zone."""
        return self._catalogue.text(
            "format.period",
            date=self.date(starts_at),
            start=self.time(starts_at),
            end=self.time(ends_at),
            zone=self.zone_name(starts_at),
        )

    def time_range(self, starts_at: datetime, ends_at: datetime) -> str:
        """Start–end without the day, for lines of an agenda already grouped by day."""
        return self._catalogue.text("format.time_range", start=self.time(starts_at), end=self.time(ends_at))

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        return self._locale.territories.get(code.upper(), code)

    def percent(self, score: float) -> str:
        return format_percent(score, locale=self._locale)

    def list(self, items: Iterable[str]) -> str:
        """"A, B and C" in the reader's language."""
        return format_list(list(items), locale=self._locale)

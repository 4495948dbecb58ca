"""The VTIMEZONE that tells a calendar client what the event's wall-clock times mean.

icalendar can derive a VTIMEZONE from a zoneinfo zone (``Timezone.from_tzinfo``), but in the version we use it
writes the onset of summer time as the local time *after* the jump (03:00 for Europe/Berlin) while RFC 5545
(3.6.5, and its examples) reads an onset in the offset in force *before* it (02:00): a strict client would then
move the switch by an hour. So the transitions are found here from zoneinfo itself, one observance per transition,
covering the years the invitation needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from notifications.domain.ical_text import line, local_time, text, utc_offset

_SCAN_STEP = timedelta(days=1)


def vtimezone_for(zone: ZoneInfo, first: datetime, last: datetime) -> tuple[str, ...]:
    """The content lines of a VTIMEZONE for ``zone`` valid from the start of ``first``'s year to the end of the year
    after ``last``.

    A margin of whole years means a client that keeps the definition can still place a later reschedule right.
    """
    return _vtimezone(zone, first.astimezone(zone).year, last.astimezone(zone).year + 2)


@lru_cache(maxsize=64)  # the same for every e-mail of an event, and found by scanning the years day by day
def _vtimezone(zone: ZoneInfo, first_year: int, end_year: int) -> tuple[str, ...]:
    span_start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(timezone.utc)
    lines = ["BEGIN:VTIMEZONE", line("TZID", text(zone.key))]
    initial = span_start.astimezone(zone)
    lines += _observance(initial, onset_local=initial.replace(tzinfo=None), offset_from=initial.utcoffset())
    for instant, offset_before in _transitions_of_years(zone, first_year, end_year):
        after = instant.astimezone(zone)
        onset_local = (instant + offset_before).replace(tzinfo=None)
        lines += _observance(after, onset_local=onset_local, offset_from=offset_before)
    return (*lines, "END:VTIMEZONE")


def _observance(local: datetime, *, onset_local: datetime, offset_from: timedelta | None) -> list[str]:
    kind = "DAYLIGHT" if local.dst() else "STANDARD"
    return [
        f"BEGIN:{kind}",
        line("DTSTART", local_time(onset_local)),
        line("TZNAME", text(local.tzname() or "")),
        line("TZOFFSETFROM", utc_offset(offset_from or timedelta(0))),
        line("TZOFFSETTO", utc_offset(local.utcoffset() or timedelta(0))),
        f"END:{kind}",
    ]


def _transitions_of_years(zone: ZoneInfo, first_year: int, end_year: int) -> tuple[tuple[datetime, timedelta], ...]:
    """The transitions from the start of ``first_year`` to the start of ``end_year`` (found by scanning day by day)."""
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(timezone.utc)
    end = datetime(end_year, 1, 1, tzinfo=zone).astimezone(timezone.utc)
    return tuple(_transitions(zone, start, end))


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> Iterator[tuple[datetime, timedelta]]:
    """Each instant (UTC) at which the zone's offset changes, with the offset in force just before it."""

    def rule(instant: datetime) -> tuple[timedelta | None, timedelta | None]:
        local = instant.astimezone(zone)
        return local.utcoffset(), local.dst()

    cursor = start
    while cursor < end:
        step_end = min(cursor + _SCAN_STEP, end)
        if rule(cursor) != rule(step_end):
            # Bisect on whole seconds: zone transitions fall on whole seconds, and so must the onset we write.
            before, after = int(cursor.timestamp()), int(step_end.timestamp())
            while after - before > 1:
                middle = (before + after) // 2
                if rule(_utc(middle)) == rule(_utc(before)):
                    before = middle
                else:
                    after = middle
            yield _utc(after), _utc(before).astimezone(zone).utcoffset()
        cursor = step_end


def _utc(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)

"""The VTIMEZONE that tells a calendar client what the event's wall-clock times mean.

icalendar can derive a VTIMEZONE from a zoneinfo zone (``Timezone.from_tzinfo``), but in the version we use it
writes the onset of summer time as the local time *after* the jump (03:00 for Europe/Berlin) while RFC 5545
(3.6.5, and its examples) reads an onset in the offset in force *before* it (02:00): a strict client would then
move the switch by an hour. So the transitions are found here from zoneinfo itself and written with icalendar's
components, one sub-component per transition, covering the years the invitation needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_SCAN_STEP = timedelta(days=1)


def vtimezone_for(zone: ZoneInfo, first: datetime, last: datetime) -> Timezone:
    """A VTIMEZONE for ``zone`` valid from the start of ``first``'s year to the end of the year after ``last``.

    A margin of whole years means a client that keeps the definition can still place a later reschedule right.
    """
    first_year, end_year = first.astimezone(zone).year, last.astimezone(zone).year + 2
    span_start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(timezone.utc)

    definition = Timezone()
    definition.add("tzid", zone.key)
    initial = span_start.astimezone(zone)
    definition.add_component(
        _observance(initial, onset_local=initial.replace(tzinfo=None), offset_from=initial.utcoffset())
    )
    for instant, offset_before in _transitions_of_years(zone, first_year, end_year):
        after = instant.astimezone(zone)
        onset_local = (instant + offset_before).replace(tzinfo=None)
        definition.add_component(_observance(after, onset_local=onset_local, offset_from=offset_before))
    return definition


def _observance(
    local: datetime, *, onset_local: datetime, offset_from: timedelta | None
) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if local.dst() else TimezoneStandard()
    observance.add("dtstart", onset_local)
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", local.utcoffset())
    observance.add("tzname", local.tzname())
    return observance


@lru_cache(maxsize=64)
def _transitions_of_years(zone: ZoneInfo, first_year: int, end_year: int) -> tuple[tuple[datetime, timedelta], ...]:
    """The transitions from the start of ``first_year`` to the start of ``end_year``: the same for every e-mail of an
    event, and found by scanning day by day, so remembered."""
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

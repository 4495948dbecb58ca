"""The slot grid of an event, derived from its sessions: the one rule for which slots exist.

A session yields back-to-back slots of ``slot_minutes`` from its start; a slot that would overlap a break starts
again when the break ends, and no slot runs past the session's end.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from contracts.events import EventDraft, Session, Slot


def slot_id(day: dt.date, start: dt.time) -> str:
    return f"{day.isoformat()}T{start.strftime('%H:%M')}"


def session_slot_times(session: Session) -> list[tuple[dt.datetime, dt.datetime]]:
    """Local wall-clock (start, end) pairs of a session's slots."""
    length = dt.timedelta(minutes=session.slot_minutes)
    cursor = dt.datetime.combine(session.day, session.start)
    end = dt.datetime.combine(session.day, session.end)
    breaks = sorted(
        (dt.datetime.combine(session.day, b.start), dt.datetime.combine(session.day, b.end)) for b in session.breaks
    )
    times = []
    while cursor + length <= end:
        clash = next((b for b in breaks if cursor < b[1] and b[0] < cursor + length), None)
        if clash:
            cursor = clash[1]
            continue
        times.append((cursor, cursor + length))
        cursor += length
    return times


def derive_slots(event: EventDraft) -> tuple[Slot, ...]:
    """Every slot of every session, in time order, with the event's UTC offset of that day."""
    zone = ZoneInfo(event.time_zone)
    local = sorted(
        (start, end, session) for session in event.sessions for start, end in session_slot_times(session)
    )
    slots = []
    for index, (start, end, session) in enumerate(local):
        slots.append(
            Slot(
                slot_id=slot_id(start.date(), start.time()),
                index=index,
                session=session.name,
                day=session.day,
                start=start.replace(tzinfo=zone),
                end=end.replace(tzinfo=zone),
            )
        )
    return tuple(slots)


def overlapping_slot_ids(slots: tuple[Slot, ...], start: dt.datetime, end: dt.datetime) -> list[str]:
    return [slot.slot_id for slot in slots if slot.start < end and start < slot.end]

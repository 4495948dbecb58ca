"""Replaying whole meeting histories into a model of a calendar client, in order and out of order.

The model applies iTIP the way RFC 5546 (2.1.4, 3.2) asks a client to: entries are keyed by UID; a message whose
SEQUENCE is lower than the one held is outdated and ignored; a REQUEST creates or replaces the entry; a CANCEL
marks it cancelled, which clients show as gone. The cancelled entry keeps its SEQUENCE so that a late, older
REQUEST cannot bring the meeting back. A second, naive model simply deletes on CANCEL; it is only right when
messages arrive in order, which is also checked.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timezone

import icalendar
import pytest

from notifications.domain import invitation

UTC = timezone.utc
DOMAIN = "matchmaking.example"


@dataclass
class Entry:
    sequence: int
    start: datetime
    end: datetime
    cancelled: bool


class CalendarClient:
    def __init__(self, *, keeps_cancelled_entries: bool = True):
        self._entries: dict[str, Entry] = {}
        self._keeps_cancelled = keeps_cancelled_entries

    def receive(self, content: bytes) -> None:
        calendar = icalendar.Calendar.from_ical(content)
        method = str(calendar["METHOD"])
        for component in calendar.walk("VEVENT"):
            uid, sequence = str(component["UID"]), int(component.get("SEQUENCE", 0))
            held = self._entries.get(uid)
            if held is not None and sequence < held.sequence:
                continue
            if method == "REQUEST":
                self._entries[uid] = Entry(sequence, component.start, component.end, cancelled=False)
            elif method == "CANCEL":
                if self._keeps_cancelled:
                    self._entries[uid] = Entry(sequence, component.start, component.end, cancelled=True)
                else:
                    self._entries.pop(uid, None)

    def visible(self) -> list[tuple[datetime, datetime]]:
        return [(e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in self._entries.values() if not e.cancelled]


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 4, 20, hour, minute, tzinfo=UTC)


def _history(build, kinds: str):
    """A meeting's changes: 'S' scheduled, 'R' rescheduled (one hour later each time), 'C' cancelled."""
    event = build.event("Europe/Berlin")
    anna, maria = build.party("Anna"), build.party("Maria")
    meeting = build.meeting(anna, maria, _at(8))
    changes = []
    for kind in kinds:
        if kind == "S":
            changes.append(build.scheduled(meeting))
        elif kind == "R":
            changes.append(build.moved(meeting, meeting.starts_at.replace(hour=meeting.starts_at.hour + 1)))
        elif kind == "C":
            changes.append(build.cancelled(meeting))
        meeting = changes[-1].meeting
    recipient = build.recipient_for(anna)
    files = [invitation(change, recipient=recipient, event=event, uid_domain=DOMAIN).content for change in changes]
    return files, meeting


@pytest.mark.parametrize("kinds", ["S", "SR", "SRR", "SRRR"])
def test_in_order_the_client_holds_exactly_one_entry_at_the_latest_time(build, kinds):
    files, final = _history(build, kinds)
    for client in (CalendarClient(), CalendarClient(keeps_cancelled_entries=False)):
        for content in files:
            client.receive(content)
        assert client.visible() == [(final.starts_at, final.ends_at)]


@pytest.mark.parametrize("kinds", ["SC", "SRC", "SRRC"])
def test_in_order_a_cancelled_meeting_disappears(build, kinds):
    files, _ = _history(build, kinds)
    for client in (CalendarClient(), CalendarClient(keeps_cancelled_entries=False)):
        for content in files:
            client.receive(content)
        assert client.visible() == []


@pytest.mark.parametrize("kinds", ["SR", "SRR", "SRRC"])
def test_in_any_delivery_order_the_client_ends_with_the_latest_state(build, kinds):
    files, final = _history(build, kinds)
    expected = [] if kinds.endswith("C") else [(final.starts_at, final.ends_at)]
    for order in itertools.permutations(files):
        client = CalendarClient()
        for content in order:
            client.receive(content)
        assert client.visible() == expected


def test_a_redelivered_old_invitation_does_not_move_the_meeting_back(build):
    files, final = _history(build, "SRR")
    client = CalendarClient()
    for content in [*files, files[0], files[1]]:
        client.receive(content)
    assert client.visible() == [(final.starts_at, final.ends_at)]


def test_two_meetings_are_two_entries(build):
    first, first_final = _history(build, "SR")
    second, second_final = _history(build, "S")
    client = CalendarClient()
    for content in [*first, *second]:
        client.receive(content)
    assert sorted(client.visible()) == sorted(
        [(first_final.starts_at, first_final.ends_at), (second_final.starts_at, second_final.ends_at)]
    )

"""The schedule book of one event: the stored state, the domain timetable built from it, and the commit that writes
what changed together with the messages participants must get.

Stored state (one document per event): ``event`` (EventDetails as JSON), ``participants`` (id → availability as
slot ids, cap, delegation, role, active), ``meetings`` (id → pair, facilitator, version, state, slot id, table,
accompanied), ``waitlist`` (meeting ids in waiting order), ``version``.
Slots are stored by slot id, the only identity that survives grid edits; the domain works on slot indices.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from contracts.envelope import Envelope
from contracts.events import EventDetails
from contracts.schedule import (
    MeetingCancelled,
    MeetingPlace,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingUnplaceable,
)
from contracts.topics import SCHEDULE
from servicekit.outbox import Outgoing, caused_by

from ..domain.model import EventProblem, Meeting, Participant, Placement, Schedule, Slot, SlotGrid
from ..domain.timetable import Timetable

PRODUCER = "scheduling"
_MEETING_IDS = uuid.UUID("3f0f5f0e-2b7c-4f57-8d4f-6a8e2e1c9b21")
_MISSING_SLOT_BASE = 1_000_000  # indices for slots that vanished from the grid; repair moves their meetings


def meeting_id_for(match_id: str) -> str:
    return str(uuid.uuid5(_MEETING_IDS, match_id))


def empty_state(event: EventDetails) -> dict[str, Any]:
    return {"event": event.model_dump(mode="json"), "participants": {}, "meetings": {}, "waitlist": [], "version": 0}


def grid_of(event: EventDetails) -> SlotGrid:
    days = {day: number for number, day in enumerate(sorted({slot.day for slot in event.slots}), start=1)}
    return SlotGrid(tuple(Slot(slot.index, days[slot.day], slot.session) for slot in event.slots))


@dataclass
class Book:
    """A loaded schedule: ``state`` as stored, ``timetable`` as the domain sees it. Use cases change the timetable
    (and participant records in ``state``), then :meth:`changes` says what to write."""

    event_id: str
    state: dict[str, Any]
    timetable: Timetable
    touched: set[str] = field(default_factory=set)
    touched_participants: set[str] = field(default_factory=set)
    before: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    previous_event: EventDetails | None = None
    _parsed_event: tuple[dict[str, Any], EventDetails] | None = field(default=None, repr=False)

    @classmethod
    def from_state(cls, event_id: str, state: dict[str, Any]) -> Book:
        event = EventDetails.model_validate(state["event"])
        index_of = {slot.slot_id: slot.index for slot in event.slots}
        problem = EventProblem(grid_of(event), event.tables)
        for participant_id, record in state["participants"].items():
            if record.get("active", True):
                problem.participants[participant_id] = participant_from(participant_id, record, index_of, event)
        placements = {}
        for meeting_id, record in state["meetings"].items():
            if record["state"] == "cancelled":
                continue
            problem.meetings[meeting_id] = Meeting(
                meeting_id, record["a"], record["b"], record.get("session"), record.get("facilitator"), record["v"]
            )
            if record["state"] == "placed":
                index = index_of.get(record["slot"], _MISSING_SLOT_BASE + record.get("slot_index", 0))
                placements[meeting_id] = Placement(index, record["table"], record.get("accompanied", False))
        timetable = Timetable(problem, Schedule(placements), list(state["waitlist"]))
        return cls(event_id, state, timetable, _parsed_event=(state["event"], event))

    @property
    def event(self) -> EventDetails:
        # Read for every message (the grid): parsed once per stored event, which only set_event replaces.
        raw = self.state["event"]
        if self._parsed_event is None or self._parsed_event[0] is not raw:
            self._parsed_event = (raw, EventDetails.model_validate(raw))
        return self._parsed_event[1]

    def touch(self, *meeting_ids: str) -> None:
        """Mark meetings the use case changed; :meth:`sync_meetings` writes them back into ``state``."""
        self.touched.update(meeting_ids)

    def set_participant(self, participant_id: str, record: dict[str, Any]) -> None:
        self.state["participants"][participant_id] = record
        self.touched_participants.add(participant_id)

    def set_event(self, event: EventDetails) -> None:
        self.previous_event = self.event
        self.state["event"] = event.model_dump(mode="json")

    def sync_meetings(self) -> None:
        """Write the touched meetings' placements, versions and the waitlist back into ``state``."""
        event = self.event
        slot_by_index = {slot.index: slot for slot in event.slots}
        meetings = self.state["meetings"]
        for meeting_id in sorted(self.touched):
            meeting = self.timetable.problem.meetings.get(meeting_id)
            if meeting is None:
                continue
            if meeting_id not in self.before:
                self.before[meeting_id] = dict(meetings[meeting_id]) if meeting_id in meetings else None
            record = meetings.setdefault(meeting_id, {})
            placement = self.timetable.schedule.placements.get(meeting_id)
            record.update(a=meeting.a, b=meeting.b, session=meeting.session, facilitator=meeting.facilitator, v=meeting.version)
            record.setdefault("match", record.get("match"))
            if placement is not None and placement.slot in slot_by_index:
                record.update(state="placed", slot=slot_by_index[placement.slot].slot_id, slot_index=placement.slot,
                              table=placement.table, accompanied=placement.accompanied)
            elif record.get("state") != "cancelled":
                record.update(state="waiting", slot=None, slot_index=None, table=None, accompanied=False)
        self.state["waitlist"] = list(self.timetable.waitlist)

    def place_of(self, meeting_id: str) -> MeetingPlace | None:
        record = self.state["meetings"].get(meeting_id)
        if not record or record.get("state") != "placed":
            return None
        return place_from(self.event, record["slot"], record["table"])

    def previous_place_of(self, meeting_id: str) -> MeetingPlace | None:
        """Where the meeting was announced before this change (after :meth:`sync_meetings`)."""
        record = self.before.get(meeting_id, self.state["meetings"].get(meeting_id))
        if not record or record.get("state") != "placed":
            return None
        for event in (self.previous_event, self.event):
            if event is not None and (place := place_from(event, record["slot"], record["table"])):
                return place
        return None

    def changes(self) -> dict[str, Any]:
        """Dotted-path updates that write this change into the stored state."""
        updates: dict[str, Any] = {f"meetings.{m}": self.state["meetings"][m] for m in self.touched if m in self.state["meetings"]}
        updates.update({f"participants.{p}": self.state["participants"][p] for p in self.touched_participants})
        updates["waitlist"] = self.state["waitlist"]
        if self.previous_event is not None:
            updates["event"] = self.state["event"]
        return updates

    # --- messages ---------------------------------------------------------------------------------------------------

    def facts(self, meeting_id: str) -> dict[str, Any]:
        record = self.state["meetings"][meeting_id]
        return dict(
            meeting_id=meeting_id, match_id=record["match"], version=record["v"], participant_a=record["a"],
            participant_b=record["b"], facilitator_id=record.get("facilitator") if record.get("accompanied") else None,
        )

    def scheduled(self, cause: Envelope, meeting_id: str) -> Outgoing:
        payload = MeetingScheduled(**self.facts(meeting_id), place=self.place_of(meeting_id))
        return caused_by(cause, SCHEDULE, payload, producer=PRODUCER, role=f"{meeting_id}/v{payload.version}")

    def rescheduled(self, cause: Envelope, meeting_id: str, previous: MeetingPlace, reason: str) -> Outgoing:
        payload = MeetingRescheduled(**self.facts(meeting_id), place=self.place_of(meeting_id), previous=previous, reason=reason)
        return caused_by(cause, SCHEDULE, payload, producer=PRODUCER, role=f"{meeting_id}/v{payload.version}")

    def cancelled(self, cause: Envelope, meeting_id: str, previous: MeetingPlace, reason: str) -> Outgoing:
        payload = MeetingCancelled(**self.facts(meeting_id), previous=previous, reason=reason)
        return caused_by(cause, SCHEDULE, payload, producer=PRODUCER, role=f"{meeting_id}/v{payload.version}/cancel")

    def unplaceable(self, cause: Envelope, meeting_id: str, reason: str) -> Outgoing:
        record = self.state["meetings"][meeting_id]
        payload = MeetingUnplaceable(
            match_id=record["match"], participant_a=record["a"], participant_b=record["b"], reason=reason, waitlisted=True
        )
        return caused_by(cause, SCHEDULE, payload, producer=PRODUCER, role=f"{meeting_id}/v{record['v']}/unplaceable")


def participant_from(participant_id: str, record: dict[str, Any], index_of: dict[str, int], event: EventDetails) -> Participant:
    cap = event.meeting_cap if record.get("cap") is None else min(record["cap"], event.meeting_cap)
    unavailable = frozenset(index_of[s] for s in record.get("unavailable", []) if s in index_of)
    return Participant(participant_id, record.get("name", ""), unavailable, cap)


def place_from(event: EventDetails, slot_id: str, table: int) -> MeetingPlace | None:
    slot = next((s for s in event.slots if s.slot_id == slot_id), None)
    if slot is None:
        return None
    return MeetingPlace(slot_id=slot_id, start=slot.start, end=slot.end, table=table)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

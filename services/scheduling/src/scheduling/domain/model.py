"""The scheduling problem as the domain sees it: a slot grid, tables, participants, meetings and a schedule.

Slots are identified by a stable integer index. The index order is time order, and it also defines adjacency:
two meetings of one participant at indices ``i`` and ``i + 1`` on the same day follow each other without a
break. When an operator removes a slot from the grid, the remaining slots keep their indices, so the hole the
removed slot leaves counts as a break, which is what a participant standing idle for that time would notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

MORNING = "morning"
AFTERNOON = "afternoon"


@dataclass(frozen=True, slots=True)
class Slot:
    """One meeting length in the event's time line."""

    index: int
    day: int
    session: str


@dataclass(frozen=True)
class SlotGrid:
    """The event's slots in time order; the grid, not the clock, decides what counts as a break."""

    slots: tuple[Slot, ...]
    _by_index: Mapping[int, Slot] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        indices = [slot.index for slot in self.slots]
        if indices != sorted(set(indices)):
            raise ValueError("slot indices must be unique and in time order")
        object.__setattr__(self, "_by_index", {slot.index: slot for slot in self.slots})

    @classmethod
    def of_days(cls, days: int, sessions: Iterable[tuple[str, int]]) -> SlotGrid:
        """Build the usual grid: the same sessions (name, number of slots) every day, indices counted from 0."""
        session_list = list(sessions)
        slots: list[Slot] = []
        for day in range(1, days + 1):
            for name, count in session_list:
                for _ in range(count):
                    slots.append(Slot(len(slots), day, name))
        return cls(tuple(slots))

    def __contains__(self, index: object) -> bool:
        return index in self._by_index

    def __len__(self) -> int:
        return len(self.slots)

    def slot(self, index: int) -> Slot:
        return self._by_index[index]

    @property
    def indices(self) -> list[int]:
        return [slot.index for slot in self.slots]

    def follows(self, earlier: int, later: int) -> bool:
        """True when a meeting at ``later`` directly follows one at ``earlier`` (no break between them)."""
        if later != earlier + 1:
            return False
        first = self._by_index.get(earlier)
        second = self._by_index.get(later)
        return first is not None and second is not None and first.day == second.day

    def without(self, indices: Iterable[int]) -> SlotGrid:
        """The grid after the operator removed some slots (e.g. a session was shortened)."""
        removed = set(indices)
        return SlotGrid(tuple(slot for slot in self.slots if slot.index not in removed))

    def sessions(self) -> list[str]:
        return list(dict.fromkeys(slot.session for slot in self.slots))


@dataclass(frozen=True, slots=True)
class Participant:
    """A person who meets others; ``cap`` limits how many meetings they want in total."""

    id: str
    name: str = ""
    unavailable: frozenset[int] = frozenset()
    cap: int | None = None

    @property
    def label(self) -> str:
        """How reasons address the participant: the name people know, the id when there is none."""
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class Meeting:
    """An accepted match that needs a slot and a table.

    ``session`` restricts the meeting to one session (None: any session). ``facilitator`` names the delegation
    facilitator who should accompany it when free. ``version`` grows with every change the participants see.
    """

    id: str
    a: str
    b: str
    session: str | None = None
    facilitator: str | None = None
    version: int = 1

    @property
    def participants(self) -> tuple[str, str]:
        return (self.a, self.b)

    def next_version(self) -> Meeting:
        return replace(self, version=self.version + 1)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where and when a meeting happens, and whether its facilitator is with it."""

    slot: int
    table: int
    accompanied: bool = False


@dataclass
class Schedule:
    """Meeting id to placement. Meetings of the problem that are absent here are not placed (waiting)."""

    placements: dict[str, Placement] = field(default_factory=dict)

    def copy(self) -> Schedule:
        return Schedule(dict(self.placements))

    def __contains__(self, meeting_id: object) -> bool:
        return meeting_id in self.placements

    def __len__(self) -> int:
        return len(self.placements)


@dataclass
class EventProblem:
    """Everything the rules depend on: grid, number of tables (numbered 1..tables), participants, meetings."""

    grid: SlotGrid
    tables: int
    participants: dict[str, Participant] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)

    def participant(self, participant_id: str) -> Participant:
        """A participant the event does not know yet has no restrictions rather than blocking placement."""
        found = self.participants.get(participant_id)
        return found if found is not None else Participant(participant_id)

    def allowed_slots(self, meeting: Meeting) -> list[int]:
        """Slots of the meeting's session that neither participant has marked unavailable."""
        a = self.participant(meeting.a)
        b = self.participant(meeting.b)
        return [
            slot.index
            for slot in self.grid.slots
            if (meeting.session is None or slot.session == meeting.session)
            and slot.index not in a.unavailable
            and slot.index not in b.unavailable
        ]

    def copy(self) -> EventProblem:
        return EventProblem(self.grid, self.tables, dict(self.participants), dict(self.meetings))


@dataclass(frozen=True, slots=True)
class Move:
    """A meeting that changed place; the service raises the version and announces MeetingRescheduled."""

    meeting_id: str
    before: Placement
    after: Placement
    version: int


@dataclass(frozen=True, slots=True)
class Placed:
    """The new meeting got ``placement``; ``moves`` lists the other meetings moved to make room."""

    meeting_id: str
    placement: Placement
    moves: tuple[Move, ...] = ()


@dataclass(frozen=True, slots=True)
class Unplaceable:
    """The meeting waits; ``reason`` is written for the operator and the participants."""

    meeting_id: str
    reason: str


PlacementOutcome = Placed | Unplaceable

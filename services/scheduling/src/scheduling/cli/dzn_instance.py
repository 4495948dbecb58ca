"""Reads the B2BSP benchmark instances (MiniZinc ``.dzn`` data, Bofill et al. 2022) into the domain's problem.

Mapping: participant k becomes id ``"k"``; file slot t (1-based) becomes slot index t-1, all on day 1, so
consecutive file slots are adjacent exactly as the paper counts breaks; slots 1..nMorningSlots are the morning
session and the rest the afternoon (all morning when nMorningSlots is absent or covers every slot); a requested
session 1 is morning, 2 afternoon, 3 either; forbidden slot sets use 0 as a placeholder. Meetings are numbered
``m1``, ``m2``, ... in file order, so a pair requested twice becomes two meetings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scheduling.domain.model import AFTERNOON, MORNING, EventProblem, Meeting, Participant, Slot, SlotGrid

_STATEMENT = re.compile(r"(\w+)\s*=\s*(.*?);", re.S)
_SET = re.compile(r"\{([^}]*)\}")


@dataclass(frozen=True)
class DznInstance:
    name: str
    problem: EventProblem

    def participant_number(self, participant_id: str) -> int:
        return int(participant_id)


def _ints(text: str) -> list[int]:
    return [int(token) for token in re.findall(r"-?\d+", text)]


def parse_dzn(text: str) -> dict[str, str]:
    """The raw value text of every ``name = value;`` statement (comments removed)."""
    text = re.sub(r"%[^\n]*", "", text)
    return {name: value.strip() for name, value in _STATEMENT.findall(text)}


def problem_from_dzn(text: str) -> EventProblem:
    values = parse_dzn(text)
    participants_count = int(values["nBusiness"])
    total_slots = int(values["nTotalSlots"])
    morning = int(values["nMorningSlots"]) if "nMorningSlots" in values else total_slots
    if morning <= 0 or morning > total_slots:
        morning = total_slots
    grid = SlotGrid(
        tuple(Slot(index, 1, MORNING if index < morning else AFTERNOON) for index in range(total_slots))
    )
    forbidden_sets = [_ints(body) for body in _SET.findall(values.get("forbidden", ""))]
    participants = {}
    for number in range(1, participants_count + 1):
        forbidden = forbidden_sets[number - 1] if number - 1 < len(forbidden_sets) else []
        unavailable = frozenset(slot - 1 for slot in forbidden if 1 <= slot <= total_slots)
        participants[str(number)] = Participant(str(number), unavailable=unavailable)
    rows = _ints(values["requested"])
    has_afternoon = morning < total_slots
    sessions = {1: MORNING, 2: AFTERNOON if has_afternoon else None, 3: None}
    meetings = {}
    for position in range(0, len(rows) - len(rows) % 3, 3):
        a, b, session = rows[position : position + 3]
        meeting_id = f"m{position // 3 + 1}"
        requested = sessions.get(session) if has_afternoon else None
        meetings[meeting_id] = Meeting(meeting_id, str(a), str(b), session=requested)
    expected = int(values.get("nMeetings", len(meetings)))
    if expected != len(meetings):
        raise ValueError(f"file announces {expected} meetings but requests {len(meetings)}")
    return EventProblem(grid, int(values["nTables"]), participants, meetings)


def read_instance(path: str | Path) -> DznInstance:
    path = Path(path)
    name = path.name.removesuffix(".dzn").removesuffix(".original")
    return DznInstance(name, problem_from_dzn(path.read_text()))

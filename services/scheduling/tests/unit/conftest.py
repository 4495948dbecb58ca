"""Small events written the way an operator would describe them."""

from __future__ import annotations

import uuid

import pytest

from scheduling.domain.model import AFTERNOON, MORNING, EventProblem, Meeting, Participant, SlotGrid
from scheduling.domain.timetable import Timetable


def new_id(prefix: str = "m") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _one_day_event(morning: int = 4, afternoon: int = 0, tables: int = 3, **participants: Participant) -> Timetable:
    """A one-day event; participants default to unrestricted people named Alice, Bob, ... as used."""
    sessions = [(MORNING, morning)] + ([(AFTERNOON, afternoon)] if afternoon else [])
    grid = SlotGrid.of_days(1, sessions)
    return Timetable(EventProblem(grid, tables, dict(participants)))


def _meeting(a: str, b: str, **fields: object) -> Meeting:
    return Meeting(new_id(), a, b, **fields)  # type: ignore[arg-type]


def _person(name: str, **fields: object) -> Participant:
    return Participant(name, name=name, **fields)  # type: ignore[arg-type]


@pytest.fixture
def one_day_event():
    return _one_day_event


@pytest.fixture
def meeting():
    return _meeting


@pytest.fixture
def person():
    return _person

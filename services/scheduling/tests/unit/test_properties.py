"""Property: whatever the event and the order of operations, placement, repair and optimisation never break a rule,
and nothing moves without being reported."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.domain import (
    EventProblem,
    Meeting,
    Participant,
    Placed,
    SlotGrid,
    Timetable,
    find_violations,
    optimise_schedule,
    place_meeting,
    place_waiting,
    remove_meeting,
    repair_after_change,
)
from scheduling.domain.model import AFTERNOON, MORNING

PEOPLE = [f"p{n}" for n in range(8)]


@st.composite
def events(draw):
    days = draw(st.integers(1, 2))
    grid = SlotGrid.of_days(days, [(MORNING, draw(st.integers(1, 3))), (AFTERNOON, draw(st.integers(0, 3)))])
    slots = grid.indices
    participants = {
        p: Participant(
            p,
            unavailable=frozenset(draw(st.sets(st.sampled_from(slots), max_size=2))),
            cap=draw(st.none() | st.integers(1, 4)),
        )
        for p in PEOPLE
    }
    meetings = []
    for n in range(draw(st.integers(1, 16))):
        a, b = draw(st.lists(st.sampled_from(PEOPLE), min_size=2, max_size=2, unique=True))
        meetings.append(
            Meeting(
                f"m{n}",
                a,
                b,
                session=draw(st.sampled_from([None, None, MORNING, AFTERNOON])),
                facilitator=draw(st.sampled_from([None, "f1", "f2"])),
            )
        )
    return EventProblem(grid, draw(st.integers(1, 3)), participants), meetings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events(), st.data())
def test_online_operations_never_break_a_rule_and_report_every_move(event, data):
    problem, meetings = event
    timetable = Timetable(problem)
    for meeting in meetings:
        before = dict(timetable.schedule.placements)
        outcome = place_meeting(timetable, meeting)
        changed = {m for m, p in before.items() if timetable.schedule.placements.get(m) != p}
        reported = {move.meeting_id for move in outcome.moves} if isinstance(outcome, Placed) else set()
        assert changed == reported
        assert find_violations(timetable.problem, timetable.schedule) == []
        if data.draw(st.booleans()) and timetable.schedule.placements:
            remove_meeting(timetable, data.draw(st.sampled_from(sorted(timetable.schedule.placements))))
            place_waiting(timetable)
            assert find_violations(timetable.problem, timetable.schedule) == []
    slots = timetable.problem.grid.indices
    gone = data.draw(st.sets(st.sampled_from(slots), max_size=len(slots) - 1))
    someone = data.draw(st.sampled_from(PEOPLE))
    before = dict(timetable.schedule.placements)
    result = repair_after_change(
        timetable,
        grid=timetable.problem.grid.without(gone),
        tables=data.draw(st.integers(1, 3)),
        participants=[Participant(someone, unavailable=frozenset(data.draw(st.sets(st.sampled_from(slots)))))],
    )
    assert find_violations(timetable.problem, timetable.schedule) == []
    touched = {m.meeting_id for m in result.moves} | {u.meeting_id for u in result.unplaceable}
    assert {m for m, p in before.items() if timetable.schedule.placements.get(m) != p} == touched


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_optimisation_never_breaks_a_rule_and_places_at_least_as_many_as_online(event):
    problem, meetings = event
    online = Timetable(EventProblem(problem.grid, problem.tables, dict(problem.participants)))
    for meeting in meetings:
        place_meeting(online, meeting)
    problem.meetings = {m.id: m for m in meetings}
    result = optimise_schedule(problem, online.schedule, time_limit=2.0, workers=1)
    assert find_violations(problem, result.schedule) == []
    assert result.placed >= len(online.schedule)

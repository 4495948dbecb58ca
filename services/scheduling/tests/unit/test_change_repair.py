from dataclasses import replace

from scheduling.domain import place_meeting, repair_after_change
from scheduling.domain.rules import find_violations


def _event_with_three_meetings(one_day_event, meeting, tables=3):
    timetable = one_day_event(morning=4, tables=tables)
    meetings = [meeting("Alice", "Bob"), meeting("Carol", "Dan"), meeting("Eve", "Fay")]
    for m in meetings:
        place_meeting(timetable, m)
    return timetable, meetings


def test_an_availability_change_moves_only_the_meeting_that_now_clashes(one_day_event, meeting, person):
    timetable, (alice_bob, carol_dan, eve_fay) = _event_with_three_meetings(one_day_event, meeting)
    before = dict(timetable.schedule.placements)
    clash = before[alice_bob.id].slot
    result = repair_after_change(timetable, participants=[person("Alice", unavailable=frozenset({clash}))])
    assert [move.meeting_id for move in result.moves] == [alice_bob.id]
    assert result.moves[0].after.slot != clash
    assert timetable.schedule.placements[carol_dan.id] == before[carol_dan.id]
    assert timetable.schedule.placements[eve_fay.id] == before[eve_fay.id]
    assert find_violations(timetable.problem, timetable.schedule) == []


def test_fewer_tables_moves_the_meetings_at_removed_tables(one_day_event, meeting, person):
    timetable, meetings = _event_with_three_meetings(one_day_event, meeting, tables=3)  # all three in slot 0 at tables 1..3
    result = repair_after_change(timetable, tables=1)
    moved = {move.meeting_id for move in result.moves}
    assert len(moved) == 2 and meetings[0].id not in moved
    assert find_violations(timetable.problem, timetable.schedule) == []


def test_a_removed_slot_reports_meetings_that_no_longer_fit(one_day_event, meeting, person):
    timetable = one_day_event(morning=2, tables=1)
    first, second = meeting("Alice", "Bob"), meeting("Carol", "Dan")
    place_meeting(timetable, first)
    place_meeting(timetable, second)
    result = repair_after_change(timetable, grid=timetable.problem.grid.without([1]))
    assert [u.meeting_id for u in result.unplaceable] == [second.id]
    assert "every table is taken" in result.unplaceable[0].reason
    assert timetable.waitlist == [second.id]
    assert find_violations(timetable.problem, timetable.schedule) == []


def test_a_facilitator_change_drops_a_double_accompaniment_without_moving_anyone(one_day_event, meeting, person):
    timetable = one_day_event(morning=1, tables=2)
    first = meeting("Alice", "Bob", facilitator="Kim")
    second = meeting("Carol", "Dan", facilitator="Lou")
    place_meeting(timetable, first)
    place_meeting(timetable, second)
    result = repair_after_change(timetable, meetings=[replace(second, facilitator="Kim")])
    assert [move.meeting_id for move in result.moves] == [second.id]
    assert result.moves[0].after.slot == result.moves[0].before.slot
    assert find_violations(timetable.problem, timetable.schedule) == []

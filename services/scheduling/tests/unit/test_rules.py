from scheduling.domain.model import Placement, Schedule
from scheduling.domain.rules import find_violations


def _problem_with(one_day_event, *meetings, tables=2, **participants):
    timetable = one_day_event(morning=3, afternoon=2, tables=tables, **participants)
    for m in meetings:
        timetable.problem.meetings[m.id] = m
    return timetable.problem


def test_a_valid_schedule_has_no_violations(one_day_event, meeting, person):
    first, second = meeting("Alice", "Bob"), meeting("Alice", "Carol")
    problem = _problem_with(one_day_event, first, second)
    assert find_violations(problem, Schedule({first.id: Placement(0, 1), second.id: Placement(1, 1)})) == []


def test_each_broken_rule_is_named_in_words(one_day_event, meeting, person):
    alice = person("Alice", unavailable=frozenset({2}), cap=1)
    double_a, double_b = meeting("Alice", "Bob"), meeting("Alice", "Carol")
    crowded = meeting("Dan", "Eve")
    afternoon_only = meeting("Fay", "Gus", session="afternoon")
    unavailable = meeting("Alice", "Hal")
    guided_1 = meeting("Ivy", "Jon", facilitator="Kim")
    guided_2 = meeting("Lea", "Max", facilitator="Kim")
    problem = _problem_with(one_day_event, double_a, double_b, crowded, afternoon_only, unavailable, guided_1, guided_2, Alice=alice)
    schedule = Schedule(
        {
            double_a.id: Placement(0, 1),
            double_b.id: Placement(0, 2),
            crowded.id: Placement(0, 2),
            afternoon_only.id: Placement(1, 1),
            unavailable.id: Placement(2, 1),
            guided_1.id: Placement(4, 1, accompanied=True),
            guided_2.id: Placement(4, 2, accompanied=True),
        }
    )
    text = "\n".join(find_violations(problem, schedule))
    assert "Alice has 2 meetings in slot 0" in text
    assert "slot 0 holds 3 meetings but there are only 2 tables" in text
    assert "table 2 in slot 0 holds 2 meetings" in text
    assert "which Alice cannot attend" in text
    assert "belongs in the afternoon session" in text
    assert "Alice has 3 meetings, over their cap of 1" in text
    assert "facilitator Kim accompanies 2 meetings in slot 4" in text


def test_a_slot_outside_the_grid_is_a_violation(one_day_event, meeting, person):
    lone = meeting("Alice", "Bob")
    problem = _problem_with(one_day_event, lone)
    assert "not in the event's grid" in find_violations(problem, Schedule({lone.id: Placement(99, 1)}))[0]

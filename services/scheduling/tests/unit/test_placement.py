from scheduling.domain import Placed, Unplaceable, place_meeting, place_waiting, remove_meeting
from scheduling.domain.model import Placement
from scheduling.domain.rules import find_violations


def test_a_new_meeting_goes_to_the_first_slot_where_both_and_a_table_are_free(one_day_event, meeting, person):
    timetable = one_day_event(morning=4, tables=1)
    first = place_meeting(timetable, meeting("Alice", "Bob"))
    second = place_meeting(timetable, meeting("Carol", "Dan"))
    assert isinstance(first, Placed) and first.placement == Placement(0, 1)
    assert isinstance(second, Placed) and second.placement.slot == 1  # the only table was taken in slot 0
    assert find_violations(timetable.problem, timetable.schedule) == []


def test_placement_prefers_a_slot_next_to_the_participants_other_meetings(one_day_event, meeting, person):
    timetable = one_day_event(morning=6, tables=5)
    timetable.assign(_registered(timetable, meeting("Alice", "Bob")), Placement(3, 1))
    outcome = place_meeting(timetable, meeting("Alice", "Carol"))
    assert isinstance(outcome, Placed)
    assert outcome.placement.slot in (2, 4)  # slot 0 would leave Alice idle in between


def test_the_facilitator_accompanies_the_meeting_when_free(one_day_event, meeting, person):
    timetable = one_day_event(morning=3, tables=5)
    first = place_meeting(timetable, meeting("Alice", "Bob", facilitator="Kim"))
    second = place_meeting(timetable, meeting("Carol", "Dan", facilitator="Kim"))
    assert isinstance(first, Placed) and first.placement.accompanied
    assert isinstance(second, Placed) and second.placement.accompanied
    assert second.placement.slot != first.placement.slot


def test_a_participant_at_their_cap_gets_a_reason_and_waits(one_day_event, meeting, person):
    timetable = one_day_event(morning=6, Alice=person("Alice", cap=1))
    place_meeting(timetable, meeting("Alice", "Bob"))
    extra = meeting("Alice", "Carol")
    outcome = place_meeting(timetable, extra)
    assert isinstance(outcome, Unplaceable)
    assert outcome.reason == "participant Alice is at their cap of 1 meetings"
    assert timetable.waitlist == [extra.id]


def test_no_common_slot_in_the_session_is_explained(one_day_event, meeting, person):
    timetable = one_day_event(
        morning=2,
        afternoon=2,
        Alice=person("Alice", unavailable=frozenset({2})),
        Bob=person("Bob", unavailable=frozenset({3})),
    )
    outcome = place_meeting(timetable, meeting("Alice", "Bob", session="afternoon"))
    assert isinstance(outcome, Unplaceable)
    assert outcome.reason == "Alice and Bob have no common available slot in the afternoon session"


def test_a_blocking_meeting_is_moved_and_reported_while_unrelated_ones_stay(one_day_event, meeting, person):
    # Alice can only meet Bob in slot 0, where Alice already meets Carol; Carol is free later.
    timetable = one_day_event(morning=3, tables=2, Bob=person("Bob", unavailable=frozenset({1, 2})))
    blocking = meeting("Alice", "Carol")
    unrelated = meeting("Dan", "Eve")
    place_meeting(timetable, blocking)
    place_meeting(timetable, unrelated)
    before_unrelated = timetable.schedule.placements[unrelated.id]
    outcome = place_meeting(timetable, meeting("Alice", "Bob"))
    assert isinstance(outcome, Placed) and outcome.placement.slot == 0
    assert [move.meeting_id for move in outcome.moves] == [blocking.id]
    assert outcome.moves[0].before.slot == 0 and outcome.moves[0].after.slot != 0
    assert outcome.moves[0].version == 2 == timetable.problem.meetings[blocking.id].version
    assert timetable.schedule.placements[unrelated.id] == before_unrelated
    assert find_violations(timetable.problem, timetable.schedule) == []


def test_placing_the_same_meeting_twice_changes_nothing(one_day_event, meeting, person):
    timetable = one_day_event()
    accepted = meeting("Alice", "Bob")
    first = place_meeting(timetable, accepted)
    again = place_meeting(timetable, accepted)
    assert isinstance(again, Placed) and again.placement == first.placement and len(timetable.schedule) == 1


def test_a_cancellation_frees_the_slot_for_a_waiting_meeting(one_day_event, meeting, person):
    timetable = one_day_event(morning=1, tables=1)
    cancelled = meeting("Alice", "Bob")
    waiting = meeting("Carol", "Dan")
    place_meeting(timetable, cancelled)
    assert isinstance(place_meeting(timetable, waiting), Unplaceable)
    assert remove_meeting(timetable, cancelled.id) == Placement(0, 1)
    placed = place_waiting(timetable)
    assert [p.meeting_id for p in placed] == [waiting.id]
    assert timetable.waitlist == []


def _registered(timetable, new_meeting):
    timetable.problem.meetings[new_meeting.id] = new_meeting
    return new_meeting.id

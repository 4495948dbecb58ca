from scheduling.domain.breaks import breaks_of
from scheduling.domain.model import MORNING, SlotGrid


def test_back_to_back_meetings_have_no_break_and_any_gap_counts_once():
    grid = SlotGrid.of_days(1, [(MORNING, 8)])
    assert breaks_of(grid, [0, 1, 2]) == 0
    assert breaks_of(grid, [0, 5]) == 1
    assert breaks_of(grid, [0, 2, 4, 5]) == 2


def test_meetings_on_different_days_do_not_create_a_break():
    grid = SlotGrid.of_days(2, [(MORNING, 3)])
    assert breaks_of(grid, [2, 3]) == 0  # last slot of day 1, first of day 2
    assert breaks_of(grid, [0, 4]) == 0


def test_a_removed_slot_leaves_a_gap():
    grid = SlotGrid.of_days(1, [(MORNING, 4)]).without([1])
    assert breaks_of(grid, [0, 2]) == 1

from pathlib import Path

import pytest

from scheduling.cli.dzn_instance import read_instance
from scheduling.domain import (
    EventProblem,
    Meeting,
    Participant,
    Placement,
    Schedule,
    SlotGrid,
    find_violations,
    optimise_schedule,
)
from scheduling.domain.model import MORNING

INSTANCES = Path("/work/shared/benchmarks/b2bsp")


def _small_event():
    grid = SlotGrid.of_days(1, [(MORNING, 5)])
    people = {p: Participant(p, name=p) for p in ("Ann", "Ben", "Cem", "Dia")}
    meetings = {
        "ab": Meeting("ab", "Ann", "Ben"),
        "ac": Meeting("ac", "Ann", "Cem"),
        "ad": Meeting("ad", "Ann", "Dia"),
        "bc": Meeting("bc", "Ben", "Cem"),
    }
    return EventProblem(grid, 2, people, meetings)


def test_everyone_is_placed_without_breaks_and_progress_is_reported():
    problem = _small_event()
    seen = []
    result = optimise_schedule(problem, time_limit=5, progress=lambda *args: seen.append(args))
    assert result.placed == 4 and result.unplaced == []
    assert result.total_breaks == 0 and result.lower_bound == 0 and result.gap == 0
    assert find_violations(problem, result.schedule) == []
    assert seen and seen[-1][0] in ("breaks", "place", "stability")


def test_announced_meetings_stay_when_moving_them_gains_nothing():
    problem = _small_event()
    current = Schedule({"ab": Placement(0, 2), "ad": Placement(1, 1), "ac": Placement(2, 1), "bc": Placement(1, 2)})
    result = optimise_schedule(problem, current, time_limit=5)
    assert result.total_breaks == 0
    assert result.moves == [] and result.moved == 0
    assert result.schedule.placements == current.placements  # tables kept too


def test_breaks_go_down_and_only_needed_meetings_move():
    problem = _small_event()
    # Ann idles between slot 0 and slot 4: one break; Ben idles too.
    current = Schedule({"ab": Placement(0, 1), "ac": Placement(4, 1), "ad": Placement(1, 1), "bc": Placement(3, 1)})
    result = optimise_schedule(problem, current, time_limit=5)
    assert result.total_breaks == 0
    assert 0 < result.moved < 4
    assert all(move.version == 2 for move in result.moves)


@pytest.mark.skipif(not INSTANCES.exists(), reason="benchmark instances not available")
def test_a_real_instance_is_solved_to_its_published_optimum():
    instance = read_instance(INSTANCES / "tic-12.original.dzn")
    result = optimise_schedule(instance.problem, time_limit=20)
    assert result.placed == 125
    assert result.total_breaks == 0
    assert find_violations(instance.problem, result.schedule) == []


@pytest.mark.skipif(not INSTANCES.exists(), reason="benchmark instances not available")
def test_the_reader_keeps_a_pair_requested_twice_as_two_meetings():
    problem = read_instance(INSTANCES / "forum-13crafb.original.dzn").problem
    pairs = [(m.a, m.b) for m in problem.meetings.values()]
    assert len(problem.meetings) == 195
    assert pairs.count(("30", "53")) + pairs.count(("53", "30")) == 2
    assert [s.session for s in problem.grid.slots].count(MORNING) == 12
    assert problem.participants["1"].unavailable == frozenset({4})

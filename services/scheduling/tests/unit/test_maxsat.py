"""The MaxSAT backend: its break literals count exactly what breaks.py counts, and RC2 finds optimal schedules."""

import random
from pathlib import Path

import pytest
from pysat.solvers import Solver

from scheduling.cli.dzn_instance import read_instance
from scheduling.domain import EventProblem, Meeting, Participant, Placement, Schedule, SlotGrid, find_violations
from scheduling.domain.breaks import breaks_per_participant
from scheduling.domain.maxsat_model import MaxSatModel
from scheduling.domain.maxsat_solver import BY_BREAK, BY_PARTICIPANT, minimise_breaks
from scheduling.domain.model import AFTERNOON, MORNING
from scheduling.domain.schedule_assembly import assemble_schedule

INSTANCES = Path("/work/shared/benchmarks/b2bsp")


def _random_event(rng: random.Random, grid: SlotGrid, people: int, meetings: int) -> EventProblem:
    names = [f"p{i}" for i in range(people)]
    participants = {
        n: Participant(n, unavailable=frozenset(s for s in grid.indices if rng.random() < 0.1)) for n in names
    }
    chosen = {}
    for number in range(meetings):
        a, b = rng.sample(names, 2)
        session = rng.choice([None, None, MORNING, AFTERNOON]) if len(grid.sessions()) > 1 else None
        chosen[f"m{number}"] = Meeting(f"m{number}", a, b, session=session)
    return EventProblem(grid, 3, participants, chosen)


def _random_schedule(rng: random.Random, problem: EventProblem) -> dict[str, int]:
    """Some valid placement of some meetings (greedy in random order), for counting breaks both ways."""
    taken: set[tuple[str, int]] = set()
    per_slot: dict[int, int] = {}
    slots = {}
    for meeting_id in rng.sample(sorted(problem.meetings), len(problem.meetings)):
        meeting = problem.meetings[meeting_id]
        options = [
            s
            for s in problem.allowed_slots(meeting)
            if (meeting.a, s) not in taken and (meeting.b, s) not in taken and per_slot.get(s, 0) < problem.tables
        ]
        if options:
            slot = rng.choice(options)
            slots[meeting_id] = slot
            taken |= {(meeting.a, slot), (meeting.b, slot)}
            per_slot[slot] = per_slot.get(slot, 0) + 1
    return slots


@pytest.mark.parametrize(
    "grid",
    [
        SlotGrid.of_days(1, [(MORNING, 4), (AFTERNOON, 3)]),  # adjacent across the session boundary
        SlotGrid.of_days(2, [(MORNING, 4)]),  # no break across days
        SlotGrid.of_days(1, [(MORNING, 8)]).without([3]),  # a removed slot is a gap
    ],
    ids=["sessions", "two-days", "hole"],
)
def test_break_literals_count_exactly_the_breaks_of_the_domain(grid):
    rng = random.Random(7)
    for _ in range(25):
        problem = _random_event(rng, grid, people=6, meetings=10)
        slots = _random_schedule(rng, problem)
        model = MaxSatModel(problem, slots, max_breaks_each=None, symmetry=False)  # any order of twin meetings
        with Solver(name="g3", bootstrap_with=model.hard) as solver:
            assert solver.solve(assumptions=model.phases(slots))
            true = {lit for lit in solver.get_model() if lit > 0}
        expected = breaks_per_participant(problem, Schedule({m: Placement(s, 1) for m, s in slots.items()}))
        counted = {p: sum(1 for lit in starts if lit in true) for p, starts in model.breaks_of.items()}
        assert {p: counted.get(p, 0) for p in expected} == expected


def test_rc2_finds_the_schedule_without_breaks_and_reports_no_bound_above_it():
    grid = SlotGrid.of_days(1, [(MORNING, 5)])
    people = {p: Participant(p) for p in ("Ann", "Ben", "Cem", "Dia")}
    meetings = {
        "ab": Meeting("ab", "Ann", "Ben"),
        "ac": Meeting("ac", "Ann", "Cem"),
        "ad": Meeting("ad", "Ann", "Dia"),
        "bc": Meeting("bc", "Ben", "Cem"),
    }
    problem = EventProblem(grid, 2, people, meetings)
    model = MaxSatModel(problem, meetings, max_breaks_each=2)
    outcome = minimise_breaks(model, 20)
    assert outcome.optimal and outcome.cost == 0 and outcome.lower_bound == 0
    schedule = Schedule({m: Placement(s, 1) for m, s in outcome.slot_of.items()})
    assert sum(breaks_per_participant(problem, schedule).values()) == 0


def test_a_forced_break_is_found_proven_and_reported_as_a_bound():
    # Ann meets Ben (only free first) and Cem; Cem also meets Dia, who is only free in the middle, so Ann's
    # meeting with Cem is last: one break, and nothing better exists.
    grid = SlotGrid.of_days(1, [(MORNING, 3)])
    people = {
        "Ann": Participant("Ann"),
        "Ben": Participant("Ben", unavailable=frozenset({1, 2})),
        "Cem": Participant("Cem", unavailable=frozenset({0})),
        "Dia": Participant("Dia", unavailable=frozenset({0, 2})),
    }
    meetings = {"ab": Meeting("ab", "Ann", "Ben"), "ac": Meeting("ac", "Ann", "Cem"), "dc": Meeting("dc", "Dia", "Cem")}
    problem = EventProblem(grid, 2, people, meetings)
    bounds = []
    outcome = minimise_breaks(MaxSatModel(problem, meetings, 2), 20, on_bound=lambda b, t: bounds.append(b))
    assert outcome.optimal and outcome.cost == 1 and outcome.slot_of == {"ab": 0, "ac": 2, "dc": 1}
    assert bounds == [1]


def test_fairness_bound_makes_an_unfair_only_event_infeasible():
    # Ann has three meetings that can only be at slots 0, 2 and 4: two breaks, more than a bound of 1 allows.
    grid = SlotGrid.of_days(1, [(MORNING, 5)])
    others = {f"B{i}": Participant(f"B{i}", unavailable=frozenset(set(range(5)) - {2 * i})) for i in range(3)}
    people = {"Ann": Participant("Ann"), **others}
    meetings = {f"m{i}": Meeting(f"m{i}", "Ann", f"B{i}") for i in range(3)}
    problem = EventProblem(grid, 2, people, meetings)
    assert minimise_breaks(MaxSatModel(problem, meetings, 1), 20).infeasible
    assert minimise_breaks(MaxSatModel(problem, meetings, 2), 20).cost == 2


@pytest.mark.parametrize("formulation", [BY_BREAK, BY_PARTICIPANT])
def test_each_formulation_alone_finds_the_same_optimum_and_respects_fairness(formulation):
    # Ann has four meetings: two partners only free in slots 0-1, two only in slots 4-5, so Ann has one break
    # at best; Eve and Fay meet in between. Per-break and per-participant soft literals must agree.
    grid = SlotGrid.of_days(1, [(MORNING, 6)])
    early, late = frozenset({2, 3, 4, 5}), frozenset({0, 1, 2, 3})
    people = {
        "Ann": Participant("Ann"),
        "B0": Participant("B0", unavailable=early),
        "B1": Participant("B1", unavailable=early),
        "C0": Participant("C0", unavailable=late),
        "C1": Participant("C1", unavailable=late),
        "Eve": Participant("Eve"),
        "Fay": Participant("Fay"),
    }
    meetings = {f"a{p}": Meeting(f"a{p}", "Ann", p) for p in ("B0", "B1", "C0", "C1")}
    meetings |= {"ef": Meeting("ef", "Eve", "Fay"), "eb": Meeting("eb", "Eve", "B0")}
    problem = EventProblem(grid, 2, people, meetings)
    workers = (("cd19", formulation),)
    outcome = minimise_breaks(MaxSatModel(problem, meetings, 2), 20, workers=workers)
    assert outcome.optimal and outcome.cost == 1
    schedule = Schedule({m: Placement(s, 1) for m, s in outcome.slot_of.items()})
    breaks = breaks_per_participant(problem, schedule)
    assert sum(breaks.values()) == 1 and max(breaks.values()) <= 2
    assert find_violations(problem, assemble_schedule(problem, outcome.slot_of, Schedule())) == []
    assert minimise_breaks(MaxSatModel(problem, meetings, 0), 20, workers=workers).infeasible


@pytest.mark.skipif(not INSTANCES.exists(), reason="benchmark instances not available")
def test_a_time_limit_stops_the_search_with_a_lower_bound_only():
    problem = read_instance(INSTANCES / "forum-14.original.dzn").problem
    outcome = minimise_breaks(MaxSatModel(problem, problem.meetings, 2), 0.5)
    assert outcome.timed_out and outcome.slot_of is None and outcome.seconds < 5


@pytest.mark.skipif(not INSTANCES.exists(), reason="benchmark instances not available")
def test_a_real_instance_with_breaks_is_solved_to_its_published_optimum():
    problem = read_instance(INSTANCES / "forumt-14.original.dzn").problem
    model = MaxSatModel(problem, problem.meetings, 2)
    outcome = minimise_breaks(model, 50)
    assert outcome.optimal and outcome.cost == 5  # published optimum (Bofill et al. 2022)
    schedule = assemble_schedule(problem, outcome.slot_of, Schedule())
    breaks = breaks_per_participant(problem, schedule)
    assert sum(breaks.values()) == 5 and max(breaks.values()) <= 2 and len(schedule) == 237
    assert find_violations(problem, schedule) == []

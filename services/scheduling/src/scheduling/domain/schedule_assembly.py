"""Turning a slot for every meeting (what the optimiser decides) into a full schedule with tables and facilitators.

Participants find their meeting by table, and facilitators plan their day by it, so a meeting that keeps its slot
also keeps its table and its facilitator whenever the new schedule allows; only the rest get the lowest free
table and a facilitator who is still free.
"""

from __future__ import annotations

from collections import defaultdict

from scheduling.domain.model import EventProblem, Placement, Schedule


def assemble_schedule(problem: EventProblem, slot_of: dict[str, int], previous: Schedule) -> Schedule:
    by_slot: defaultdict[int, list[str]] = defaultdict(list)
    for meeting_id, slot in slot_of.items():
        by_slot[slot].append(meeting_id)
    placements: dict[str, Placement] = {}
    for slot, meeting_ids in by_slot.items():
        kept = {
            meeting_id: previous.placements[meeting_id]
            for meeting_id in meeting_ids
            if meeting_id in previous.placements and previous.placements[meeting_id].slot == slot
        }
        tables: dict[str, int] = {}
        taken: set[int] = set()
        # Meetings that keep their slot claim their old table first, in a fixed order so reruns agree.
        for meeting_id in sorted(kept):
            table = kept[meeting_id].table
            if 1 <= table <= problem.tables and table not in taken:
                tables[meeting_id] = table
                taken.add(table)
        free = (table for table in range(1, problem.tables + 1) if table not in taken)
        for meeting_id in sorted(meeting_ids):
            if meeting_id not in tables:
                tables[meeting_id] = next(free)
        accompanied = _accompanied(problem, meeting_ids, {m: p.accompanied for m, p in kept.items()})
        for meeting_id in meeting_ids:
            placements[meeting_id] = Placement(slot, tables[meeting_id], meeting_id in accompanied)
    return Schedule(placements)


def _accompanied(problem: EventProblem, meeting_ids: list[str], was_accompanied: dict[str, bool]) -> set[str]:
    """One meeting per facilitator in this slot, preferring the one they already accompanied here."""
    chosen: dict[str, str] = {}
    for meeting_id in sorted(meeting_ids, key=lambda m: (not was_accompanied.get(m, False), m)):
        facilitator = problem.meetings[meeting_id].facilitator
        if facilitator is not None and facilitator not in chosen:
            chosen[facilitator] = meeting_id
    return set(chosen.values())

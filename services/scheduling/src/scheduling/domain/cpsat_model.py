"""The scheduling problem as an OR-Tools CP-SAT model (the optimiser's solver backend).

One Boolean per meeting and allowed slot, and per participant and slot a Boolean "busy". Breaks are counted
exactly (not bounded), because fairness compares the most and the fewest breaks and an over-counted minimum
would let the solver cheat. Two encodings of a participant's breaks, chosen by measurement for each use:

- "literals": one Boolean per possible break (busy just before, idle here, busy again later that day); CP-SAT's
  local search and neighbourhood search improve schedules fastest on it;
- "automaton": the participant's day read by an automaton that counts meetings and breaks; it propagates a whole
  timeline at once, which makes "is there a schedule with at most k breaks?" far easier to answer.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduling.domain.model import EventProblem


class ScheduleModel:
    """Variables and constraints shared by all optimisation phases; each phase adds its own objective."""

    def __init__(
        self,
        problem: EventProblem,
        fairness: int | None,
        place_all: bool = False,
        encoding: str = "literals",
        max_breaks_each: int | None = None,
        with_breaks: bool = True,
    ) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        model = self.model
        grid = problem.grid
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        self.placed: dict[str, cp_model.LinearExpr] = {}
        in_slot: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
        of_participant: defaultdict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        meetings_of: defaultdict[str, list[str]] = defaultdict(list)

        for meeting_id in sorted(problem.meetings, key=_natural):
            meeting = problem.meetings[meeting_id]
            literals = []
            for slot in problem.allowed_slots(meeting):
                var = model.new_bool_var(f"x[{meeting_id},{slot}]")
                self.x[(meeting_id, slot)] = var
                literals.append(var)
                in_slot[slot].append(var)
                for participant_id in dict.fromkeys(meeting.participants):
                    of_participant[(participant_id, slot)].append(var)
            if place_all:
                model.add_exactly_one(literals)
            else:
                model.add_at_most_one(literals)
            self.placed[meeting_id] = sum(literals) if literals else 0
            for participant_id in dict.fromkeys(meeting.participants):
                meetings_of[participant_id].append(meeting_id)

        for slot, literals in in_slot.items():
            if len(literals) > problem.tables:
                model.add(sum(literals) <= problem.tables)
        for participant_id, meeting_ids in meetings_of.items():
            cap = problem.participant(participant_id).cap
            if cap is not None and len(meeting_ids) > cap:
                model.add(sum(self.placed[m] for m in meeting_ids) <= cap)

        self.breaks: dict[str, cp_model.LinearExprT] = {p: 0 for p in problem.participants}
        self.busy: dict[str, dict[int, cp_model.IntVar]] = {}
        for participant_id, meeting_ids in meetings_of.items():
            if not with_breaks:
                # Placement only (phase 1): no one meets twice in a slot, nothing else to count.
                for slot in grid.indices:
                    literals = of_participant.get((participant_id, slot), [])
                    if len(literals) > 1:
                        model.add_at_most_one(literals)
                continue
            busy: dict[int, cp_model.IntVar] = {}
            for slot in grid.indices:
                literals = of_participant.get((participant_id, slot), [])
                if len(meeting_ids) < 2:
                    if len(literals) > 1:
                        model.add_at_most_one(literals)
                    continue
                if len(literals) == 1:
                    busy[slot] = literals[0]
                elif literals:
                    busy[slot] = model.new_bool_var(f"busy[{participant_id},{slot}]")
                    model.add(sum(literals) == busy[slot])
            if len(meeting_ids) < 2:
                self.breaks[participant_id] = 0
                continue
            # Implied: the participant is busy in exactly as many slots as they have placed meetings. Redundant
            # for the linear relaxation, but it lets clause learning reason about a participant's whole day.
            model.add(sum(busy.values()) == sum(self.placed[m] for m in meeting_ids))
            self.busy[participant_id] = busy
            count = len(meeting_ids) if place_all else None
            limit = max_breaks_each
            if limit is None and fairness is not None and self._someone_never_breaks(meetings_of):
                limit = fairness
            if encoding == "automaton":
                self.breaks[participant_id] = self._timeline(participant_id, busy, count, limit, len(meeting_ids))
            else:
                self.breaks[participant_id] = self._breaks_of(participant_id, busy, len(meeting_ids))

        self.total_breaks = sum(self.breaks.values())
        self.fairness = fairness
        if fairness is not None:
            self._add_fairness(fairness)

    def _breaks_of(self, participant_id: str, busy: dict[int, cp_model.IntVar], meetings: int) -> cp_model.LinearExpr:
        """Sum of "a break starts here" literals: idle at t, busy just before t, busy again later that day.

        A plain sum of Booleans rather than (runs - days) because core-based search, the lower-bounding
        strategy MaxSAT solvers use, handles Boolean objectives best; see the decision record.
        """
        model = self.model
        grid = self.problem.grid
        day_slots: defaultdict[int, list[int]] = defaultdict(list)
        for slot in grid.indices:
            day_slots[grid.slot(slot).day].append(slot)
        starts = []
        for slots in day_slots.values():
            later: cp_model.IntVar | None = None  # busy in some slot after the current one, this day
            for position in range(len(slots) - 1, 0, -1):
                slot, previous = slots[position], slots[position - 1]
                following = busy.get(slots[position + 1]) if position + 1 < len(slots) else None
                if following is not None or later is not None:
                    parts = [v for v in (following, later) if v is not None]
                    if len(parts) == 1:
                        later = parts[0]
                    else:
                        combined = model.new_bool_var(f"later[{participant_id},{slot}]")
                        model.add_max_equality(combined, parts)
                        later = combined
                before = busy.get(previous)
                if before is None or later is None:
                    continue
                here = busy.get(slot)
                # The gap between previous and slot is a break when the participant is busy just before it,
                # not busy in it (or it does not follow on directly), and busy again later the same day.
                adjacent = grid.follows(previous, slot)
                if adjacent and here is None:
                    conditions = [before, later]
                elif adjacent:
                    conditions = [before, here.Not(), later]
                else:
                    # A hole in the grid: busy before it and busy at or after it is a break.
                    after = [v for v in (here, later) if v is not None]
                    if len(after) > 1:
                        busy_after = model.new_bool_var(f"after[{participant_id},{slot}]")
                        model.add_max_equality(busy_after, after)
                    else:
                        busy_after = after[0]
                    conditions = [before, busy_after]
                start = model.new_bool_var(f"break[{participant_id},{slot}]")
                model.add_bool_and(conditions).only_enforce_if(start)
                model.add_bool_or([start] + [c.Not() for c in conditions])
                starts.append(start)
        return sum(starts) if starts else 0
    def _someone_never_breaks(self, meetings_of: dict[str, list[str]]) -> bool:
        return any(len(meetings_of.get(p, [])) < 2 for p in self.problem.participants) or any(
            len(ids) < 2 for ids in meetings_of.values()
        )

    def _timeline(
        self, participant_id: str, busy: dict[int, cp_model.IntVar], count: int | None, limit: int | None, meetings: int
    ) -> cp_model.IntVar:
        """The participant's day as a word read by an automaton that counts breaks (and meetings, if all placed).

        States are (meetings so far, breaks so far, phase) with phase "no meeting yet today", "in a run of
        meetings", "in a gap after a run". A meeting after a gap is a break; a day boundary resets the phase.
        The automaton propagates the whole timeline at once, e.g. that a participant with 8 meetings and no
        break left must fill 8 consecutive slots, which slot-by-slot clauses only learn slowly. The last
        letter of the word is the number of breaks, so it becomes an ordinary integer variable.
        """
        model = self.model
        grid = self.problem.grid
        idle, busy_letter, new_day = 0, 1, 2
        letters: list[cp_model.LinearExprT] = []
        previous = None
        for slot in grid.slots:
            if previous is not None and previous.day != slot.day:
                letters.append(new_day)
            elif previous is not None and not grid.follows(previous.index, slot.index):
                letters.append(idle)  # a removed slot inside a day is idle time
            letters.append(busy.get(slot.index, idle))
            previous = slot
        max_breaks = min(limit if limit is not None else meetings - 1, max(meetings - 1, 0))
        max_count = count if count is not None else 0
        before, in_run, in_gap = 0, 1, 2

        def state(c: int, b: int, phase: int) -> int:
            return (c * (max_breaks + 1) + b) * 3 + phase

        final = state(max_count + 1, 0, 0)
        transitions = []
        for c in range(max_count + 1):
            for b in range(max_breaks + 1):
                after = c + 1 if count is not None else c
                for phase in (before, in_run, in_gap):
                    here = state(c, b, phase)
                    transitions.append((here, idle, state(c, b, in_gap if phase != before else before)))
                    transitions.append((here, new_day, state(c, b, before)))
                    if after <= max_count or count is None:
                        extra = 1 if phase == in_gap else 0
                        if b + extra <= max_breaks:
                            transitions.append((here, busy_letter, state(after, b + extra, in_run)))
                    if count is None or c == count:
                        transitions.append((here, 3 + b, final))
        breaks = model.new_int_var(0, max_breaks, f"breaks[{participant_id}]")
        label = model.new_int_var(3, 3 + max_breaks, f"breaks_letter[{participant_id}]")
        model.add(label == breaks + 3)
        model.add_automaton(letters + [label], state(0, 0, before), [final], transitions)
        return breaks

    def _add_fairness(self, bound: int) -> None:
        """Max breaks minus min breaks over all participants at most ``bound``."""
        values = list(self.breaks.values())
        if any(isinstance(value, int) for value in values):
            # Someone can never have a break, so the minimum is 0 and the rule is an upper bound for everyone.
            for value in values:
                if not isinstance(value, int):
                    self.model.add(value <= bound)
            return
        fewest = self.model.new_int_var(0, max(len(self.problem.grid), 1), "fewest_breaks")
        for value in values:
            self.model.add(fewest <= value)
            self.model.add(value <= fewest + bound)

    def slot_of(self, solver: cp_model.CpSolver) -> dict[str, int]:
        return {meeting_id: slot for (meeting_id, slot), var in self.x.items() if solver.boolean_value(var)}

    def hint(self, slot_of: dict[str, int]) -> None:
        self.model.clear_hints()
        for (meeting_id, slot), var in self.x.items():
            self.model.add_hint(var, slot_of.get(meeting_id) == slot)


def _natural(meeting_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in meeting_id if ch.isdigit())
    return (int(digits) if digits else 0, meeting_id)

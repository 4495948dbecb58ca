"""The breaks problem as weighted MaxSAT clauses (the optimiser's phase-2 backend), after Bofill et al. 2022.

Variables: ``x[m,s]`` (meeting m in slot s, only slots the meeting may use), ``busy[p,s]`` (participant p meets
someone in slot s), ``later[p,s]`` (p meets someone at s or later that day) and ``brk[p,s]`` (a break of p starts
after slot s: busy at s, not in the slot that directly follows, busy again later that day; a hole in the grid
after s counts as the gap). Every auxiliary is defined both ways, so a model's ``brk`` literals are exactly the
breaks ``breaks.py`` counts and the clauses double as implied constraints for propagation.

Hard: each meeting in exactly one of its slots (the placed set is given), at most one meeting per participant and
slot, at most ``tables`` meetings per slot, and fairness as an upper bound of breaks per participant (the caller
passes it only when somebody can never have a break, so the fewest is 0). Soft: ``not brk[p,s]``, weight 1.
Participants with fewer than two meetings get no break variables at all; neither do those whose meetings can
never be apart (fewer than two possible slots).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.formula import IDPool

from scheduling.domain.model import EventProblem

Clause = list[int]


class MaxSatModel:
    """Hard clauses, soft literals (each one break avoided) and the maps back to meetings and slots."""

    def __init__(
        self,
        problem: EventProblem,
        meetings: Iterable[str],
        max_breaks_each: int | None,
        *,
        symmetry: bool = True,
        counters: bool = True,
        windows: bool = True,
        seats: bool = True,
    ) -> None:
        self.problem = problem
        self.pool = IDPool()
        self.hard: list[Clause] = []
        self.x: dict[tuple[str, int], int] = {}
        self.true = self.pool.id(("true",))
        self.hard.append([self.true])
        self.counters = counters
        self.breaks_of: dict[str, list[int]] = {}
        grid = problem.grid
        meeting_ids = sorted(meetings, key=_natural)
        of_participant: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
        in_slot: defaultdict[int, list[int]] = defaultdict(list)
        meetings_of: defaultdict[str, list[str]] = defaultdict(list)
        for meeting_id in meeting_ids:
            meeting = self.problem.meetings[meeting_id]
            literals = []
            for slot in problem.allowed_slots(meeting):
                var = self.pool.id(("x", meeting_id, slot))
                self.x[(meeting_id, slot)] = var
                literals.append(var)
                in_slot[slot].append(var)
                for participant_id in dict.fromkeys(meeting.participants):
                    of_participant[(participant_id, slot)].append(var)
            if not literals:
                raise ValueError(f"meeting {meeting_id} has no allowed slot")
            self.hard.append(literals)
            self._at_most(literals, 1)
            for participant_id in dict.fromkeys(meeting.participants):
                meetings_of[participant_id].append(meeting_id)
        for slot, literals in in_slot.items():
            self._at_most(literals, problem.tables)
        if symmetry:
            self._order_identical(meeting_ids)

        self.busy: dict[str, dict[int, int]] = {}
        for participant_id, ids in meetings_of.items():
            busy: dict[int, int] = {}
            for slot in grid.indices:
                literals = of_participant.get((participant_id, slot), [])
                if len(literals) > 1:
                    self._at_most(literals, 1)
                if len(ids) < 2 or not literals:
                    continue
                if len(literals) == 1:
                    busy[slot] = literals[0]
                else:
                    var = self.pool.id(("busy", participant_id, slot))
                    self.hard.append([-var] + literals)
                    self.hard.extend([[var, -lit] for lit in literals])
                    busy[slot] = var
            if len(ids) < 2 or len(busy) < 2:
                continue
            self.busy[participant_id] = busy
            starts = self._break_starts(participant_id, busy, len(ids))
            if not starts:
                continue
            self.breaks_of[participant_id] = starts
            if windows and len({slot.day for slot in grid.slots}) == 1:
                self._windows(participant_id, busy, len(ids), starts)
            if max_breaks_each is not None and min(len(ids) - 1, len(starts)) > max_breaks_each:
                self._at_most(starts, max_breaks_each)
        if seats:
            # Implied: a slot holds at most 2 * tables busy participants (two per meeting).
            for slot in grid.indices:
                people = [busy[slot] for busy in self.busy.values() if slot in busy]
                if len(people) > 2 * problem.tables:
                    self.hard.extend(
                        CardEnc.atmost(people, 2 * problem.tables, vpool=self.pool, encoding=EncType.kmtotalizer).clauses
                    )
        self.soft: list[int] = [-lit for starts in self.breaks_of.values() for lit in starts]
        self.max_breaks_each = max_breaks_each

    def by_participant(self) -> tuple[list[Clause], list[int], list[tuple[int, int]]]:
        """The same objective counted per participant: (extra hard clauses, soft literals, probe literals).

        ``level[p][j]`` means "p has more than j breaks" (a totalizer over p's break literals, monotone), soft
        ``not level[p][j]``: the cost is still the total breaks, but each soft literal is about one participant,
        so a core names participants who cannot all go without a break, and assuming "no break" for one
        participant fixes their whole timeline to one window. The probes are ``(level 0, level 1 or 0)``
        per participant, for the "who takes the break?" questions of ``maxsat_worker``.
        """
        extra: list[Clause] = []
        soft: list[int] = []
        probes: list[tuple[int, int]] = []
        for starts in self.breaks_of.values():
            most = len(starts) if self.max_breaks_each is None else min(self.max_breaks_each, len(starts))
            if most == 0:
                continue
            totalizer = ITotalizer(starts, ubound=most, top_id=self.pool.top)
            self.pool.top = max(self.pool.top, totalizer.top_id)
            extra.extend(totalizer.cnf.clauses)
            levels = list(totalizer.rhs[:most])
            if len(totalizer.rhs) > most:
                extra.append([-totalizer.rhs[most]])
            extra.extend([[-higher, lower] for lower, higher in zip(levels, levels[1:])])
            soft.extend(-level for level in levels)
            probes.append((levels[0], levels[1] if len(levels) > 1 else 0))
            totalizer.delete()
        return extra, soft, probes

    # -- encodings ---------------------------------------------------------------------------------------------

    def _at_most(self, literals: list[int], bound: int) -> None:
        if len(literals) <= bound:
            return
        if bound == 0:
            self.hard.extend([[-lit] for lit in literals])
            return
        if bound == 1 and len(literals) <= 6:
            encoding = EncType.pairwise
        elif bound == 1:
            encoding = EncType.ladder
        else:
            encoding = EncType.seqcounter if bound <= 3 else EncType.kmtotalizer
        self.hard.extend(CardEnc.atmost(literals, bound, vpool=self.pool, encoding=encoding).clauses)

    def _and(self, name: tuple, conditions: list[int]) -> int:
        var = self.pool.id(name)
        self.hard.extend([[-var, c] for c in conditions])
        self.hard.append([var] + [-c for c in conditions])
        return var

    def _or(self, name: tuple, parts: list[int]) -> int:
        if len(parts) == 1:
            return parts[0]
        var = self.pool.id(name)
        self.hard.append([-var] + parts)
        self.hard.extend([[var, -p] for p in parts])
        return var

    def _counter(self, participant_id: str, busy: dict[int, int], meetings: int) -> dict[int, list[int]]:
        """``done[s][c]``: the participant has at least c meetings in slots up to s (sequential counter).

        Implied (every meeting is placed) but it is what lets unit propagation see a participant's day whole:
        e.g. with n meetings, a first meeting at s and no break allowed, slots s..s+n-1 must all be busy.
        """
        true, false = self.true, -self.true
        previous = [true] + [false] * meetings
        done: dict[int, list[int]] = {}
        possible = 0
        for slot in self.problem.grid.indices:
            here = busy.get(slot)
            if here is None:
                done[slot] = previous
                continue
            possible += 1
            row = [true]
            for c in range(1, meetings + 1):
                if c > possible:
                    row.append(false)
                    continue
                keep, step = previous[c], previous[c - 1]
                if keep == true:
                    row.append(true)
                    continue
                var = self.pool.id(("done", participant_id, slot, c))
                # var <-> keep or (step and here)
                self.hard.append([-keep, var])
                self.hard.append([-step, -here, var])
                self.hard.append([-var, keep, step])
                self.hard.append([-var, keep, here])
                row.append(var)
            # No more than the participant's meetings, and all of them by the end.
            if previous[meetings] != false:
                self.hard.append([-previous[meetings], -here])
            done[slot] = row
            previous = row
        if previous[meetings] != true:
            self.hard.append([previous[meetings]])
        return done

    def _break_starts(self, participant_id: str, busy: dict[int, int], meetings: int) -> list[int]:
        grid = self.problem.grid
        day_slots: defaultdict[int, list[int]] = defaultdict(list)
        for slot in grid.indices:
            day_slots[grid.slot(slot).day].append(slot)
        done = self._counter(participant_id, busy, meetings) if self.counters else None
        last_day = max(day_slots) if day_slots else None
        starts: list[int] = []
        for day, slots in day_slots.items():
            n = len(slots)
            # later[k]: busy at slots[k] or after it this day (None: never).
            later: list[int | None] = [None] * (n + 1)
            for k in range(n - 1, -1, -1):
                parts = [v for v in (busy.get(slots[k]), later[k + 1]) if v is not None]
                later[k] = self._or(("later", participant_id, slots[k]), parts) if parts else None
                if done is not None and day == last_day and later[k] is not None and k > 0:
                    # On the last day, "a meeting at or after slots[k]" is "not all meetings done before it".
                    before = done[slots[k - 1]][meetings]
                    self.hard.append([-later[k], -before])
                    self.hard.append([later[k], before])
            for k in range(n - 1):
                here = busy.get(slots[k])
                if here is None:
                    continue
                if grid.follows(slots[k], slots[k + 1]):
                    again = later[k + 2] if k + 2 <= n else None
                    if again is None:
                        continue
                    following = busy.get(slots[k + 1])
                    conditions = [here, again] + ([-following] if following is not None else [])
                else:
                    again = later[k + 1]
                    if again is None:
                        continue
                    conditions = [here, again]
                starts.append(self._and(("brk", participant_id, slots[k]), conditions))
        return starts

    def _windows(self, participant_id: str, busy: dict[int, int], meetings: int, starts: list[int]) -> None:
        """Implied: a participant without breaks meets in one window of consecutive slots of one day.

        ``win[p,s]`` (the window starts at slot s) fixes the whole timeline at once; the clause "some break, or
        some window" gives the solver that viewpoint whenever it assumes the participant has no break.
        """
        grid = self.problem.grid
        indices = grid.indices
        options = []
        for position, first in enumerate(indices):
            window = indices[position : position + meetings]
            if len(window) < meetings or any(
                not grid.follows(a, b) for a, b in zip(window, window[1:])
            ) or any(slot not in busy for slot in window):
                continue
            var = self.pool.id(("win", participant_id, first))
            inside = set(window)
            self.hard.extend([[-var, busy[slot]] for slot in window])
            self.hard.extend([[-var, -lit] for slot, lit in busy.items() if slot not in inside])
            options.append(var)
        self.hard.append(starts + options)

    def _order_identical(self, meeting_ids: list[str]) -> None:
        """Meetings of the same pair (and session) are interchangeable: the first in file order goes first."""
        groups: defaultdict[tuple, list[str]] = defaultdict(list)
        for meeting_id in meeting_ids:
            meeting = self.problem.meetings[meeting_id]
            groups[(frozenset(meeting.participants), meeting.session, meeting.facilitator)].append(meeting_id)
        for ids in groups.values():
            for first, second in zip(ids, ids[1:]):
                first_slots = sorted(s for (m, s) in self.x if m == first)
                for (m, s), var in self.x.items():
                    if m == second:
                        self.hard.append([-var] + [self.x[(first, t)] for t in first_slots if t < s])

    # -- reading answers ---------------------------------------------------------------------------------------

    def slot_of(self, model: Iterable[int]) -> dict[str, int]:
        true = {lit for lit in model if lit > 0}
        return {meeting_id: slot for (meeting_id, slot), var in self.x.items() if var in true}

    def phases(self, slot_of: dict[str, int]) -> list[int]:
        """Literals that reproduce a schedule, for a SAT solver's phase hints."""
        return [var if slot_of.get(m) == s else -var for (m, s), var in self.x.items()]


def _natural(meeting_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in meeting_id if ch.isdigit())
    return (int(digits) if digits else 0, meeting_id)

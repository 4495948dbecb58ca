"""The hard rules of a schedule, all in one place, stated in words an operator can act on.

Placement, repair and optimisation each enforce these rules in their own fast way; this module is the slow,
obvious referee that tests and benchmarks use to check them. An empty list means the schedule is valid.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from scheduling.domain.model import EventProblem, Schedule


def find_violations(problem: EventProblem, schedule: Schedule) -> list[str]:
    """Every hard-rule violation of ``schedule`` for ``problem``, one sentence each."""
    violations: list[str] = []
    in_slot: dict[int, list[str]] = defaultdict(list)
    participant_slot: dict[tuple[str, int], list[str]] = defaultdict(list)
    table_slot: dict[tuple[int, int], list[str]] = defaultdict(list)
    facilitator_slot: dict[tuple[str, int], list[str]] = defaultdict(list)
    meetings_of: Counter[str] = Counter()

    for meeting_id, placement in schedule.placements.items():
        meeting = problem.meetings.get(meeting_id)
        if meeting is None:
            violations.append(f"meeting {meeting_id} is scheduled but the event does not know it")
            continue
        slot = placement.slot
        if slot not in problem.grid:
            violations.append(f"meeting {meeting_id} is in slot {slot}, which is not in the event's grid")
            continue
        if not 1 <= placement.table <= problem.tables:
            violations.append(
                f"meeting {meeting_id} is at table {placement.table}, but tables are numbered 1..{problem.tables}"
            )
        if meeting.session is not None and problem.grid.slot(slot).session != meeting.session:
            violations.append(
                f"meeting {meeting_id} belongs in the {meeting.session} session but is in slot {slot} "
                f"({problem.grid.slot(slot).session})"
            )
        for participant_id in dict.fromkeys(meeting.participants):
            participant = problem.participant(participant_id)
            if slot in participant.unavailable:
                violations.append(
                    f"meeting {meeting_id} is in slot {slot}, which {participant.label} cannot attend"
                )
            participant_slot[(participant_id, slot)].append(meeting_id)
            meetings_of[participant_id] += 1
        if meeting.a == meeting.b:
            violations.append(f"meeting {meeting_id} pairs {meeting.a} with themselves")
        in_slot[slot].append(meeting_id)
        table_slot[(placement.table, slot)].append(meeting_id)
        if placement.accompanied:
            if meeting.facilitator is None:
                violations.append(f"meeting {meeting_id} is marked accompanied but has no facilitator")
            else:
                facilitator_slot[(meeting.facilitator, slot)].append(meeting_id)

    for (participant_id, slot), ids in participant_slot.items():
        if len(ids) > 1:
            label = problem.participant(participant_id).label
            violations.append(f"{label} has {len(ids)} meetings in slot {slot}: {', '.join(sorted(ids))}")
    for slot, ids in in_slot.items():
        if len(ids) > problem.tables:
            violations.append(f"slot {slot} holds {len(ids)} meetings but there are only {problem.tables} tables")
    for (table, slot), ids in table_slot.items():
        if len(ids) > 1:
            violations.append(f"table {table} in slot {slot} holds {len(ids)} meetings: {', '.join(sorted(ids))}")
    for participant_id, count in meetings_of.items():
        participant = problem.participant(participant_id)
        if participant.cap is not None and count > participant.cap:
            violations.append(f"{participant.label} has {count} meetings, over their cap of {participant.cap}")
    for (facilitator, slot), ids in facilitator_slot.items():
        if len(ids) > 1:
            violations.append(
                f"facilitator {facilitator} accompanies {len(ids)} meetings in slot {slot}: {', '.join(sorted(ids))}"
            )
    return violations

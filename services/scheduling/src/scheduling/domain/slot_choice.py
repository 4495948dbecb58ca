"""Which free slot a meeting should get when several would do.

Among the slots where both participants and a table are free, prefer the one that adds the fewest breaks for
the two participants (filling a gap even removes one), then one where the delegation facilitator is free so the
meeting is accompanied, then the earliest. Breaks come first because every participant feels them, while an
unaccompanied meeting still happens.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from scheduling.domain.model import Meeting, Placement
from scheduling.domain.timetable import Timetable


def best_free_slot(
    timetable: Timetable, meeting: Meeting, slots: Iterable[int], banned: Collection[int] = ()
) -> Placement | None:
    """The best placement for ``meeting`` (currently not placed) among ``slots`` except ``banned``, if any."""
    best_key: tuple[int, bool, int] | None = None
    a, b = meeting.a, meeting.b
    for slot in slots:
        if slot in banned or not timetable.has_free_table(slot):
            continue
        if not timetable.is_free(a, slot) or not timetable.is_free(b, slot):
            continue
        added = timetable.added_breaks(a, slot) + (timetable.added_breaks(b, slot) if b != a else 0)
        key = (added, not timetable.facilitator_free(meeting, slot), slot)
        if best_key is None or key < best_key:
            best_key = key
    if best_key is None:
        return None
    slot = best_key[2]
    table = timetable.free_table(slot)
    assert table is not None
    return Placement(slot, table, accompanied=not best_key[1])

"""Copies of stored documents: used while young, gone when dropped or old."""

from servicekit import copies
from servicekit.copies import RecentCopies


def test_a_copy_is_used_for_its_seconds_then_read_again(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(copies.time, "monotonic", lambda: now[0])
    kept = RecentCopies[str](seconds=5.0)
    kept.keep("event-1", "grid")
    now[0] += 4.9
    assert kept.get("event-1") == "grid"
    now[0] += 0.2
    assert kept.get("event-1") is None


def test_a_dropped_copy_is_not_used_and_the_number_kept_is_bounded():
    kept = RecentCopies[int](seconds=60.0, most=3)
    for n in range(3):
        kept.keep(n, n)
    kept.drop(1)
    assert kept.get(1) is None and kept.get(0) == 0
    kept.keep(3, 3)
    kept.keep(4, 4)  # the fourth copy starts over
    assert kept.get(0) is None and kept.get(4) == 4

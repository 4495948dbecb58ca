"""The slot grid: which slots an event's sessions yield, with which ids and UTC offsets."""

from __future__ import annotations

import datetime as dt

from registration.domain.grid import derive_slots, overlapping_slot_ids
from support.samples import event_draft


def session(day: str, start: str, end: str, minutes: int = 20, breaks=(), name: str = "afternoon") -> dict:
    return {"name": name, "day": day, "start": start, "end": end, "slot_minutes": minutes,
            "breaks": [{"start": s, "end": e} for s, e in breaks]}


def starts(slots) -> list[str]:
    return [s.slot_id for s in slots]


def test_slots_run_back_to_back_and_skip_a_break():
    slots = derive_slots(event_draft("e", sessions=[session("2027-04-13", "14:00", "17:00", 20, [("15:20", "15:40")])]))
    assert [s.slot_id[-5:] for s in slots] == ["14:00", "14:20", "14:40", "15:00", "15:40", "16:00", "16:20", "16:40"]
    pause = (dt.time(15, 20), dt.time(15, 40))
    assert all(not (s.start.time() < pause[1] and pause[0] < s.end.time()) for s in slots)
    assert [s.index for s in slots] == list(range(8))


def test_a_break_off_the_grid_restarts_the_slots_when_it_ends_and_no_slot_runs_past_the_end():
    slots = derive_slots(event_draft("e", sessions=[session("2027-10-05", "09:00", "11:10", 30, [("10:10", "10:25")])]))
    assert [(f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in slots] == [("09:00", "09:30"), ("09:30", "10:00"), ("10:25", "10:55")]


def test_slot_ids_are_the_local_start_and_stay_when_another_session_is_added():
    one_day = derive_slots(event_draft("e", sessions=[session("2027-04-13", "14:00", "15:00")]))
    assert starts(one_day) == ["2027-04-13T14:00", "2027-04-13T14:20", "2027-04-13T14:40"]
    two_days = derive_slots(event_draft("e", sessions=[
        session("2027-04-14", "09:00", "09:40", name="morning"), session("2027-04-13", "14:00", "15:00"),
    ]))
    assert starts(two_days) == starts(one_day) + ["2027-04-14T09:00", "2027-04-14T09:20"]
    assert [s.index for s in two_days] == [0, 1, 2, 3, 4], "indexes follow time, not the order sessions were written"


def test_each_day_gets_its_own_utc_offset_across_daylight_saving_changes():
    slots = derive_slots(event_draft("e", time_zone="Europe/Berlin", sessions=[
        session("2027-03-27", "10:00", "10:20", name="saturday"),  # CET, the day before the clocks go forward
        session("2027-03-29", "10:00", "10:20", name="monday"),  # CEST
        session("2027-10-30", "10:00", "10:20", name="before"),  # CEST, the day before the clocks go back
        session("2027-11-01", "10:00", "10:20", name="after"),  # CET
    ]))
    assert [s.start.utcoffset() for s in slots] == [dt.timedelta(hours=h) for h in (1, 2, 2, 1)]
    assert [s.start.astimezone(dt.UTC).hour for s in slots] == [9, 8, 8, 9]
    assert starts(slots)[1] == "2027-03-29T10:00", "the id stays local wall-clock time"


def test_a_zone_without_daylight_saving_keeps_its_offset():
    slots = derive_slots(event_draft("e", time_zone="America/Sao_Paulo", sessions=[session("2027-01-15", "10:00", "10:20")]))
    assert slots[0].start.utcoffset() == dt.timedelta(hours=-3)


def test_a_period_given_in_utc_blocks_the_local_slots_it_overlaps():
    slots = derive_slots(event_draft("e", sessions=[session("2027-04-13", "14:00", "15:00")]))
    blocked = overlapping_slot_ids(slots, dt.datetime(2027, 4, 13, 12, 10, tzinfo=dt.UTC), dt.datetime(2027, 4, 13, 12, 30, tzinfo=dt.UTC))
    assert blocked == ["2027-04-13T14:00", "2027-04-13T14:20"]
    touching = overlapping_slot_ids(slots, dt.datetime(2027, 4, 13, 11, 0, tzinfo=dt.UTC), dt.datetime(2027, 4, 13, 12, 0, tzinfo=dt.UTC))
    assert touching == [], "a period that ends when a slot starts does not block it"

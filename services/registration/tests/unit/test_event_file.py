"""The event YAML file: the examples are valid, and every mistake is named with its field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from registration.cli.event_file import EventFileError, load_event, parse_event, summarise

EXAMPLES = Path(__file__).resolve().parents[4] / "deploy" / "examples"

VALID = """\
event_id: test-event
name: Test matchmaking
venue: Hall 2
time_zone: Europe/Berlin
organiser:
  name: Desk
  email: desk@example.org
sessions:
  - name: morning
    day: 2027-04-13
    start: 09:00
    end: 10:00
    slot_minutes: 20
  - name: afternoon
    day: 2027-04-13
    start: 14:00
    end: 15:00
    slot_minutes: 30
tables: 4
policy:
  sides:
    - name: north
      countries: [NO, SE, FI]
    - name: south
      countries: [ES, IT]
  allowed_side_pairs: [[north, south]]
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(EventFileError) as caught:
        parse_event(text)
    return caught.value.problems


def test_both_example_events_are_valid_and_summarised():
    hannover = summarise(load_event(EXAMPLES / "hannover-2027.yaml"))
    assert (hannover.event.time_zone, len(hannover.slots), hannover.meetings_capacity) == ("Europe/Berlin", 11, 220)
    assert {s.slot_id[11:] for s in hannover.slots} >= {"14:00", "16:00", "17:40"}
    milan = summarise(load_event(EXAMPLES / "milan-eu-celac-2027.yaml"))
    assert len({s.day for s in milan.slots}) == 2 and len(milan.slots) == 18
    sides = {side.name: side.countries for side in milan.event.policy.sides}
    assert len(sides["celac"]) == 33 and "BR" in sides["celac"] and "NO" in sides["europe"]
    pairs = [(p.first, p.second) if hasattr(p, "first") else tuple(p) for p in milan.event.policy.allowed_side_pairs]
    assert pairs == [("europe", "celac")]


def test_times_and_country_codes_are_not_mangled_by_yaml_1_1():
    event = parse_event(VALID)
    assert str(event.sessions[1].start) == "14:00:00", "unquoted 14:00 is a time, not the sexagesimal number 840"
    assert event.policy.sides[0].countries == ("NO", "SE", "FI"), "NO is Norway, not false"


def test_the_summary_names_days_sessions_slots_and_capacity():
    lines = "\n".join(summarise(parse_event(VALID)).lines())
    assert "morning: 09:00-10:00 UTC+0200, 20-minute slots: 3 slots" in lines
    assert "afternoon: 14:00-15:00 UTC+0200, 30-minute slots: 2 slots" in lines
    assert "tables: 4; capacity: 4 tables x 5 slots = 20 meetings" in lines
    assert "north meets south" in lines


def test_a_wrong_slot_length_is_named_with_its_line():
    assert problems_of(VALID.replace("slot_minutes: 30", "slot_minutes: 25")) == [
        "sessions[1].slot_minutes: must be 15, 20 or 30 (line 18)"
    ]


def test_unknown_keys_are_named_at_any_depth_with_a_suggestion():
    text = VALID.replace("tables: 4", "tabels: 4").replace("    slot_minutes: 20", "    slot_minute: 20") \
        .replace("  email: desk@example.org", "  emial: desk@example.org")
    found = problems_of(text)
    assert "organiser.emial: unknown key; did you mean 'email'? (line 7)" in found
    assert "sessions[0].slot_minute: unknown key; did you mean 'slot_minutes'? (line 13)" in found
    assert "tabels: unknown key; did you mean 'tables'? (line 19)" in found
    assert "tables: missing; this key is required" in found
    assert "sessions[0].slot_minutes: missing; this key is required here (line 9)" in found
    assert "organiser.email: missing; this key is required here (line 5)" in found
    nested = problems_of(VALID.replace("      countries: [ES, IT]", "      countries: [ES, IT]\n      colour: red"))
    assert nested == ["policy.sides[1].colour: unknown key; known keys here: name, countries (line 26)"]


def test_model_rules_are_reported_with_the_line_of_what_breaks_them():
    found = problems_of(VALID.replace("[[north, south]]", "[[north, west]]").replace("Europe/Berlin", "Europe/Hannover"))
    assert any(p.startswith("time_zone: 'Europe/Hannover' is not an IANA time zone") and p.endswith("(line 4)") for p in found)
    assert any(p.startswith("policy: allowed_side_pairs names side 'west'") and p.endswith("(line 20)") for p in found)
    backwards = problems_of(VALID.replace("end: 15:00", "end: 13:00"))
    assert backwards == ["sessions[1]: session 'afternoon' on 2027-04-13 ends (13:00:00) before it starts (14:00:00) (line 14)"]


def test_keys_written_twice_and_broken_yaml_are_reported():
    assert problems_of(VALID + "tables: 6\n") == ["tables: written twice (first at line 19); keep one (line 27)"]
    assert problems_of(VALID.replace("  - name: morning", "  - name: [morning")) == [
        "(file): not valid YAML: expected ',' or ']', but got ':' (line 10, column 8)"
    ]
    assert problems_of("") == [
        "(file): empty; an event file needs event_id, name, venue, time_zone, organiser, sessions and tables"
    ]
    assert problems_of("- just\n- a list\n") == ["(file): must be a mapping of keys (event_id: ..., name: ..., sessions: ...)"]


def test_a_naive_deadline_is_refused_rather_than_guessed():
    found = problems_of(VALID + "registration_deadline: 2027-03-31T23:59:00\n")
    assert found == ["registration_deadline: must have timezone info (line 27)"]

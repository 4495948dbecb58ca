"""The demo's scenarios (deploy/demo/scenarios.py) are valid messages and faithful to the seed events: 19 cluster
organisations from 8 countries at Hannover Messe; 42 European clusters from 13 countries and 10 CELAC clusters from
10 countries in Milan, meeting only across the two regions. No stack needed."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from contracts.envelope import new_envelope
from contracts.events import EventDraft
from contracts.registry import open_message
from contracts.registrations import RegistrationSubmitted

DEMO = Path(__file__).resolve().parents[2] / "deploy" / "demo"
sys.path.insert(0, str(DEMO))

import behaviour  # noqa: E402
import scenarios  # noqa: E402


@pytest.fixture(scope="module")
def hannover() -> scenarios.Scenario:
    return scenarios.hannover("demo-hannover-test")


@pytest.fixture(scope="module")
def milan() -> scenarios.Scenario:
    return scenarios.milan("demo-milan-test")


def test_every_registration_and_event_travels_as_a_valid_message(hannover, milan):
    for scenario in (hannover, milan):
        EventDraft.model_validate(scenario.event.model_dump(mode="json"))
        for attendee in scenario.attendees:
            raw = new_envelope(attendee.submission, producer="demo", event_id=scenario.event_id).model_dump_json()
            _, payload = open_message(raw, "registrations.inbound")
            assert isinstance(payload, RegistrationSubmitted)
            assert payload == attendee.submission


def test_hannover_has_19_cluster_organisations_from_8_countries(hannover):
    clusters = [a for a in hannover.attendees if a.is_cluster]
    assert len(clusters) == 19
    assert len({a.country for a in clusters}) == 8
    assert len({a.organisation for a in clusters}) == 19
    assert all(a.is_facilitator for a in hannover.attendees if not a.is_cluster)
    assert hannover.event.time_zone == "Europe/Berlin"
    session = hannover.event.sessions[0]
    assert (session.start.hour, session.end.hour, session.slot_minutes) == (14, 18, 20) and session.breaks


def test_milan_has_42_european_clusters_from_13_countries_and_10_celac_from_10(milan):
    clusters = [a for a in milan.attendees if a.is_cluster]
    europe = [a for a in clusters if a.side == "europe"]
    celac = [a for a in clusters if a.side == "celac"]
    assert len(europe) == 42 and len({a.country for a in europe}) == 13
    assert len(celac) == 10 and len({a.country for a in celac}) == 10
    assert len(clusters) == 52
    assert len({a.organisation for a in clusters}) == 52
    assert all(a.is_facilitator and a.side == "europe" for a in milan.attendees if not a.is_cluster)
    assert milan.event.time_zone == "Europe/Rome"
    assert len({s.day for s in milan.event.sessions}) == 2


def test_milan_lets_only_europe_meet_celac(milan):
    policy = milan.event.policy
    sides = {side.name: set(side.countries) for side in policy.sides}
    assert {tuple(p) for p in policy.allowed_side_pairs} == {("europe", "celac")}
    for attendee in milan.attendees:
        assert attendee.country in sides[attendee.side]
    assert not sides["europe"] & sides["celac"]


def test_generation_is_deterministic_apart_from_the_event_id():
    first, second = scenarios.milan("demo-milan-a"), scenarios.milan("demo-milan-b")
    assert [a.submission for a in first.attendees] == [a.submission for a in second.attendees]
    assert first.event.model_copy(update={"event_id": "x"}) == second.event.model_copy(update={"event_id": "x"})


def test_profiles_are_plausible(hannover, milan):
    for scenario in (hannover, milan):
        emails = [a.submission.registration.person.email for a in scenario.attendees]
        assert len(set(emails)) == len(emails)
        for attendee in scenario.attendees:
            registration = attendee.submission.registration
            assert registration.person.language in {"en", "de", "fr", "es", "pt", "it"}
            if attendee.is_facilitator:
                continue  # facilitators accompany their delegation's meetings and take none of their own
            assert registration.profile.offers and registration.profile.requests and registration.profile.topics
            assert registration.organisation.sector_codes
            assert attendee.country not in registration.profile.target_countries
            assert registration.person.language in {"en", "de", "fr", "es", "pt", "it"}
        delegations = Counter(
            a.submission.registration.delegation.delegation_id for a in scenario.attendees if a.submission.registration.delegation
        )
        assert delegations and all(n >= 3 for n in delegations.values())
        assert sum(a.is_facilitator for a in scenario.attendees) == len(delegations)
        assert any(a.submission.registration.availability.unavailable_slots for a in scenario.attendees)


def test_unavailable_slots_are_slots_of_the_event(hannover, milan):
    for scenario in (hannover, milan):
        grid = set(scenarios.slot_ids(scenario.event))
        for attendee in scenario.attendees:
            assert set(attendee.submission.registration.availability.unavailable_slots) <= grid


def test_a_revision_blocks_more_slots_and_keeps_the_rest(hannover):
    attendee = hannover.attendees[0]
    grid = scenarios.slot_ids(hannover.event)
    later = behaviour.revised(attendee.submission, grid[-2:])
    assert later.revision == attendee.submission.revision + 1
    assert set(grid[-2:]) <= set(later.registration.availability.unavailable_slots)
    assert later.registration.profile == attendee.submission.registration.profile

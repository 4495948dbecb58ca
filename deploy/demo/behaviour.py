"""How the simulated participants behave once the platform answers them. Pure and seeded: given what the platform
said (suggestion lists, placed meetings), the same choices come out every run.

Everything here speaks in the senders' references (``hm-004``), which are stable across runs; the platform's
participant ids are new for every event and are mapped by the caller.
"""

from __future__ import annotations

import random

from contracts.registrations import RegistrationSubmitted

from scenarios import Scenario


def plan_requests(scenario: Scenario, lists: dict[str, list[str]], rng: random.Random) -> list[tuple[str, str]]:
    """(requester, recipient) pairs: each participant asks some of their best suggestions for a meeting.

    Two participants may ask each other; the platform then treats the second request as an acceptance.
    """
    behaviour = scenario.behaviour
    pairs = []
    for attendee in sorted(scenario.attendees, key=lambda a: a.reference):
        top = lists.get(attendee.reference, [])[: behaviour.consider_top]
        fewest, most = behaviour.requests_per_person.get(attendee.side, behaviour.requests_per_person.get("", (0, 0)))
        chosen = rng.sample(top, min(len(top), rng.randint(fewest, most)))
        pairs += [(attendee.reference, partner) for partner in sorted(chosen, key=top.index)]
    return pairs


def plan_answers(requests: list[tuple[str, str]], accept_rate: float, rng: random.Random) -> dict[tuple[str, str], bool]:
    """For each open request (requester, recipient): whether the recipient accepts (True) or declines (False)."""
    return {pair: rng.random() < accept_rate for pair in sorted(requests)}


def pick_withdrawals(scenario: Scenario, meetings: dict[str, list[str]], rng: random.Random) -> list[str]:
    """Participants (not facilitators) with at least two placed meetings who leave the event."""
    candidates = sorted(
        a.reference for a in scenario.attendees if not a.is_facilitator and len(meetings.get(a.reference, [])) >= 2
    )
    return sorted(rng.sample(candidates, min(scenario.behaviour.withdrawals, len(candidates))))


def pick_availability_changes(
    scenario: Scenario, meetings: dict[str, list[str]], leaving: list[str], rng: random.Random
) -> dict[str, list[str]]:
    """Participants who can no longer attend two slots where they already have a meeting: reference → slot ids."""
    candidates = sorted(r for r, slots in meetings.items() if len(slots) >= 2 and r not in leaving)
    chosen = rng.sample(candidates, min(scenario.behaviour.availability_changes, len(candidates)))
    return {reference: sorted(rng.sample(sorted(meetings[reference]), 2)) for reference in sorted(chosen)}


def revised(submission: RegistrationSubmitted, more_unavailable: list[str]) -> RegistrationSubmitted:
    """The next revision of a registration, with more unavailable slots and everything else unchanged."""
    document = submission.model_dump(mode="json")
    availability = document["registration"]["availability"]
    availability["unavailable_slots"] = sorted(set(availability["unavailable_slots"]) | set(more_unavailable))
    document["revision"] = submission.revision + 1
    return RegistrationSubmitted.model_validate(document)

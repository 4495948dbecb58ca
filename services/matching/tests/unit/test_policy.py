"""The event's policy decides who may meet whom, and says why not in words."""

from __future__ import annotations

import uuid

from matching.domain.participant import Participant
from matching.domain.policy import MatchContext, Policy, Side, may_meet, pair

EUROPE_CELAC = Policy(
    sides=(Side("europe", frozenset({"DE", "FR", "IT"})), Side("celac", frozenset({"BR", "MX"}))),
    allowed_side_pairs=frozenset({frozenset({"europe", "celac"})}),
)


def person(country: str = "DE", organisation: str | None = None, **fields) -> Participant:
    return Participant(
        participant_id=fields.pop("participant_id", f"p-{uuid.uuid4().hex[:8]}"),
        organisation=organisation or f"Org {uuid.uuid4().hex[:6]}",
        country=country,
        **fields,
    )


def test_europe_meets_celac_but_not_europe() -> None:
    context = MatchContext(EUROPE_CELAC)
    assert may_meet(person("DE"), person("BR"), context) is None
    reason = may_meet(person("DE"), person("FR"), context)
    assert reason is not None and "europe" in reason and "celac" in reason


def test_a_country_on_no_side_meets_nobody_when_sides_are_set() -> None:
    reason = may_meet(person("US"), person("BR"), MatchContext(EUROPE_CELAC))
    assert reason is not None and "US" in reason


def test_sides_without_allowed_pairs_let_anyone_meet() -> None:
    policy = Policy(sides=EUROPE_CELAC.sides)
    assert may_meet(person("DE"), person("FR"), MatchContext(policy)) is None


def test_same_organisation_is_recognised_through_spelling_and_legal_form() -> None:
    context = MatchContext(Policy())
    a = person("DE", "Müller Verpackung GmbH")
    b = person("DE", "MÜLLER  verpackung gmbh.")
    reason = may_meet(a, b, context)
    assert reason is not None and "same organisation" in reason
    assert may_meet(a, person("AT", "Müller Verpackung GmbH"), context) is None
    assert may_meet(a, b, MatchContext(Policy(same_organisation_may_meet=True))) is None


def test_members_of_one_delegation_do_not_meet_unless_allowed() -> None:
    a, b = person("DE", delegation_id="bw-food"), person("BR", delegation_id="bw-food")
    reason = may_meet(a, b, MatchContext(Policy()))
    assert reason is not None and "delegation" in reason
    assert may_meet(a, b, MatchContext(Policy(same_delegation_may_meet=True))) is None
    assert may_meet(a, person("BR", delegation_id="sp-agro"), MatchContext(Policy())) is None


def test_facilitators_are_never_partners() -> None:
    facilitator = person("BR", delegation_id="sp-agro", is_facilitator=True)
    reason = may_meet(person("DE"), facilitator, MatchContext(Policy()))
    assert reason is not None and "facilitator" in reason


def test_a_declined_pair_never_meets_again() -> None:
    a, b = person("DE"), person("BR")
    reason = may_meet(b, a, MatchContext(Policy(), declined={pair(a.participant_id, b.participant_id)}))
    assert reason is not None and "declined" in reason


def test_a_participant_at_their_cap_takes_no_more_meetings() -> None:
    a, b = person("DE"), person("BR", meeting_cap=3)
    policy = Policy(meeting_cap=5)
    assert may_meet(a, b, MatchContext(policy, accepted_counts={b.participant_id: 2})) is None
    reason = may_meet(a, b, MatchContext(policy, accepted_counts={b.participant_id: 3}))
    assert reason is not None and "3 accepted meetings" in reason
    reason = may_meet(a, b, MatchContext(policy, accepted_counts={a.participant_id: 5}))
    assert reason is not None and a.participant_id in reason


def test_nobody_meets_themselves() -> None:
    a = person("DE")
    assert may_meet(a, a, MatchContext(Policy())) is not None

"""The compact pieces of the index keep the order and the rules they stand for: ranked ids stay in the order of
(-score, id) tuples, and the countries a side may meet are those :func:`may_meet` lets through."""

from __future__ import annotations

import random

from matching.domain.participant import Participant
from matching.domain.policy import MatchContext, Policy, Side, may_meet
from matching.domain.ranked import Ranked


def test_ranked_ids_keep_the_order_of_score_then_id() -> None:
    rng = random.Random(8)
    scores = {f"p{n:03d}": rng.choice([0.25, 0.5, 0.75, rng.random()]) for n in range(200)}
    ranked = Ranked.best(dict(list(scores.items())[:40]), 30)
    reference = sorted((-score, pid) for pid, score in list(scores.items())[:40])[:30]
    for pid, score in list(scores.items())[40:]:
        action = rng.random()
        if action < 0.6:
            ranked.add(pid, score)
            reference.append((-score, pid))
        elif action < 0.8 and len(reference) > 1:
            _, gone = reference.pop(rng.randrange(len(reference)))
            ranked.discard(gone)
        elif reference:
            assert ranked.pop() == max(reference)[1]
            reference.remove(max(reference))
        reference.sort()
        assert list(ranked.entries()) == [(pid, -negative) for negative, pid in reference]
        assert [ranked.score(i) for i in range(len(ranked))] == [-negative for negative, _ in reference]
    assert ranked.place("p999", 2.0) == 0 and ranked.place("p999", -1.0) == len(ranked)


def test_countries_meeting_follow_may_meet_with_overlapping_sides() -> None:
    policy = Policy(
        sides=(Side("north", frozenset({"DE", "FR", "SE"})), Side("south", frozenset({"FR", "ES", "IT"})),
               Side("east", frozenset({"PL", "SE"}))),
        allowed_side_pairs=frozenset({frozenset({"north", "south"}), frozenset({"east"})}),
        same_organisation_may_meet=True,
    )
    context = MatchContext(policy)
    countries = ["DE", "FR", "SE", "ES", "IT", "PL", "US"]
    for mine in countries:
        me = Participant("me", "Org", mine)
        side = policy.side_of(me)
        if side is None:
            continue
        allowed = {c for c in countries if may_meet(me, Participant("them", "Org", c), context) is None}
        assert policy.countries_meeting(side) == allowed

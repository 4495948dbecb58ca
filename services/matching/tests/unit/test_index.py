"""The incremental index: changes one at a time give the lists a full build gives, fast paths report exactly the
lists that changed, and popular participants are spread across the event."""

from __future__ import annotations

import random

from matching.domain.exposure import gini, top_share
from matching.domain.features import Bags, Features
from matching.domain.index import SuggestionIndex
from matching.domain.participant import Participant, ProfileItem
from matching.domain.policy import Policy, Side
from matching.domain.scoring import pair_score

WORDS = """sensor packaging cold chain shelf life monitoring logistics pallet tracking software cloud energy solar
    battery water filtration dairy cheese bakery flour enzyme fermentation robotics vision inspection recycling
    plastic paper film coating drying freezing export distribution warehouse""".split()
POLICY = Policy(
    sides=(Side("europe", frozenset({"DE", "FR", "IT"})), Side("celac", frozenset({"BR", "MX"}))),
    allowed_side_pairs=frozenset({frozenset({"europe", "celac"})}),
)


def random_participant(number: int, rng: random.Random) -> Participant:
    def item() -> ProfileItem:
        return ProfileItem("technology", " ".join(rng.sample(WORDS, 2)), " ".join(rng.sample(WORDS, 4)),
                           tuple(rng.sample(WORDS, 1)))

    return Participant(
        participant_id=f"p{number:04d}",
        organisation=f"Org {rng.randint(0, 40)}",
        country=rng.choice(["DE", "FR", "IT", "BR", "MX"]),
        offers=tuple(item() for _ in range(rng.randint(0, 2))),
        requests=tuple(item() for _ in range(rng.randint(0, 2))),
        topics=tuple(rng.sample(WORDS, 2)),
        sector_codes=(rng.choice(["C10.5", "C10.8", "C22.2", "H52.1"]),),
        target_countries=tuple(rng.sample(["DE", "FR", "BR", "MX"], rng.randint(0, 2))),
        delegation_id=rng.choice([None, None, "d1", "d2"]),
        is_facilitator=rng.random() < 0.03,
        meeting_cap=rng.choice([None, None, 3]),
    )


def shown(index: SuggestionIndex) -> dict[str, list[tuple[str, float]]]:
    return {pid: index.ranking(pid) for pid in index.participant_ids}


def test_changes_one_by_one_equal_a_full_build() -> None:
    rng = random.Random(20260)
    people = [random_participant(i, rng) for i in range(240)]
    reference = SuggestionIndex.build(people, POLICY, list_size=4)
    statistics = reference.statistics
    index = SuggestionIndex.build(people[:60], POLICY, statistics=statistics, list_size=4)
    for person in people[60:]:
        index.upsert(person)
    for number in range(0, 240, 5):
        index.remove(f"p{number:04d}")
    for number in range(0, 240, 10):
        index.upsert(people[number])
    for number in range(3, 240, 9):
        index.upsert(random_participant(number, rng))
    for number in range(1, 240, 13):
        index.record_decline(f"p{number:04d}", f"p{number + 1:04d}")
    for number in range(2, 240, 17):
        index.record_accepted_count(f"p{number:04d}", 3)

    current = [index.participant(pid) for pid in index.participant_ids]
    declined = [tuple(pair) for pair in index.context.declined]
    rebuilt = SuggestionIndex.build(
        current, POLICY, statistics=statistics, list_size=4, declined=declined,
        accepted_counts=dict(index.context.accepted_counts), exposure_caps=index.exposure_caps,
    )
    assert shown(index) == shown(rebuilt)


def test_upsert_and_remove_report_exactly_the_lists_that_changed() -> None:
    rng = random.Random(7)
    people = [random_participant(i, rng) for i in range(200)]
    index = SuggestionIndex.build(people[:150], POLICY, list_size=5)
    for person in people[150:]:
        before = shown(index)
        changed = index.upsert(person)
        after = shown(index)
        assert changed == {pid for pid in after if after[pid] != before.get(pid, [])}
        assert person.participant_id in changed or not after[person.participant_id]
    for number in range(0, 200, 7):
        before = shown(index)
        changed = index.remove(f"p{number:04d}")
        after = shown(index)
        assert changed == {pid for pid in after if after[pid] != before.get(pid, [])}


def test_bulk_and_pairwise_scores_agree() -> None:
    rng = random.Random(3)
    people = [random_participant(i, rng) for i in range(120)]
    index = SuggestionIndex.build(people, POLICY)
    features = {p.participant_id: Features.of(p, Bags.of(p), index.statistics) for p in people}
    for pid in index.participant_ids[:40]:
        for suggestion in index.suggestions_for(pid):
            assert suggestion.score == pair_score(features[pid], features[suggestion.partner_id])
            assert index.may_meet(pid, suggestion.partner_id) is None


def test_a_popular_participant_is_spread_not_everywhere() -> None:
    star = Participant(
        "star", "Everything Ltd", "BR",
        offers=(ProfileItem("business", "packaging sensors software logistics export", "cold chain dairy"),),
        requests=(ProfileItem("business", "packaging sensors software logistics export", "cold chain dairy"),),
        topics=("packaging", "sensors", "logistics"),
    )
    rng = random.Random(11)
    europeans = []
    for number in range(60):
        a, b = rng.sample(["packaging", "sensors", "software", "logistics", "export"], 2)
        europeans.append(Participant(
            f"eu{number:02d}", f"EU {number}", "DE",
            offers=(ProfileItem("business", f"{a} {rng.choice(WORDS)}"),),
            requests=(ProfileItem("business", f"{b} {rng.choice(WORDS)}"),),
        ))
    themes = ["packaging", "sensors", "software", "logistics", "export"]
    others = [Participant(f"br{n:02d}", f"BR {n}", "MX",
                          offers=(ProfileItem("business", f"{rng.choice(themes)} {rng.choice(WORDS)}"),),
                          requests=(ProfileItem("business", f"{rng.choice(themes)} {rng.choice(WORDS)}"),))
              for n in range(40)]
    people = [star, *europeans, *others]

    unlimited = SuggestionIndex.build(people, POLICY, list_size=4, exposure_factor=float("inf"))
    spread = SuggestionIndex.build(people, POLICY, list_size=4, exposure_factor=1.5)
    cap = spread.exposure_cap("star")
    assert cap is not None and cap < 20
    assert unlimited.appearances()["star"] > cap
    assert 0 < spread.appearances()["star"] <= cap
    assert top_share(spread.appearances().values()) < top_share(unlimited.appearances().values())
    assert gini(spread.appearances().values()) < gini(unlimited.appearances().values())
    # Those who lost the star move on to their next candidates.
    lengths = [(len(spread.ranked_ids(p.participant_id)), len(unlimited.ranked_ids(p.participant_id))) for p in europeans]
    assert sum(s for s, _ in lengths) >= 0.75 * sum(u for _, u in lengths)
    # The star stays with those it fits best.
    fits = sorted(unlimited.participant_ids, key=lambda pid: -dict(unlimited.ranking(pid)).get("star", 0))[:cap]
    assert {pid for pid in spread.participant_ids if "star" in spread.ranked_ids(pid)} <= set(fits)


def test_concentration_measures() -> None:
    assert gini([5, 5, 5, 5]) == 0
    assert gini([0, 0, 0, 20]) == 0.75
    assert top_share([10] + [1] * 9) == 10 / 19


def test_lists_showing_names_every_list_that_holds_the_participant() -> None:
    rng = random.Random(99)
    index = SuggestionIndex.build([random_participant(i, rng) for i in range(80)], POLICY, list_size=4)
    found = 0
    for pid in index.participant_ids[:20]:
        expected = {h for h in index.participant_ids if pid in [s.partner_id for s in index.suggestions_for(h)]}
        assert index.lists_showing(pid) == expected
        found += len(expected)
    assert found > 0

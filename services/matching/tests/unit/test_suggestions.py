"""Suggestions: complementary partners first, both sides must gain, and every suggestion says why."""

from __future__ import annotations

import uuid

from matching.domain.index import SuggestionIndex
from matching.domain.participant import Participant, ProfileItem
from matching.domain.policy import Policy, Side

POLICY = Policy(
    sides=(Side("europe", frozenset({"DE", "FR", "IT", "ES"})), Side("celac", frozenset({"BR", "MX", "CL"}))),
    allowed_side_pairs=frozenset({frozenset({"europe", "celac"})}),
)


def person(country: str, offers=(), requests=(), **fields) -> Participant:
    return Participant(
        participant_id=fields.pop("participant_id", f"p-{uuid.uuid4().hex[:8]}"),
        organisation=fields.pop("organisation", f"Org {uuid.uuid4().hex[:6]}"),
        country=country,
        offers=tuple(offers),
        requests=tuple(requests),
        **fields,
    )


def item(title: str, kind: str = "technology", keywords=(), description: str = "") -> ProfileItem:
    return ProfileItem(kind, title, description, tuple(keywords))


def crowd() -> list[Participant]:
    """Plausible others, so term statistics mean something."""
    return [
        person("BR", [item("Coffee roasting equipment")], [item("Export distribution partners in Europe")],
               topics=("coffee",)),
        person("MX", [item("Avocado oil extraction")], [item("Glass jars and closures")], topics=("oils",)),
        person("CL", [item("Wine barrels")], [item("Cork stoppers")], topics=("wine",)),
        person("FR", [item("Cheese ripening cellars")], [item("Dairy importers")], topics=("dairy",)),
        person("IT", [item("Pasta extrusion dies")], [item("Durum wheat suppliers")], topics=("pasta",)),
        person("ES", [item("Olive harvesting machines")], [item("Distributors for agricultural machinery")]),
        person("BR", [item("Cocoa beans, fine flavour")], [item("Chocolate makers")], topics=("cocoa",)),
        person("MX", [item("Shelf-life extension coatings")], [item("Retail chains")], topics=("fruit",)),
    ]


def test_a_complementary_pair_ranks_first_and_the_reason_names_both_titles() -> None:
    sensors = person(
        "DE",
        [item("Cold-chain sensors", keywords=("temperature logger", "cold chain"),
              description="Wireless temperature loggers for refrigerated transport.")],
        [item("Tropical fruit importers", "business", keywords=("mango", "papaya"))],
        target_countries=("BR",),
        sector_codes=("C26.5",),
    )
    exporter = person(
        "BR",
        [item("Mango and papaya exports", "business", keywords=("mango", "papaya", "tropical fruit"))],
        [item("Shelf-life monitoring", keywords=("cold chain", "temperature logger"),
              description="We need to monitor temperature during sea freight.")],
    )
    index = SuggestionIndex.build([sensors, exporter, *crowd()], POLICY, list_size=5)

    best = index.suggestions_for(sensors.participant_id)[0]
    assert best.partner_id == exporter.participant_id
    assert 0 < best.score <= 1
    assert "your technology offer 'Cold-chain sensors' answers their request 'Shelf-life monitoring'" in best.reasons
    assert "their business offer 'Mango and papaya exports' answers your request 'Tropical fruit importers'" in (
        best.reasons
    )
    assert "they are in Brazil, one of your target countries" in best.reasons

    theirs = index.suggestions_for(exporter.participant_id)[0]
    assert theirs.partner_id == sensors.participant_id and theirs.score == best.score
    assert "their technology offer 'Cold-chain sensors' answers your request 'Shelf-life monitoring'" in theirs.reasons
    assert "they are looking for partners in Brazil, where you are" in theirs.reasons


def test_a_two_sided_fit_beats_a_one_sided_one() -> None:
    buyer = person("DE", [item("Solar inverters")], [item("Biodegradable food trays")])
    both_ways = person("BR", [item("Biodegradable food trays")], [item("Solar inverters")])
    one_way = person("MX", [item("Biodegradable food trays")], [item("Coffee grinders")])
    index = SuggestionIndex.build([buyer, both_ways, one_way, *crowd()], POLICY, list_size=5)
    scores = {s.partner_id: s.score for s in index.suggestions_for(buyer.participant_id)}
    assert scores[both_ways.participant_id] > 2 * scores.get(one_way.participant_id, 0.0)


def test_shared_topics_and_sector_are_reasons_too() -> None:
    a = person("DE", topics=("food packaging", "recycling"), sector_codes=("C22.2",),
               requests=[item("Paper-based trays")])
    b = person("BR", topics=("Food packaging",), sector_codes=("22.2",), offers=[item("Paper trays")])
    index = SuggestionIndex.build([a, b, *crowd()], POLICY)
    reasons = index.suggestions_for(a.participant_id)[0].reasons
    assert "you both work on food packaging" in reasons
    assert "same sector (C22.2)" in reasons


def test_the_policy_keeps_forbidden_pairs_out_of_every_list() -> None:
    a = person("DE", [item("Heat pumps")], [item("Biogas plants")], organisation="Nordwärme GmbH")
    same_side = person("FR", [item("Biogas plants")], [item("Heat pumps")])
    same_org = person("BR", [item("Biogas plants")], [item("Heat pumps")], organisation="Nordwarme gmbh",
                      participant_id="same-org")
    allowed = person("MX", [item("Biogas plants")], [item("Heat pumps")])
    index = SuggestionIndex.build([a, same_side, same_org, allowed, *crowd()], POLICY)
    assert index.ranked_ids(a.participant_id)[:1] == [allowed.participant_id]
    assert same_side.participant_id not in index.ranked_ids(a.participant_id)
    # Same name but another country: another organisation.
    assert same_org.participant_id in index.ranked_ids(a.participant_id)
    assert index.may_meet(a.participant_id, same_side.participant_id) is not None


def test_declines_and_caps_take_effect_at_once() -> None:
    a = person("DE", [item("Heat pumps")], [item("Biogas plants")])
    b = person("BR", [item("Biogas plants")], [item("Heat pumps")])
    c = person("MX", [item("Biogas digesters")], [item("Heat pump installers")], meeting_cap=2)
    index = SuggestionIndex.build([a, b, c, *crowd()], POLICY)
    assert index.ranked_ids(a.participant_id)[:2] == [b.participant_id, c.participant_id]

    changed = index.record_decline(b.participant_id, a.participant_id)
    assert {a.participant_id, b.participant_id} <= changed
    assert b.participant_id not in index.ranked_ids(a.participant_id)

    changed = index.record_accepted_count(c.participant_id, 2)
    assert {a.participant_id, c.participant_id} <= changed
    assert c.participant_id not in index.ranked_ids(a.participant_id)
    assert index.ranked_ids(c.participant_id) == []
    index.record_accepted_count(c.participant_id, 1)
    assert c.participant_id in index.ranked_ids(a.participant_id)

"""Why a partner is suggested, in words the participant understands, from the viewpoint of the list's owner.
English only: the notification layer localises the text around them."""

from __future__ import annotations

from .countries import country_name
from .features import TermStatistics, cosine, item_bag, sector_division, sector_key, vectorise
from .participant import Participant, ProfileItem
from .text import words

ITEM_FIT = 0.08
"""Least cosine between an offer and a request for the pair to be named as a reason."""
MAX_ITEM_REASONS = 2
MAX_TOPICS = 3


def _item_pairs(
    requests: tuple[ProfileItem, ...], offers: tuple[ProfileItem, ...], statistics: TermStatistics
) -> list[tuple[ProfileItem, ProfileItem]]:
    """The best (request, offer) pairs, each item used once, best first."""
    request_vectors = [vectorise(item_bag([r]), statistics) for r in requests]
    offer_vectors = [vectorise(item_bag([o]), statistics) for o in offers]
    fits = sorted(
        (
            (cosine(rv, ov), i, j)
            for i, rv in enumerate(request_vectors)
            for j, ov in enumerate(offer_vectors)
        ),
        reverse=True,
    )
    used_requests: set[int] = set()
    used_offers: set[int] = set()
    chosen = []
    for fit, i, j in fits:
        if fit < ITEM_FIT or len(chosen) == MAX_ITEM_REASONS:
            break
        if i in used_requests or j in used_offers:
            continue
        used_requests.add(i)
        used_offers.add(j)
        chosen.append((requests[i], offers[j]))
    return chosen


def _listing(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def explain(viewer: Participant, partner: Participant, statistics: TermStatistics) -> list[str]:
    """The reasons ``partner`` is a good match for ``viewer``, addressed to ``viewer`` ('you', 'they')."""
    reasons = []
    for request, offer in _item_pairs(viewer.requests, partner.offers, statistics):
        offer_name = f" '{offer.title}'" if partner.share_profile else ""
        reasons.append(f"their {offer.kind} offer{offer_name} answers your request '{request.title}'")
    for request, offer in _item_pairs(partner.requests, viewer.offers, statistics):
        request_name = f" '{request.title}'" if partner.share_profile else ""
        reasons.append(f"your {offer.kind} offer '{offer.title}' answers their request{request_name}")

    their_topic_words = {w for topic in partner.topics for w in words(topic)}
    shared = [t for t in viewer.topics if (stems := set(words(t))) and stems <= their_topic_words]
    if shared:
        reasons.append(f"you both work on {_listing(shared[:MAX_TOPICS])}")

    their_sectors = {sector_key(c) for c in partner.sector_codes}
    same = [c for c in viewer.sector_codes if sector_key(c) in their_sectors]
    if same:
        reasons.append(f"same sector ({', '.join(same)})")
    else:
        their_divisions = {sector_division(c): c for c in partner.sector_codes}
        related = [(c, their_divisions[sector_division(c)]) for c in viewer.sector_codes
                   if sector_division(c) in their_divisions]
        if related:
            mine, theirs = related[0]
            reasons.append(f"related sectors (yours {mine}, theirs {theirs})")

    if partner.country in viewer.target_countries:
        reasons.append(f"they are in {country_name(partner.country)}, one of your target countries")
    if viewer.country in partner.target_countries:
        reasons.append(f"they are looking for partners in {country_name(viewer.country)}, where you are")
    if not reasons:
        reasons.append("your profiles describe related activities")
    return reasons

"""Reciprocal scoring. How well B answers A (B's offers against A's requests, shared interests, sector, whether B
is in one of A's target countries) and how well A answers B are scored separately, each in 0..1, and combined
with the harmonic mean, so a pair scores high only when both sides gain. A pair from two countries gets a mild
bonus (international partners are why people come)."""

from __future__ import annotations

from .features import Features, cosine

# Offers against requests carry the score; shared topics and sector count on both sides, so they survive the
# harmonic mean untouched and, weighed more, let look-alikes outrank complementary partners (precision@5 on the
# planted benchmark: 0.62 with 0.6/0.2/0.1/0.1, 0.83 with these; see docs/decisions/0003-matching-retrieval.md).
NEED_WEIGHT = 0.75
TOPIC_WEIGHT = 0.1
SECTOR_WEIGHT = 0.05
TARGET_WEIGHT = 0.1
SAME_COUNTRY_FACTOR = 0.95
SCALE = 1e9
MIN_SCORE = 1e-6


def sector_fit(a: Features, b: Features) -> float:
    if a.sectors & b.sectors:
        return 1.0
    if a.divisions & b.divisions:
        return 0.5
    return 0.0


def answer(need: float, topic: float, sector: float, target: float) -> float:
    """How well one side answers the other, 0..1."""
    return NEED_WEIGHT * need + TOPIC_WEIGHT * topic + SECTOR_WEIGHT * sector + TARGET_WEIGHT * target


def combine(answer_ab: float, answer_ba: float, same_country: bool) -> float:
    total = answer_ab + answer_ba
    if total <= 0:
        return 0.0
    # Written so that swapping the sides gives the very same float, and rounded the way numpy rounds in
    # bulk.py, so one-by-one and bulk ranking agree exactly.
    harmonic = 2.0 * (answer_ab * answer_ba) / total
    return round(harmonic * (SAME_COUNTRY_FACTOR if same_country else 1.0) * SCALE) / SCALE


def pair_score(a: Features, b: Features) -> float:
    """The score of a pair, the same whichever side asks."""
    topic = cosine(a.interests, b.interests)
    sector = sector_fit(a, b)
    ab = answer(cosine(a.requests, b.offers), topic, sector, float(b.country in a.targets))
    ba = answer(cosine(b.requests, a.offers), topic, sector, float(a.country in b.targets))
    return combine(ab, ba, a.country == b.country)

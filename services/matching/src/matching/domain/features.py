"""A participant's text as weighted term vectors (TF-IDF, sublinear term frequency, unit length), so that the dot
product of two vectors is their cosine similarity. Keyword fields weigh more than descriptions."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .participant import Participant, ProfileItem
from .text import words

Vector = dict[str, float]

TITLE_WEIGHT = 3.0
KEYWORD_WEIGHT = 3.0
PAIR_WEIGHT = 1.5
TOPIC_WEIGHT = 3.0
DESCRIPTION_WEIGHT = 1.0


@dataclass(frozen=True, slots=True)
class TermStatistics:
    """Document frequencies over the event's participants; frozen between full refreshes (see ``index.py``)."""

    document_frequency: dict[str, int]
    documents: int

    @classmethod
    def over(cls, bags: Iterable[Counter[str]]) -> TermStatistics:
        frequency: Counter[str] = Counter()
        count = 0
        for bag in bags:
            frequency.update(bag.keys())
            count += 1
        return cls(dict(frequency), count)

    def idf(self, term: str) -> float:
        # Smoothed; a term nobody had when the statistics were taken counts as seen once.
        return math.log((1 + self.documents) / (1 + max(self.document_frequency.get(term, 0), 1))) + 1.0


def _add_text(bag: Counter[str], text: str, weight: float, *, pairs: bool) -> None:
    stems = words(text)
    for term in stems:
        bag[term] += weight
    if pairs:
        for a, b in zip(stems, stems[1:]):
            bag[f"{a}_{b}"] += PAIR_WEIGHT


def item_bag(items: Iterable[ProfileItem]) -> Counter[str]:
    bag: Counter[str] = Counter()
    for item in items:
        _add_text(bag, item.title, TITLE_WEIGHT, pairs=True)
        for keyword in item.keywords:
            _add_text(bag, keyword, KEYWORD_WEIGHT, pairs=True)
        _add_text(bag, item.description, DESCRIPTION_WEIGHT, pairs=False)
    return bag


def interest_bag(participant: Participant) -> Counter[str]:
    bag: Counter[str] = Counter()
    for topic in participant.topics:
        _add_text(bag, topic, TOPIC_WEIGHT, pairs=True)
    _add_text(bag, participant.description, DESCRIPTION_WEIGHT, pairs=False)
    return bag


def vectorise(bag: Counter[str], statistics: TermStatistics) -> Vector:
    raw = {term: math.log1p(weight) * statistics.idf(term) for term, weight in bag.items()}
    norm = math.sqrt(sum(w * w for w in raw.values()))
    return {term: w / norm for term, w in raw.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())


def sector_key(code: str) -> str:
    """NACE codes compare without the section letter: 'C10.8' and '10.8' are the same class."""
    return re.sub(r"^[A-Za-z]+", "", code.strip()).strip(".") or code.strip().upper()


def sector_division(code: str) -> str:
    key = sector_key(code)
    digits = re.match(r"\d{2}", key)
    return digits.group(0) if digits else key


@dataclass(frozen=True, slots=True)
class Bags:
    """The raw term counts of one participant, before IDF weighting."""

    requests: Counter[str]
    offers: Counter[str]
    interests: Counter[str]

    @classmethod
    def of(cls, participant: Participant) -> Bags:
        return cls(item_bag(participant.requests), item_bag(participant.offers), interest_bag(participant))

    def all_terms(self) -> Counter[str]:
        return self.requests + self.offers + self.interests


@dataclass(frozen=True, slots=True)
class Features:
    """What scoring needs of one participant."""

    requests: Vector
    offers: Vector
    interests: Vector
    sectors: frozenset[str]
    divisions: frozenset[str]
    country: str
    targets: frozenset[str]

    @classmethod
    def of(cls, participant: Participant, bags: Bags, statistics: TermStatistics) -> Features:
        return cls(
            requests=vectorise(bags.requests, statistics),
            offers=vectorise(bags.offers, statistics),
            interests=vectorise(bags.interests, statistics),
            sectors=frozenset(sector_key(c) for c in participant.sector_codes),
            divisions=frozenset(sector_division(c) for c in participant.sector_codes),
            country=participant.country,
            targets=frozenset(participant.target_countries),
        )

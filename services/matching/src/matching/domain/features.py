"""A participant's text as weighted term vectors (TF-IDF, sublinear term frequency, unit length), so that the dot
product of two vectors is their cosine similarity. Keyword fields weigh more than descriptions."""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from functools import lru_cache
from collections.abc import Iterable
from dataclasses import dataclass, field

from .participant import Participant, ProfileItem
from .text import words

Vector = dict[str, float]

TITLE_WEIGHT = 3.0
KEYWORD_WEIGHT = 3.0
PAIR_WEIGHT = 1.5
TOPIC_WEIGHT = 3.0
DESCRIPTION_WEIGHT = 1.0
# Event stop words: a term found in more than a tenth of the profiles of a large event ('solutions', 'company',
# or 'food' at a food fair) tells nobody apart, yet it would make every pair a candidate and every scoring pass
# touch the whole event. Such terms are left out of the vectors; small events keep all their terms.
COMMON_SHARE = 0.1
COMMON_MIN_DOCUMENTS = 50


@dataclass(frozen=True, slots=True)
class TermStatistics:
    """Document frequencies over the event's participants; frozen between full refreshes (see ``index.py``)."""

    document_frequency: dict[str, int]
    documents: int
    _idf: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def over(cls, term_sets: Iterable[Iterable[str]]) -> TermStatistics:
        frequency: Counter[str] = Counter()
        count = 0
        for terms in term_sets:
            frequency.update(terms)
            count += 1
        return cls(dict(frequency), count)

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; a term nobody had when the statistics were taken counts as seen
        once. Zero for a term too common in this event to tell anyone apart (see COMMON_SHARE)."""
        try:
            return self._idf[term]
        except KeyError:
            self._idf[term] = value = self._compute_idf(term)
            return value

    def _compute_idf(self, term: str) -> float:
        frequency = self.document_frequency.get(term, 0)
        if frequency > max(COMMON_SHARE * self.documents, COMMON_MIN_DOCUMENTS):
            return 0.0
        return math.log((1 + self.documents) / (1 + max(frequency, 1))) + 1.0


@lru_cache(maxsize=100_000)
def _phrase_terms(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stemmed words of a short text (title, keyword, topic) and its word pairs. Cached, as keywords and topics
    recur across an event's profiles; descriptions, nearly all different, are not kept here a second time (``words``
    caches them). The pairs are interned, so that all vectors share one string per pair term."""
    stems = words(phrase)
    return tuple(stems), tuple(sys.intern(f"{a}_{b}") for a, b in zip(stems, stems[1:]))


def _add_text(bag: dict[str, float], text: str, weight: float, *, pairs: bool) -> None:
    if not text:
        return
    stems, joined = _phrase_terms(text) if pairs else (words(text), ())
    get = bag.get
    for term in stems:
        bag[term] = get(term, 0.0) + weight
    for term in joined:
        bag[term] = get(term, 0.0) + PAIR_WEIGHT


def item_bag(items: Iterable[ProfileItem]) -> dict[str, float]:
    """Weighted term counts of offers or requests: titles and keywords (and their word pairs) over descriptions."""
    bag: dict[str, float] = {}
    for item in items:
        _add_text(bag, item.title, TITLE_WEIGHT, pairs=True)
        for keyword in item.keywords:
            _add_text(bag, keyword, KEYWORD_WEIGHT, pairs=True)
        _add_text(bag, item.description, DESCRIPTION_WEIGHT, pairs=False)
    return bag


def interest_bag(participant: Participant) -> dict[str, float]:
    """Weighted term counts of topics (and their word pairs) and the profile description."""
    bag: dict[str, float] = {}
    for topic in participant.topics:
        _add_text(bag, topic, TOPIC_WEIGHT, pairs=True)
    _add_text(bag, participant.description, DESCRIPTION_WEIGHT, pairs=False)
    return bag


def vectorise(bag: dict[str, float], statistics: TermStatistics) -> Vector:
    """TF-IDF with sublinear term frequency, scaled to unit length."""
    idf = statistics.idf
    log1p = math.log1p
    raw = {term: value for term, weight in bag.items() if (value := log1p(weight) * idf(term)) > 0}
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


def _shared_set(values: Iterable[str]) -> frozenset[str]:
    """The values as a frozenset, the same instance for the same values: participants repeat a few combinations of
    sector codes and target countries, and a frozenset takes 216 bytes even when empty."""
    return _frozen(tuple(sorted(set(values))))


@lru_cache(maxsize=4096)
def _frozen(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(values)


@dataclass(frozen=True, slots=True)
class Bags:
    """The raw term counts of one participant, before IDF weighting."""

    requests: dict[str, float]
    offers: dict[str, float]
    interests: dict[str, float]

    @classmethod
    def of(cls, participant: Participant) -> Bags:
        return cls(item_bag(participant.requests), item_bag(participant.offers), interest_bag(participant))

    def all_terms(self) -> set[str]:
        return self.requests.keys() | self.offers.keys() | self.interests.keys()


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
            sectors=_shared_set(sector_key(c) for c in participant.sector_codes),
            divisions=_shared_set(sector_division(c) for c in participant.sector_codes),
            country=participant.country,
            targets=_shared_set(participant.target_countries),
        )

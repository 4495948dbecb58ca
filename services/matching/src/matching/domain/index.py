"""The in-memory suggestion index of one event, built in one go and kept fresh one change at a time.

Each participant keeps a ranked list of its best allowed candidates, ``depth`` deep (3 × list size). The first
``window`` of them (2 × list size) are what the shown list is drawn from; the rest is a reserve, so that losing a
candidate rarely means rescoring. Because only the window is ever read, and the window is always the exact best
``window`` candidates, the shown lists do not depend on the order in which changes arrived: after any sequence of
``upsert``/``remove`` they equal a full build over the same participants with the same term statistics.

A newcomer is scored only against participants that share at least one term with it (inverted index over the
terms of requests, offers and interests; sector codes and target countries add to a score but do not make a
candidate on their own); it enters a list only if it beats the lowest score kept there.

Exposure: a participant appears in at most ``exposure_factor`` times their fair share of shown lists. The fair
share is the list size, or more on the short side of an unbalanced event (60 Europeans wanting 10 partners each
among 30 Latin-Americans give each Latin-American a share of 20): the list slots that flow to a side divided by
that side's wanted candidates. When more lists want someone, the lists where the pair scores highest keep them and
the others move on to their next candidate. This one rule, checked per candidate, keeps popular participants from
drowning everyone else while leaving strong pairs intact. Like term statistics, the caps are computed by a full
build and kept until the next.

Term statistics (IDF) are frozen between full refreshes: a newcomer's words are weighted with the statistics of
the last build, and a word nobody had counts as seen once. One newcomer shifts IDF negligibly in a large event;
call :meth:`SuggestionIndex.refresh` periodically (e.g. nightly, or after the event grew by a tenth) to recompute
them. A policy change needs :meth:`SuggestionIndex.replace_policy`, which rebuilds everything.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from .bulk import rank_everyone
from .features import Bags, Features, TermStatistics
from .participant import Participant
from .policy import MatchContext, Policy, may_meet, pair
from .ranked import Ranked
from .reasons import explain
from .scoring import MIN_SCORE, answer, combine


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One candidate partner for a participant: the partner, the pair's score (0..1) and why, in words."""

    partner_id: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Shown:
    """A shown list: partner ids best first, their scores in an array beside them (as (id, score) tuples of float
    objects the shown lists took three times the memory)."""

    partners: tuple[str, ...]
    scores: array

    def entries(self, stop: int | None = None) -> list[tuple[str, float]]:
        """(partner id, score), best first; the first ``stop`` of them."""
        return list(zip(self.partners[:stop], self.scores[:stop]))


NOTHING_SHOWN = Shown((), array("d"))


class SuggestionIndex:
    """Suggestions for every participant of one event. Not thread-safe: one event is handled by one consumer."""

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        list_size: int = 10,
        exposure_factor: float = 1.5,
        exposure_caps: dict[str | None, int] | None = None,
        declined: Iterable[tuple[str, str]] = (),
        accepted_counts: dict[str, int] | None = None,
    ) -> None:
        if list_size < 1:
            raise ValueError("list_size must be at least 1")
        self.list_size = list_size
        self.window = 2 * list_size
        self.depth = 3 * list_size
        self.exposure_factor = exposure_factor
        self._fixed_caps = exposure_caps
        self.exposure_caps: dict[str | None, int] = dict(exposure_caps or {})
        self._declined: set[frozenset[str]] = {pair(a, b) for a, b in declined}
        self._accepted: dict[str, int] = dict(accepted_counts or {})
        self._context = MatchContext(policy or Policy(), self._declined, self._accepted)
        self.statistics = TermStatistics({}, 0)
        self._reset()

    def _reset(self) -> None:
        self._participants: dict[str, Participant] = {}
        self._features: dict[str, Features] = {}
        self._by_request: dict[str, dict[str, float]] = {}
        self._by_offer: dict[str, dict[str, float]] = {}
        self._by_interest: dict[str, dict[str, float]] = {}
        self._by_division: dict[str, set[str]] = {}
        self._by_sector: dict[str, set[str]] = {}
        self._ranked: dict[str, Ranked] = {}
        self._exhaustive: dict[str, bool] = {}
        # Whose ranked list holds each participant. Lists, not sets: a set of 30 ids took 2 kB, a list takes 300 B.
        self._holders: dict[str, list[str]] = {}
        # Whose window holds each participant, best score first (the first ``cap`` of them are the admitted lists).
        self._admirers: dict[str, Ranked] = {}
        self._admitted: dict[str, frozenset[str] | None] = {}
        self._shown: dict[str, Shown] = {}
        self._dirty: set[str] = set()
        self._touched: set[str] = set()

    # --- reading ---------------------------------------------------------------------------------------------------

    @property
    def context(self) -> MatchContext:
        return self._context

    @property
    def participant_ids(self) -> list[str]:
        return list(self._participants)

    def participant(self, participant_id: str) -> Participant | None:
        return self._participants.get(participant_id)

    def suggestions_for(self, participant_id: str, k: int | None = None) -> list[Suggestion]:
        """The participant's list, best first, at most ``k`` (default: the list size) long; empty if unknown."""
        viewer = self._participants.get(participant_id)
        if viewer is None:
            return []
        shown = self._shown.get(participant_id, NOTHING_SHOWN).entries(self.list_size if k is None else k)
        return [
            Suggestion(partner, score, tuple(explain(viewer, self._participants[partner], self.statistics)))
            for partner, score in shown
        ]

    def lists_showing(self, participant_id: str) -> set[str]:
        """The participants whose shown list holds ``participant_id``."""
        return {holder for holder, shown in self._shown.items() if participant_id in shown.partners}

    def ranking(self, participant_id: str) -> list[tuple[str, float]]:
        """The participant's list as (partner id, score), best first, without reasons (cheap)."""
        return self._shown.get(participant_id, NOTHING_SHOWN).entries()

    def ranked_ids(self, participant_id: str) -> list[str]:
        """Partner ids of the participant's list, best first (cheap)."""
        return list(self._shown.get(participant_id, NOTHING_SHOWN).partners)

    def appearances(self) -> dict[str, int]:
        """How many shown lists each participant appears in (every participant, zeros included)."""
        counts = dict.fromkeys(self._participants, 0)
        for shown in self._shown.values():
            for partner in shown.partners:
                counts[partner] += 1
        return counts

    def may_meet(self, a: str, b: str) -> str | None:
        """Whether the policy lets the two participants meet: None, or the reason why not."""
        for pid in (a, b):
            if pid not in self._participants:
                return f"participant {pid} is not registered for this event"
        return may_meet(self._participants[a], self._participants[b], self._context)

    # --- building --------------------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        participants: Iterable[Participant],
        policy: Policy | None = None,
        *,
        statistics: TermStatistics | None = None,
        **options: object,
    ) -> SuggestionIndex:
        """An index over ``participants`` in one go (term statistics computed over them unless given)."""
        index = cls(policy, **options)  # type: ignore[arg-type]
        index._build(list(participants), statistics)
        return index

    def _build(self, participants: list[Participant], statistics: TermStatistics | None) -> None:
        self._reset()
        unique = {p.participant_id: p for p in participants}
        # The word bags are needed only to weigh terms and vectorise: kept, they were the largest part of the index.
        bags = {pid: Bags.of(p) for pid, p in unique.items()}
        self._participants.update(unique)
        self.statistics = statistics or TermStatistics.over(b.all_terms() for b in bags.values())
        for pid in self._participants:
            self._index_features(pid, bags.pop(pid))
        people = list(self._participants.values())
        features = [self._features[p.participant_id] for p in people]
        ranked = rank_everyone(people, features, self._context, [True] * len(people), self.depth)
        for p, (candidates, exhaustive) in zip(people, ranked):
            self._ranked[p.participant_id] = candidates
            self._exhaustive[p.participant_id] = exhaustive
            self._holders.setdefault(p.participant_id, [])
        admirers: dict[str, dict[str, float]] = {}
        for pid, candidates in self._ranked.items():
            for position, (partner, score) in enumerate(candidates.entries()):
                self._holders.setdefault(partner, []).append(pid)
                if position < self.window:
                    admirers.setdefault(partner, {})[pid] = score
        self._admirers = {pid: Ranked.best(scores, len(scores)) for pid, scores in admirers.items()}
        self.exposure_caps = dict(self._fixed_caps) if self._fixed_caps is not None else self._fair_caps()
        for pid in self._participants:
            self._admitted[pid] = self._admitted_set(pid)
        for pid in self._participants:
            self._shown[pid] = self._display(pid)

    def _fair_caps(self) -> dict[str | None, int]:
        """Per side: ``exposure_factor`` × the larger of the list size and the side's mean share of list slots."""
        if math.isinf(self.exposure_factor):
            return {}
        slots: dict[str | None, float] = {}
        wanted: dict[str | None, int] = {}
        policy = self._context.policy
        side_of = {pid: policy.side_of(p) for pid, p in self._participants.items()}
        for ranked in self._ranked.values():
            window = ranked.ids[: self.window]
            for other in window:
                side = side_of[other]
                slots[side] = slots.get(side, 0.0) + min(self.list_size, len(window)) / len(window)
        for pid, admirers in self._admirers.items():
            if admirers:
                wanted[side_of[pid]] = wanted.get(side_of[pid], 0) + 1
        caps = {side: math.ceil(self.exposure_factor * max(self.list_size, slots[side] / wanted[side]))
                for side in wanted}
        caps[None] = caps.get(None, math.ceil(self.exposure_factor * self.list_size))
        return caps

    def exposure_cap(self, participant_id: str) -> int | None:
        """The most lists the participant may appear in; None when unlimited."""
        if math.isinf(self.exposure_factor) and self._fixed_caps is None:
            return None
        side = self._context.policy.side_of(self._participants[participant_id])
        return self.exposure_caps.get(side, self.exposure_caps.get(None))

    def refresh(self) -> set[str]:
        """Recompute term statistics over the current participants and rebuild; the ids whose lists changed."""
        return self._rebuild(self._context.policy, None)

    def replace_policy(self, policy: Policy) -> set[str]:
        """The event's policy changed: rebuild everything under the new one; the ids whose lists changed."""
        return self._rebuild(policy, None)

    def _rebuild(self, policy: Policy, statistics: TermStatistics | None) -> set[str]:
        before = dict(self._shown)
        self._context = MatchContext(policy, self._declined, self._accepted)
        self._build(list(self._participants.values()), statistics)
        return {
            pid for pid in set(before) | set(self._shown)
            if before.get(pid, NOTHING_SHOWN) != self._shown.get(pid, NOTHING_SHOWN)
        }

    # --- changing --------------------------------------------------------------------------------------------------

    def upsert(self, participant: Participant) -> set[str]:
        """Add a participant or replace their registration; the ids of every list that changed (theirs included)."""
        pid = participant.participant_id
        if self._participants.get(pid) == participant:
            return set()
        if pid in self._participants:
            self._detach(pid)
            self._unindex(pid)
        self._participants[pid] = participant
        self._index_features(pid, Bags.of(participant))
        self._attach(pid)
        return self._settle()

    def remove(self, participant_id: str) -> set[str]:
        """Forget a participant (withdrawn or erased); the ids of the other lists that changed."""
        if participant_id not in self._participants:
            return set()
        self._detach(participant_id)
        self._unindex(participant_id)
        del self._participants[participant_id]
        self._shown.pop(participant_id, None)
        self._accepted.pop(participant_id, None)
        return self._settle() - {participant_id}

    def record_decline(self, a: str, b: str) -> set[str]:
        """A meeting between ``a`` and ``b`` was declined: never suggest the pair again. The lists that changed."""
        self._declined.add(pair(a, b))
        for holder, partner in ((a, b), (b, a)):
            if holder in self._ranked and partner in self._holders and holder in self._holders[partner]:
                self._delete(holder, partner)
        return self._settle()

    def record_accepted_count(self, participant_id: str, count: int) -> set[str]:
        """The participant now has ``count`` accepted matches; at their cap they leave every list, below it they
        come back. The lists that changed."""
        person = self._participants.get(participant_id)
        was_at_cap = person is not None and self._context.at_cap(person)
        self._accepted[participant_id] = count
        if person is None or was_at_cap == self._context.at_cap(person):
            return set()
        self._detach(participant_id)
        self._attach(participant_id)
        return self._settle()

    # --- the inverted index ------------------------------------------------------------------------------------------

    def _index_features(self, pid: str, bags: Bags) -> None:
        features = Features.of(self._participants[pid], bags, self.statistics)
        self._features[pid] = features
        for vector, postings in (
            (features.requests, self._by_request),
            (features.offers, self._by_offer),
            (features.interests, self._by_interest),
        ):
            for term, weight in vector.items():
                postings.setdefault(term, {})[pid] = weight
        for code in features.sectors:
            self._by_sector.setdefault(code, set()).add(pid)
        for division in features.divisions:
            self._by_division.setdefault(division, set()).add(pid)

    def _unindex(self, pid: str) -> None:
        features = self._features.pop(pid)
        for vector, postings in (
            (features.requests, self._by_request),
            (features.offers, self._by_offer),
            (features.interests, self._by_interest),
        ):
            for term in vector:
                postings[term].pop(pid, None)
                if not postings[term]:
                    del postings[term]
        for code, table in [(c, self._by_sector) for c in features.sectors] + [
            (d, self._by_division) for d in features.divisions
        ]:
            table[code].discard(pid)
            if not table[code]:
                del table[code]

    def _candidates(self, pid: str) -> dict[str, float]:
        """Every allowed partner sharing at least one term with ``pid``, with the pair's score."""
        me = self._participants[pid]
        mine = self._features[pid]
        context = self._context
        # Participants of the countries the sides rule out are passed over before scoring (may_meet refuses them).
        reachable: frozenset[str] | None = None
        if context.policy.sides:
            own_side = context.policy.side_of(me)
            if own_side is None:
                return {}
            reachable = context.policy.countries_meeting(own_side)
        sums: list[dict[str, float]] = []
        for vector, postings in (
            (mine.requests, self._by_offer),
            (mine.offers, self._by_request),
            (mine.interests, self._by_interest),
        ):
            acc: dict[str, float] = {}
            get = acc.get
            for term, weight in vector.items():
                for other, other_weight in postings.get(term, {}).items():
                    acc[other] = get(other, 0.0) + weight * other_weight
            sums.append(acc)
        need_ab, need_ba, topic = sums
        exact: set[str] = set().union(*(self._by_sector.get(c, ()) for c in mine.sectors))
        related: set[str] = set().union(*(self._by_division.get(d, ()) for d in mine.divisions))
        scores: dict[str, float] = {}
        for other in need_ab.keys() | need_ba.keys() | topic.keys():
            if other == pid or other not in self._ranked:
                continue
            them = self._features[other]
            if reachable is not None and them.country not in reachable:
                continue
            shared_topic = topic.get(other, 0.0)
            sector = 1.0 if other in exact else 0.5 if other in related else 0.0
            score = combine(
                answer(need_ab.get(other, 0.0), shared_topic, sector, float(them.country in mine.targets)),
                answer(need_ba.get(other, 0.0), shared_topic, sector, float(mine.country in them.targets)),
                mine.country == them.country,
            )
            if score > MIN_SCORE and may_meet(me, self._participants[other], context) is None:
                scores[other] = score
        return scores

    # --- ranked lists, windows and exposure --------------------------------------------------------------------------

    def _enter_window(self, holder: str, partner: str, score: float) -> None:
        self._admirers.setdefault(partner, Ranked([], [])).add(holder, score)
        self._touched.add(partner)
        self._dirty.add(holder)

    def _leave_window(self, holder: str, partner: str) -> None:
        admirers = self._admirers.get(partner)
        if admirers is not None:
            admirers.discard(holder)
        self._touched.add(partner)
        self._dirty.add(holder)

    def _attach(self, pid: str) -> None:
        candidates = self._candidates(pid) if not self._context.at_cap(self._participants[pid]) else {}
        ranked = Ranked.best(candidates, self.depth)
        self._ranked[pid] = ranked
        self._exhaustive[pid] = len(candidates) <= self.depth
        self._holders.setdefault(pid, [])
        self._dirty.add(pid)
        for position, (other, score) in enumerate(ranked.entries()):
            self._holders.setdefault(other, []).append(pid)
            if position < self.window:
                self._enter_window(pid, other, score)
        for other, score in candidates.items():
            self._insert(other, pid, score)

    def _detach(self, pid: str) -> None:
        ranked = self._ranked.pop(pid)
        del self._exhaustive[pid]
        for position, other in enumerate(ranked.ids):
            self._holders[other].remove(pid)
            if position < self.window:
                self._leave_window(pid, other)
        for holder in list(self._holders.get(pid, ())):
            if holder in self._ranked and holder in self._holders[pid]:
                self._delete(holder, pid)
        self._holders.pop(pid, None)
        self._admirers.pop(pid, None)
        self._admitted.pop(pid, None)
        self._touched.discard(pid)

    def _insert(self, holder: str, newcomer: str, score: float) -> None:
        ranked = self._ranked[holder]
        position = ranked.place(newcomer, score)
        if position == len(ranked) and (len(ranked) >= self.depth or not self._exhaustive[holder]):
            self._exhaustive[holder] = False
            return
        ranked.insert(position, newcomer, score)
        self._holders[newcomer].append(holder)
        if position < self.window:
            self._enter_window(holder, newcomer, score)
            if len(ranked) > self.window:
                self._leave_window(holder, ranked.ids[self.window])
        if len(ranked) > self.depth:
            dropped = ranked.pop()
            self._holders[dropped].remove(holder)
            self._exhaustive[holder] = False

    def _delete(self, holder: str, partner: str) -> None:
        ranked = self._ranked[holder]
        position = ranked.ids.index(partner)
        ranked.delete(position)
        self._holders[partner].remove(holder)
        if position < self.window:
            self._leave_window(holder, partner)
            if len(ranked) >= self.window:
                self._enter_window(holder, ranked.ids[self.window - 1], ranked.score(self.window - 1))
        if len(ranked) < self.window and not self._exhaustive[holder]:
            self._refill(holder)

    def _refill(self, holder: str) -> None:
        """Rescore a list that lost too much of its reserve."""
        candidates = self._candidates(holder)
        fresh = Ranked.best(candidates, self.depth)
        old = self._ranked[holder]
        old_window = dict(old.entries(self.window))
        new_window = dict(fresh.entries(self.window))
        for other in old_window.keys() - new_window.keys():
            self._leave_window(holder, other)
        for other, score in new_window.items():
            if old_window.get(other) != score:
                if other in old_window:
                    self._leave_window(holder, other)
                self._enter_window(holder, other, score)
        for other in old.ids:
            self._holders[other].remove(holder)
        for other in fresh.ids:
            self._holders[other].append(holder)
        self._ranked[holder] = fresh
        self._exhaustive[holder] = len(candidates) <= self.depth
        self._dirty.add(holder)

    def _admitted_set(self, pid: str) -> frozenset[str] | None:
        """The lists allowed to show ``pid``: None for all of them, or the capped number where it fits best."""
        admirers = self._admirers.get(pid)
        cap = self.exposure_cap(pid)
        if admirers is None or cap is None or len(admirers) <= cap:
            return None
        return frozenset(admirers.ids[:cap])

    def _display(self, pid: str) -> Shown:
        partners: list[str] = []
        scores: list[float] = []
        ranked = self._ranked.get(pid)
        for other, score in ranked.entries(self.window) if ranked is not None else ():
            admitted = self._admitted.get(other)
            if admitted is None or pid in admitted:
                partners.append(other)
                scores.append(score)
                if len(partners) == self.list_size:
                    break
        return Shown(tuple(partners), array("d", scores)) if partners else NOTHING_SHOWN

    def _settle(self) -> set[str]:
        """Bring exposure decisions and shown lists up to date; the ids whose shown list changed."""
        for pid in self._touched:
            if pid not in self._participants or pid not in self._ranked:
                continue
            old, new = self._admitted.get(pid), self._admitted_set(pid)
            if old == new:
                continue
            self._admitted[pid] = new
            admirers = self._admirers.get(pid)
            for holder in admirers.ids if admirers is not None else ():
                if (old is None or holder in old) != (new is None or holder in new):
                    self._dirty.add(holder)
        self._touched.clear()
        changed = set()
        for pid in self._dirty:
            if pid not in self._participants:
                continue
            shown = self._display(pid)
            if shown != self._shown.get(pid, NOTHING_SHOWN):
                changed.add(pid)
            self._shown[pid] = shown
        self._dirty.clear()
        return changed

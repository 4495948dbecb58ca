"""Publishing changed suggestion lists: each list gets a growing version and is announced in full.

A registration changes the lists of everyone who now sees the newcomer, and a burst of registrations (an import of
hundreds) changes many of the same lists again and again. Registrations therefore only note the lists they change;
the lists are computed, stored and announced once when the consumer's batch is handled, before its offsets are
committed. Everything else publishes at once. One event's lists are published by one task at a time, so an older
version is never announced after a newer one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contracts.envelope import Envelope
from contracts.matching import Suggestion, SuggestionsUpdated
from contracts.topics import MATCHES
from servicekit.keyed_locks import KeyedLocks
from servicekit.outbox import caused_by

from ..domain.index import SuggestionIndex
from .links import LinkMaker
from .ports import SuggestionStore

PRODUCER = "matching"


@dataclass
class _Owed:
    index: SuggestionIndex
    cause: Envelope
    lists: dict[str, int] = field(default_factory=dict)  # participant id -> when it was noted (a running count)


class ListPublisher:
    def __init__(self, store: SuggestionStore, links: LinkMaker) -> None:
        self._store, self._links = store, links
        self._owed: dict[str, _Owed] = {}
        self._noted = 0
        self._events = KeyedLocks()

    def later(self, index: SuggestionIndex, event_id: str, changed: set[str], cause: Envelope) -> None:
        """Note lists to publish when the batch is handled (:meth:`owed_lists`)."""
        owed = self._owed.setdefault(event_id, _Owed(index, cause))
        owed.index, owed.cause = index, cause
        for participant_id in changed:
            self._noted += 1
            owed.lists[participant_id] = self._noted

    async def now(self, index: SuggestionIndex, event_id: str, changed: set[str], cause: Envelope) -> int:
        async with self._events.hold(event_id):
            return await self._publish(index, event_id, changed, cause)

    async def owed_lists(self) -> int:
        """Publish every noted list. A list noted again while it was being published stays noted."""
        published = 0
        for event_id in list(self._owed):
            async with self._events.hold(event_id):
                owed = self._owed.get(event_id)
                if owed is None:
                    continue
                taken = dict(owed.lists)
                published += await self._publish(owed.index, event_id, set(taken), owed.cause)
                for participant_id, noted in taken.items():
                    if owed.lists.get(participant_id) == noted:
                        del owed.lists[participant_id]
                if not owed.lists and self._owed.get(event_id) is owed:
                    del self._owed[event_id]
        return published

    async def _publish(self, index: SuggestionIndex, event_id: str, changed: set[str], cause: Envelope) -> int:
        lists = []
        for participant_id in sorted(changed):
            if index.participant(participant_id) is None:
                continue
            items = [
                Suggestion(
                    partner_id=s.partner_id, score=round(min(max(s.score, 0.0), 1.0), 4), reasons=s.reasons,
                    request_url=self._links.url(event_id, "request", participant_id, s.partner_id),
                )
                for s in index.suggestions_for(participant_id)
            ]

            def messages_for(version: int, pid: str = participant_id, items: list[Suggestion] = items):
                payload = SuggestionsUpdated(participant_id=pid, suggestions=tuple(items), list_version=version)
                return [caused_by(cause, MATCHES, payload, producer=PRODUCER, role=f"{pid}/{version}")]

            lists.append((participant_id, messages_for))
        await self._store.save_many(event_id, lists)
        return len(lists)

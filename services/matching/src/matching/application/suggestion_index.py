"""The in-memory suggestion index of each event, built from the stores on first use.

The inbox (servicekit) handles one event's messages one at a time, so one handler at a time reads or changes an
event's index, whatever topic its message came on; the lists a batch's registrations changed are read from it at
the end of the batch (``ListPublisher``), between handlers, whose every change of the index is one synchronous step.
A replica that takes over an event builds the index from the stored profiles and decisions; one replica reads all of
an event's topics, and a replica that gives up partitions forgets its indexes (``ServiceRuntime.keeps_event_state``).
"""

from __future__ import annotations

from collections import Counter

from ..domain.index import SuggestionIndex
from ..domain.match import MatchState
from ..profile_mapping import participant_from_registration, policy_from_event
from .ports import EventStore, MatchStore, ProfileStore

LIST_SIZE = 10


class Indexes:
    def __init__(self, events: EventStore, profiles: ProfileStore, matches: MatchStore) -> None:
        self._events, self._profiles, self._matches = events, profiles, matches
        self._by_event: dict[str, SuggestionIndex] = {}

    def cached(self, event_id: str) -> SuggestionIndex | None:
        return self._by_event.get(event_id)

    async def of(self, event_id: str) -> SuggestionIndex | None:
        index = self._by_event.get(event_id)
        if index is not None:
            return index
        event = await self._events.get(event_id)
        if event is None:
            return None
        matches = await self._matches.of_event(event_id)
        declined = [(m.requester, m.recipient) for m in matches if m.state is MatchState.DECLINED]
        accepted: Counter[str] = Counter()
        for m in matches:
            if m.state is MatchState.ACCEPTED:
                accepted.update((m.requester, m.recipient))
        people = [participant_from_registration(pid, reg) for pid, reg in await self._profiles.active_of(event_id)]
        index = SuggestionIndex.build(
            people, policy_from_event(event), list_size=LIST_SIZE, declined=declined, accepted_counts=dict(accepted)
        )
        self._by_event[event_id] = index
        return index

    def forget_all(self) -> None:
        """Drop every index: this replica gave up partitions, and another may change what they carry meanwhile."""
        self._by_event.clear()

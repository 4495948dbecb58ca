"""Publishing changed suggestion lists: each list gets a growing version and is announced in full."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.matching import Suggestion, SuggestionsUpdated
from contracts.topics import MATCHES
from servicekit.outbox import caused_by

from ..domain.index import SuggestionIndex
from .links import LinkMaker
from .ports import SuggestionStore

PRODUCER = "matching"


async def publish_lists(
    index: SuggestionIndex, event_id: str, changed: set[str], cause: Envelope, store: SuggestionStore, links: LinkMaker
) -> int:
    lists = []
    for participant_id in sorted(changed):
        if index.participant(participant_id) is None:
            continue
        items = [
            Suggestion(
                partner_id=s.partner_id, score=round(min(max(s.score, 0.0), 1.0), 4), reasons=s.reasons,
                request_url=links.url(event_id, "request", participant_id, s.partner_id),
            )
            for s in index.suggestions_for(participant_id)
        ]

        def messages_for(version: int, pid: str = participant_id, items: list[Suggestion] = items):
            payload = SuggestionsUpdated(participant_id=pid, suggestions=tuple(items), list_version=version)
            return [caused_by(cause, MATCHES, payload, producer=PRODUCER, role=f"{pid}/{version}")]

        lists.append((participant_id, messages_for))
    await store.save_many(event_id, lists)
    return len(lists)

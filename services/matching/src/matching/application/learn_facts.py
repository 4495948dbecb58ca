"""Use cases: matching learns events and participants; every list a change touches is published again."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.events import EventDetails
from contracts.matching import MatchCancelled
from contracts.registrations import Registration
from contracts.topics import MATCHES
from servicekit.outbox import caused_by
from servicekit.parking import WaitFor

from ..domain.match import Happened, withdraw_everything
from ..profile_mapping import participant_from_registration, policy_from_event
from .match_ids import match_id_for
from .ports import EventStore, MatchStore, ProfileStore, SuggestionStore
from .publish_lists import PRODUCER, ListPublisher
from .suggestion_index import Indexes


async def learn_event(
    event: EventDetails, cause: Envelope, events: EventStore, indexes: Indexes, lists: ListPublisher
) -> list[str]:
    await events.save(event)
    index = indexes.cached(event.event_id)
    if index is not None:
        changed = index.replace_policy(policy_from_event(event))
        await lists.now(index, event.event_id, changed, cause)
    return [f"event:{event.event_id}"]


async def learn_participant(
    participant_id: str, registration: Registration, cause: Envelope, profiles: ProfileStore, indexes: Indexes,
    lists: ListPublisher,
) -> list[str]:
    index = await indexes.of(cause.event_id)
    if index is None:
        raise WaitFor(f"event:{cause.event_id}", reason=f"event {cause.event_id} is not known to matching yet")
    handled_before = await profiles.save(cause.event_id, participant_id, registration, str(cause.message_id))
    changed = index.upsert(participant_from_registration(participant_id, registration))
    if not changed and handled_before:
        # This message was handled up to here before and its batch never committed (a crash, or a retry): the index
        # has the participant already, but the lists they changed may never have been announced.
        changed = {participant_id} | index.lists_showing(participant_id)
    lists.later(index, cause.event_id, changed, cause)  # announced once for the whole batch
    return [f"participant:{participant_id}"]


async def participant_leaves(
    participant_id: str, cause: Envelope, *, erase: bool, profiles: ProfileStore, matches: MatchStore,
    indexes: Indexes, suggestions: SuggestionStore, lists: ListPublisher,
) -> None:
    """A withdrawn or erased participant leaves every list; their open and accepted matches are cancelled."""
    await profiles.deactivate(participant_id, erase)
    for match in await matches.involving(cause.event_id, participant_id):
        decided = withdraw_everything(match, participant_id)
        if decided.happened is Happened.CANCELLED:
            match_id = match_id_for(cause.event_id, match)
            fact = MatchCancelled(
                match_id=match_id, participant_a=match.requester, participant_b=match.recipient, cancelled_by="system",
                reason="a participant withdrew from the event",
            )
            await matches.save(cause.event_id, decided.match, [caused_by(cause, MATCHES, fact, producer=PRODUCER, role=match_id)])
    if erase:
        await matches.forget_notes(participant_id)
        await suggestions.forget(participant_id)
    index = await indexes.of(cause.event_id)
    if index is not None:
        changed = index.remove(participant_id)
        await lists.now(index, cause.event_id, changed, cause)

"""Thin subscribers of the matching service."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.events import EventPublished, EventUpdated
from contracts.matching import MatchDecisionSubmitted
from contracts.registrations import ParticipantErased, ParticipantRegistered, ParticipantUpdated, ParticipantWithdrawn
from contracts.topics import EVENTS, MATCH_DECISIONS_INBOUND, REGISTRATIONS
from servicekit.service import ServiceRuntime

from ..application.decide import decide
from ..application.learn_facts import learn_event, learn_participant, participant_leaves
from ..application.links import LinkMaker
from ..application.ports import EventStore, MatchStore, ProfileStore, RefusalLog, SuggestionStore
from ..application.publish_lists import ListPublisher
from ..application.suggestion_index import Indexes


def register_consumers(
    runtime: ServiceRuntime, *, events: EventStore, profiles: ProfileStore, matches: MatchStore,
    suggestions: SuggestionStore, refusals: RefusalLog, indexes: Indexes, links: LinkMaker,
) -> None:
    lists = ListPublisher(suggestions, links)
    # The index of an event learns from all three topics: one replica reads all of an event's messages.
    runtime.keeps_event_state(indexes.forget_all)
    runtime.keeps_event_state(matches.forget_copies)
    # Lists noted by registrations are announced once per batch, before the batch's offsets are committed.
    runtime.after_batch(lists.owed_lists)

    async def on_event(envelope: Envelope, message: EventPublished | EventUpdated) -> list[str]:
        return await learn_event(message.event, envelope, events, indexes, lists)

    async def on_participant(envelope: Envelope, message: ParticipantRegistered | ParticipantUpdated) -> list[str]:
        return await learn_participant(message.participant_id, message.registration, envelope, profiles, indexes, lists)

    async def on_withdrawn(envelope: Envelope, message: ParticipantWithdrawn) -> None:
        await participant_leaves(message.participant_id, envelope, erase=False, profiles=profiles, matches=matches,
                                 indexes=indexes, suggestions=suggestions, lists=lists)

    async def on_erased(envelope: Envelope, message: ParticipantErased) -> None:
        await participant_leaves(message.participant_id, envelope, erase=True, profiles=profiles, matches=matches,
                                 indexes=indexes, suggestions=suggestions, lists=lists)

    async def on_decision(envelope: Envelope, decision: MatchDecisionSubmitted) -> None:
        await decide(decision, envelope, indexes=indexes, profiles=profiles, matches=matches, lists=lists,
                     refusals=refusals, links=links)

    runtime.consume(EVENTS, {EventPublished: on_event, EventUpdated: on_event})
    runtime.consume(REGISTRATIONS, {
        ParticipantRegistered: on_participant, ParticipantUpdated: on_participant,
        ParticipantWithdrawn: on_withdrawn, ParticipantErased: on_erased,
    })
    runtime.consume(MATCH_DECISIONS_INBOUND, {MatchDecisionSubmitted: on_decision})

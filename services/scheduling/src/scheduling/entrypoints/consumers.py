"""Thin subscribers: each message becomes one use case on the event's schedule book."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.events import EventPublished, EventUpdated
from contracts.matching import MatchAccepted, MatchCancelled
from contracts.operator import OptimiseSchedule
from contracts.registrations import ParticipantErased, ParticipantRegistered, ParticipantUpdated, ParticipantWithdrawn
from contracts.topics import EVENTS, MATCHES, OPERATOR_COMMANDS, REGISTRATIONS
from servicekit.service import ServiceRuntime

from ..application.accept_match import accept_match
from ..application.book import empty_state
from ..application.cancel_meetings import cancel_match, participant_leaves
from ..application.desk import Desk
from ..application.learn_facts import learn_event, learn_participant
from ..application.optimise import optimise


def register_consumers(runtime: ServiceRuntime, desk: Desk) -> None:
    async def on_event(envelope: Envelope, message: EventPublished | EventUpdated) -> list[str]:
        event = message.event
        if await desk.book(event.event_id) is None:
            await desk.create(event.event_id, empty_state(event), [])
        else:
            await desk.change(event.event_id, lambda book: learn_event(book, event, envelope))
        return [f"event:{event.event_id}"]

    async def on_participant(envelope: Envelope, message: ParticipantRegistered | ParticipantUpdated) -> list[str]:
        data = message.model_dump(mode="json")
        await desk.change(envelope.event_id, lambda book: learn_participant(book, data, envelope))
        return [f"participant:{message.participant_id}"]

    async def on_withdrawn(envelope: Envelope, message: ParticipantWithdrawn) -> None:
        await desk.change(envelope.event_id, lambda book: participant_leaves(book, message.participant_id, envelope, erase=False))

    async def on_erased(envelope: Envelope, message: ParticipantErased) -> None:
        await desk.change(
            envelope.event_id, lambda book: participant_leaves(book, message.participant_id, envelope, erase=True),
            forget_history=True,
        )

    async def on_accepted(envelope: Envelope, message: MatchAccepted) -> None:
        await desk.change(envelope.event_id, lambda book: accept_match(book, message, envelope))

    async def on_cancelled(envelope: Envelope, message: MatchCancelled) -> None:
        await desk.change(envelope.event_id, lambda book: cancel_match(book, message.match_id, envelope, message.reason))

    async def on_optimise(envelope: Envelope, command: OptimiseSchedule) -> None:
        await desk.change(envelope.event_id, lambda book: optimise(book, command, envelope))

    runtime.consume(EVENTS, {EventPublished: on_event, EventUpdated: on_event})
    runtime.consume(REGISTRATIONS, {
        ParticipantRegistered: on_participant, ParticipantUpdated: on_participant,
        ParticipantWithdrawn: on_withdrawn, ParticipantErased: on_erased,
    })
    runtime.consume(MATCHES, {MatchAccepted: on_accepted, MatchCancelled: on_cancelled})
    runtime.consume(OPERATOR_COMMANDS, {OptimiseSchedule: on_optimise})

"""Thin subscribers: what notifications learns from each topic, and which changes it notes for e-mail."""

from __future__ import annotations

import datetime as dt

from contracts.envelope import Envelope
from contracts.events import EventPublished, EventUpdated
from contracts.matching import MatchRequested, SuggestionsUpdated
from contracts.operator import SendAgendas
from contracts.registrations import ParticipantErased, ParticipantRegistered, ParticipantUpdated, ParticipantWithdrawn
from contracts.schedule import MeetingCancelled, MeetingRescheduled, MeetingScheduled, MeetingUnplaceable
from contracts.topics import EVENTS, MATCHES, OPERATOR_COMMANDS, REGISTRATIONS, SCHEDULE
from servicekit.inbox import by_field
from servicekit.service import ServiceRuntime

from ..adapters.mongo import MongoDeliveries, MongoDirectory, MongoPendingChanges
from ..application.due_queue import DueQueue
from ..application.take_note import learn_event, learn_participant, note_agenda, note_change
from ..domain import Pace


def register_consumers(
    runtime: ServiceRuntime, directory: MongoDirectory,
    pending: MongoPendingChanges, deliveries: MongoDeliveries, due: DueQueue, pace: Pace,
) -> None:
    async def on_event(envelope: Envelope, message: EventPublished | EventUpdated) -> list[str]:
        return await learn_event(message.event.model_dump(mode="json"), directory)

    async def on_registered(envelope: Envelope, message: ParticipantRegistered) -> list[str]:
        released = await learn_participant(message.model_dump(mode="json"), envelope.event_id, directory)
        await on_change(envelope, message)
        return released

    async def on_updated(envelope: Envelope, message: ParticipantUpdated) -> list[str]:
        return await learn_participant(message.model_dump(mode="json"), envelope.event_id, directory)

    async def on_withdrawn(envelope: Envelope, message: ParticipantWithdrawn) -> None:
        await directory.deactivate_recipient(message.participant_id)
        await pending.forget(message.participant_id)

    async def on_erased(envelope: Envelope, message: ParticipantErased) -> None:
        await directory.erase_recipient(message.participant_id, envelope.event_id)
        await pending.forget(message.participant_id)
        await deliveries.forget(message.participant_id)

    async def on_change(envelope: Envelope, message) -> None:
        await note_change(
            envelope.type, message.model_dump(mode="json"), event_id=envelope.event_id,
            message_id=str(envelope.message_id), occurred_at=envelope.occurred_at, directory=directory,
            pending=pending, now=dt.datetime.now(dt.UTC), pace=pace, due=due,
        )

    async def on_send_agendas(envelope: Envelope, command: SendAgendas) -> None:
        await note_agenda(
            envelope.event_id, command.participant_id, message_id=str(envelope.message_id),
            now=dt.datetime.now(dt.UTC), directory=directory, pending=pending, due=due,
        )

    runtime.consume(EVENTS, {EventPublished: on_event, EventUpdated: on_event})
    # What notifications keeps per event is read-only here (the event's name and grid): one person's, one list
    # owner's and one match's messages go in order, the rest of an event's side by side. Every write is to one
    # person's or one meeting's document; a person's pending changes are locked by the store.
    runtime.consume(REGISTRATIONS, {
        ParticipantRegistered: on_registered, ParticipantUpdated: on_updated,
        ParticipantWithdrawn: on_withdrawn, ParticipantErased: on_erased,
    }, order_by=by_field("participant_id"))
    runtime.consume(
        MATCHES, {SuggestionsUpdated: on_change, MatchRequested: on_change}, order_by=by_field("participant_id", "match_id")
    )
    runtime.consume(SCHEDULE, {
        MeetingScheduled: on_change, MeetingRescheduled: on_change, MeetingCancelled: on_change,
        MeetingUnplaceable: on_change,
    }, order_by=by_field("match_id"))
    runtime.consume(OPERATOR_COMMANDS, {SendAgendas: on_send_agendas})

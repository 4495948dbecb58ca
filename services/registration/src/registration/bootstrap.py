"""The one place that builds the registration service from its settings."""

from __future__ import annotations

from servicekit.service import ServiceRuntime

from .adapters.mongo import MongoEvents, MongoInboundLog, MongoParticipants
from .config import RegistrationSettings
from .entrypoints.consumers import register_consumers


def build(settings: RegistrationSettings | None = None) -> ServiceRuntime:
    settings = settings or RegistrationSettings()
    runtime = ServiceRuntime("registration", settings)
    events = MongoEvents(runtime.database, runtime.relay)
    participants = MongoParticipants(runtime.database, runtime.relay)
    inbound = MongoInboundLog(runtime.database, runtime.relay)
    runtime.watch_outbox(events.collection, participants.collection, inbound.collection)
    runtime.on_startup(participants.ensure_indexes)
    register_consumers(runtime, events, participants, inbound)
    return runtime

"""The one place that builds the scheduling service from its settings."""

from __future__ import annotations

from servicekit.service import ServiceRuntime

from .adapters.mongo import MongoSchedules
from .application.desk import Desk
from .config import SchedulingSettings
from .entrypoints.consumers import register_consumers


def build(settings: SchedulingSettings | None = None) -> ServiceRuntime:
    settings = settings or SchedulingSettings()
    runtime = ServiceRuntime("scheduling", settings)
    schedules = MongoSchedules(runtime.database, runtime.relay)
    runtime.watch_outbox(schedules.collection, schedules.journal)
    register_consumers(runtime, Desk(schedules))
    return runtime

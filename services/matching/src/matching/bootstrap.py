"""The one place that builds the matching service from its settings."""

from __future__ import annotations

from servicekit.service import ServiceRuntime

from .adapters.mongo import MongoEvents, MongoMatches, MongoProfiles, MongoRefusals, MongoSuggestions
from .application.links import LinkMaker
from .application.suggestion_index import Indexes
from .config import MatchingSettings
from .entrypoints.consumers import register_consumers
from .entrypoints.links_http import link_routes


def build(settings: MatchingSettings | None = None) -> ServiceRuntime:
    settings = settings or MatchingSettings()
    runtime = ServiceRuntime("matching", settings)
    events = MongoEvents(runtime.database)
    profiles = MongoProfiles(runtime.database)
    matches = MongoMatches(runtime.database, runtime.relay)
    suggestions = MongoSuggestions(runtime.database, runtime.relay)
    refusals = MongoRefusals(runtime.database, runtime.relay)
    runtime.watch_outbox(matches.collection, suggestions.collection, refusals.collection)
    runtime.on_startup(profiles.ensure_indexes)
    runtime.on_startup(matches.ensure_indexes)
    key = settings.link_secret.encode()
    links = LinkMaker(settings.public_base_url, key, settings.link_valid_days * 86400)
    register_consumers(
        runtime, events=events, profiles=profiles, matches=matches, suggestions=suggestions, refusals=refusals,
        indexes=Indexes(events, profiles, matches), links=links,
    )
    runtime.routes.extend(link_routes([key], runtime.publish))
    return runtime

"""Small, valid messages for tests: an event with one afternoon of 20-minute slots and plausible participants."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from contracts.events import EventDraft
from contracts.registrations import RegistrationSubmitted


def event_draft(event_id: str, **overrides: Any) -> EventDraft:
    fields: dict[str, Any] = {
        "event_id": event_id,
        "name": "EU Cluster Matchmaking at Hannover Messe",
        "venue": "Hannover Exhibition Grounds, Hall 2",
        "country": "DE",
        "time_zone": "Europe/Berlin",
        "organiser": {"name": "Matchmaking Desk", "email": "desk@matchmaking.example"},
        "sessions": [
            {
                "name": "afternoon",
                "day": "2027-04-13",
                "start": "14:00",
                "end": "17:00",
                "slot_minutes": 20,
                "breaks": [{"start": "15:20", "end": "15:40"}],
            }
        ],
        "tables": 10,
        "meeting_cap": 8,
    }
    fields.update(overrides)
    return EventDraft.model_validate(fields)


def registration(
    reference: str | None = None,
    *,
    first_name: str = "Anna",
    last_name: str = "Schmidt",
    email: str | None = None,
    organisation: str = "Foodtech Cluster BW",
    country: str = "DE",
    offers: list[dict[str, Any]] | None = None,
    requests: list[dict[str, Any]] | None = None,
    language: str = "en",
    revision: int = 1,
    source: str = "test-suite",
    **registration_overrides: Any,
) -> RegistrationSubmitted:
    reference = reference or f"ref-{uuid.uuid4().hex[:8]}"
    document = {
        "source": source,
        "reference": reference,
        "revision": revision,
        "registration": {
            "person": {
                "first_name": first_name,
                "last_name": last_name,
                "email": email or f"{reference}@participants.example",
                "language": language,
            },
            "organisation": {"name": organisation, "type": "cluster_organisation", "country": country},
            "profile": {
                "offers": offers or [],
                "requests": requests or [],
                "topics": ["food processing"],
            },
            "consents": {"data_processing": True},
            **registration_overrides,
        },
    }
    return RegistrationSubmitted.model_validate(document)


COLD_CHAIN_OFFER = {
    "kind": "technology",
    "title": "Cold-chain sensors",
    "description": "Wireless temperature loggers that monitor shelf life of chilled food in transport.",
    "keywords": ["cold chain", "temperature logging", "shelf life"],
}
SHELF_LIFE_REQUEST = {
    "kind": "technology",
    "title": "Shelf-life monitoring",
    "description": "We look for temperature logging and cold chain monitoring for chilled dairy exports.",
    "keywords": ["shelf life", "cold chain"],
}
PACKAGING_OFFER = {
    "kind": "business",
    "title": "Biodegradable food packaging",
    "description": "Compostable trays and films for fresh produce and dairy.",
    "keywords": ["packaging", "compostable"],
}
PACKAGING_REQUEST = {
    "kind": "partnership",
    "title": "Sustainable packaging partner",
    "description": "Dairy exporter looking for compostable packaging suppliers.",
    "keywords": ["packaging", "compostable"],
}


def today_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

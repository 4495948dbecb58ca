"""What the pipeline benchmark feeds the platform: events with a roomy grid, plausible registrations that matching
can pair, and an order of meeting pairs that spreads every participant's meetings evenly over the run.

Pure: the same arguments give the same messages; only the event ids (chosen by the caller) differ between runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from contracts.events import EventDraft
from contracts.registrations import RegistrationSubmitted

SOURCE = "bench-eventsite"
PORTAL = "bench-portal"
OPERATOR = "bench-operator"

COUNTRIES = ("DE", "FR", "IT", "ES", "PL", "NL", "PT", "AT", "BE", "SE", "DK", "IE", "BR", "MX", "AR", "CL", "CO")
LANGUAGES = ("en", "de", "fr", "es", "pt")
FIRST = ("Anna", "Luca", "Marta", "Jonas", "Sofia", "Pedro", "Claire", "Tomasz", "Ines", "Lars", "Elena", "Diego",
         "Nora", "Milan", "Julia", "Rafael", "Eva", "Hugo", "Lea", "Mateo")
LAST = ("Schmidt", "Rossi", "Garcia", "Nowak", "Dubois", "Silva", "Jansen", "Novak", "Larsen", "Moreno", "Keller",
        "Fischer", "Lopez", "Costa", "Bauer", "Martin", "Ferrari", "Kowalski", "Weber", "Santos")

THEMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Cold-chain sensors", "Wireless temperature loggers for chilled food in transport.", ("cold chain", "temperature logging", "shelf life")),
    ("Compostable packaging", "Compostable trays and films for fresh produce and dairy.", ("packaging", "compostable", "bioplastics")),
    ("Precision irrigation", "Soil moisture probes and drip control for orchards.", ("irrigation", "soil moisture", "water saving")),
    ("Food safety testing", "Rapid pathogen tests for processing plants.", ("food safety", "pathogen testing", "haccp")),
    ("Plant-based proteins", "Texturised pea and fava proteins for meat alternatives.", ("plant protein", "meat alternatives", "extrusion")),
    ("Dairy automation", "Robotic milking and herd analytics.", ("dairy", "automation", "herd analytics")),
    ("Aquaculture feed", "Insect-based feed for shrimp and salmon farms.", ("aquaculture", "insect feed", "shrimp")),
    ("Coffee traceability", "Blockchain lot tracking from farm to roaster.", ("coffee", "traceability", "supply chain")),
    ("Fermentation know-how", "Starter cultures and precision fermentation scale-up.", ("fermentation", "starter cultures", "scale-up")),
    ("Food waste valorisation", "Turning by-products into ingredients and biogas.", ("food waste", "by-products", "biogas")),
    ("Vertical farming", "LED growth recipes and hydroponic racks.", ("vertical farming", "hydroponics", "led lighting")),
    ("Export logistics", "Reefer container booking and customs for perishables.", ("export", "logistics", "customs")),
)


def event_draft(event_id: str, participants: int) -> EventDraft:
    """An event large enough that every accepted meeting of the benchmark finds a slot: 5 days of two sessions of
    twelve 20-minute slots (120 slots), one table per two participants, a cap of 100 meetings per person."""
    first_day = dt.date(2027, 9, 6)
    sessions = []
    for day in range(5):
        date = (first_day + dt.timedelta(days=day)).isoformat()
        sessions += [
            {"name": "morning", "day": date, "start": "09:00", "end": "13:00", "slot_minutes": 20},
            {"name": "afternoon", "day": date, "start": "14:00", "end": "18:00", "slot_minutes": 20},
        ]
    return EventDraft.model_validate({
        "event_id": event_id,
        "name": f"Pipeline benchmark {event_id}",
        "venue": "Benchmark Hall, Messegelände",
        "country": "DE",
        "time_zone": "Europe/Berlin",
        "organiser": {"name": "Benchmark Desk", "email": "bench@matchmaking.example"},
        "sessions": sessions,
        "tables": max(1, min(2000, participants // 2 + 1)),
        "meeting_cap": 100,
    })


def reference(run: str, event_index: int, number: int) -> str:
    """The sender's reference; it starts with the run's prefix, so the outcomes (keyed by it) can be told apart."""
    return f"{run}-r{event_index}-{number:05d}"


def registration(run: str, event_index: int, number: int) -> RegistrationSubmitted:
    ref = reference(run, event_index, number)
    offer = THEMES[number % len(THEMES)]
    wanted = THEMES[(number * 5 + 3) % len(THEMES)]
    first, last = FIRST[number % len(FIRST)], LAST[(number // len(FIRST)) % len(LAST)]
    return RegistrationSubmitted.model_validate({
        "source": SOURCE,
        "reference": ref,
        "revision": 1,
        "registration": {
            "person": {"first_name": first, "last_name": f"{last} {number}", "email": f"{ref}@bench.example",
                       "language": LANGUAGES[number % len(LANGUAGES)]},
            "organisation": {"name": f"Bench Organisation {event_index}-{number}", "type": "sme",
                             "country": COUNTRIES[number % len(COUNTRIES)]},
            "profile": {
                "description": f"We bring {offer[0].lower()} and look for {wanted[0].lower()}.",
                "offers": [{"kind": "technology", "title": offer[0], "description": offer[1], "keywords": list(offer[2])}],
                "requests": [{"kind": "partnership", "title": wanted[0], "description": wanted[1], "keywords": list(wanted[2])}],
                "topics": [offer[2][0], wanted[2][0]],
            },
            "consents": {"data_processing": True},
        },
    })


def pair_rounds(count: int, rounds: int) -> Iterator[tuple[int, int]]:
    """Pairs of participant numbers, round by round (the circle method of a round-robin tournament): within a round
    everybody meets at most once, so after r rounds each participant has r meetings and no pair repeats."""
    players = list(range(count)) + ([None] if count % 2 else [])
    n = len(players)
    for _ in range(min(rounds, n - 1)):
        for i in range(n // 2):
            a, b = players[i], players[n - 1 - i]
            if a is not None and b is not None:
                yield a, b
        players = [players[0], players[-1], *players[1:-1]]

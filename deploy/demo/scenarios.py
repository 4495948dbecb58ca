"""The demo's two scenarios, modelled on the events this project comes from (see /work/shared/seed):

1. an EU Cluster Matchmaking at Hannover Messe: 19 cluster organisations from 8 countries, one afternoon of
   20-minute bilateral meetings with a coffee break (Europe/Berlin);
2. an EU-CELAC cluster matchmaking in Milan on creativity and innovation in the food industry: 42 European clusters
   from 13 countries meet 10 clusters from 10 Latin-American and Caribbean countries, only across the two regions,
   over two days (Europe/Rome).

Pure: the same seed gives the same event and the same registrations (only the event id is chosen by the caller,
so reruns on a running stack never collide). Everything is built from the message contracts and validated by them.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass

from contracts.events import EventDraft
from contracts.registrations import RegistrationSubmitted

from vocabulary import (
    CELAC_SPECIALITIES,
    EUROPEAN_FOOD_OFFERS,
    EUROPEAN_FOOD_REQUESTS,
    FIRST_NAMES,
    FOOD_CLUSTERS,
    FOOD_THEMES,
    INDUSTRY_CLUSTERS,
    INDUSTRY_THEMES,
    JOB_TITLES,
    LANGUAGE,
    LAST_NAMES,
    REGION_HINTS,
    REGIONS,
    Theme,
)

SOURCE = "demo-eventsite"
"""The sending system the demo's registrations come from."""

EUROPE_SIDE = ("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE NO IS").split()
CELAC_SIDE = ("AG AR BS BB BZ BO BR CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN LC VC SR TT UY "
              "VE").split()

HANNOVER_COUNTRIES = {"DE": 5, "FR": 3, "IT": 2, "ES": 2, "PL": 2, "NL": 2, "PT": 2, "AT": 1}
MILAN_EUROPE = {"IT": 6, "ES": 5, "FR": 5, "DE": 4, "PT": 3, "NL": 3, "BE": 3, "PL": 3, "AT": 2, "GR": 2, "IE": 2,
                "DK": 2, "HU": 2}
MILAN_CELAC = {c: 1 for c in ("BR", "MX", "AR", "CL", "CO", "PE", "UY", "CR", "EC", "JM")}


@dataclass(frozen=True)
class Behaviour:
    """How the simulated participants and the operator act once suggestions are out."""

    requests_per_person: dict[str, tuple[int, int]]
    """Side name ('' when the event has no sides) → fewest and most meeting requests a participant sends."""
    consider_top: int
    """Requests go to partners among this many best suggestions."""
    accept_rate: float
    """Share of requests the asked participant accepts; the others are declined."""
    withdrawals: int
    """Participants who withdraw after their meetings were placed."""
    availability_changes: int
    """Participants who send a new revision blocking slots where they already have meetings."""
    optimise_seconds: float
    """Solver time the operator grants the final optimisation."""


@dataclass(frozen=True)
class Attendee:
    """One registration the demo submits, with the side of the event's policy it belongs to."""

    submission: RegistrationSubmitted
    side: str = ""

    @property
    def reference(self) -> str:
        return self.submission.reference

    @property
    def country(self) -> str:
        return self.submission.registration.organisation.country

    @property
    def organisation(self) -> str:
        return self.submission.registration.organisation.name

    @property
    def person(self) -> str:
        person = self.submission.registration.person
        return f"{person.first_name} {person.last_name}"

    @property
    def is_cluster(self) -> bool:
        return self.submission.registration.organisation.type == "cluster_organisation"

    @property
    def is_facilitator(self) -> bool:
        delegation = self.submission.registration.delegation
        return delegation is not None and delegation.role == "facilitator"


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    story: str
    event: EventDraft
    attendees: tuple[Attendee, ...]
    behaviour: Behaviour

    @property
    def event_id(self) -> str:
        return self.event.event_id

    def attendee(self, reference: str) -> Attendee:
        return next(a for a in self.attendees if a.reference == reference)


# --- the slot grid, as registration derives it (a slot overlapping a break starts again when the break ends) --------


def slot_ids(event: EventDraft) -> list[str]:
    """Slot ids ('YYYY-MM-DDTHH:MM', local) of the event's grid, in time order."""
    ids = []
    for session in sorted(event.sessions, key=lambda s: (s.day, s.start)):
        length = dt.timedelta(minutes=session.slot_minutes)
        cursor = dt.datetime.combine(session.day, session.start)
        end = dt.datetime.combine(session.day, session.end)
        breaks = [(dt.datetime.combine(session.day, b.start), dt.datetime.combine(session.day, b.end)) for b in session.breaks]
        while cursor + length <= end:
            clash = next((b for b in breaks if cursor < b[1] and b[0] < cursor + length), None)
            if clash:
                cursor = clash[1]
                continue
            ids.append(cursor.strftime("%Y-%m-%dT%H:%M"))
            cursor += length
    return ids


# --- people and organisations ------------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


class _People:
    """Draws distinct, plausible people per country."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[tuple[str, str]] = set()

    def person(self, country: str) -> tuple[str, str]:
        used_first = {f for f, _ in self._used}
        used_last = {l for _, l in self._used}
        firsts = [f for f in FIRST_NAMES[country] if f not in used_first] or FIRST_NAMES[country]
        lasts = [l for l in LAST_NAMES[country] if l not in used_last] or LAST_NAMES[country]
        for _ in range(200):
            first, last = self._rng.choice(firsts), self._rng.choice(lasts)
            if (first, last) not in self._used:
                self._used.add((first, last))
                return first, last
        raise ValueError(f"not enough names for {country}")


def _item(spec: tuple[str, str, str, tuple[str, ...]]) -> dict:
    kind, title, description, keywords = spec
    return {"kind": kind, "title": title, "description": description, "keywords": list(keywords)}


def _registration(
    *, rng: random.Random, people: _People, reference: str, country: str, organisation: str, offers: list[Theme],
    requests: list[Theme], targets: list[str], purpose: str, extra_topics: tuple[str, ...] = (),
) -> dict:
    first, last = people.person(country)
    domain = _slug(organisation)[:40].strip("-") + ".example"
    hinted = [region for hint, region in REGION_HINTS.items() if hint in organisation]
    region = hinted[0] if hinted else rng.choice(REGIONS[country])
    members = rng.choice((35, 48, 60, 75, 90, 120, 140, 180, 220))
    topics = list(dict.fromkeys([t.topic for t in offers + requests] + list(extra_topics)))
    language = LANGUAGE.get(country, "en")
    spoken = list(dict.fromkeys(["en", language] if language != "it" else ["en", "it"]))
    return {
        "source": SOURCE,
        "reference": reference,
        "revision": 1,
        "registration": {
            "person": {
                "first_name": first, "last_name": last,
                "email": f"{_slug(first)}.{_slug(last)}@{domain}",
                "phone": f"+{rng.randint(30, 599)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                "job_title": rng.choice(JOB_TITLES),
                "language": language,
            },
            "organisation": {
                "name": organisation, "type": "cluster_organisation", "country": country, "region": region,
                "cluster_name": organisation,
                "sector_codes": list(dict.fromkeys(code for t in offers for code in t.sectors))[:4],
                "website": f"https://www.{domain}",
            },
            "profile": {
                "description": (
                    f"{organisation} brings together {members} companies, research centres and public bodies in "
                    f"{region} working on {', '.join(topics[:3])}. {purpose}"
                ),
                "offers": [_item(t.offer) for t in offers],
                "requests": [_item(t.request) for t in requests],
                "topics": topics,
                "target_countries": targets,
                "languages": spoken,
            },
            "consents": {"data_processing": True, "share_profile": True, "marketing": rng.random() < 0.5},
        },
    }


def _block_some_slots(rng: random.Random, documents: list[dict], grid: list[str], share: float) -> None:
    """Some people cannot attend a few consecutive slots (stand duty, a press conference)."""
    for document in documents:
        if rng.random() < share:
            start = rng.randrange(len(grid) - 2)
            document["registration"]["availability"] = {"unavailable_slots": grid[start:start + rng.choice((1, 2, 2, 3))]}


def _delegation(
    documents: list[dict], members: list[str], *, rng: random.Random, people: _People, reference: str, country: str,
    facilitator_organisation: str, delegation_id: str, name: str,
) -> None:
    """The members travel together; a facilitator of a support organisation (not a cluster) accompanies their
    meetings and takes none of their own."""
    by_reference = {d["reference"]: d for d in documents}
    for member in members:
        by_reference[member]["registration"]["delegation"] = {"delegation_id": delegation_id, "name": name, "role": "member"}
    first, last = people.person(country)
    domain = _slug(facilitator_organisation)[:40].strip("-") + ".example"
    documents.append({
        "source": SOURCE,
        "reference": reference,
        "revision": 1,
        "registration": {
            "person": {
                "first_name": first, "last_name": last, "email": f"{_slug(first)}.{_slug(last)}@{domain}",
                "job_title": "Delegation facilitator", "language": LANGUAGE.get(country, "en"),
            },
            "organisation": {"name": facilitator_organisation, "type": "public_body", "country": country,
                             "website": f"https://www.{domain}"},
            "profile": {"description": f"Accompanies the {name} in its meetings.", "languages": ["en", LANGUAGE.get(country, "en")]},
            "delegation": {"delegation_id": delegation_id, "name": name, "role": "facilitator"},
            "consents": {"data_processing": True},
        },
    })


def _validated(documents: list[dict], sides: dict[str, str]) -> tuple[Attendee, ...]:
    return tuple(
        Attendee(RegistrationSubmitted.model_validate(d), sides.get(d["registration"]["organisation"]["country"], ""))
        for d in documents
    )


ORGANISER = {"name": "European Cluster Matchmaking Desk", "email": "matchmaking@clusters.example.org"}


# --- scenario 1: Hannover Messe ----------------------------------------------------------------------------------


def hannover(event_id: str, seed: int = 2015) -> Scenario:
    rng = random.Random(seed)
    event = EventDraft.model_validate({
        "event_id": event_id,
        "name": "EU Cluster Matchmaking at Hannover Messe",
        "description": "Cluster organisations from across Europe meet for pre-arranged 20-minute bilateral meetings "
                       "on automation, energy, digital manufacturing and food processing machinery.",
        "venue": "Hannover Exhibition Grounds, Hall 2, Business Lounge, 30521 Hannover",
        "country": "DE",
        "time_zone": "Europe/Berlin",
        "organiser": ORGANISER,
        "languages": ["en", "de"],
        "sessions": [{
            "name": "afternoon", "day": "2027-04-14", "start": "14:00", "end": "18:00", "slot_minutes": 20,
            "breaks": [{"start": "15:40", "end": "16:00"}],
        }],
        "tables": 12,
        "meeting_cap": 8,
        "policy": {"same_organisation_may_meet": False, "same_delegation_may_meet": False},
    })
    people = _People(rng)
    themes = sorted(INDUSTRY_THEMES)
    documents = []
    number = 0
    for country, count in HANNOVER_COUNTRIES.items():
        for organisation in rng.sample(INDUSTRY_CLUSTERS[country], count):
            number += 1
            picked = rng.sample(themes, 4)
            others = [c for c in HANNOVER_COUNTRIES if c != country]
            documents.append(_registration(
                rng=rng, people=people, reference=f"hm-{number:03d}", country=country, organisation=organisation,
                offers=[INDUSTRY_THEMES[k] for k in picked[:2]], requests=[INDUSTRY_THEMES[k] for k in picked[2:]],
                targets=rng.sample(others, rng.randint(2, 3)),
                purpose="We come to Hannover to find cluster partners for joint projects and market entry.",
            ))
    _block_some_slots(rng, documents, slot_ids(event), share=0.2)
    german = [d["reference"] for d in documents if d["registration"]["organisation"]["country"] == "DE"]
    portuguese = [d["reference"] for d in documents if d["registration"]["organisation"]["country"] == "PT"]
    _delegation(documents, german[:3], rng=rng, people=people, reference="hm-f01", country="DE",
                facilitator_organisation="Europe Enterprise Desk Baden-Württemberg", delegation_id="de-delegation",
                name="German cluster delegation")
    _delegation(documents, portuguese, rng=rng, people=people, reference="hm-f02", country="PT",
                facilitator_organisation="Agência de Internacionalização Norte", delegation_id="pt-delegation",
                name="Portuguese cluster delegation")
    return Scenario(
        key="hannover",
        title="EU Cluster Matchmaking at Hannover Messe",
        story="19 cluster organisations from 8 European countries (two delegations with a facilitator), one "
              "afternoon (14:00-18:00, 20-minute meetings, coffee break 15:40-16:00), Europe/Berlin.",
        event=event,
        attendees=_validated(documents, {}),
        behaviour=Behaviour(
            requests_per_person={"": (4, 5)}, consider_top=6, accept_rate=0.8, withdrawals=1,
            availability_changes=2, optimise_seconds=15,
        ),
    )


# --- scenario 2: EU-CELAC in Milan -------------------------------------------------------------------------------


def milan(event_id: str, seed: int = 2016) -> Scenario:
    rng = random.Random(seed)
    event = EventDraft.model_validate({
        "event_id": event_id,
        "name": "EU-CELAC Cluster Matchmaking: Creativity and Innovation in the Food Industry",
        "description": "European cluster organisations meet clusters from Latin America and the Caribbean on food "
                       "processing, packaging, cold chain, traceability and sustainable agri-food value chains.",
        "venue": "Fiera Milano, Conference Centre Stella Polare, 20017 Rho (Milan)",
        "country": "IT",
        "time_zone": "Europe/Rome",
        "organiser": {"name": "EU-CELAC Cluster Matchmaking Desk", "email": "eu-celac@clusters.example.org"},
        "languages": ["en", "es", "pt", "it"],
        "sessions": [
            {"name": "afternoon", "day": "2027-06-16", "start": "14:00", "end": "18:00", "slot_minutes": 20,
             "breaks": [{"start": "15:40", "end": "16:00"}]},
            {"name": "morning", "day": "2027-06-17", "start": "09:30", "end": "13:00", "slot_minutes": 20,
             "breaks": [{"start": "11:10", "end": "11:30"}]},
        ],
        "tables": 30,
        "meeting_cap": 16,
        "policy": {
            "sides": [{"name": "europe", "countries": EUROPE_SIDE}, {"name": "celac", "countries": CELAC_SIDE}],
            "allowed_side_pairs": [["europe", "celac"]],
            "same_organisation_may_meet": False,
            "same_delegation_may_meet": False,
        },
    })
    people = _People(rng)
    documents = []
    number = 0
    celac_countries, europe_countries = list(MILAN_CELAC), list(MILAN_EUROPE)
    for country, count in MILAN_EUROPE.items():
        for organisation in rng.sample(FOOD_CLUSTERS[country], count):
            number += 1
            offers = rng.sample(EUROPEAN_FOOD_OFFERS, 2)
            requests = rng.sample(EUROPEAN_FOOD_REQUESTS, 2)
            documents.append(_registration(
                rng=rng, people=people, reference=f"mi-eu-{number:03d}", country=country, organisation=organisation,
                offers=[FOOD_THEMES[k] for k in offers], requests=[FOOD_THEMES[k] for k in requests],
                targets=rng.sample(celac_countries, rng.randint(2, 3)), extra_topics=("food innovation",),
                purpose="We come to Milan to build lasting cooperation with clusters in Latin America and the Caribbean.",
            ))
    number = 0
    for country in MILAN_CELAC:
        number += 1
        organisation = rng.choice(FOOD_CLUSTERS[country])
        specialities = list(CELAC_SPECIALITIES[country])
        requests = rng.sample(EUROPEAN_FOOD_OFFERS, 3)
        documents.append(_registration(
            rng=rng, people=people, reference=f"mi-la-{number:03d}", country=country, organisation=organisation,
            offers=[FOOD_THEMES[k] for k in specialities], requests=[FOOD_THEMES[k] for k in requests],
            targets=rng.sample(europe_countries, 3), extra_topics=("food innovation",),
            purpose="We come to Milan to meet European clusters for technology, know-how and access to EU markets.",
        ))
    grid = slot_ids(event)
    _block_some_slots(rng, documents, grid, share=0.15)
    # Two people fly home early on the second day; they say so as a period, not as slots.
    for document in documents[5:7]:
        document["registration"]["availability"] = {
            "unavailable_times": [{"start": "2027-06-17T12:00:00+02:00", "end": "2027-06-17T13:00:00+02:00"}],
        }
    by_country: dict[str, list[str]] = {}
    for document in documents:
        by_country.setdefault(document["registration"]["organisation"]["country"], []).append(document["reference"])
    _delegation(documents, by_country["DE"][:3], rng=rng, people=people, reference="mi-f01", country="DE",
                facilitator_organisation="Europe Enterprise Desk Baden-Württemberg", delegation_id="de-food-delegation",
                name="German food cluster delegation")
    _delegation(documents, by_country["IT"][:4], rng=rng, people=people, reference="mi-f02", country="IT",
                facilitator_organisation="Enterprise Europe Network Desk Lombardia", delegation_id="it-agrifood-delegation",
                name="Italian agri-food delegation")
    sides = {**{c: "europe" for c in MILAN_EUROPE}, **{c: "celac" for c in MILAN_CELAC}}
    return Scenario(
        key="milan",
        title="EU-CELAC Cluster Matchmaking in Milan (food industry)",
        story="42 European clusters from 13 countries meet 10 clusters from 10 CELAC countries (two European "
              "delegations with a facilitator); only Europe-CELAC meetings; two days of 20-minute meetings, Europe/Rome.",
        event=event,
        attendees=_validated(documents, sides),
        behaviour=Behaviour(
            requests_per_person={"europe": (2, 3), "celac": (7, 9)}, consider_top=10, accept_rate=0.8,
            withdrawals=2, availability_changes=3, optimise_seconds=20,
        ),
    )


def all_scenarios(suffix: str) -> list[Scenario]:
    """Both scenarios, with event ids ending in ``suffix`` so every run gets fresh events."""
    return [hannover(f"demo-hannover-{suffix}"), milan(f"demo-milan-{suffix}")]

"""A person asks to be forgotten: afterwards no service's database holds their name or e-mail address, and their
partner's meeting is cancelled through the normal path (with a CANCEL invitation)."""

from __future__ import annotations

import json

import pytest

from contracts.matching import MatchDecisionSubmitted
from contracts.operator import PublishEvent
from contracts.registrations import RegistrationErasureRequested
from support.kafka import envelope_bytes, publish_raw, random_event_id
from support.mail import calendar_parts, wait_for_mail
from support.samples import COLD_CHAIN_OFFER, PACKAGING_REQUEST, SHELF_LIFE_REQUEST, event_draft, registration

pytestmark = pytest.mark.stack

DATABASES = ("registration", "matching", "scheduling", "notifications")


async def databases_mentioning(mongo, *needles: str) -> list[str]:
    found = []
    for database in DATABASES:
        for collection in await mongo[database].list_collection_names():
            async for document in mongo[database][collection].find({}):
                text = json.dumps(document, default=str, ensure_ascii=False).lower()
                if any(needle.lower() in text for needle in needles):
                    found.append(f"{database}.{collection} {document['_id']}")
    return found


async def test_erasure_reaches_every_store(producer, watch, mongo):
    event_id = random_event_id("erase")
    events, outcomes, schedule = await watch("events"), await watch("registrations.outcomes"), await watch("schedule")
    raw, _ = envelope_bytes(PublishEvent(event=event_draft(event_id)), event_id)
    await publish_raw(producer, "operator.commands", raw, event_id)
    await events.wait_for(lambda m: m["event_id"] == event_id)

    forgotten = registration(first_name="Zelda", last_name="Quixotic-Erasable", email="zelda.erasable@forget.example",
                             offers=[COLD_CHAIN_OFFER], requests=[PACKAGING_REQUEST], organisation="Erasable Foods")
    partner = registration(first_name="Paulo", last_name="Mendes", country="PT", organisation="Mendes Lda",
                           offers=[{"kind": "business", "title": "Packaging supply", "keywords": ["packaging"]}],
                           requests=[SHELF_LIFE_REQUEST])
    for submission in (forgotten, partner):
        raw, _ = envelope_bytes(submission, event_id)
        await publish_raw(producer, "registrations.inbound", raw, event_id)
    answers = await outcomes.wait_for(lambda m: m["data"]["reference"] in {forgotten.reference, partner.reference}, 2)
    ids = {m["data"]["reference"]: m["data"]["participant_id"] for m in answers}
    zelda, paulo = ids[forgotten.reference], ids[partner.reference]
    raw, _ = envelope_bytes(MatchDecisionSubmitted(decision="arrange", participant_id=zelda, other_participant_id=paulo,
                                                   actor="operator"), event_id)
    await publish_raw(producer, "match-decisions.inbound", raw, event_id)
    await schedule.wait_for(lambda m: m["type"] == "MeetingScheduled" and m["event_id"] == event_id)
    await wait_for_mail(forgotten.registration.person.email, timeout=90,
                        predicate=lambda m: any(b"METHOD:REQUEST" in p for p in calendar_parts(m)))
    assert await databases_mentioning(mongo, "Quixotic-Erasable", "zelda.erasable@forget.example")

    raw, _ = envelope_bytes(RegistrationErasureRequested(source=forgotten.source, reference=forgotten.reference), event_id)
    await publish_raw(producer, "registrations.inbound", raw, event_id)
    erased = await outcomes.wait_for(lambda m: m["data"]["reference"] == forgotten.reference and m["data"]["status"] == "erased")
    assert erased[0]["data"]["participant_id"] == zelda
    await schedule.wait_for(lambda m: m["type"] == "MeetingCancelled" and m["event_id"] == event_id)

    cancel = await wait_for_mail(partner.registration.person.email, timeout=90,
                                 predicate=lambda m: any(b"METHOD:CANCEL" in p for p in calendar_parts(m)))
    assert cancel
    for _ in range(50):  # the erasure travels through three more services
        left = await databases_mentioning(mongo, "Quixotic-Erasable", "zelda.erasable@forget.example")
        if not left:
            break
        import asyncio

        await asyncio.sleep(0.2)
    assert not left, f"personal data left after erasure: {left}"

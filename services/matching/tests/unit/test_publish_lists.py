"""Suggestion lists noted by a burst of registrations are announced once per batch, and none is lost on the way."""

from __future__ import annotations

import asyncio
import random

import pytest

from contracts.envelope import new_envelope
from contracts.registrations import ParticipantErased
from matching.application.links import LinkMaker
from matching.application.publish_lists import ListPublisher
from matching.domain.index import SuggestionIndex
from matching.domain.participant import Participant, ProfileItem

THEMES = ["cold chain", "packaging film", "shelf life sensor", "dairy enzyme", "bakery robotics", "water filtration"]

CAUSE = new_envelope(ParticipantErased(participant_id="x"), producer="test", event_id="fair")


class Store:
    """Records what would be written: one entry per save_many, participant id -> announced partner ids."""

    def __init__(self) -> None:
        self.saved: list[dict[str, list[str]]] = []
        self.fail_next = False
        self.gate: asyncio.Event | None = None

    async def save_many(self, event_id, lists) -> None:
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("store away")
        if self.gate is not None:
            await self.gate.wait()
        self.saved.append({
            pid: [s["partner_id"] for s in messages_for(1)[0].envelope.data["suggestions"]] for pid, messages_for in lists
        })

    async def forget(self, participant_id: str) -> None:
        return None


def _person(number: int, rng: random.Random) -> Participant:
    def item() -> ProfileItem:
        return ProfileItem("technology", rng.choice(THEMES), " ".join(rng.sample(THEMES, 2)), ())

    return Participant(
        participant_id=f"p{number:03d}", organisation=f"Org {number}", country=rng.choice(["DE", "FR", "BR"]),
        offers=(item(),), requests=(item(),), topics=tuple(rng.sample(THEMES, 2)),
    )


def _event(size: int = 60) -> tuple[SuggestionIndex, list[Participant]]:
    """An event of ``size`` people and ten newcomers who register in a burst."""
    rng = random.Random(7)
    people = [_person(i, rng) for i in range(size + 10)]
    return SuggestionIndex.build(people[:size], list_size=4), people[size:]


def _publisher(store: Store) -> ListPublisher:
    return ListPublisher(store, LinkMaker("https://match.example", b"k" * 32, 3600))


async def test_a_burst_of_registrations_announces_each_changed_list_once_with_its_latest_content():
    index, newcomers = _event()
    store = Store()
    publisher = _publisher(store)
    noted: list[set[str]] = []
    for person in newcomers:
        changed = index.upsert(person)
        publisher.later(index, "fair", changed, CAUSE)
        noted.append(changed)
    assert store.saved == [], "nothing is written before the batch is handled"
    assert sum(map(len, noted)) > len(set().union(*noted)), "the burst changed some lists more than once"

    await publisher.owed_lists()
    assert len(store.saved) == 1
    assert set(store.saved[0]) == set().union(*noted)
    for pid, partners in store.saved[0].items():
        assert partners == [s.partner_id for s in index.suggestions_for(pid)]
    await publisher.owed_lists()
    assert len(store.saved) == 1, "nothing is owed any more"


def _one_registration_noted() -> tuple[SuggestionIndex, Store, ListPublisher, set[str]]:
    index, newcomers = _event()
    store = Store()
    publisher = _publisher(store)
    changed = index.upsert(newcomers[0])
    publisher.later(index, "fair", changed, CAUSE)
    return index, store, publisher, changed


async def test_a_failed_write_keeps_the_lists_owed():
    _, store, publisher, changed = _one_registration_noted()
    store.fail_next = True
    with pytest.raises(ConnectionError):
        await publisher.owed_lists()
    await publisher.owed_lists()
    assert [set(s) for s in store.saved] == [changed]


async def test_a_list_noted_again_while_it_is_written_stays_owed():
    index, store, publisher, first = _one_registration_noted()
    store.gate = asyncio.Event()
    writing = asyncio.create_task(publisher.owed_lists())
    await asyncio.sleep(0)  # the write is under way
    again = next(iter(first))
    publisher.later(index, "fair", {again}, CAUSE)
    store.gate.set()
    await writing
    await publisher.owed_lists()
    assert [set(s) for s in store.saved] == [first, {again}]

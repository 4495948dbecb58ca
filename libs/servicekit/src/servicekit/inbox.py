"""The consumer pipeline every service runs for every batch of records a consumer fetches:

the batch is split by order key (by default the event; a topic may name a finer one): records with one key are
handled in order, different keys side by side. For each record: parse (bad bytes → dead letter) → skip types this
service does not handle → skip duplicates → handle (one message per order key at a time) → park when it waits for
something → dead-letter when it keeps failing → mark as processed → run the parked messages its handling released.
The subscriber commits the offsets only after the whole batch is handled, including the work its handlers left for
the end of the batch (``after_batch``), and the batch's messages are marked processed only then, so nothing is lost.

Handlers are idempotent on their own (natural keys, versions); the processed-id record spares them most
redeliveries. The store is asked about a message only when this process cannot know the answer itself: it remembers
the ids it handled lately, and a message that occurred after this process took its partition (and after the newest id
it has forgotten was handled) can only have been handled by this process. A store or broker outage is not the
message's fault: the pipeline waits and retries instead of dead-lettering.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import structlog
from aiokafka.errors import KafkaError
from prometheus_client import Counter, Histogram
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, ConnectionFailure, ServerSelectionTimeoutError

from contracts.base import Message
from contracts.envelope import Envelope
from contracts.registry import TOPIC_TYPES, ContractViolation, open_envelope, read_payload

from .dead_letters import DeadLetters
from .keyed_locks import KeyedLocks
from .parking import ParkingLot, WaitFor
from .records import Record

log = structlog.get_logger()

Handler = Callable[[Envelope, Any], Awaitable[Iterable[str] | None]]
"""Handles one typed payload; may return keys that are now available to parked messages (e.g. 'event:<id>')."""

OrderKey = Callable[[Envelope], str]
"""Names the messages of a topic that must be handled one at a time and in order; by default those of one event."""


def by_field(*names: str) -> OrderKey:
    """Order a topic's messages by the first of these payload fields a message carries (read before validation: an
    invalid message is still grouped, then dead-lettered), within its event; by the event when it has none."""

    def order_key(envelope: Envelope) -> str:
        for name in names:
            if value := envelope.data.get(name):
                return f"{envelope.event_id}/{name}/{value}"
        return envelope.event_id

    return order_key


MESSAGES = Counter("messages_total", "Consumed messages by topic, type and outcome", ["topic", "type", "outcome"])
HANDLE_SECONDS = Histogram("message_handle_seconds", "Time to handle one message", ["topic"])

RECENT_IDS = 20_000
"""Message ids this process handled lately, remembered so a redelivery is recognised without asking the store."""

CLOCK_SKEW_SECONDS = 10.0
"""How far the clocks of the machines that publish and consume a message may disagree (NTP keeps them within
milliseconds). Messages that occurred within this margin of a partition's assignment are asked about in the store."""

RECENT_RELEASES = 20_000
"""Keys released lately (e.g. 'participant:<id>'), each with the moment in this process's count of releases."""

_BATCH_MARKS: contextvars.ContextVar[list[dict[str, Any]]] = contextvars.ContextVar("batch_marks")
"""The processed marks of the batch being handled: written only once the batch, with its end-of-batch work, is done."""

_TYPE_NAMES = {topic: {model.__name__ for model in models} for topic, models in TOPIC_TYPES.items()}
"""The message types each topic carries, by name (as an envelope names its type)."""

# Only outages are waited out; a store error about the data itself (a WriteError) is the message's problem and
# ends in the dead-letter topic after the usual attempts.
_INFRASTRUCTURE_ERRORS = (ConnectionFailure, ServerSelectionTimeoutError, KafkaError, ConnectionError, TimeoutError)


class Unprocessable(Exception):
    """Raised by a handler for a message that can never be handled (e.g. it names an unknown event): it goes to the
    dead-letter topic at once with this reason."""


class Inbox:
    def __init__(
        self, database: AsyncDatabase, dead_letters: DeadLetters, parking: ParkingLot, *, attempts: int = 3
    ) -> None:
        self._processed = database["processed_messages"]
        self._dead_letters = dead_letters
        self._parking = parking
        self._attempts = attempts
        self._handlers: dict[str, dict[type[Message], Handler]] = {}
        self._handled_names: dict[str, set[str]] = {}
        self._order_keys: dict[str, OrderKey] = {}
        self._after_batch: list[Callable[[], Awaitable[Any]]] = []
        self._unmarked: list[dict[str, Any]] = []
        self._recent: OrderedDict[str, float] = OrderedDict()  # message id -> when this process handled it
        self._forgotten_since = 0.0  # when the newest message id this process no longer remembers was handled
        self._assigned_at: dict[tuple[str, int], float] = {}  # (topic, partition) -> when this process took it
        self._releases = 0
        self._released: OrderedDict[str, int] = OrderedDict()
        # One message of an event at a time, whichever topic it comes on, unless a topic names a finer order key (for
        # handlers that share no state of the event). It keeps handlers from racing on an event's state (matching's
        # index in memory, FerretDB's non-atomic updates). A message parked while what it waits for was released at
        # the same moment is caught by the release log instead (see _handle).
        self._in_order = KeyedLocks()

    def register(self, topic: str, handlers: dict[type[Message], Handler], order_by: OrderKey | None = None) -> None:
        self._handlers.setdefault(topic, {}).update(handlers)
        self._handled_names[topic] = {model.__name__ for model in self._handlers[topic]}
        if order_by is not None:
            self._order_keys[topic] = order_by

    def after_batch(self, hook: Callable[[], Awaitable[Any]]) -> None:
        """Run ``hook`` when a batch's records are handled, before its offsets may be committed (work the handlers
        left to do once per batch); a failing hook is run again until it succeeds."""
        self._after_batch.append(hook)

    def _order_key(self, topic: str, envelope: Envelope) -> str:
        order_by = self._order_keys.get(topic)
        return order_by(envelope) if order_by else envelope.event_id

    @staticmethod
    def _travels_on(topic: str, type_name: str) -> bool:
        return type_name in _TYPE_NAMES.get(topic, ())

    def _handles(self, topic: str, type_name: str) -> bool:
        return type_name in self._handled_names.get(topic, ())

    @property
    def topics(self) -> list[str]:
        return list(self._handlers)

    def partitions_assigned(self, partitions: Iterable[tuple[str, int]]) -> None:
        """The consumer took these (topic, partition)s: what occurred before now may have been handled elsewhere."""
        now, taken = time.time(), sorted(partitions)
        for partition in taken:
            self._assigned_at[partition] = now
        log.info("inbox.partitions_taken", partitions=[f"{topic}/{number}" for topic, number in taken])

    def partitions_revoked(self, partitions: Iterable[tuple[str, int]]) -> None:
        for partition in partitions:
            self._assigned_at.pop(partition, None)

    def _may_have_been_handled(self, record: Record, envelope: Envelope) -> bool:
        """Whether another process, or this one before it forgot, may have handled the message: a redelivery after a
        crash or a rebalance, or a message an outbox published again, occurred before this process took the
        partition. A message that occurred since then (by clocks that agree within CLOCK_SKEW_SECONDS), after the
        newest forgotten id was handled, and not in the future, was handled before only if its id is remembered."""
        assigned_at = self._assigned_at.get((record.topic, record.partition))
        if assigned_at is None:
            return True  # not taken through the consumer (a replay, a test): ask
        occurred = envelope.occurred_at.timestamp()
        known_since = max(assigned_at, self._forgotten_since) + CLOCK_SKEW_SECONDS
        return not known_since <= occurred <= time.time() + CLOCK_SKEW_SECONDS

    async def receive_batch(self, records: Sequence[Record]) -> None:
        """Handle a batch of consumed records completely; returns when their offsets may be committed.

        Records with one order key (one event's, unless the topic names another) are handled in the order they came,
        others concurrently (a broker partition carries many events). Whether they were processed before is asked up
        front, for the records this process cannot answer itself.
        """
        in_order: dict[str, list[tuple[Record, Envelope | None]]] = {}
        ids = []
        for record in records:
            envelope = _opened(record)  # once: the pipeline takes it from here (None: it dead-letters the record)
            key = self._order_key(record.topic, envelope) if envelope else record.key_text or ""
            in_order.setdefault(key, []).append((record, envelope))
            if (
                envelope and self._handles(record.topic, envelope.type)  # other services' messages are skipped unread
                and str(envelope.message_id) not in self._recent and self._may_have_been_handled(record, envelope)
            ):
                ids.append(str(envelope.message_id))
        # One lookup by id each, side by side: FerretDB answers only an exact _id filter from its index (an `$in` would
        # read the whole collection).
        marks = await asyncio.gather(*(self._retrying(lambda i=i: self._processed.find_one({"_id": i}, {"_id": 1})) for i in ids))
        done = {mark["_id"] for mark in marks if mark}
        batch_marks: list[dict[str, Any]] = []
        token = _BATCH_MARKS.set(batch_marks)
        try:
            released = await asyncio.gather(*(self._receive_in_order(group, done) for group in in_order.values()))
            await self._run_released([key for keys in released for key in keys])
            for hook in self._after_batch:  # the batch is not done until its hooks are
                await _until_done(hook, "inbox.after_batch_failed")
        finally:
            _BATCH_MARKS.reset(token)
        # Marked only now: a mark written while the hooks were still owed would, after a crash, make the redelivered
        # messages look handled, and what their handlers left for the end of the batch would never be done.
        self._unmarked.extend(batch_marks)

    async def _receive_in_order(self, records: list[tuple[Record, Envelope | None]], done: set[str]) -> list[str]:
        """Handle records of one order key one after the other; returns the keys their handling made available."""
        released: list[str] = []
        for record, envelope in records:  # never report a record handled that was not handled completely

            async def handle(record: Record = record, envelope: Envelope | None = envelope) -> None:
                released.extend(await self._process(record, known_done=done, envelope=envelope))

            await _until_done(handle, "message.receive_failed", topic=record.topic, offset=record.offset)
        return released

    async def _run_released(self, released: list[str]) -> None:
        """Run the parked messages that waited for what a batch made available: one lookup for all of the batch's
        keys (a registration releases its participant in every service), then again for what those released."""
        while released:
            keys = list(dict.fromkeys(released))
            released = []
            for key in keys:
                self._log_release(key)
            waiting = await self._retrying(lambda: self._parking.waiting_for(keys))
            for message_id, parked in waiting:

                async def handle(message_id: str = message_id, parked: Record = parked) -> None:
                    released.extend(await self._process(parked, from_parking=message_id))

                await _until_done(handle, "message.receive_failed", topic=parked.topic, offset=parked.offset)

    async def _process(
        self, record: Record, from_parking: str | None = None, known_done: set[str] | None = None,
        envelope: Envelope | None = None,
    ) -> list[str]:
        topic = record.topic
        try:
            envelope = envelope or open_envelope(record.value)
            if self._travels_on(topic, envelope.type) and not self._handles(topic, envelope.type):
                MESSAGES.labels(topic, envelope.type, "ignored").inc()
                return []  # another service's message on a shared topic: not validated, not ours to judge
            payload = read_payload(envelope, topic)
        except ContractViolation as exc:
            MESSAGES.labels(topic, "invalid", "dead_lettered").inc()
            await self._dead_letters.send(record, str(exc))
            return []
        handler = self._handlers[topic][type(payload)]
        message_id = str(envelope.message_id)
        structlog.contextvars.bind_contextvars(
            message_id=message_id, event_id=envelope.event_id, correlation_id=str(envelope.correlation_id),
            message_type=envelope.type,
        )
        try:
            async with self._in_order.hold(self._order_key(topic, envelope)):
                return await self._process_once(record, envelope, payload, handler, message_id, from_parking, known_done)
        finally:
            structlog.contextvars.unbind_contextvars("message_id", "event_id", "correlation_id", "message_type")

    async def _process_once(
        self, record: Record, envelope: Envelope, payload: Any, handler: Handler, message_id: str, from_parking: str | None,
        known_done: set[str] | None,
    ) -> list[str]:
        topic = record.topic
        if message_id in self._recent:
            duplicate = True
        elif known_done is not None:
            duplicate = message_id in known_done
        else:
            duplicate = bool(await self._retrying(lambda: self._processed.find_one({"_id": message_id}, {"_id": 1})))
        if duplicate:
            MESSAGES.labels(topic, envelope.type, "duplicate").inc()
            if from_parking:
                await self._parking.remove(from_parking)
            return []
        released, outcome = await self._handle(record, envelope, payload, handler)
        if outcome == "parked":
            return list(released)
        if outcome == "handled":  # a dead-lettered message stays unmarked, so a replay of it is handled
            _BATCH_MARKS.get(self._unmarked).append({"_id": message_id, "at": dt.datetime.now(dt.UTC)})
            forgotten = _remember(self._recent, message_id, time.time(), RECENT_IDS)
            if forgotten is not None:
                self._forgotten_since = forgotten
        if from_parking:
            await self._parking.remove(from_parking)
        MESSAGES.labels(topic, envelope.type, outcome).inc()
        log.info("message.handled", outcome=outcome, topic=topic, released=list(released) or None)
        return list(released)

    def _log_release(self, key: str) -> None:
        self._releases += 1
        _remember(self._released, key, self._releases, RECENT_RELEASES)

    async def _handle(self, record: Record, envelope: Envelope, payload: Any, handler: Handler) -> tuple[Iterable[str], str]:
        failures = 0
        while True:
            started, releases_before = time.perf_counter(), self._releases
            try:
                released = await handler(envelope, payload)
                HANDLE_SECONDS.labels(record.topic).observe(time.perf_counter() - started)
                return released or (), "handled"
            except WaitFor as wait:
                await self._retrying(lambda: self._parking.park(str(envelope.message_id), record, wait))
                log.info("message.parked", waiting_for=list(wait.keys), reason=wait.reason)
                MESSAGES.labels(record.topic, envelope.type, "parked").inc()
                # What it waits for may have been released while the handler ran (a message with another order key),
                # and the releaser may have looked for parked messages before this one was written: such keys are
                # reported as released again, so this message is run again now instead of waiting until it expires.
                return [k for k in wait.keys if self._released.get(k, 0) > releases_before], "parked"
            except Unprocessable as exc:
                await self._dead_letters.send(record, f"{envelope.type}: {exc}")
                return (), "dead_lettered"
            except _INFRASTRUCTURE_ERRORS as exc:
                log.warning("message.infrastructure_error", error=repr(exc))
                await asyncio.sleep(1.0)
            except Exception as exc:
                failures += 1
                if failures >= self._attempts:
                    log.exception("message.failed")
                    await self._dead_letters.send(
                        record, f"{envelope.type} could not be handled after {failures} attempts: {type(exc).__name__}: {exc}"
                    )
                    return (), "dead_lettered"
                await asyncio.sleep(0.1 * failures)

    async def flush_marks(self) -> None:
        """Write the processed-message marks gathered since the last flush, in one request.

        The marks only spare handlers the work of a redelivery (handlers are idempotent on their own), so they are
        written off the message's path: a mark lost in a crash costs one harmless re-run.
        """
        marks, self._unmarked = self._unmarked, []
        if marks:
            try:
                await self._processed.insert_many(marks, ordered=False)
            except BulkWriteError:
                pass  # some were marked already (a redelivery): the others are written

    async def run(self, stop: asyncio.Event, interval: float = 0.1) -> None:
        while not stop.is_set():
            try:
                await self.flush_marks()
            except Exception as exc:
                log.warning("inbox.marks_deferred", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
        await self.flush_marks()

    async def expire_parked(self, max_age_seconds: float) -> int:
        """Dead-letter parked messages that waited too long, with what they waited for."""
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=max_age_seconds)
        expired = 0
        for message_id, record, reason in [item async for item in self._parking.expired(cutoff)]:
            await self._dead_letters.send(record, f"waited more than {max_age_seconds:.0f} s and gave up: {reason}")
            await self._parking.remove(message_id)
            expired += 1
        return expired

    @staticmethod
    async def _retrying(operation: Callable[[], Awaitable[Any]]) -> Any:
        while True:
            try:
                return await operation()
            except _INFRASTRUCTURE_ERRORS as exc:
                log.warning("store.unavailable", error=repr(exc))
                await asyncio.sleep(1.0)



async def _until_done(operation: Callable[[], Awaitable[Any]], failure: str, **context: Any) -> None:
    """Run ``operation`` until it succeeds, logging each failure and waiting a second before the next try."""
    while True:
        try:
            await operation()
            return
        except Exception:
            log.exception(failure, **context)
            await asyncio.sleep(1.0)


def _remember(table: OrderedDict, key: str, value: Any, most: int) -> Any:
    """Keep ``key`` as the newest entry of ``table``, forgetting the oldest beyond ``most``; returns the value of the
    entry forgotten, if one was."""
    table[key] = value
    table.move_to_end(key)
    if len(table) > most:
        return table.popitem(last=False)[1]
    return None


def _opened(record: Record) -> Envelope | None:
    try:
        return open_envelope(record.value)
    except ContractViolation:
        return None

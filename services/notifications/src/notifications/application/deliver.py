"""Use case: gather due changes per recipient into one e-mail, send it, retry with backoff, record the outcome.

Exactly one e-mail per change per recipient: due records are moved into a delivery record keyed by the gathered
dedupe key (a second claim of the same key finds it taken), and the e-mail's Message-ID derives from that key, so
a resend after a crash is recognisably the same e-mail. NotificationSent / NotificationFailed travel in the
delivery record's outbox.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

import structlog

from contracts.envelope import new_envelope
from contracts.notifications import NotificationFailed, NotificationSent
from contracts.topics import NOTIFICATIONS
from servicekit.outbox import Outgoing

from ..domain import (
    GatheringPolicy,
    PendingChange,
    RetryPolicy,
    Sender,
    bursts_for,
    classify_smtp_failure,
    compose,
    message_id_for,
)
from .changes_from_messages import (
    DIGEST_TYPES, MissingParticipant, build_change, event_info, recipient_of,
)
from .due_queue import DueQueue
from .ports import Deliveries, Directory, MailTransport, PendingChanges, PendingRecord, SmtpFailure

log = structlog.get_logger()
_IDS = uuid.UUID("8d8f3c1e-6b0a-4d3f-9b61-2c0f3e7a9d55")


@dataclass(frozen=True)
class DeliveryPolicy:
    sender: Sender
    max_changes_per_email: int
    retry: RetryPolicy
    concurrency: int = 8


class Delivery:
    def __init__(
        self, directory: Directory, pending: PendingChanges, deliveries: Deliveries, transport: MailTransport,
        policy: DeliveryPolicy,
    ) -> None:
        self._directory, self._pending, self._deliveries = directory, pending, deliveries
        self._transport, self._policy = transport, policy
        self.due = DueQueue()
        self._retries: dict[str, dt.datetime] = {}

    async def recover(self, *, at_start: bool) -> None:
        """Refill the in-memory schedule from the store: pending changes (at start-up, and now and then for
        partitions this replica took over) and, at start-up, deliveries a previous process left unfinished."""
        for participant_id, due_at in await self._pending.waiting():
            self.due.schedule(participant_id, due_at)
        if at_start:
            for delivery in await self._deliveries.unfinished():
                self._retries.setdefault(delivery["_id"], delivery["next_attempt_at"])

    async def run_once(self, now: dt.datetime) -> int:
        """Send what is due now, several recipients at a time; returns the number of e-mails attempted."""
        gate = asyncio.Semaphore(self._policy.concurrency)

        async def gated(work):
            async with gate:
                return await work

        due = self.due.pop_due(now)
        sent = await asyncio.gather(*(gated(self._claim_and_send(p, now)) for p in due))
        retry_keys = [key for key, at in self._retries.items() if at <= now]
        await asyncio.gather(*(gated(self._retry(key, now)) for key in retry_keys))
        return sum(sent) + len(retry_keys)

    async def _retry(self, key: str, now: dt.datetime) -> None:
        self._retries.pop(key, None)
        delivery = await self._deliveries.get(key)
        if delivery is not None and delivery["status"] == "sending":
            await self._attempt(delivery, now)

    async def _claim_and_send(self, participant_id: str, now: dt.datetime) -> int:
        pending = await self._pending.for_recipient(participant_id)
        # A change is due (Pace): everything else pending goes with it (changes that arrived since are not due yet
        # themselves), except digests, which wait their own window.
        something_due = any(r.due_at <= now for r in pending)
        records = [r for r in pending if r.due_at <= now or (something_due and r.message_type not in DIGEST_TYPES)]
        later = [r.due_at for r in pending if r not in records]
        if later:
            self.due.schedule(participant_id, min(later))
        recipient = await self._directory.recipient(participant_id)
        if recipient is None or not recipient.active:
            await self._pending.remove(participant_id, [r.key for r in records])
            return 0
        by_key = {r.key: r for r in records}
        changes = []
        for record in records:
            try:
                changes.append(PendingChange(change=await self._change(record), arrived_at=record.arrived_at))
            except MissingParticipant:
                await self._pending.remove(participant_id, [record.key])  # someone named was erased meanwhile
        policy = GatheringPolicy(max_changes_per_email=self._policy.max_changes_per_email)
        sent = 0
        for burst in bursts_for(changes, recipient=recipient_of(recipient), policy=policy):
            members = [by_key[key] for key in burst.change_keys if key in by_key]
            delivery = await self._deliveries.claim(
                burst.dedupe_key, participant_id, members[0].event_id, [_stored(m) for m in members],
                [change.kind for change in burst.changes],
            )
            await self._pending.remove(participant_id, burst.change_keys)
            if delivery is not None:
                await self._attempt(delivery, now)
                sent += 1
        return sent

    async def _change(self, record: PendingRecord) -> Any:
        # People named in a change are read from the directory's copies (MongoDirectory says how old they may be).
        return await build_change(
            record.message_type, record.data, change_id=record.change_id, occurred_at=record.occurred_at,
            recipient_id=record.participant_id, lookup=self._directory.recipient,
        )

    async def _attempt(self, delivery: dict[str, Any], now: dt.datetime) -> None:
        key, participant_id = delivery["_id"], delivery["participant_id"]
        recipient = await self._directory.recipient(participant_id, fresh=True)
        event = await self._directory.event(delivery["event_id"])
        if recipient is None or not recipient.active or event is None:
            await self._deliveries.finish(key, "dropped", "", "recipient erased or withdrawn", [])
            return
        changes = []
        for stored in delivery["changes"]:
            record = PendingRecord(**stored)
            try:
                changes.append(await self._change(record))
            except MissingParticipant:
                continue
        if not changes:
            await self._deliveries.finish(key, "dropped", "", "nothing left to tell", [])
            return
        attempts = delivery.get("attempts", 0) + 1
        try:
            email = compose(
                changes, recipient=recipient_of(recipient), event=event_info(event), sender=self._policy.sender,
                dedupe_key=key, now=now,
            )
        except Exception as exc:  # composing is pure: what fails now fails on every attempt (e.g. a non-ASCII address)
            error = f"the e-mail could not be composed: {type(exc).__name__}: {exc}"
            log.error("mail.uncomposable", participant_id=participant_id, error=error)
            fact = NotificationFailed(
                participant_id=participant_id, kinds=tuple(delivery["kinds"]), error=error, attempts=attempts
            )
            await self._deliveries.finish(key, "failed", "", error, [_fact(fact, delivery, key)])
            return
        try:
            await self._transport.send(email)
        except SmtpFailure as failure:
            kind = classify_smtp_failure(failure.reply_code)
            if self._policy.retry.should_retry(attempts, kind):
                delay = self._policy.retry.delay(attempts, random.random())
                log.warning("mail.retry", participant_id=participant_id, attempts=attempts, error=str(failure))
                await self._deliveries.record_attempt(key, str(failure), now + delay)
                self._retries[key] = now + delay
                return
            log.error("mail.failed", participant_id=participant_id, attempts=attempts, error=str(failure))
            fact = NotificationFailed(
                participant_id=participant_id, kinds=tuple(delivery["kinds"]), error=str(failure), attempts=attempts
            )
            await self._deliveries.finish(key, "failed", "", str(failure), [_fact(fact, delivery, key)])
            return
        fact = NotificationSent(
            participant_id=participant_id, kinds=tuple(delivery["kinds"]),
            email_message_id=message_id_for(key, self._policy.sender.domain),
            change_keys=tuple(c["key"] for c in delivery["changes"]),
        )
        await self._deliveries.finish(key, "sent", fact.email_message_id, "", [_fact(fact, delivery, key)])
        self.due.mailed(participant_id, now)
        log.info("mail.sent", participant_id=participant_id, kinds=delivery["kinds"])


def _stored(record: PendingRecord) -> dict[str, Any]:
    return {
        "key": record.key, "change_id": record.change_id, "participant_id": record.participant_id, "event_id": record.event_id,
        "message_type": record.message_type, "data": record.data, "occurred_at": record.occurred_at,
        "arrived_at": record.arrived_at, "due_at": record.due_at,
    }


def _fact(payload: NotificationSent | NotificationFailed, delivery: dict[str, Any], key: str) -> Outgoing:
    envelope = new_envelope(
        payload, producer="notifications", event_id=delivery["event_id"], message_id=uuid.uuid5(_IDS, key)
    )
    return Outgoing(NOTIFICATIONS, envelope)

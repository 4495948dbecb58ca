"""Writes a message a service cannot handle to ``<topic>.dlq`` with the reason, so the consumer can go on."""

from __future__ import annotations

import base64
import datetime as dt

import structlog

from contracts.dead_letters import DeadLetter
from contracts.topics import dead_letter_topic

from aiokafka.errors import MessageSizeTooLargeError

from .outbox import Publish
from .records import Record

log = structlog.get_logger()

TEXT_COPY_LIMIT = 64 * 1024
"""Originals up to this size are also copied as text, for people reading the dead-letter topic."""


class DeadLetters:
    def __init__(self, service: str, publish: Publish) -> None:
        self._service = service
        self._publish = publish
        self.count = 0

    async def send(self, record: Record, error: str) -> None:
        try:
            text = record.value.decode("utf-8") if len(record.value) <= TEXT_COPY_LIMIT else None
        except UnicodeDecodeError:
            text = None
        letter = DeadLetter(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key_text,
            original_base64=base64.b64encode(record.value).decode(),
            original_text=text,
            error=error[:4000],
            service=self._service,
            failed_at=dt.datetime.now(dt.UTC),
        )
        topic = dead_letter_topic(record.topic)
        try:
            await self._publish(topic, letter.model_dump_json().encode(), record.key or b"")
        except MessageSizeTooLargeError:
            # Still say what failed; the original stays readable at topic/partition/offset for its retention time.
            slim = letter.model_copy(update={"original_base64": "", "original_text": None,
                                             "error": f"{letter.error} (original of {len(record.value)} bytes too large to copy)"})
            await self._publish(topic, slim.model_dump_json().encode(), record.key or b"")
        self.count += 1
        log.warning("message.dead_lettered", topic=record.topic, offset=record.offset, error=error[:500])

"""A consumed Kafka record, reduced to what the pipeline, parking and dead letters need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes

    @classmethod
    def from_consumer_record(cls, record: Any) -> Record:
        return cls(record.topic, record.partition, record.offset, record.key, record.value or b"")

    @property
    def key_text(self) -> str | None:
        if self.key is None:
            return None
        return self.key.decode("utf-8", errors="replace")

"""What the benchmark watches while it runs: the answers on Kafka (with the producers' timestamps), the consumer
groups' lag, the services' resident memory, the SMTP sink's Maildir, and the services' Prometheus counters."""

from __future__ import annotations

import asyncio
import binascii
import json
import os
import re
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from contracts import topics

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / ".stack" / "run"
MAILDIR_NEW = ROOT / ".stack" / "data" / "maildir" / "new"
BOOTSTRAP = "127.0.0.1:9092"
SERVICES = {"registration": 8001, "matching": 8002, "scheduling": 8003, "notifications": 8004}


# --- answers on Kafka ---------------------------------------------------------------------------------------------


@dataclass
class Seen:
    topic: str
    partition: int
    offset: int
    timestamp: float
    """The producer's timestamp of the record (CreateTime, seconds): when the service relayed it."""
    document: dict[str, Any]

    @property
    def type(self) -> str:
        return self.document.get("type", "")

    @property
    def data(self) -> dict[str, Any]:
        return self.document.get("data", {})


class Observer:
    """Reads every message of the benchmark's events (recognised by the key, the event id) from the moment it
    started; ``on_message`` is called for each one."""

    WATCHED = (topics.EVENTS, topics.REGISTRATIONS_OUTCOMES, topics.REGISTRATIONS, topics.MATCHES, topics.SCHEDULE,
               topics.NOTIFICATIONS)

    def __init__(self, key_prefix: str, on_message: Callable[[Seen], None]) -> None:
        self.key_prefix = key_prefix.encode()
        self.on_message = on_message
        self.consumer: AIOKafkaConsumer | None = None
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        self.last_offset: dict[tuple[str, int], int] = {}
        """(topic, partition) → the offset of the last message of ours seen there."""
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False, group_id=None,
                                    max_partition_fetch_bytes=4 * 1024 * 1024)
        await consumer.start()
        partitions = [TopicPartition(t, p) for t in self.WATCHED for p in range(topics.PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for partition in partitions:  # fix the start now, before anything is published
            await consumer.position(partition)
        self.consumer = consumer
        self._task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        assert self.consumer is not None
        while True:
            batches = await self.consumer.getmany(timeout_ms=200, max_records=2000)
            for records in batches.values():
                for record in records:
                    if not record.key or not record.key.startswith(self.key_prefix):
                        continue
                    try:
                        document = json.loads(record.value)
                    except (ValueError, UnicodeDecodeError):
                        continue
                    seen = Seen(record.topic, record.partition, record.offset, record.timestamp / 1000, document)
                    self.counts[(record.topic, seen.type)] += 1
                    self.last_offset[(record.topic, record.partition)] = record.offset
                    self.on_message(seen)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        if self.consumer:
            await self.consumer.stop()


# --- consumer lag -------------------------------------------------------------------------------------------------


@dataclass
class LagSample:
    at: float
    lag: dict[str, int]
    """'<service>.<topic>' → end offset − committed offset, summed over the topic's partitions."""
    committed: dict[str, int]
    """'<service>.<topic>' → committed offsets summed over the topic's partitions (grows with every handled message)."""
    positions: dict[tuple[str, str, int], int] = field(default_factory=dict)
    """('<service>.<topic>', topic, partition) → committed offset."""


class LagSampler:
    """Every ``every`` seconds: how far each service has read each topic ('<service>.<topic>', whether the service
    reads the topic in a group of its own, '<service>.<topic>', or in one group for all its topics, '<service>'),
    from committed offsets and the topics' end offsets (aiokafka's admin client and a consumer's end_offsets)."""

    def __init__(self, every: float = 2.0) -> None:
        self.every = every
        self.samples: list[LagSample] = []
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task | None = None
        self.groups: list[str] = []

    async def start(self) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP, client_id="bench-lag")
        await self._admin.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False, group_id=None)
        await self._consumer.start()
        listed = [g[0] for g in await self._admin.list_consumer_groups()]
        self.groups = sorted(g for g in listed if any(g == s or g.startswith(s + ".") for s in SERVICES))
        await self.sample()
        self._task = asyncio.create_task(self._loop())

    async def sample(self) -> LagSample:
        """One sample; its figures are keyed '<service>.<topic>' (called a group in the report)."""
        assert self._admin and self._consumer
        lag: dict[str, int] = {}
        committed: dict[str, int] = {}
        positions = {}
        for group in self.groups:
            try:
                offsets = await self._admin.list_consumer_group_offsets(group)
                ends = await self._consumer.end_offsets(list(offsets)) if offsets else {}
            except KafkaError:
                continue
            service = group.split(".", 1)[0]
            for tp, o in offsets.items():
                if o.offset < 0:
                    continue
                reader = f"{service}.{tp.topic}"
                lag[reader] = lag.get(reader, 0) + max(0, ends[tp] - o.offset)
                committed[reader] = committed.get(reader, 0) + o.offset
                positions[(reader, tp.topic, tp.partition)] = o.offset
        sample = LagSample(time.time(), lag, committed, positions)
        self.samples.append(sample)
        return sample

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.sample()
            except (KafkaError, OSError):
                pass

    def latest(self) -> LagSample:
        return self.samples[-1]

    def has_committed_past(self, reader: str, marks: dict[tuple[str, int], int]) -> bool:
        """Whether ``reader`` ('<service>.<topic>') committed past every (topic, partition) → offset in ``marks`` of
        its topic."""
        topic = reader.split(".", 1)[1]
        sample = self.latest()
        return all(sample.positions.get((reader, t, p), -1) > offset for (t, p), offset in marks.items() if t == topic)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        if self._consumer:
            await self._consumer.stop()
        if self._admin:
            await self._admin.close()


# --- memory -------------------------------------------------------------------------------------------------------


def service_pid(name: str) -> int | None:
    try:
        pid = int((RUN / f"{name}.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def memory_kb(pid: int) -> dict[str, int]:
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0])
    return values


class MemorySampler:
    """Samples VmRSS of each service process (pid from .stack/run/<service>.pid) every ``every`` seconds; VmHWM
    (the kernel's own peak since the process started) is read too."""

    def __init__(self, names: tuple[str, ...] = (*SERVICES, "ferretdb", "kafka"), every: float = 1.0) -> None:
        self.names, self.every = names, every
        self.peak_rss: dict[str, int] = {}
        self.first_rss: dict[str, int] = {}
        self.last_rss: dict[str, int] = {}
        self.hwm: dict[str, int] = {}
        self.pids: dict[str, int] = {}
        self._task: asyncio.Task | None = None

    def sample(self) -> None:
        for name in self.names:
            pid = service_pid(name)
            if pid is None:
                continue
            if self.pids.setdefault(name, pid) != pid:  # restarted by someone during the run: note, keep going
                self.pids[name] = pid
            try:
                values = memory_kb(pid)
            except OSError:
                continue
            rss = values.get("VmRSS", 0)
            self.first_rss.setdefault(name, rss)
            self.last_rss[name] = rss
            self.peak_rss[name] = max(self.peak_rss.get(name, 0), rss)
            self.hwm[name] = values.get("VmHWM", 0)

    async def start(self) -> None:
        self.sample()
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            self.sample()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        self.sample()


# --- the Maildir --------------------------------------------------------------------------------------------------

_UID = re.compile(rb"UID:meeting-([^@\r\n]+)@")
_PART_BREAK = re.compile(rb"\r?\n--[^\r\n]*\r?\n")


class MaildirWatcher:
    """Finds e-mails the SMTP sink wrote since the run began; for each meeting named in a calendar attachment
    (UID meeting-<id>@...) keeps the arrival time (the file's modification time) of its first e-mail."""

    def __init__(self, since: float, every: float = 1.0) -> None:
        self.since, self.every = since, every
        self.known: set[str] = set(os.listdir(MAILDIR_NEW)) if MAILDIR_NEW.exists() else set()
        self.first_for_meeting: dict[str, float] = {}
        self.new_files = 0
        self._task: asyncio.Task | None = None

    def scan(self) -> None:
        if not MAILDIR_NEW.exists():
            return
        for entry in os.scandir(MAILDIR_NEW):
            if entry.name in self.known:
                continue
            self.known.add(entry.name)
            try:
                arrived = entry.stat().st_mtime
                raw = Path(entry.path).read_bytes()
            except OSError:
                continue
            self.new_files += 1
            if b"text/calendar" not in raw:
                continue
            for meeting_id in self._meetings(raw):
                if arrived < self.first_for_meeting.get(meeting_id, float("inf")):
                    self.first_for_meeting[meeting_id] = arrived

    @staticmethod
    def _meetings(raw: bytes) -> set[str]:
        found = {m.decode() for m in _UID.findall(raw)}
        if found:
            return found
        # Calendar parts found by hand: parsing every e-mail with the standard library took a third of the bench's CPU.
        for part in _PART_BREAK.split(raw):
            head, _, body = part.replace(b"\r\n", b"\n").partition(b"\n\n")
            if b"text/calendar" not in head.lower():
                continue
            if b"base64" in head.lower():
                body = binascii.a2b_base64(body)
            found |= {m.decode() for m in _UID.findall(body.replace(b"\r\n ", b"").replace(b"\n ", b""))}
        return found

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.to_thread(self.scan)
            await asyncio.sleep(self.every)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await asyncio.to_thread(self.scan)


# --- the services' own metrics ------------------------------------------------------------------------------------

_SAMPLE = re.compile(r'^(\w+)\{([^}]*)\} ([0-9.e+-]+)$')


def scrape(port: int) -> dict[tuple[str, frozenset], float]:
    """Prometheus samples of one service: (name, labels) → value."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            text = answer.read().decode()
    except OSError:
        return {}
    samples = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            labels = frozenset(tuple(kv.split("=", 1)) for kv in match.group(2).split(",") if kv)
            samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def scrape_all() -> dict[str, dict[tuple[str, frozenset], float]]:
    return {name: scrape(port) for name, port in SERVICES.items()}


def _increases(before: dict, after: dict, metric: str):
    """(service, labels, increase of ``metric``, labels' samples after) for every labelled series that grew."""
    for service, samples in after.items():
        for (name, labels), value in samples.items():
            if name == metric and (grown := value - before.get(service, {}).get((name, labels), 0.0)) > 0:
                yield service, labels, grown, {k: v.strip('"') for k, v in labels}


def _increase(before: dict, after: dict, service: str, metric: str, labels: frozenset) -> float:
    return after[service].get((metric, labels), 0.0) - before.get(service, {}).get((metric, labels), 0.0)


def handle_stats(before: dict, after: dict) -> list[tuple[str, str, int, float]]:
    """(service, topic, messages handled, mean seconds in the handler) over the interval, from
    message_handle_seconds_{count,sum}."""
    return sorted(
        (service, label.get("topic", "?"), int(count),
         _increase(before, after, service, "message_handle_seconds_sum", labels) / count)
        for service, labels, count, label in _increases(before, after, "message_handle_seconds_count")
    )


def store_stats(before: dict, after: dict) -> list[tuple[str, str, str, int, float]]:
    """(service, command, collection, commands, seconds in the store) over the interval, from
    store_command_seconds_{count,sum}."""
    return sorted(
        (service, label.get("command", "?"), label.get("collection", "?"), int(count),
         _increase(before, after, service, "store_command_seconds_sum", labels))
        for service, labels, count, label in _increases(before, after, "store_command_seconds_count")
    )


def scan_counts(before: dict, after: dict) -> list[tuple[str, str, str, int]]:
    """(service, command, collection, commands) whose filter was not one exact _id, over the interval
    (store_scans_total: FerretDB reads the whole collection for them)."""
    return sorted(
        (service, label.get("command", "?"), label.get("collection", "?"), int(count))
        for service, _, count, label in _increases(before, after, "store_scans_total")
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

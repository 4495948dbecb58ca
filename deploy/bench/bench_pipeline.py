"""`make bench-pipeline`: the whole pipeline on the running local stack, measured end to end.

    .venv/bin/python deploy/bench/bench_pipeline.py [--participants N] [--acceptances M]
        [--acceptances-per-second R] [--duration S] [--memory-participants 10000] [--write docs/benchmarks.md]

Phases (each prints progress lines; the run uses fresh event ids, so it can be repeated on a shared stack):

1. store probe and baseline: FerretDB's latency per operation, then a bare aiokafka loop (consume, one insert,
   one produce, commit) on scratch topics and a scratch database — the yardstick;
2. events: the operator publishes E events with a roomy grid;
3. registrations: N RegistrationSubmitted published as fast as the producer takes them; measured: registration's
   throughput and the latency from a registration's publish to that participant's first SuggestionsUpdated;
4. decisions: for R pairs a second, participant A requests a meeting with B and B accepts (two
   MatchDecisionSubmitted), for S seconds; measured: acceptance ('accept' publish) to the first e-mail carrying that
   meeting in the SMTP sink's Maildir, and to its NotificationSent; consumer lag of every service's groups over time.
   Publishing pauses while the services' backlog exceeds --max-backlog (the stack is shared: a flood would stall
   everybody's tests for a long time); time spent paused is reported, and it means the rate was not sustained;
5. memory (only with --memory-participants): that many registrations into one event, batch-published with the same
   backlog guard, while resident memory is sampled (bounded by --memory-seconds);
6. the baseline again (the machine is shared; the mean of both runs is the yardstick).

Resident memory of each service (VmRSS sampled every second, VmHWM at the end) and CPU seconds per process are
collected throughout. The report says met / not met for each target. `--write FILE` replaces the text between
<!-- bench-pipeline:begin --> and <!-- bench-pipeline:end --> with the figures, the command and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import shlex
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaProducer

from contracts import topics
from contracts.envelope import new_envelope
from contracts.matching import MatchDecisionSubmitted
from contracts.operator import PublishEvent

import workload
from baseline import BaselineResult, run_baseline
from probes import (
    BOOTSTRAP, SERVICES, LagSampler, MaildirWatcher, MemorySampler, Observer, Seen, cpu_seconds, scrape_all, service_pid,
)
from report import Report
from store_probe import probe_store

STARTED = time.monotonic()


def say(text: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f}s] {text}", flush=True)


@dataclass
class Phase:
    name: str
    began: float = 0.0
    ended: float = 0.0
    metrics_before: dict = field(default_factory=dict)
    metrics_after: dict = field(default_factory=dict)
    cpu_before: dict = field(default_factory=dict)
    cpu_after: dict = field(default_factory=dict)
    committed_before: dict = field(default_factory=dict)
    committed_after: dict = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return max(self.ended - self.began, 1e-9)


def cpu_now() -> dict[str, float]:
    found = {}
    for name in (*SERVICES, "ferretdb", "kafka", "smtp"):
        pid = service_pid(name)
        if pid:
            try:
                found[name] = cpu_seconds(pid)
            except OSError:
                pass
    found["bench"] = cpu_seconds(os.getpid())
    return found


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.run_id = f"{dt.datetime.now():%m%d%H%M}-{secrets.token_hex(3)}"
        self.prefix = f"bench-{self.run_id}"
        self.event_ids = [f"{self.prefix}-e{i}" for i in range(args.events)]
        self.phases: dict[str, Phase] = {}
        # what the observer learns
        self.published_events: set[str] = set()
        self.outcomes: dict[str, tuple[str, str, float]] = {}  # reference -> (participant id, status, ts)
        self.first_list: dict[str, float] = {}  # participant id -> ts of its first SuggestionsUpdated
        self.list_updates = 0
        self.requested: dict[tuple[str, frozenset], float] = {}
        self.accepted: dict[tuple[str, frozenset], float] = {}
        self.refused: Counter[str] = Counter()
        self.meeting_of: dict[tuple[str, frozenset], tuple[str, str]] = {}  # pair -> (meeting id, kind)
        self.pair_of_meeting: dict[str, tuple[str, frozenset]] = {}
        self.pair_of_unplaceable: dict[str, tuple[str, frozenset]] = {}  # MeetingUnplaceable message id -> pair
        self.sent_first: dict[str, float] = {}  # meeting id or unplaceable message id -> first NotificationSent ts
        self.mails_sent = 0
        self.mail_kinds: Counter[str] = Counter()
        self.registered_marks: dict[tuple[str, int], int] = {}
        # what the benchmark published
        self.reg_published: dict[str, float] = {}  # reference -> publish time
        self.pid_of: dict[str, str] = {}
        self.accept_published: dict[tuple[str, frozenset], float] = {}
        self.throttled_seconds = 0.0
        self.decision_phase_cut = ""
        self.memory_result: dict | None = None
        self.backlog_at_start = 0
        self.backlog_start_text = ""
        self.baselines: list[BaselineResult] = []
        self.store_latency: dict[str, tuple[float, float]] = {}

    # --- observing ----------------------------------------------------------------------------------------------

    def on_message(self, seen: Seen) -> None:
        kind, data, event_id = seen.type, seen.data, seen.document.get("event_id", "")
        if kind == "EventPublished":
            self.published_events.add(event_id)
        elif kind == "RegistrationOutcome":
            self.outcomes.setdefault(data.get("reference", ""), (data.get("participant_id"), data.get("status"), seen.timestamp))
        elif kind == "ParticipantRegistered":
            self.registered_marks[(seen.topic, seen.partition)] = max(seen.offset, self.registered_marks.get((seen.topic, seen.partition), -1))
        elif kind == "SuggestionsUpdated":
            self.list_updates += 1
            pid = data.get("participant_id")
            if pid not in self.first_list:
                self.first_list[pid] = seen.timestamp
        elif kind == "MatchRequested":
            self.requested.setdefault((event_id, frozenset((data["requester_id"], data["recipient_id"]))), seen.timestamp)
        elif kind == "MatchAccepted":
            self.accepted.setdefault((event_id, frozenset((data["participant_a"], data["participant_b"]))), seen.timestamp)
        elif kind == "DecisionRefused":
            self.refused[data.get("reason", "")[:80]] += 1
        elif kind in ("MeetingScheduled", "MeetingUnplaceable"):
            pair = (event_id, frozenset((data["participant_a"], data["participant_b"])))
            if kind == "MeetingScheduled":
                self.meeting_of.setdefault(pair, (data["meeting_id"], kind))
                self.pair_of_meeting[data["meeting_id"]] = pair
            else:
                message_id = seen.document.get("message_id", "")
                self.meeting_of.setdefault(pair, (message_id, kind))
                self.pair_of_unplaceable[message_id] = pair
        elif kind == "NotificationSent":
            self.mails_sent += 1
            self.mail_kinds.update(data.get("kinds", ()))
            for key in data.get("change_keys", ()):
                for marker in (":meeting_scheduled:meeting-", ":meeting_unplaceable:"):
                    if marker in key:
                        ident = key.split(marker, 1)[1].rsplit(":v", 1)[0] if "meeting-" in marker else key.split(marker, 1)[1]
                        if ident not in self.sent_first:
                            self.sent_first[ident] = seen.timestamp

    # --- phases -------------------------------------------------------------------------------------------------

    def begin(self, name: str) -> Phase:
        phase = Phase(name, time.time(), metrics_before=scrape_all(), cpu_before=cpu_now(),
                      committed_before=dict(self.lag.latest().committed))
        self.phases[name] = phase
        return phase

    def end(self, phase: Phase) -> None:
        phase.ended = time.time()
        phase.metrics_after, phase.cpu_after = scrape_all(), cpu_now()
        phase.committed_after = dict(self.lag.latest().committed)

    def backlog(self) -> dict[str, int]:
        per_service: dict[str, int] = defaultdict(int)
        for group, lag in self.lag.latest().lag.items():
            per_service[group.split(".", 1)[0]] += lag
        return dict(per_service)

    def added_backlog(self) -> int:
        """Messages behind now, beyond what was already behind when the phase began (the stack is shared)."""
        return max(0, sum(self.backlog().values()) - self.backlog_at_start)

    def backlog_text(self) -> str:
        b = self.backlog()
        return ", ".join(f"{s} {b.get(s, 0)}" for s in SERVICES)

    def own_progress(self) -> tuple:
        return (len(self.outcomes), len(self.first_list), self.list_updates, len(self.accepted), len(self.meeting_of),
                self.mails_sent, len(self.published_events))

    async def wait_until(self, check, what: str, *, stall: float = 180.0, progress=None, every: float = 10.0,
                         hard: float | None = None) -> bool:
        """Poll ``check`` until true; give up when nothing of this run moved for ``stall`` s, or after ``hard`` s."""
        hard = hard if hard is not None else self.args.wait_limit
        began = last_move = time.monotonic()
        marker, next_progress = None, time.monotonic() + every
        while not check():
            now = time.monotonic()
            if now - began > hard:
                say(f"gave up waiting for {what} after {hard:.0f} s")
                return False
            current = self.own_progress()
            if current != marker:
                marker, last_move = current, now
            if now - last_move > stall:
                say(f"gave up waiting for {what}: nothing moved for {stall:.0f} s")
                return False
            if progress and now >= next_progress:
                progress()
                next_progress = now + every
            await asyncio.sleep(0.2)
        return True

    async def run(self) -> Report:
        args = self.args
        check_services()
        say(f"run {self.run_id}: {args.participants} participants in {args.events} events, {args.acceptances} acceptances "
            f"at {args.acceptances_per_second}/s for at most {args.duration:.0f} s"
            + (f", then {args.memory_participants} participants into one event" if args.memory_participants else ""))
        self.lag = LagSampler(every=2.0)
        await self.lag.start()
        self.memory = MemorySampler()
        await self.memory.start()
        self.maildir = MaildirWatcher(time.time())
        await self.maildir.start()
        self.observer = Observer(self.prefix, self.on_message)
        await self.observer.start()
        self.producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", enable_idempotence=True, linger_ms=5)
        await self.producer.start()
        try:
            await self.phase_baseline("before")
            await self.phase_events()
            await self.phase_registrations()
            await self.phase_decisions()
            if args.memory_participants:
                await self.phase_memory()
            await self.phase_baseline("after")
        finally:
            await self.producer.stop()
            await self.observer.stop()
            await self.maildir.stop()
            await self.memory.stop()
            await self.lag.stop()
        return Report(self)

    async def phase_baseline(self, when: str) -> None:
        if self.args.baseline_seconds <= 0:
            return
        if when == "before":
            say("store probe: FerretDB latency per operation (scratch database)")
            self.store_latency = await probe_store()
            say("  " + ", ".join(f"{op} {p50:.1f} ms (p90 {p90:.1f})" for op, (p50, p90) in self.store_latency.items()))
        else:
            # Measured while the services still work off a backlog, the loop shares the store with them and runs slower,
            # which would flatter the ratio.
            quiet = await self.wait_until(lambda: sum(self.backlog().values()) == 0,
                                          "the services' backlog to clear before the second baseline", stall=60, hard=180)
            if not quiet:
                say(f"  the stack is still busy ({self.backlog_text()}): this baseline runs under that load")
        say(f"baseline ({when}): bare aiokafka loop, consume → 1 insert → 1 produce → commit, {self.args.baseline_seconds:.0f} s")
        payload = new_envelope(workload.registration("bench-baseline", 0, 1), producer="bench", event_id="bench-baseline").model_dump_json().encode()
        result = await run_baseline(payload, seconds=self.args.baseline_seconds, say=say)
        self.baselines.append(result)
        say(f"  baseline: {result.rate:.1f} messages/s ({result.messages} in {result.seconds:.1f} s; per message: insert "
            f"{result.store_ms:.1f} ms, produce {result.produce_ms:.1f} ms, commit {result.commit_ms:.1f} ms)")

    async def send(self, topic: str, payload, event_id: str, producer: str) -> None:
        envelope = new_envelope(payload, producer=producer, event_id=event_id)
        await self.producer.send(topic, envelope.model_dump_json().encode(), key=event_id.encode())

    async def phase_events(self) -> None:
        if self.args.participants <= 0:
            self.event_ids = []
            return
        phase = self.begin("events")
        per_event = max(2, self.args.participants // self.args.events)
        for event_id in self.event_ids:
            await self.send(topics.OPERATOR_COMMANDS, PublishEvent(event=workload.event_draft(event_id, per_event)),
                            event_id, workload.OPERATOR)
        await self.producer.flush()
        say(f"events: published {len(self.event_ids)} ({', '.join(self.event_ids)}); waiting for every service to learn them")
        await self.wait_until(lambda: len(self.published_events) == len(self.event_ids), "EventPublished", stall=120)
        await asyncio.sleep(2.5)  # one lag sample after the EventPublished messages

        def learnt() -> bool:
            marks = {k: v for k, v in self.observer.last_offset.items() if k[0] == topics.EVENTS}
            return all(self.lag.has_committed_past(f"{s}.{topics.EVENTS}", marks) for s in ("matching", "scheduling", "notifications"))

        await self.wait_until(learnt, "the services to handle the events", stall=120)
        self.end(phase)
        say(f"events: learnt by every service in {phase.seconds:.1f} s")

    async def phase_registrations(self) -> None:
        args = self.args
        if args.participants <= 0:
            return
        phase = self.begin("registrations")
        per_event = args.participants // args.events
        references = []
        for number in range(per_event):  # interleaved over the events, as several websites would send them
            for index, event_id in enumerate(self.event_ids):
                submission = workload.registration(self.prefix, index, number)
                self.reg_published[submission.reference] = time.time()
                await self.send(topics.REGISTRATIONS_INBOUND, submission, event_id, workload.SOURCE)
                references.append(submission.reference)
        await self.producer.flush()
        took = time.time() - phase.began
        say(f"registrations: {len(references)} published in {took:.1f} s; waiting for registration, matching, scheduling "
            "and notifications to handle them")

        def progress() -> None:
            lists = sum(1 for r in references if self.outcomes.get(r, (None,))[0] in self.first_list)
            say(f"  registrations answered {len(self.outcomes)}/{len(references)}, participants with a suggestion list "
                f"{lists}/{len(references)}, backlog: {self.backlog_text()}")

        def handled() -> bool:
            if len(self.outcomes) < len(references):
                return False
            marks = {k: v for k, v in self.registered_marks.items()}
            return all(self.lag.has_committed_past(f"{s}.{topics.REGISTRATIONS}", marks)
                       for s in ("matching", "scheduling", "notifications"))

        await self.wait_until(handled, "the registrations to be handled", progress=progress, every=5.0)
        self.end(phase)
        self.pid_of = {ref: o[0] for ref, o in self.outcomes.items() if o[0]}
        refused = Counter(o[1] for o in self.outcomes.values())
        say(f"registrations: handled by every service in {phase.seconds:.1f} s; outcomes {dict(refused)}; "
            f"{sum(1 for p in self.pid_of.values() if p in self.first_list)} participants have a list")

    def pairs(self) -> list[tuple[str, str, str]]:
        """(event id, requester, accepter) in publishing order: round by round within each event, events interleaved."""
        per_event = self.args.participants // self.args.events
        rounds = min(99, per_event - 1)  # the event's cap is 100 meetings per person
        streams = []
        for index, event_id in enumerate(self.event_ids):
            pids = [self.pid_of.get(workload.reference(self.prefix, index, n)) for n in range(per_event)]
            streams.append([(event_id, pids[a], pids[b]) for a, b in workload.pair_rounds(per_event, rounds)
                            if pids[a] and pids[b]])
        ordered = []
        for position in range(max((len(s) for s in streams), default=0)):
            ordered += [s[position] for s in streams if position < len(s)]
        return ordered[: self.args.acceptances]

    async def phase_decisions(self) -> None:
        args = self.args
        pairs = self.pairs()
        if not pairs:
            say("decisions: no pairs (no participants admitted?); skipped")
            return
        phase = self.begin("decisions")
        self.backlog_at_start = sum(self.backlog().values())
        self.backlog_start_text = self.backlog_text()
        rate, limit = args.acceptances_per_second, args.max_backlog
        say(f"decisions: {len(pairs)} acceptances at {rate}/s (each: A requests, B accepts), at most {args.duration:.0f} s; "
            f"publishing pauses while the services' backlog grows by more than {limit} messages over its start "
            f"({self.backlog_start_text})")
        sent, paused, tick, next_progress = 0, False, 0.05, time.monotonic() + 10
        began = time.monotonic()
        paused_since = None
        while sent < len(pairs) and time.monotonic() - began < args.duration:
            backlog = self.added_backlog()
            if limit and (backlog > limit or (paused and backlog > limit / 2)):
                if not paused:
                    paused, paused_since = True, time.monotonic()
                await asyncio.sleep(0.25)
            else:
                if paused:
                    paused = False
                    self.throttled_seconds += time.monotonic() - paused_since
                due = int((time.monotonic() - began - self.throttled_seconds) * rate) + 1
                while sent < min(due, len(pairs)):
                    event_id, a, b = pairs[sent]
                    await self.send(topics.MATCH_DECISIONS_INBOUND, MatchDecisionSubmitted(
                        decision="request", participant_id=a, other_participant_id=b, note="Shall we meet?"),
                        event_id, workload.PORTAL)
                    self.accept_published[(event_id, frozenset((a, b)))] = time.time()
                    await self.send(topics.MATCH_DECISIONS_INBOUND, MatchDecisionSubmitted(
                        decision="accept", participant_id=b, other_participant_id=a), event_id, workload.PORTAL)
                    sent += 1
                await asyncio.sleep(tick)
            if time.monotonic() >= next_progress:
                next_progress += 10
                mails = sum(1 for p in self.accept_published if self.first_mail(p) is not None)
                say(f"  {time.monotonic() - began:5.0f}s: acceptances published {sent}, accepted {len(self.accepted)}, "
                    f"placed/unplaceable {len(self.meeting_of)}, meeting e-mails {mails}; backlog: {self.backlog_text()}"
                    + (" (publishing paused)" if paused else ""))
        if paused:
            self.throttled_seconds += time.monotonic() - paused_since
        if sent == len(pairs) and time.monotonic() - began < args.duration:
            say(f"decisions: the events' {len(pairs)} pairs ran out before {args.duration:.0f} s; more participants give more "
                "pairs (each event allows (n - 1) × n / 2, at most 99 rounds)")
        self.decision_phase_cut = ("all acceptances published" if sent == len(pairs)
                                   else f"duration reached after {sent} of {len(pairs)} acceptances")
        phase.ended = time.time()
        self.publish_seconds = time.monotonic() - began
        self.acceptances_sent = sent
        await self.producer.flush()
        say(f"decisions: published {sent} acceptances in {self.publish_seconds:.0f} s ({sent / self.publish_seconds:.1f}/s, "
            f"paused {self.throttled_seconds:.0f} s); draining up to {args.drain:.0f} s for their e-mails")
        drain_began = time.monotonic()
        while time.monotonic() - drain_began < args.drain:
            await asyncio.to_thread(self.maildir.scan)
            missing = sum(1 for p in self.accept_published if self.first_mail(p) is None)
            if not missing:
                break
            await asyncio.sleep(1.0)
        self.drain_seconds = time.monotonic() - drain_began
        self.end(phase)
        phase.ended = phase.ended  # the phase's window covers publishing and draining
        say(f"decisions: {sum(1 for p in self.accept_published if self.first_mail(p) is not None)}/{sent} acceptances "
            f"have their e-mail after {self.drain_seconds:.0f} s of draining; backlog: {self.backlog_text()}")

    def first_mail(self, pair) -> float | None:
        found = self.meeting_of.get(pair)
        if found is None:
            return None
        meeting_id, kind = found
        if kind == "MeetingScheduled":
            return self.maildir.first_for_meeting.get(meeting_id)
        return self.sent_first.get(meeting_id)  # an unplaceable meeting's e-mail carries no calendar: its NotificationSent

    async def phase_memory(self) -> None:
        args = self.args
        count, limit = args.memory_participants, args.memory_backlog
        event_id = f"{self.prefix}-memory"
        self.event_ids.append(event_id)
        index = len(self.event_ids) - 1
        phase = self.begin("memory")
        self.backlog_at_start = sum(self.backlog().values())
        rss_before = dict(self.memory.last_rss)
        await self.send(topics.OPERATOR_COMMANDS, PublishEvent(event=workload.event_draft(event_id, count)), event_id, workload.OPERATOR)
        await self.producer.flush()
        await self.wait_until(lambda: event_id in self.published_events, "EventPublished (memory event)", stall=120)
        say(f"memory: registering {count} participants into {event_id} in batches of {args.memory_batch}, "
            f"keeping the backlog under {limit} (the stack is shared), at most {args.memory_seconds:.0f} s")
        began, sent, next_progress = time.monotonic(), 0, time.monotonic() + 10
        refs = []
        while sent < count and time.monotonic() - began < args.memory_seconds:
            if self.added_backlog() > limit:
                await asyncio.sleep(0.5)
            else:
                for number in range(sent, min(count, sent + args.memory_batch)):
                    submission = workload.registration(self.prefix, index, number)
                    refs.append(submission.reference)
                    await self.send(topics.REGISTRATIONS_INBOUND, submission, event_id, workload.SOURCE)
                sent = min(count, sent + args.memory_batch)
                await self.producer.flush()
                await asyncio.sleep(2.5)  # let one lag sample see the batch
            if time.monotonic() >= next_progress:
                next_progress += 10
                answered = sum(1 for r in refs if r in self.outcomes)
                lists = sum(1 for r in refs if self.outcomes.get(r, (None,))[0] in self.first_list)
                rss = ", ".join(f"{s} {self.memory.last_rss.get(s, 0) / 1024:.0f} MB" for s in SERVICES)
                say(f"  {time.monotonic() - began:5.0f}s: published {sent}/{count}, answered {answered}, with a list {lists}; "
                    f"RSS {rss}; backlog: {self.backlog_text()}")
        published_seconds = time.monotonic() - began
        say(f"memory: {sent} published in {published_seconds:.0f} s; waiting (≤ {args.drain:.0f} s) for the backlog to clear")
        drain = time.monotonic()
        while time.monotonic() - drain < args.drain and self.added_backlog() > 0:
            await asyncio.sleep(1.0)
        self.end(phase)
        self.memory_result = {
            "event_id": event_id, "target": count, "published": sent, "seconds": phase.seconds,
            "answered": sum(1 for r in refs if r in self.outcomes),
            "with_list": sum(1 for r in refs if self.outcomes.get(r, (None,))[0] in self.first_list),
            "rss_before": rss_before, "peak_rss": dict(self.memory.peak_rss), "hwm": dict(self.memory.hwm),
            "last_rss": dict(self.memory.last_rss),
        }
        say(f"memory: done after {phase.seconds:.0f} s; {self.memory_result['answered']} registered")


def check_services(patience: float = 90.0) -> None:
    """Each service answers /ready (others may be restarting theirs on the shared stack: wait a little)."""
    deadline = time.monotonic() + patience
    for name, port in SERVICES.items():
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=10) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                break
            time.sleep(1.0)
        else:
            continue
        if time.monotonic() <= deadline:
            continue
        print(f"[bench] the {name} service is not ready at http://127.0.0.1:{port}/ready; start the stack with "
              "`make stack-up` (or see `make stack-status`)", file=sys.stderr)
        sys.exit(2)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # 200: with 40 the registration phase lasted under a second, and the same code gave ratios from 0.22 to 0.49.
    parser.add_argument("--participants", type=int, default=200, help="registrations N, spread over --events (default 200)")
    parser.add_argument("--events", type=int, default=2, help="events the participants register for (default 2)")
    parser.add_argument("--acceptances", type=int, default=None,
                        help="acceptances M (default: rate × duration, at most what the events' pairs allow)")
    parser.add_argument("--acceptances-per-second", type=float, default=100.0, help="acceptance rate R (default 100)")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of the decision phase (default 300)")
    parser.add_argument("--max-backlog", type=int, default=600,
                        help="pause publishing decisions while the services' total backlog has grown by more than this "
                             "since the phase began (0: never)")
    parser.add_argument("--drain", type=float, default=45.0, help="seconds to wait for outstanding e-mails (default 45)")
    parser.add_argument("--baseline-seconds", type=float, default=20.0, help="length of each baseline run (0: skip)")
    parser.add_argument("--memory-participants", type=int, default=0,
                        help="register this many participants into one event and sample memory (e.g. 10000; default: skip)")
    parser.add_argument("--memory-seconds", type=float, default=1200.0, help="most seconds the memory phase publishes")
    parser.add_argument("--memory-batch", type=int, default=250, help="registrations per batch in the memory phase")
    parser.add_argument("--memory-backlog", type=int, default=400, help="backlog under which the memory phase publishes")
    parser.add_argument("--wait-limit", type=float, default=600.0,
                        help="most seconds any wait for the services lasts (a busy shared stack is slow)")
    parser.add_argument("--write", type=Path, help="write the figures between the bench-pipeline markers of this file")
    args = parser.parse_args(argv)
    if args.acceptances is None:
        args.acceptances = int(args.acceptances_per_second * args.duration)
    return args


async def main(argv: list[str]) -> int:
    args = parse(argv)
    bench = Bench(args)
    report = await bench.run()
    print(report.text())
    if args.write:
        command = "python deploy/bench/bench_pipeline.py " + " ".join(shlex.quote(a) for a in argv)
        report.write(args.write, command.strip())
        say(f"figures written to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))

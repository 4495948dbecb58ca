"""The pipeline benchmark's figures: computed once from what the run saw, printed as text and written as Markdown."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

from probes import SERVICES, handle_stats, scan_counts, store_stats

if TYPE_CHECKING:
    from bench_pipeline import Bench

BEGIN, END = "<!-- bench-pipeline:begin -->", "<!-- bench-pipeline:end -->"
MEMORY_LIMIT_MB = 250
LATENCY_TARGET_MS = 500
RATIO_TARGET = 0.5


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; missing answers count as infinitely late."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def ms(value: float) -> str:
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "not delivered"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def table(headers: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join("    " + line for line in lines)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (t, y)."""
    if len(points) < 3:
        return 0.0
    n = len(points)
    mt, my = sum(t for t, _ in points) / n, sum(y for _, y in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (y - my) for t, y in points) / var if var else 0.0


STORE_ROWS = 3


class Report:
    def __init__(self, bench: Bench) -> None:
        self.b = bench
        self.date = dt.date.today().isoformat()
        self.load = os.getloadavg()
        b = bench
        rates = [r.rate for r in b.baselines]
        self.baseline = sum(rates) / len(rates) if rates else math.nan

        # registrations ------------------------------------------------------------------------------------------
        reg = b.phases.get("registrations")
        main_refs = [r for r in b.reg_published]
        self.reg_count = len(main_refs)
        outcome_times = [b.outcomes[r][2] for r in main_refs if r in b.outcomes]
        first_pub = min((b.reg_published[r] for r in main_refs), default=math.nan)
        self.reg_rate = (len(outcome_times) / (max(outcome_times) - first_pub)) if outcome_times else math.nan
        self.reg_latency = [b.first_list[b.outcomes[r][0]] - b.reg_published[r] if r in b.outcomes and b.outcomes[r][0] in b.first_list
                            else math.inf for r in main_refs]
        self.reg_outcome_latency = [b.outcomes[r][2] - b.reg_published[r] if r in b.outcomes else math.inf for r in main_refs]
        lists = [b.first_list[b.outcomes[r][0]] for r in main_refs if r in b.outcomes and b.outcomes[r][0] in b.first_list]
        self.e2e_reg_rate = len(lists) / (max(lists) - first_pub) if lists else math.nan
        self.reg_phase = reg

        # decisions ----------------------------------------------------------------------------------------------
        self.dec = b.phases.get("decisions")
        self.accept_latency, self.sent_latency = [], []
        for pair, published in b.accept_published.items():
            mail = b.first_mail(pair)
            self.accept_latency.append(mail - published if mail is not None else math.inf)
            found = b.meeting_of.get(pair)
            sent = b.sent_first.get(found[0]) if found else None
            self.sent_latency.append(sent - published if sent is not None else math.inf)
        self.accepted_count = len(b.accept_published)
        self.delivered = sum(1 for v in self.accept_latency if not math.isinf(v))
        self.offered_rate = b.args.acceptances_per_second
        self.published_rate = getattr(b, "acceptances_sent", 0) / max(getattr(b, "publish_seconds", 1), 1e-9)
        delivered_at = sorted(b.first_mail(p) for p in b.accept_published if b.first_mail(p) is not None)
        self.completed_rate = (len(delivered_at) / (delivered_at[-1] - self.dec.began)) if delivered_at and self.dec else math.nan
        placed = [k for k in b.meeting_of.values() if k[1] == "MeetingScheduled"]
        self.placed, self.unplaceable = len(placed), len(b.meeting_of) - len(placed)

        # services: messages handled per second (committed offsets), handler times ------------------------------
        self.group_rates: dict[str, float] = {}
        if self.dec:
            for group, after in self.dec.committed_after.items():
                self.group_rates[group] = (after - self.dec.committed_before.get(group, after)) / self.dec.seconds
        self.service_rates = {s: sum(r for g, r in self.group_rates.items() if g.startswith(s + ".")) for s in SERVICES}
        self.across = sum(self.service_rates.values()) / len(SERVICES) if self.group_rates else math.nan

        # lag ----------------------------------------------------------------------------------------------------
        self.lag_rows, self.lag_verdict, self.lag_detail = self._lag()

        # memory -------------------------------------------------------------------------------------------------
        self.memory = b.memory

    # --- lag ----------------------------------------------------------------------------------------------------

    def _lag(self):
        b = self.b
        if not self.dec:
            return [], None, "no decision phase"
        # the whole phase: publishing and draining (a short publish leaves too few samples for a trend)
        window = [s for s in b.lag.samples if self.dec.began <= s.at <= self.dec.ended]
        per_service = []
        for s in window:
            totals = {name: 0 for name in SERVICES}
            for group, lag in s.lag.items():
                totals[group.split(".", 1)[0]] += lag
            per_service.append((s.at - self.dec.began, totals))
        step = max(1, len(per_service) // 16)
        rows = [[f"{t:.0f}", *(str(tot[name]) for name in SERVICES)] for t, tot in per_service[::step]]
        if per_service and rows[-1][0] != f"{per_service[-1][0]:.0f}":
            t, tot = per_service[-1]
            rows.append([f"{t:.0f}", *(str(tot[name]) for name in SERVICES)])
        slopes = {name: slope([(t, tot[name]) for t, tot in per_service]) for name in SERVICES}
        grew = [name for name, v in slopes.items() if v > 0.5] or []
        paused = b.throttled_seconds > 0
        detail = ", ".join(f"{name} {v:+.1f}/s" for name, v in slopes.items())
        verdict = not grew and not paused
        if paused:
            detail += f"; publishing paused {b.throttled_seconds:.0f} s of {b.publish_seconds:.0f} s because the backlog passed {b.args.max_backlog}"
        return rows, verdict, detail

    # --- output -------------------------------------------------------------------------------------------------

    def targets(self) -> list[tuple[str, str, str]]:
        b = self.b
        out = []
        ratio = self.reg_rate / self.baseline if self.baseline else math.nan
        out.append((f"throughput ratio ≥ {RATIO_TARGET}", f"{ratio:.2f}", "met" if ratio >= RATIO_TARGET else "not met"))
        mem = b.memory_result
        if mem:
            worst = max(mem["peak_rss"].get(s, 0) for s in SERVICES) / 1024
            reached = mem["answered"]
            verdict = ("met" if worst < MEMORY_LIMIT_MB else "not met") if reached >= mem["target"] else (
                "not met" if worst >= MEMORY_LIMIT_MB else f"not verified ({reached} of {mem['target']} registered)")
            out.append((f"peak RSS per service < {MEMORY_LIMIT_MB} MB at {mem['target']:,} participants", f"{worst:.0f} MB (worst service)", verdict))
        else:
            out.append((f"peak RSS per service < {MEMORY_LIMIT_MB} MB at 10,000 participants", "memory phase not run", "not measured"))
        p99 = percentile(self.accept_latency, 0.99)
        at_rate = abs(self.published_rate - 100) < 5 and self.offered_rate >= 100
        label = f"acceptance → e-mail p99 < {LATENCY_TARGET_MS} ms at 100 acceptances/s"
        if self.accept_latency:
            ok = p99 * 1000 < LATENCY_TARGET_MS and at_rate
            note = "" if at_rate else f" (at {self.published_rate:.1f}/s achieved)"
            out.append((label, ms(p99) + note, "met" if ok else "not met"))
        else:
            out.append((label, "no acceptances", "not measured"))
        long_enough = getattr(b, "publish_seconds", 0) >= 295
        if self.lag_verdict is None:
            out.append(("no consumer lag growth over a five-minute run", "no decision phase", "not measured"))
        else:
            verdict = "met" if self.lag_verdict and long_enough else ("not met" if not self.lag_verdict else "not verified (shorter run)")
            out.append(("no consumer lag growth over a five-minute run", "grew" if not self.lag_verdict else "stable", verdict))
        return out

    def body(self, markdown: bool) -> str:
        b, parts = self.b, []
        h = (lambda t: f"\n#### {t}\n") if markdown else (lambda t: f"\n{t}\n{'-' * len(t)}")
        para = (lambda t: t) if markdown else (lambda t: "  " + t)

        parts.append(h("Targets"))
        parts.append(table(["target", "measured", "verdict"], [list(t) for t in self.targets()], markdown))

        parts.append(h("Throughput"))
        ratio = self.reg_rate / self.baseline if self.baseline else math.nan
        rows = [
            ["baseline: bare aiokafka loop (consume → 1 insert → 1 produce → commit)",
             " / ".join(f"{r.rate:.1f}" for r in b.baselines) + f" (mean {self.baseline:.1f})", "1.00"],
            ["registration: RegistrationSubmitted fully handled (saturated, from first publish to last outcome)",
             f"{self.reg_rate:.1f}", f"**{ratio:.2f}**" if markdown else f"{ratio:.2f}  <- the ratio that counts"],
            ["end to end: registrations published → participant's first suggestion list",
             f"{self.e2e_reg_rate:.1f}", f"{self.e2e_reg_rate / self.baseline:.2f}"],
            ["all services: committed offsets per second during the decision phase, summed over every service and topic ÷ 4 services",
             f"{self.across:.1f}", f"{self.across / self.baseline:.2f}"],
            [f"acceptances: offered {self.offered_rate:g}/s, published {self.published_rate:.1f}/s, e-mailed",
             f"{self.completed_rate:.1f}", "–"],
        ]
        parts.append(table(["what (messages/s)", "rate", "÷ baseline"], rows, markdown))
        parts.append(para(
            "The ratio compares one service consuming one topic with the bare loop doing the same on the same broker "
            "and store: registration handling RegistrationSubmitted (validate, event read, the participant inserted "
            "with its outbox (read first only when the id is taken), seat count, publish two messages, commit; the "
            "processed mark is written in "
            "batches and looked up only for messages from before the consumer took its partition; different people "
            "side by side, the bench's events have no capacity) against consume → one insert → one produce → commit, "
            "one message at a time."))
        if b.baselines:
            r = b.baselines[0]
            parts.append(para(f"Baseline per message (first run): insert {r.store_ms:.1f} ms, produce {r.produce_ms:.1f} ms, "
                              f"commit {r.commit_ms:.1f} ms."))
        if self.group_rates:
            rows = [[g, f"{rate:.1f}"] for g, rate in sorted(self.group_rates.items()) if rate > 0]
            parts.append(h("Messages committed per second by service and topic (decision phase, all traffic on the stack)"))
            parts.append(table(["service.topic", "messages/s"], rows, markdown))

        parts.append(h("Latency"))
        rows = []
        for label, values in (
            ("registration published → registration's outcome", self.reg_outcome_latency),
            ("registration published → participant's first SuggestionsUpdated", self.reg_latency),
            ("acceptance published → first e-mail with the meeting in the Maildir", self.accept_latency),
            ("acceptance published → its NotificationSent (notifications' timestamp)", self.sent_latency),
        ):
            done = sum(1 for v in values if not math.isinf(v))
            rows.append([label, f"{done}/{len(values)}", ms(percentile(values, 0.5)), ms(percentile(values, 0.99)),
                         ms(max((v for v in values if not math.isinf(v)), default=math.nan))])
        parts.append(table(["from → to", "answered", "median", "p99", "max answered"], rows, markdown))
        parts.append(para(
            f"Registrations were published all at once ({self.reg_count} in a burst), so their latency includes the "
            f"queue behind the burst. Decisions: {self.accepted_count} acceptances published "
            f"({b.decision_phase_cut}); {self.placed} meetings placed, {self.unplaceable} unplaceable; "
            f"{sum(b.refused.values())} decisions refused; {len(b.accept_published) and sum(1 for v in self.accept_latency if not math.isinf(v))} "
            f"e-mailed within the {getattr(b, 'drain_seconds', 0):.0f} s drain; {b.mails_sent} e-mails sent for the run's events "
            f"({', '.join(f'{k} {v}' for k, v in b.mail_kinds.most_common())}). Unanswered ones count as infinitely late."))

        parts.append(h("Consumer lag during the decision phase (messages behind, summed per service)"))
        if self.lag_rows:
            parts.append(table(["t (s)", *SERVICES], self.lag_rows, markdown))
            verdict = "did not grow" if self.lag_verdict else "grew"
            parts.append(para(f"Verdict: lag {verdict} (least-squares slope per service: {self.lag_detail})."))

        parts.append(h("Resident memory per service"))
        mem = self.memory
        rows = [[s, f"{mem.first_rss.get(s, 0) / 1024:.0f}", f"{mem.peak_rss.get(s, 0) / 1024:.0f}",
                 f"{mem.last_rss.get(s, 0) / 1024:.0f}", f"{mem.hwm.get(s, 0) / 1024:.0f}"]
                for s in (*SERVICES, "ferretdb", "kafka")]
        parts.append(table(["process", "RSS at start (MB)", "peak RSS sampled (MB)", "RSS at end (MB)", "VmHWM (MB)"], rows, markdown))
        if b.memory_result:
            m = b.memory_result
            parts.append(para(
                f"Memory phase: {m['published']:,} of {m['target']:,} registrations published into one event "
                f"({m['event_id']}) in {m['seconds']:.0f} s; {m['answered']:,} admitted, {m['with_list']:,} with a suggestion "
                f"list by the end. RSS before the phase → peak during it: "
                + ", ".join(f"{s} {m['rss_before'].get(s, 0) / 1024:.0f} → {m['peak_rss'].get(s, 0) / 1024:.0f} MB" for s in SERVICES)
                + "."))

        parts.append(h("Where the time goes: handler time and CPU per phase"))
        rows = []
        for name, phase in b.phases.items():
            if not phase.metrics_after:
                continue
            for service, topic, count, mean in handle_stats(phase.metrics_before, phase.metrics_after):
                rows.append([name, service, topic, str(count), f"{mean * 1000:.1f}",
                             f"{count / phase.seconds:.1f}"])
        parts.append(table(["phase", "service", "topic", "handled", "mean handler ms", "handled/s"], rows, markdown))
        parts.append(para("Handler time (message_handle_seconds) excludes the inbox's own work: parsing and validating "
                          "the envelope, the processed-id lookup before and the insert after, and the commit."))
        rows = []
        for name, phase in b.phases.items():
            if not phase.metrics_after:
                continue
            found = store_stats(phase.metrics_before, phase.metrics_after)
            for service in SERVICES:
                mine = sorted((r for r in found if r[0] == service), key=lambda r: -r[4])[:STORE_ROWS]
                for _, command, collection, count, seconds in mine:
                    rows.append([name, service, f"{command} {collection}".strip(), f"{count:,}",
                                 f"{seconds / count * 1000:.1f}", f"{seconds:.1f}"])
        if rows:
            parts.append(para(f"Store commands per phase, each service's {STORE_ROWS} that took longest in all "
                              "(store_command_seconds, measured in the services):"))
            parts.append(table(["phase", "service", "command and collection", "commands", "mean ms", "total s"], rows, markdown))
        scans = [f"{name}: " + ", ".join(f"{service} {command} {collection} ×{count}" for service, command, collection, count in found)
                 for name, phase in b.phases.items() if phase.metrics_after
                 for found in [scan_counts(phase.metrics_before, phase.metrics_after)] if found]
        parts.append(para("Commands that read a whole collection on FerretDB (filter other than one exact _id; ADR 0006): "
                          + ("; ".join(scans) if scans else "none") + "."))
        rows = []
        for name, phase in b.phases.items():
            if not phase.cpu_after:
                continue
            cpu = {p: phase.cpu_after.get(p, 0) - phase.cpu_before.get(p, 0) for p in phase.cpu_after}
            # a process restarted during the phase (someone else's work on the shared stack) has no comparable figure
            rows.append([name, f"{phase.seconds:.0f}", *(f"{cpu[p] / phase.seconds * 100:.0f}%" if cpu.get(p, -1) >= 0
                                                         else "restarted" for p in (*SERVICES, "ferretdb", "kafka", "bench"))])
        parts.append(table(["phase", "seconds", *SERVICES, "ferretdb", "kafka", "bench"], rows, markdown))
        parts.append(para("CPU share of one core per process over each phase (the machine has 2 cores and is shared)."))
        if b.store_latency:
            parts.append(h("FerretDB latency per operation (scratch database, before the run)"))
            parts.append(table(["operation", "median ms", "p90 ms"],
                               [[op, f"{a:.1f}", f"{c:.1f}"] for op, (a, c) in b.store_latency.items()], markdown))
        return "\n".join(parts)

    def header(self) -> str:
        b = self.b
        return (f"Run {b.run_id} on {self.date}: {self.reg_count} participants in {b.args.events} events, acceptances offered at "
                f"{b.args.acceptances_per_second:g}/s for up to {b.args.duration:.0f} s; {os.cpu_count()} cores, load average "
                f"{self.load[0]:.1f} at the end (the stack is shared with other work).")

    def text(self) -> str:
        return "\n" + "=" * 100 + "\nPipeline benchmark\n" + "=" * 100 + "\n  " + self.header() + "\n" + self.body(False) + "\n"

    def write(self, path: Path, command: str) -> None:
        section = "\n".join([
            BEGIN,
            "## Pipeline (end to end on the local stack)",
            "",
            f"`{command}` — {self.date}. {self.header()}",
            self.body(True),
            "",
            "<!-- bench-pipeline-analysis:begin -->",
            self.analysis(path),
            "<!-- bench-pipeline-analysis:end -->",
            END,
        ])
        text = path.read_text() if path.exists() else "# Benchmarks\n"
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            text = head + section + tail
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        path.write_text(text)

    @staticmethod
    def analysis(path: Path) -> str:
        """The hand-written analysis between the analysis markers survives a rewrite of the figures."""
        if path.exists():
            text = path.read_text()
            start, end = "<!-- bench-pipeline-analysis:begin -->", "<!-- bench-pipeline-analysis:end -->"
            if start in text and end in text:
                return text.split(start, 1)[1].split(end, 1)[0].strip("\n")
        return "(analysis: see the notes of the latest profiling run)"

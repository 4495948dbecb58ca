"""``registration-import``: publish the participants of a CSV or XLSX export as RegistrationSubmitted messages.

    registration-import FILE.csv|FILE.xlsx --event EVENT_ID --source NAME
                        [--wait [--timeout SECONDS]] [--dry-run] [--sheet NAME]
                        [--ignore-unknown-columns] [--bootstrap HOST:PORT]

Every row is checked before anything is sent; valid rows are published on ``registrations.inbound`` (key = event id,
producer = the source), rejected rows are reported with their row number and the reason per column. With ``--wait``
the command also collects the service's answers on ``registrations.outcomes``.

Exit codes: 0 every row was published (and, with --wait, none was refused); 1 some row was rejected here or refused
by the service, or not answered in time; 2 the file or the options are unusable (nothing published); 3 Kafka could
not be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from contracts.base import Identifier
from contracts.envelope import Envelope, new_envelope
from contracts.topics import REGISTRATIONS_INBOUND, REGISTRATIONS_OUTCOMES

from ..domain.import_rows import COLUMNS, REQUIRED_COLUMNS, RowResult, column_of, map_row
from .broker import DEFAULT_BOOTSTRAP, BrokerUnavailable, TopicWatch, publish
from .spreadsheet import SpreadsheetError, read_sheet

EXIT_REJECTED, EXIT_UNUSABLE, EXIT_BROKER = 1, 2, 3
ANSWERED_FINE = ("accepted", "updated", "unchanged", "ignored_stale")


class Progress:
    """A line on stderr each tenth of the way and each second with progress; every few seconds while nothing moves."""

    def __init__(self, label: str, total: int | None, out: TextIO = sys.stderr, tenths: bool = True,
                 idle_seconds: float = 5.0) -> None:
        self.label, self.total, self.out, self.tenths, self.idle_seconds = label, total, out, tenths, idle_seconds
        self._last_time = time.monotonic()
        self._last_tenth = -1
        self._last_done = 0

    def update(self, done: int, detail: str = "", force: bool = False) -> None:
        """Report when a tenth more is done, when a second passed with progress, or every few seconds while idle."""
        now = time.monotonic()
        tenth = done * 10 // self.total if self.total and self.tenths else -1
        waited = now - self._last_time
        moved = done != self._last_done
        if force or tenth > self._last_tenth or (moved and waited >= 1.0) or waited >= self.idle_seconds:
            self._last_time, self._last_tenth, self._last_done = now, max(tenth, self._last_tenth), done
            share = f"/{self.total} ({done * 100 // self.total}%)" if self.total else ""
            print(f"[{self.label}] {done}{share}{detail}", file=self.out, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="registration-import",
        description="Publish the participants of a CSV or XLSX export as registrations of an event. "
        "See docs/operating.md (Importing participants) for the columns.",
    )
    parser.add_argument("file", type=Path, help="the .csv or .xlsx file; the first row names the columns")
    parser.add_argument("--event", required=True, help="the event id the participants register for")
    parser.add_argument("--source", required=True, help="name of the system the export comes from, e.g. 'eventsite' "
                        "(with each row's reference it identifies the participant: import again to update)")
    parser.add_argument("--wait", action="store_true", help="wait for the service's answers and report them")
    parser.add_argument("--timeout", type=float, default=60.0, help="with --wait, give up after this many seconds "
                        "without a new answer (default 60)")
    parser.add_argument("--dry-run", action="store_true", help="check every row and report; publish nothing")
    parser.add_argument("--sheet", help="the sheet of an XLSX workbook (default: the first)")
    parser.add_argument("--ignore-unknown-columns", action="store_true", help="skip columns this command does not know "
                        "instead of stopping")
    parser.add_argument("--bootstrap", default=DEFAULT_BOOTSTRAP, help=f"Kafka bootstrap servers (default {DEFAULT_BOOTSTRAP})")
    return parser


def _identifier(value: str, option: str) -> str:
    try:
        return TypeAdapter(Identifier).validate_python(value)
    except ValidationError:
        raise SpreadsheetError(f"{option} '{value}': use letters, digits and . _ : @ / - (1 to 100 characters)") from None


def _check_columns(columns: list[str], ignore_unknown: bool) -> list[str]:
    """Fatal problems with the header row; unknown columns only warn when ``ignore_unknown``."""
    problems, known = [], set(COLUMNS)
    for column, count in Counter(columns).items():
        if count > 1:
            problems.append(f"column '{column}' appears {count} times; keep one")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(f"required column(s) missing: {', '.join(missing)}")
    for column in columns:
        if column not in known:
            close = difflib.get_close_matches(column, COLUMNS, n=1, cutoff=0.7)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            if ignore_unknown:
                print(f"warning: column '{column}' is not one this command reads; skipped{hint}", file=sys.stderr)
            else:
                problems.append(f"unknown column '{column}'{hint}; rename it, remove it, or pass --ignore-unknown-columns")
    return problems


def _print_reasons(out: TextIO, number: int, reference: str, heading: str, reasons: Sequence[tuple[str, str]]) -> None:
    who = f" (reference {reference})" if reference else ""
    print(f"  row {number}{who}: {heading}", file=out)
    for column, message in reasons:
        print(f"    {column}: {message}", file=out)


def map_rows(rows: list[tuple[int, dict[str, str]]], source: str, overfull: dict[int, int]) -> list[RowResult]:
    results: list[RowResult] = []
    first_row_of: dict[tuple[str, int], int] = {}
    progress = Progress("checked", len(rows), tenths=False)  # quick: a line per second is plenty
    for done, (number, row) in enumerate(rows, start=1):
        result = map_row(row, source=source, row_number=number)
        extra = []
        if number in overfull:
            extra.append(("row", f"has {overfull[number]} cell(s) more than the header has columns "
                                 "(a separator inside a cell that is not in quotes?)"))
        if result.submission is not None:
            key = (result.submission.reference, result.submission.revision)
            if key in first_row_of:
                extra.append(("reference", f"row {first_row_of[key]} has the same reference and revision; "
                                           "one person per reference (raise the revision to send a change)"))
            first_row_of.setdefault(key, number)
        if extra:
            result = RowResult(number, result.reference, reasons=extra + result.reasons)
        results.append(result)
        progress.update(done, force=done == len(rows))
    return results


async def _publish_rows(
    valid: list[RowResult], event_id: str, source: str, args: argparse.Namespace
) -> tuple[dict[str, RowResult], list[dict[str, Any]]]:
    envelopes: list[tuple[str, Envelope]] = []
    by_message: dict[str, RowResult] = {}
    for result in valid:
        assert result.submission is not None
        envelope = new_envelope(result.submission, producer=source, event_id=event_id)
        envelopes.append((event_id, envelope))
        by_message[str(envelope.message_id)] = result
    progress = Progress("published", len(envelopes))
    if not args.wait:
        await publish(args.bootstrap, REGISTRATIONS_INBOUND, envelopes, progress.update)
        return by_message, []
    async with TopicWatch(args.bootstrap, REGISTRATIONS_OUTCOMES) as outcomes:
        await publish(args.bootstrap, REGISTRATIONS_INBOUND, envelopes, progress.update)
        answering = Progress("answered", len(envelopes))

        def answers(received: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [m for m in received if m.get("data", {}).get("inbound_message_id") in by_message]

        await outcomes.wait_until(
            lambda received: len({a["data"]["inbound_message_id"] for a in answers(received)}) >= len(by_message),
            args.timeout,
            on_tick=lambda: answering.update(len({a["data"]["inbound_message_id"] for a in answers(outcomes.received)})),
            idle=True,
        )
        found = answers(outcomes.received)
        answering.update(len({a["data"]["inbound_message_id"] for a in found}), force=True)
        return by_message, found


def _report_answers(out: TextIO, by_message: dict[str, RowResult], answers: list[dict[str, Any]], timeout: float) -> bool:
    """Print the service's answers; True when every row was answered and none refused."""
    latest = {a["data"]["inbound_message_id"]: a["data"] for a in answers}
    counts = Counter(answer["status"] for answer in latest.values())
    unanswered = [r for mid, r in by_message.items() if mid not in latest]
    summary = ", ".join(f"{counts[s]} {s}" for s in (*ANSWERED_FINE, "refused") if counts[s])
    print(f"answers from the registration service: {summary or 'none'}"
          + (f"; {len(unanswered)} not answered ({timeout:.0f} s passed without a new answer)" if unanswered else ""),
          file=out)
    troubled = sorted(
        ((by_message[mid], answer) for mid, answer in latest.items() if answer["status"] in ("refused", "ignored_stale")),
        key=lambda pair: pair[0].row_number,
    )
    for row, answer in troubled:
        heading = "refused by the service" if answer["status"] == "refused" else "ignored: an equal or newer revision is stored"
        reasons = [(column_of(r.get("field", "")) if r.get("field") else "row", r["message"]) for r in answer["reasons"]]
        _print_reasons(out, row.row_number, row.reference, heading, reasons)
    for row in sorted(unanswered, key=lambda r: r.row_number)[:20]:
        print(f"  row {row.row_number} (reference {row.reference}): no answer yet (is the registration service running?)",
              file=out)
    return not unanswered and not counts["refused"]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = sys.stdout
    try:
        event_id = _identifier(args.event, "--event")
        source = _identifier(args.source, "--source")
        reading = Progress("read", None)
        sheet = read_sheet(args.file, args.sheet, on_row=lambda n: reading.update(n))
        problems = _check_columns(sheet.columns, args.ignore_unknown_columns)
        if problems:
            raise SpreadsheetError(f"{args.file}: " + "; ".join(problems))
    except SpreadsheetError as error:
        print(f"nothing imported: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    for warning in sheet.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"[read] {len(sheet.rows)} row(s) with data in {args.file}", file=sys.stderr, flush=True)

    results = map_rows(sheet.rows, source, sheet.overfull)
    valid = [r for r in results if r.ok]
    rejected = [r for r in results if not r.ok]
    if rejected:
        print(f"{len(rejected)} row(s) rejected (not sent):", file=out)
        for result in rejected:
            _print_reasons(out, result.row_number, result.reference, "rejected", result.reasons)
    if args.dry_run:
        print(f"dry run: {len(valid)} row(s) would be published for event {event_id}, {len(rejected)} rejected", file=out)
        return EXIT_REJECTED if rejected else 0
    if not valid:
        print("no valid row to publish", file=out)
        return EXIT_REJECTED
    try:
        by_message, answers = asyncio.run(_publish_rows(valid, event_id, source, args))
    except BrokerUnavailable as error:
        print(f"not (completely) published: {error}", file=sys.stderr)
        return EXIT_BROKER
    print(f"published {len(valid)} registration(s) for event {event_id} on {REGISTRATIONS_INBOUND} "
          f"(source {source}); {len(rejected)} row(s) rejected", file=out)
    fine = _report_answers(out, by_message, answers, args.timeout) if args.wait else True
    return 0 if fine and not rejected else EXIT_REJECTED


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()

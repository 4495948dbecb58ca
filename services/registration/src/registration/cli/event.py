"""``registration-event``: check an event YAML file, or publish it as a PublishEvent command.

    registration-event check FILE.yaml
    registration-event publish FILE.yaml [--bootstrap HOST:PORT] [--wait] [--timeout SECONDS]

Exit codes: 0 done; 1 the file is not a valid event (every mistake is printed with field and line); 3 Kafka could
not be reached, or (with --wait) the service refused the command or did not answer in time.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from contracts.envelope import Envelope, new_envelope
from contracts.operator import PublishEvent
from contracts.topics import EVENTS, OPERATOR_COMMANDS, dead_letter_topic

from .broker import DEFAULT_BOOTSTRAP, BrokerUnavailable, TopicWatch, publish
from .event_file import EventFileError, load_event, summarise

PRODUCER = "operator-cli"
EXIT_INVALID, EXIT_BROKER = 1, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="registration-event",
        description="Check an event described in a YAML file, or publish it to the platform (creates or updates the event).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the file and show what it defines; publishes nothing")
    check.add_argument("file", type=Path, help="the event YAML file")
    send = commands.add_parser("publish", help="validate the file and publish a PublishEvent command on operator.commands")
    send.add_argument("file", type=Path, help="the event YAML file")
    send.add_argument("--bootstrap", default=DEFAULT_BOOTSTRAP, help=f"Kafka bootstrap servers (default {DEFAULT_BOOTSTRAP})")
    send.add_argument("--wait", action="store_true", help="wait until the registration service announces the event on 'events'")
    send.add_argument("--timeout", type=float, default=30.0, help="seconds to wait with --wait (default 30)")
    return parser


async def _publish(envelope: Envelope, bootstrap: str, wait: bool, timeout: float) -> int:
    if not wait:
        await publish(bootstrap, OPERATOR_COMMANDS, [(envelope.event_id, envelope)])
        print(f"published PublishEvent {envelope.message_id} on {OPERATOR_COMMANDS} (key {envelope.event_id})")
        return 0
    mine = str(envelope.message_id)
    async with TopicWatch(bootstrap, EVENTS) as events, TopicWatch(bootstrap, dead_letter_topic(OPERATOR_COMMANDS)) as dlq:
        await publish(bootstrap, OPERATOR_COMMANDS, [(envelope.event_id, envelope)])
        print(f"published PublishEvent {mine} on {OPERATOR_COMMANDS} (key {envelope.event_id}); waiting for the service")

        def answered(_: object) -> bool:
            return any(m.get("causation_id") == mine for m in events.received) or any(
                mine in (m.get("original_text") or "") for m in dlq.received
            )

        await events.wait_until(answered, timeout)
    for message in events.received:
        if message.get("causation_id") == mine:
            event = message["data"]["event"]
            changed = message["data"].get("changed_fields")
            what = f"updated ({', '.join(changed)})" if changed is not None else "published"
            print(f"the service {what} event {event['event_id']} as revision {event['revision']} with {len(event['slots'])} slots")
            return 0
    for letter in dlq.received:
        if mine in (letter.get("original_text") or ""):  # dead letters are bare DeadLetter documents, no envelope
            print(f"the service refused the command: {letter.get('error')}", file=sys.stderr)
            return EXIT_BROKER
    print(
        f"no answer within {timeout:.0f} s: either the event is unchanged (nothing to announce) "
        "or the registration service is not running",
        file=sys.stderr,
    )
    return EXIT_BROKER


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        event = load_event(args.file)
    except EventFileError as error:
        print(f"{args.file}: not a valid event ({len(error.problems)} problem(s)):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    for line in summarise(event).lines():
        print(line)
    if args.command == "check":
        print("the file is valid; nothing was published (use 'publish' to send it)")
        return 0
    envelope = new_envelope(PublishEvent(event=event), producer=PRODUCER, event_id=event.event_id)
    try:
        return asyncio.run(_publish(envelope, args.bootstrap, args.wait, args.timeout))
    except BrokerUnavailable as error:
        print(f"not published: {error}", file=sys.stderr)
        return EXIT_BROKER


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()

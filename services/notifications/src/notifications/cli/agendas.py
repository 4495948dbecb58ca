"""notifications-agendas EVENT_ID [--participant ID]: send personal agendas (all meetings, with an .ics) now."""

from __future__ import annotations

import argparse

from contracts.operator import SendAgendas
from servicekit.operator_cli import run, send_command


def main() -> None:
    parser = argparse.ArgumentParser(prog="notifications-agendas", description=__doc__)
    parser.add_argument("event_id")
    parser.add_argument("--participant", help="one participant id; everybody when absent")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="Kafka bootstrap servers")
    args = parser.parse_args()
    run(send_command(SendAgendas(participant_id=args.participant), event_id=args.event_id, bootstrap=args.bootstrap))
    who = f"participant {args.participant}" if args.participant else "every participant"
    print(f"agendas for {who} of {args.event_id} are on their way (see the delivery log for each participant)")


if __name__ == "__main__":
    main()

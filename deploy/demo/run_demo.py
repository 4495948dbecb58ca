"""`make demo`: replays two matchmaking events on the running local stack and explains what the platform did.

    .venv/bin/python deploy/demo/run_demo.py       (make demo starts the stack first)

1. EU Cluster Matchmaking at Hannover Messe: 19 cluster organisations from 8 countries, one afternoon;
2. EU-CELAC cluster matchmaking in Milan (food industry): 42 European clusters meet 10 CELAC clusters, two days.

Everything goes through Kafka exactly as other systems would use the platform; each run uses fresh event ids, so it
can be repeated on the same stack. Exit status 0 when every step was answered, 1 when something did not arrive
(the message says what was expected, from which service, and which log to read).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import secrets
import sys
import time
import urllib.error
import urllib.request

from observe import ROOT, Stalled, connect
from play import play
from report import report
from scenarios import all_scenarios
from tables import heading

SERVICES = {"registration": 8001, "matching": 8002, "scheduling": 8003, "notifications": 8004}


def check_services() -> None:
    """Each service answers /ready, or the demo says which one is not there."""
    for name, port in SERVICES.items():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=10) as answer:
                if answer.status == 200:
                    continue
        except (urllib.error.URLError, OSError):
            pass
        raise Stalled(f"the {name} service to be ready at http://127.0.0.1:{port}/ready", name, 10,
                      "Start the stack with `make stack-up` (or see `make stack-status`).")


INTRO = """\
What happens now, on the local stack (Kafka, FerretDB, an SMTP sink and four services):
  - an operator publishes each event (operator.commands),
  - a registration website submits every participant (registrations.inbound),
  - matching suggests partners; participants request meetings with some of their top suggestions and the asked
    side accepts most and declines some (match-decisions.inbound),
  - scheduling places each accepted meeting at once; a few participants then withdraw or block slots,
  - the operator optimises the schedule and sends everybody their agenda; notifications e-mails them.
"""


async def play_all(scenarios: list, observer, publisher) -> tuple[list, list[Stalled]]:
    """Play the scenarios side by side, each to its end; returns what was played and what stalled."""
    outcomes = await asyncio.gather(*(play(s, observer, publisher) for s in scenarios), return_exceptions=True)
    played, stalled = [], []
    for outcome in outcomes:
        if isinstance(outcome, Stalled):
            stalled.append(outcome)
            if outcome.played.optimised is not None:  # far enough to be worth a report
                played.append(outcome.played)
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            played.append(outcome)
    return played, stalled


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("hannover", "milan"), help="play one scenario only")
    args = parser.parse_args(argv)
    started = time.monotonic()
    suffix = f"{dt.datetime.now():%m%d-%H%M}-{secrets.token_hex(2)}"
    scenarios = [s for s in all_scenarios(suffix) if args.only in (None, s.key)]
    print(heading("B2B matchmaking demo"))
    print(INTRO)
    try:
        check_services()
        observer, publisher = await connect({s.event_id for s in scenarios})
    except Stalled as stalled:
        print(f"\nDEMO STOPPED: {stalled.explain()}", file=sys.stderr)
        return 1
    results = []
    try:
        print("Both events run at the same time, as on a real platform; each progress line names its event.")
        for number, scenario in enumerate(scenarios, start=1):
            print(f"  {number}. {scenario.title} ({scenario.event_id}): {scenario.story}")
        print()
        results, stalls = await play_all(scenarios, observer, publisher)
        print()
        for played in results:
            print(report(played, observer))
    except Stalled as stalled:
        print(f"\nDEMO STOPPED: {stalled.explain()}", file=sys.stderr)
        return 1
    finally:
        await publisher.stop()
        await observer.stop()
    for stalled in stalls:
        print(f"\nDEMO STOPPED ({stalled.scenario.title}, after {stalled.played.seconds:.0f} s): {stalled.explain()}",
              file=sys.stderr)
    if stalls:
        return 1
    took = time.monotonic() - started
    print(heading("Done", "-"))
    for played in results:
        print(f"  {played.scenario.title}: all steps answered in {played.seconds:.0f} s")
    print(f"  Whole demo: {took:.0f} s. E-mails: {(ROOT / '.stack/data/maildir/new').relative_to(ROOT)}; "
          f"service logs: .stack/logs/<service>.log; run it again any time (fresh event ids each run).")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))

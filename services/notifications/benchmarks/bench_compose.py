"""CPU per e-mail in the notifications service's pure part: composing a meeting e-mail (text, HTML, MIME, the
calendar invitation) and the calendar files on their own.

    uv run python services/notifications/benchmarks/bench_compose.py [--emails 2000]

Generated people with accented names in five languages, an event in Europe/Berlin; each e-mail tells one person
about one placed meeting, as after most accepted meetings. Prints the median and 99th percentile per operation.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from notifications.domain import (
    EventInfo,
    MeetingInfo,
    MeetingParty,
    MeetingScheduled,
    Recipient,
    Sender,
    agenda_export,
    compose,
    dedupe_key,
    invitation,
)

NAMES = ["Jörg Müller", "Lucía Fernández", "Émile Zola", "Zoë Ø'Brien", "João Gonçalves", "Anna Schmidt", "Piet Jansen"]
ORGANISATIONS = ["Müller Kältetechnik GmbH", "Lácteos del Sur", "Coopérative Sud", "Foodtech Cluster BW", "Tulip Logistics"]
LANGUAGES = ["en", "de", "fr", "es", "pt"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emails", type=int, default=2000, help="e-mails to compose (default 2000)")
    args = parser.parse_args()
    rnd = random.Random(11)
    event = EventInfo(
        event_id="bench-event", name="EU Cluster Matchmaking", venue="Hannover Messe, Hall 2", time_zone="Europe/Berlin",
        organiser_name="Enterprise Europe Network Niedersachsen", organiser_email="matchmaking@een.example.org",
    )
    sender = Sender(address="no-reply@matchmaking.example", domain="matchmaking.example")
    people = [
        MeetingParty(participant_id=f"p-{n}", name=rnd.choice(NAMES), organisation=rnd.choice(ORGANISATIONS), email=f"p-{n}@example.org")
        for n in range(200)
    ]
    first_slot = datetime(2027, 4, 20, 8, tzinfo=timezone.utc)
    changes, recipients = [], []
    for n in range(args.emails):
        a, b = rnd.sample(people, 2)
        starts = first_slot + timedelta(minutes=20 * rnd.randrange(0, 24))
        meeting = MeetingInfo(
            meeting_id=f"m-{n}", version=1, starts_at=starts, ends_at=starts + timedelta(minutes=20), table=str(rnd.randrange(1, 60)),
            participants=(a, b), facilitator=None, accompanied=False,
        )
        changes.append(MeetingScheduled(change_id=f"c-{n}", occurred_at=starts - timedelta(days=20), meeting=meeting))
        recipients.append(Recipient(
            participant_id=a.participant_id, name=a.name, email=a.email, preferred_language=rnd.choice(LANGUAGES),
            organisation=a.organisation, role=None,
        ))
    now = datetime(2027, 4, 1, 12, tzinfo=timezone.utc)

    def each(label: str, operation: Callable[[int], object]) -> None:
        operation(0)  # warm: templates, catalogues, the zone's definition
        times = []
        for n in range(args.emails):
            started = time.perf_counter()
            operation(n)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{label:<44} median {statistics.median(times):6.2f} ms   p99 {p99:6.2f} ms   ({len(times)} times)")

    print(f"[bench] {args.emails} meeting e-mails, event in Europe/Berlin, five languages")
    each("meeting e-mail (text, HTML, MIME, invitation)", lambda n: compose(
        [changes[n]], recipient=recipients[n], event=event, sender=sender, dedupe_key=dedupe_key(changes[n], recipients[n]), now=now,
    ))
    each("calendar invitation alone", lambda n: invitation(changes[n], recipient=recipients[n], event=event, uid_domain=sender.domain))
    each("agenda of 12 meetings", lambda n: agenda_export(
        [changes[(n + k) % args.emails].meeting for k in range(12)], recipient=recipients[n], event=event,
        uid_domain=sender.domain, stamp=now,
    ))


if __name__ == "__main__":
    main()

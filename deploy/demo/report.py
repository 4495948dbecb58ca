"""The end-of-scenario report: what the platform did, in words and tables a person can follow."""

from __future__ import annotations

import datetime as dt
import email.policy
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from contracts import topics

from ledger import match_states, meeting_states
from observe import ROOT, Observer
from play import Played
from tables import facts, heading, table
from vocabulary import COUNTRY_NAMES

MAILDIR = ROOT / ".stack" / "data" / "maildir"


def report(played: Played, observer: Observer) -> str:
    scenario = played.scenario
    event_id = scenario.event_id
    ref_of = played.ref_of

    def data(topic: str, *names: str) -> list[dict[str, Any]]:
        return observer.data(event_id, topic, names)

    def typed(topic: str) -> list[tuple[str, dict[str, Any]]]:
        return [(s.type, s.data) for s in observer.of(event_id, topic)]

    def who(pid: str | None) -> str:
        if pid is None or pid not in ref_of:
            return "?"
        attendee = scenario.attendee(ref_of[pid])
        return f"{attendee.person}, {attendee.organisation}"

    meetings = meeting_states(typed(topics.SCHEDULE))
    lists = played.lists  # as the participants saw them when they chose whom to ask
    example = _example_participant(played, meetings)
    out = [heading(f"{scenario.title}  [{event_id}]"), f"  {scenario.story}", ""]

    # Registrations by country ---------------------------------------------------------------------------------------
    sides = any(a.side for a in scenario.attendees)
    withdrawn_by_country = Counter(scenario.attendee(r).country for r in played.withdrawn)
    rows = []
    countries = Counter(a.country for a in scenario.attendees if a.is_cluster)
    for country in sorted({a.country for a in scenario.attendees}, key=lambda c: (-countries.get(c, 0), c)):
        attendees = [a for a in scenario.attendees if a.country == country]
        languages = sorted({a.submission.registration.person.language for a in attendees})
        rows.append(
            [COUNTRY_NAMES.get(country, country), country] + ([attendees[0].side] if sides else [])
            + [countries.get(country, 0), sum(a.is_facilitator for a in attendees), withdrawn_by_country.get(country, 0),
               ", ".join(languages)]
        )
    facilitators = sum(a.is_facilitator for a in scenario.attendees)
    rows.append(["Total", ""] + ([""] if sides else []) + [sum(countries.values()), facilitators, len(played.withdrawn),
                                                           f"{len(countries)} countries"])
    headers = ["Country", "Code"] + (["Side"] if sides else []) + ["Clusters", "Facilitators", "Withdrawn", "E-mail language"]
    first_number = 3 if sides else 2
    delegations = Counter(
        a.submission.registration.delegation.name for a in scenario.attendees
        if a.submission.registration.delegation and not a.is_facilitator
    )
    blocked = sum(1 for a in scenario.attendees if a.submission.registration.availability.unavailable_slots
                  or a.submission.registration.availability.unavailable_times)
    out += [
        "Registrations by country (registration service, topic registrations.outcomes)",
        table(headers, rows, right=range(first_number, first_number + 3)),
        "  Delegations: " + "; ".join(f"{name} ({n} members and a facilitator)" for name, n in sorted(delegations.items())),
        f"  {blocked} participants said at registration that they cannot attend some slots; "
        f"e-mail languages without a catalogue (it) fall back to English.",
        "",
    ]

    # Suggestions --------------------------------------------------------------------------------------------------
    lengths = [len(s) for pid, s in lists.items() if pid in ref_of]
    out += [
        "Suggestions (matching service, topic matches)",
        facts([
            ("SuggestionsUpdated messages", len(data(topics.MATCHES, "SuggestionsUpdated"))),
            ("participants with a list", f"{len(lengths)} of {sum(not a.is_facilitator for a in scenario.attendees)} "
                                         "(facilitators get none)"),
            ("average list length", f"{sum(lengths) / max(1, len(lengths)):.1f} partners (shortest {min(lengths, default=0)}, "
                                    f"longest {max(lengths, default=0)}) when participants chose whom to ask"),
        ]),
    ]
    top = lists.get(example, [])[:3]
    if top:
        out += [
            f"  Top 3 suggested to {who(example)} ({scenario.attendee(ref_of[example]).country}):",
            table(
                ["#", "Suggested partner", "Country", "Score", "Why"],
                [[i + 1, who(s["partner_id"]), scenario.attendee(ref_of[s["partner_id"]]).country, f"{s['score']:.2f}",
                  "; ".join(s["reasons"][:3])] for i, s in enumerate(top) if s["partner_id"] in ref_of],
                right=(0, 3), wrap={1: 38, 4: 70},
            ),
        ]
    out.append("")

    # Requests and answers ---------------------------------------------------------------------------------------
    states = match_states(typed(topics.MATCHES))
    answered_declined = sum(1 for accepts in played.answers.values() if not accepts)
    mutual = len(played.requests) - len(data(topics.MATCHES, "MatchRequested")) - \
        len([d for d in data(topics.MATCHES, "DecisionRefused") if d["decision"] == "request"])
    cancelled = data(topics.MATCHES, "MatchCancelled")
    out += [
        "Meeting requests (participants on match-decisions.inbound, answers from matching on matches)",
        facts([
            ("requests sent", len(played.requests)),
            ("asked each other (accepted at once)", mutual),
            ("accepted by the asked participant", len(played.answers) - answered_declined),
            ("declined", answered_declined),
            ("refused by the platform", len(data(topics.MATCHES, "DecisionRefused"))),
            ("participants withdrawn", f"{len(played.withdrawn)} ({', '.join(scenario.attendee(r).organisation for r in played.withdrawn)})"),
            ("matches cancelled (MatchCancelled)", len(cancelled)),
            ("accepted matches at the end", sum(1 for s in states.values() if s == "accepted")),
        ]),
        "",
    ]

    # Schedule ---------------------------------------------------------------------------------------------------
    o = played.optimised or {}
    placed = sorted((m for m in meetings.values() if m.state == "placed"), key=lambda m: m.place["start"])
    waiting = sum(1 for m in meetings.values() if m.state == "waiting")
    reasons = Counter(d["reason"] for d in data(topics.SCHEDULE, "MeetingRescheduled"))
    out += [
        "Meetings (scheduling service, topic schedule)",
        facts([
            ("MeetingScheduled", len(data(topics.SCHEDULE, "MeetingScheduled"))),
            ("MeetingRescheduled", "{} ({})".format(
                sum(reasons.values()), "; ".join(f"{n}x {r}" for r, n in reasons.most_common()) or "none")),
            ("MeetingCancelled", len(data(topics.SCHEDULE, "MeetingCancelled"))),
            ("MeetingUnplaceable (waiting list)", len(data(topics.SCHEDULE, "MeetingUnplaceable"))),
            ("placed as accepted (online)", f"{played.online_placed}, {played.online_waiting} waiting"),
            ("on the final schedule", f"{len(placed)} meetings, {waiting} still waiting for a slot"),
            ("facilitators accompany", f"{sum(1 for m in placed if m.facilitator)} meetings"),
        ]),
        "  Optimisation (OptimiseSchedule -> ScheduleOptimised):",
        table(
            ["Breaks before", "Breaks after", "Lower bound", "Moved", "Placed", "Unplaced", "Solver s"],
            [[o.get("breaks_before"), o.get("breaks_after"), o.get("lower_bound"), o.get("moved"), o.get("placed"),
              o.get("unplaced"), o.get("seconds")]],
            right=range(7),
        ),
        "  (a break is an idle slot between two meetings of one person; the lower bound is proven by the solver)",
        "",
    ]

    # E-mails ------------------------------------------------------------------------------------------------------
    sent = data(topics.NOTIFICATIONS, "NotificationSent")
    failed = data(topics.NOTIFICATIONS, "NotificationFailed")
    kinds = Counter(kind for d in sent for kind in d["kinds"])
    out += [
        "E-mails (notifications service, topic notifications)",
        facts([
            ("NotificationSent", f"{len(sent)} e-mails to {len({d['participant_id'] for d in sent})} people" + (
                f" so far (notifications still has {observer.backlog['notifications']} messages of all events queued)"
                if observer.backlog.get("notifications", 0) > 20 else "")),
            ("NotificationFailed", len(failed)),
            ("what they were about", ", ".join(f"{k} {n}" for k, n in kinds.most_common())),
        ]),
    ]
    theirs = [d for d in sent if d["participant_id"] == example]
    chosen = next((d for d in theirs if "agenda_issued" in d["kinds"]), theirs[-1] if theirs else None)
    found = _find_mail(chosen["email_message_id"]) if chosen else None
    out.append(f"  Read them in {MAILDIR.relative_to(ROOT)}/new (one file per e-mail, with .ics invitations attached)")
    if found:
        path, subject, to = found
        out += [f"  e.g. {path.relative_to(ROOT)}", f"       To: {to}", f"       Subject: {subject}"]
    out.append("")

    # One participant's agenda -----------------------------------------------------------------------------------
    mine = [m for m in placed if m.involves(example) or m.facilitator == example]
    rows = []
    for meeting in mine:
        partner = meeting.b if meeting.a == example else meeting.a
        start = dt.datetime.fromisoformat(meeting.place["start"])
        end = dt.datetime.fromisoformat(meeting.place["end"])
        note = "" if meeting.involves(example) else f"accompanying {who(meeting.a).split(',')[0]}"
        if meeting.involves(example) and meeting.facilitator:
            note = f"with facilitator {who(meeting.facilitator).split(',')[0]}"
        attendee = scenario.attendee(ref_of[partner]) if partner in ref_of else None
        rows.append([start.strftime("%a %d %b"), f"{start:%H:%M}-{end:%H:%M}", meeting.place["table"],
                     attendee.organisation if attendee else "?", attendee.country if attendee else "?", note])
    out += [
        f"Agenda of {who(example)} ({len(mine)} meetings, local time {scenario.event.time_zone})",
        table(["Day", "Time", "Table", "Partner", "Country", "Note"], rows, right=(2,)),
        "",
    ]
    return "\n".join(out)


def _example_participant(played: Played, meetings: dict) -> str | None:
    """The participant with the most meetings on the final schedule (the first by reference on a tie)."""
    counts = Counter()
    for meeting in meetings.values():
        if meeting.state == "placed":
            counts.update((meeting.a, meeting.b))
    ranked = sorted(played.pid_of.items(), key=lambda item: (-counts.get(item[1], 0), item[0]))
    return ranked[0][1] if ranked else None


def _find_mail(message_id: str) -> tuple[Path, str, str] | None:
    """The Maildir file carrying ``message_id``, with its subject and recipient."""
    wanted = message_id.strip("<> ")
    parser = BytesHeaderParser(policy=email.policy.default)
    folder = MAILDIR / "new"
    if not folder.is_dir():
        return None
    files = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in files[:3000]:
        try:
            with path.open("rb") as handle:
                headers = parser.parse(handle)
        except OSError:
            continue
        if str(headers.get("Message-ID", "")).strip("<> ") == wanted:
            return path, str(headers.get("Subject", "")), str(headers.get("To", ""))
    return None

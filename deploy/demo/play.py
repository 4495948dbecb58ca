"""Plays one scenario against the running stack, through Kafka only, the way other systems and participants would:
the operator publishes the event, a registration website submits registrations, participants request and answer
meetings, a few withdraw or change their availability, the operator optimises the schedule and sends agendas.

Each step waits (bounded) for the answer of the service that owns it and prints a progress line.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from contracts import topics
from contracts.matching import MatchDecisionSubmitted
from contracts.operator import OptimiseSchedule, PublishEvent, SendAgendas
from contracts.registrations import RegistrationWithdrawalRequested

from behaviour import pick_availability_changes, pick_withdrawals, plan_answers, plan_requests, revised
from ledger import latest_lists, match_states, meeting_states, pair, slots_by_participant
from observe import Observer, Publisher, Stalled
from scenarios import SOURCE, Scenario

PORTAL = "participant-portal"
OPERATOR = "operator-cli"
STALL = 60.0
"""Seconds without any progress after which a wait gives up (a busy stack is slow, a broken one stands still)."""


@dataclass
class Played:
    """What the demo did and learnt while playing a scenario; the report reads it together with the observer."""

    scenario: Scenario
    pid_of: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Participant id → the suggestion list they chose their requests from."""
    requests: list[tuple[str, str]] = field(default_factory=list)
    answers: dict[tuple[str, str], bool] = field(default_factory=dict)
    withdrawn: list[str] = field(default_factory=list)
    availability_changes: dict[str, list[str]] = field(default_factory=dict)
    online_placed: int = 0
    online_waiting: int = 0
    optimised: dict[str, Any] | None = None
    agendas_sent: int = 0
    seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)

    @property
    def ref_of(self) -> dict[str, str]:
        return {pid: ref for ref, pid in self.pid_of.items()}


class Progress:
    def __init__(self, key: str) -> None:
        self.key, self.started = key, time.monotonic()

    def __call__(self, text: str) -> None:
        print(f"  [{self.key} {time.monotonic() - self.started:5.1f}s] {text}", flush=True)


async def play(scenario: Scenario, observer: Observer, publisher: Publisher) -> Played:
    """Play every step; a Stalled raised on the way carries what was played so far (``stalled.played``)."""
    played = Played(scenario)
    try:
        return await _play(scenario, observer, publisher, played)
    except Stalled as stalled:
        stalled.played = played
        stalled.scenario = scenario
        played.seconds = time.monotonic() - played.started
        raise


async def _play(scenario: Scenario, observer: Observer, publisher: Publisher, played: Played) -> Played:
    say = Progress(scenario.key)
    event_id = scenario.event_id
    rng = random.Random(f"{scenario.key}-behaviour")

    def types(topic: str, *names: str) -> list[dict[str, Any]]:
        return observer.data(event_id, topic, names)

    def typed(topic: str) -> list[tuple[str, dict[str, Any]]]:
        return [(s.type, s.data) for s in observer.of(event_id, topic)]

    # 1. The operator publishes the event --------------------------------------------------------------------------
    await publisher.send(topics.OPERATOR_COMMANDS, PublishEvent(event=scenario.event), event_id=event_id, producer=OPERATOR)
    await publisher.flush()
    published = await observer.until(
        lambda: types(topics.EVENTS, "EventPublished"),
        expected=f"EventPublished for {event_id} on '{topics.EVENTS}' after PublishEvent on '{topics.OPERATOR_COMMANDS}'",
        service="registration", timeout=STALL,
    )
    event = published[0]["event"]
    days = len({slot["day"] for slot in event["slots"]})
    say(f"event published: {len(event['slots'])} slots over {days} day(s), {event['tables']} tables, "
        f"at most {event['meeting_cap']} meetings per person")

    # 2. A registration website submits every registration --------------------------------------------------------
    arriving = list(scenario.attendees)
    rng.shuffle(arriving)  # people register in no particular order
    for attendee in arriving:
        await publisher.send(topics.REGISTRATIONS_INBOUND, attendee.submission, event_id=event_id, producer=SOURCE)
    await publisher.flush()
    references = {a.reference for a in scenario.attendees}

    def outcomes() -> dict[str, dict[str, Any]]:
        return {o["reference"]: o for o in types(topics.REGISTRATIONS_OUTCOMES, "RegistrationOutcome") if o["reference"] in references}

    answered = await observer.until(
        lambda: o if len(o := outcomes()) == len(references) else None,
        expected=lambda: f"{len(references)} RegistrationOutcome messages on '{topics.REGISTRATIONS_OUTCOMES}', got {len(outcomes())}",
        service="registration", timeout=STALL, moving=lambda: len(outcomes()),
        progress=lambda: say(f"registrations answered so far: {len(outcomes())}/{len(references)}{observer.busy('registration')}"),
    )
    refused = {ref: o for ref, o in answered.items() if o["status"] != "accepted"}
    if refused:
        ref, outcome = next(iter(refused.items()))
        reasons = "; ".join(f"{r['field']}: {r['message']}" for r in outcome["reasons"])
        raise Stalled(f"every registration accepted; {len(refused)} were not, e.g. {ref}: {outcome['status']} ({reasons})",
                      "registration", 0)
    played.pid_of = {ref: o["participant_id"] for ref, o in answered.items()}
    ref_of = played.ref_of
    clusters = [a for a in scenario.attendees if a.is_cluster]
    by_side = {}
    for attendee in clusters:
        by_side.setdefault(attendee.side, []).append(attendee)
    said = " and ".join(f"{len(group)} {side + ' ' if side else ''}cluster organisations from "
                        f"{len({a.country for a in group})} countries" for side, group in by_side.items())
    say(f"registrations: {len(answered)} admitted: {said}, {len(answered) - len(clusters)} delegation facilitators")

    # 3. Matching publishes suggestion lists; wait until every participant has one and the lists settle ---------
    def with_lists() -> dict[str, list[dict[str, Any]]]:
        return latest_lists(types(topics.MATCHES, "SuggestionsUpdated"))

    # Facilitators take no meetings of their own, so they get no list; someone nobody fits gets none either. The
    # lists are complete once matching has handled every registration of the event (its consumer moved past them).
    wanting = {played.pid_of[a.reference] for a in scenario.attendees if not a.is_facilitator}

    def lists_complete() -> bool:
        registered = observer.of(event_id, topics.REGISTRATIONS, "ParticipantRegistered")
        handled = len(registered) == len(played.pid_of) and observer.has_read("matching", registered)
        return len(set(with_lists()) & wanting) == len(wanting) or handled

    await observer.until(
        lists_complete,
        expected=lambda: f"a SuggestionsUpdated on '{topics.MATCHES}' for each of the {len(wanting)} participants "
                         f"(facilitators excepted), got lists for {len(set(with_lists()) & wanting)}",
        service="matching", timeout=STALL, moving=lambda: len(observer.of(event_id, topics.MATCHES)),
        progress=lambda: say(f"suggestion lists so far: {len(set(with_lists()) & wanting)}/{len(wanting)} "
                             f"({len(types(topics.MATCHES, 'SuggestionsUpdated'))} list updates){observer.busy('matching')}"),
    )
    await observer.quiet(event_id, [topics.MATCHES], seconds=2.0, timeout=30)
    lists = played.lists = with_lists()
    updates = len(types(topics.MATCHES, "SuggestionsUpdated"))
    average = sum(len(s) for s in lists.values()) / max(1, len(lists))
    say(f"suggestions: {updates} list updates; {len(set(lists) & wanting)} of {len(wanting)} participants have a list "
        f"(average {average:.1f} partners)")

    # 4. Participants request meetings with some of their top suggestions ------------------------------------------
    by_reference = {ref_of[pid]: [ref_of[s["partner_id"]] for s in suggestions if s["partner_id"] in ref_of]
                    for pid, suggestions in lists.items() if pid in ref_of}
    played.requests = plan_requests(scenario, by_reference, rng)
    for requester, recipient in played.requests:
        decision = MatchDecisionSubmitted(
            decision="request", participant_id=played.pid_of[requester], other_participant_id=played.pid_of[recipient],
            note=f"We would be glad to meet you at {scenario.event.name}.",
        )
        await publisher.send(topics.MATCH_DECISIONS_INBOUND, decision, event_id=event_id, producer=PORTAL)
    await publisher.flush()

    def request_answers() -> int:
        seen = set()
        for kind, data in typed(topics.MATCHES):
            if kind == "MatchRequested":
                seen.add((data["requester_id"], data["recipient_id"]))
            elif kind == "MatchAccepted":
                seen |= {(data["participant_a"], data["participant_b"]), (data["participant_b"], data["participant_a"])}
            elif kind == "DecisionRefused" and data["decision"] == "request":
                seen.add((data["participant_id"], data["other_participant_id"]))
        return sum((played.pid_of[a], played.pid_of[b]) in seen for a, b in played.requests)

    await observer.until(
        lambda: request_answers() == len(played.requests),
        expected=lambda: f"an answer on '{topics.MATCHES}' (MatchRequested, MatchAccepted or DecisionRefused) for each of "
                         f"{len(played.requests)} meeting requests, got {request_answers()}",
        service="matching", timeout=STALL, moving=request_answers,
        progress=lambda: say(f"requests handled so far: {request_answers()}/{len(played.requests)}{observer.busy('matching')}"),
    )
    states = match_states(typed(topics.MATCHES))
    mutual = sum(1 for s in states.values() if s == "accepted")
    say(f"requests: {len(played.requests)} sent, {sum(1 for s in states.values() if s == 'requested')} open, "
        f"{mutual} accepted at once (both had asked each other)")

    # 5. The asked participants accept most requests and decline some --------------------------------------------
    open_requests = [
        (ref_of[d["requester_id"]], ref_of[d["recipient_id"]])
        for d in types(topics.MATCHES, "MatchRequested")
        if states.get(pair(d["requester_id"], d["recipient_id"])) == "requested"
    ]
    played.answers = plan_answers(open_requests, scenario.behaviour.accept_rate, rng)
    for (requester, recipient), accepts in played.answers.items():
        decision = MatchDecisionSubmitted(
            decision="accept" if accepts else "decline", participant_id=played.pid_of[recipient],
            other_participant_id=played.pid_of[requester],
        )
        await publisher.send(topics.MATCH_DECISIONS_INBOUND, decision, event_id=event_id, producer=PORTAL)
    await publisher.flush()

    def decided() -> int:
        states_now = match_states(typed(topics.MATCHES))
        refused_answers = {
            pair(d["participant_id"], d["other_participant_id"]) for d in types(topics.MATCHES, "DecisionRefused")
            if d["decision"] in ("accept", "decline")
        }
        return sum(
            states_now.get(pair(played.pid_of[a], played.pid_of[b])) in ("accepted", "declined")
            or pair(played.pid_of[a], played.pid_of[b]) in refused_answers
            for a, b in played.answers
        )

    await observer.until(
        lambda: decided() == len(played.answers),
        expected=lambda: f"MatchAccepted or MatchDeclined on '{topics.MATCHES}' for each of {len(played.answers)} answers, "
                         f"got {decided()}",
        service="matching", timeout=STALL, moving=decided,
        progress=lambda: say(f"answers handled so far: {decided()}/{len(played.answers)}{observer.busy('matching')}"),
    )
    accepted_ids = {d["match_id"] for d in types(topics.MATCHES, "MatchAccepted")}
    declined = sum(1 for accepts in played.answers.values() if not accepts)
    say(f"answers: {len(played.answers) - declined} accepted, {declined} declined; {len(accepted_ids)} matches to schedule")

    # 6. Scheduling places every accepted match at once (or puts it on the waiting list) -------------------------
    def placed_or_waiting() -> int:
        known = {d["match_id"] for d in types(topics.SCHEDULE, "MeetingScheduled", "MeetingUnplaceable", "MeetingRescheduled")}
        return len(accepted_ids & known)

    await observer.until(
        lambda: placed_or_waiting() == len(accepted_ids),
        expected=lambda: f"MeetingScheduled or MeetingUnplaceable on '{topics.SCHEDULE}' for each of {len(accepted_ids)} "
                         f"accepted matches, got {placed_or_waiting()}",
        service="scheduling", timeout=STALL, moving=lambda: len(observer.of(event_id, topics.SCHEDULE)),
        progress=lambda: say(f"meetings handled so far: {placed_or_waiting()}/{len(accepted_ids)}{observer.busy('scheduling')}"),
    )
    await observer.quiet(event_id, [topics.SCHEDULE], seconds=1.5, timeout=20)
    meetings = meeting_states(typed(topics.SCHEDULE))
    played.online_placed = sum(1 for m in meetings.values() if m.state == "placed")
    played.online_waiting = sum(1 for m in meetings.values() if m.state == "waiting")
    say(f"schedule: {played.online_placed} meetings placed as they were accepted, {played.online_waiting} waiting for room")

    # 7. Life happens: a few withdraw, a few can no longer attend some of their slots ----------------------------
    slots_of = {ref_of[pid]: slots for pid, slots in slots_by_participant(meetings).items() if pid in ref_of}
    played.withdrawn = pick_withdrawals(scenario, slots_of, rng)
    played.availability_changes = pick_availability_changes(scenario, slots_of, played.withdrawn, rng)
    for reference in played.withdrawn:
        withdrawal = RegistrationWithdrawalRequested(source=SOURCE, reference=reference, reason="our delegation had to cancel the trip")
        await publisher.send(topics.REGISTRATIONS_INBOUND, withdrawal, event_id=event_id, producer=SOURCE)
    for reference, blocked in played.availability_changes.items():
        submission = revised(scenario.attendee(reference).submission, blocked)
        await publisher.send(topics.REGISTRATIONS_INBOUND, submission, event_id=event_id, producer=SOURCE)
    await publisher.flush()

    expected_status = {**{r: "withdrawn" for r in played.withdrawn}, **{r: "updated" for r in played.availability_changes}}

    def changes_answered() -> int:
        return len({
            o["reference"] for o in types(topics.REGISTRATIONS_OUTCOMES, "RegistrationOutcome")
            if expected_status.get(o["reference"]) == o["status"]
        })

    await observer.until(
        lambda: changes_answered() >= len(expected_status),
        expected=lambda: f"{len(expected_status)} RegistrationOutcome (withdrawn / updated) on '{topics.REGISTRATIONS_OUTCOMES}', "
                         f"got {changes_answered()}",
        service="registration", timeout=STALL, moving=changes_answered,
    )
    # Every meeting of a leaver is cancelled; every meeting in a newly blocked slot moves, waits or is cancelled.
    leaving_pids = {played.pid_of[r] for r in played.withdrawn}
    blocked_pairs = {(played.pid_of[r], slot) for r, slots in played.availability_changes.items() for slot in slots}
    affected = {
        m.match_id: m.version for m in meetings.values()
        if m.state == "placed" and (m.a in leaving_pids or m.b in leaving_pids
                                     or (m.a, m.place["slot_id"]) in blocked_pairs or (m.b, m.place["slot_id"]) in blocked_pairs)
    }

    def repaired() -> int:
        now = meeting_states(typed(topics.SCHEDULE))
        return sum(1 for match_id, version in affected.items()
                   if now[match_id].version > version or now[match_id].state == "waiting")

    await observer.until(
        lambda: repaired() == len(affected),
        expected=lambda: f"MeetingCancelled / MeetingRescheduled on '{topics.SCHEDULE}' for each of {len(affected)} meetings "
                         f"hit by withdrawals and availability changes, got {repaired()}",
        service="scheduling", timeout=STALL, moving=lambda: len(observer.of(event_id, topics.SCHEDULE)),
    )
    await observer.quiet(event_id, [topics.SCHEDULE, topics.MATCHES], seconds=1.5, timeout=20)
    names = ", ".join(scenario.attendee(r).organisation for r in played.withdrawn)
    say(f"changes: {len(played.withdrawn)} withdrew ({names}); {len(played.availability_changes)} blocked slots "
        f"where they had meetings; {len(affected)} meetings affected, all handled")

    # 8. The operator optimises the schedule ------------------------------------------------------------------------
    limit = scenario.behaviour.optimise_seconds
    command = await publisher.send(
        topics.OPERATOR_COMMANDS, OptimiseSchedule(time_limit_seconds=limit, fairness=2), event_id=event_id, producer=OPERATOR
    )
    await publisher.flush()
    say(f"optimising the schedule (solver limit {limit:.0f} s) ...")
    correlation = str(command.correlation_id)

    def optimised() -> dict[str, Any] | None:
        for seen in observer.of(event_id, topics.SCHEDULE, "ScheduleOptimised"):
            if seen.document.get("correlation_id") == correlation:
                return seen.data
        return None

    played.optimised = await observer.until(
        optimised,
        expected=f"ScheduleOptimised on '{topics.SCHEDULE}' answering OptimiseSchedule (correlation {correlation})",
        service="scheduling", timeout=limit + 60,
    )
    await observer.quiet(event_id, [topics.SCHEDULE], seconds=1.0, timeout=20)
    o = played.optimised
    say(f"optimised: breaks {o['breaks_before']} -> {o['breaks_after']} (lower bound {o['lower_bound']}), "
        f"{o['moved']} meetings moved, {o['placed']} placed, {o['unplaced']} still waiting")

    # 9. The operator sends everybody their agenda; wait until notifications has delivered them --------------------
    command = await publisher.send(topics.OPERATOR_COMMANDS, SendAgendas(), event_id=event_id, producer=OPERATOR)
    await publisher.flush()
    active = len(played.pid_of) - len(played.withdrawn)

    def agenda_receivers() -> set[str]:
        return {d["participant_id"] for d in types(topics.NOTIFICATIONS, "NotificationSent", "NotificationFailed")
                if "agenda_issued" in d["kinds"]}

    def agendas() -> int:
        return len(agenda_receivers())

    def missing_agendas() -> str:
        leaving = set(played.withdrawn)
        missing = [ref for ref, pid in sorted(played.pid_of.items()) if ref not in leaving and pid not in agenda_receivers()]
        shown = ", ".join(f"{ref} ({played.pid_of[ref]})" for ref in missing[:5])
        return f"; none yet for {shown}" if missing else ""

    await observer.until(
        lambda: agendas() >= active,
        expected=lambda: f"an agenda e-mail (NotificationSent with kind agenda_issued on '{topics.NOTIFICATIONS}') for each of "
                         f"{active} active participants, got {agendas()}{missing_agendas()}",
        service="notifications", timeout=STALL, moving=lambda: len(observer.of(event_id, topics.NOTIFICATIONS)),
        progress=lambda: say(f"agendas delivered so far: {agendas()}/{active}{observer.busy('notifications')}"),
    )
    played.agendas_sent = agendas()
    await observer.quiet(event_id, [topics.NOTIFICATIONS], seconds=3.0, timeout=60)
    sent = len(types(topics.NOTIFICATIONS, "NotificationSent"))
    say(f"agendas: {played.agendas_sent} delivered; {sent} e-mails in total for this event")
    played.seconds = time.monotonic() - say.started
    return played


"""Use case: a participant (or an operator) requests, accepts, declines, cancels or arranges a meeting."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.matching import (
    Decision,
    DecisionRefused,
    MatchAccepted,
    MatchCancelled,
    MatchDecisionSubmitted,
    MatchDeclined,
    MatchRequested,
)
from contracts.topics import MATCHES
from servicekit.outbox import caused_by
from servicekit.parking import WaitFor

from ..domain import match as lifecycle
from ..domain.match import Happened, Match, MatchState
from .links import LinkMaker
from .match_ids import match_id_for
from .ports import MatchStore, ProfileStore, RefusalLog
from .publish_lists import PRODUCER, ListPublisher
from .suggestion_index import Indexes


async def decide(
    decision: MatchDecisionSubmitted, cause: Envelope, *, indexes: Indexes, profiles: ProfileStore, matches: MatchStore,
    lists: ListPublisher, refusals: RefusalLog, links: LinkMaker,
) -> str:
    """Apply the decision; returns what happened ('refused' included)."""
    event_id = cause.event_id
    index = await indexes.of(event_id)
    if index is None:
        raise WaitFor(f"event:{event_id}", reason=f"event {event_id} is not known to matching yet")
    actor, other = decision.participant_id, decision.other_participant_id

    async def refuse(reason: str) -> str:
        fact = DecisionRefused(participant_id=actor, other_participant_id=other, decision=decision.decision.value, reason=reason)
        await refusals.refuse(str(cause.message_id), event_id, [caused_by(cause, MATCHES, fact, producer=PRODUCER)])
        return "refused"

    for participant_id in (actor, other):
        if index.participant(participant_id) is not None:
            continue
        if await profiles.is_known(participant_id):
            return await refuse(f"participant {participant_id} has left the event")
        # Perhaps registered a moment ago and still on its way through the registrations topic: wait for it; a
        # decision naming someone who never arrives is dead-lettered with this reason when the wait expires.
        raise WaitFor(f"participant:{participant_id}", reason=f"unknown participant {participant_id} in a {decision.decision.value} decision")
    if (decision.decision is Decision.ARRANGE) != (decision.actor == "operator"):
        return await refuse("only operators arrange meetings, and operators arrange rather than request or answer")

    current = await matches.get(event_id, actor, other)
    if decision.decision is Decision.REQUEST:
        outcome = lifecycle.request(current, actor, other, decision.note, index.may_meet(actor, other))
    elif decision.decision is Decision.ACCEPT:
        outcome = lifecycle.accept(current, actor, other)
    elif decision.decision is Decision.DECLINE:
        outcome = lifecycle.decline(current, actor, other)
    elif decision.decision is Decision.CANCEL:
        outcome = lifecycle.cancel(current, actor, other)
    else:
        outcome = lifecycle.arrange(current, actor, other, index.may_meet(actor, other))
    if isinstance(outcome, lifecycle.Refused):
        return await refuse(outcome.reason)
    if outcome.happened is Happened.NOTHING:
        return "unchanged"

    match = outcome.match
    await matches.save(event_id, match, [caused_by(cause, MATCHES, _fact(event_id, match, outcome.happened, actor, links), producer=PRODUCER)])
    changed: set[str] = set()
    if outcome.happened is Happened.DECLINED:
        changed |= index.record_decline(match.requester, match.recipient)
    was_accepted = current is not None and current.state is MatchState.ACCEPTED
    if outcome.happened is Happened.ACCEPTED or (outcome.happened is Happened.CANCELLED and was_accepted):
        step = 1 if outcome.happened is Happened.ACCEPTED else -1
        for participant_id in (match.requester, match.recipient):
            accepted = index.context.accepted_counts.get(participant_id, 0) + step
            changed |= index.record_accepted_count(participant_id, max(accepted, 0))
    await lists.now(index, event_id, changed, cause)
    return outcome.happened.value


def _fact(event_id: str, match: Match, happened: Happened, actor: str, links: LinkMaker):
    match_id = match_id_for(event_id, match)
    if happened is Happened.REQUESTED:
        return MatchRequested(
            match_id=match_id, requester_id=match.requester, recipient_id=match.recipient, note=match.note,
            accept_url=links.url(event_id, "accept", match.recipient, match.requester),
            decline_url=links.url(event_id, "decline", match.recipient, match.requester),
        )
    if happened is Happened.ACCEPTED:
        return MatchAccepted(
            match_id=match_id, participant_a=match.requester, participant_b=match.recipient,
            arranged_by_operator=match.arranged_by_operator,
        )
    if happened is Happened.DECLINED:
        return MatchDeclined(match_id=match_id, requester_id=match.requester, recipient_id=match.recipient)
    return MatchCancelled(
        match_id=match_id, participant_a=match.requester, participant_b=match.recipient,
        cancelled_by=actor, reason="cancelled by a participant",
    )

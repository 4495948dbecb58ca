"""The life of a match between two participants: requested → accepted / declined, accepted → cancelled.

One record per pair of participants and event. A decision either moves the match and says what happened, or is
refused with a reason a participant understands. Rules:

- a request within the event's policy opens the pair (or reopens it after a cancellation or after the asker
  themself declined earlier); asking someone who already asked you accepts their request;
- only the asked participant accepts or declines; a declined request is final for the one who was declined;
- either participant cancels an accepted match, the requester withdraws an open request the same way;
- an operator arranges an accepted match directly; the policy still applies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class MatchState(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Match:
    """The current state of one pair. ``round`` grows each time the pair is reopened; it keys the match id."""

    requester: str
    recipient: str
    state: MatchState
    round: int = 1
    note: str = ""
    arranged_by_operator: bool = False
    declined_by: str | None = None

    def involves(self, participant_id: str) -> bool:
        return participant_id in (self.requester, self.recipient)


class Happened(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    NOTHING = "nothing"  # a repeated decision: no change, nothing to announce


@dataclass(frozen=True, slots=True)
class Decided:
    match: Match
    happened: Happened


@dataclass(frozen=True, slots=True)
class Refused:
    reason: str


Outcome = Decided | Refused


def request(current: Match | None, actor: str, other: str, note: str, policy_refusal: str | None) -> Outcome:
    if actor == other:
        return Refused("you cannot request a meeting with yourself")
    if current is not None:
        if current.state is MatchState.REQUESTED:
            if current.requester == actor:
                return Decided(current, Happened.NOTHING)
            return Decided(replace(current, state=MatchState.ACCEPTED), Happened.ACCEPTED)  # mutual interest
        if current.state is MatchState.ACCEPTED:
            return Decided(current, Happened.NOTHING)
        if current.state is MatchState.DECLINED and current.declined_by == other:
            return Refused("this participant has declined a meeting with you")
    if policy_refusal:
        return Refused(policy_refusal)
    round_ = current.round + 1 if current is not None else 1
    return Decided(Match(actor, other, MatchState.REQUESTED, round_, note), Happened.REQUESTED)


def accept(current: Match | None, actor: str, other: str) -> Outcome:
    if current is None or not current.involves(actor) or not current.involves(other):
        return Refused("there is no meeting request between you and this participant")
    if current.state is MatchState.ACCEPTED:
        return Decided(current, Happened.NOTHING)
    if current.state is not MatchState.REQUESTED:
        return Refused(f"the request is no longer open (it was {current.state.value})")
    if current.recipient != actor:
        return Refused("only the participant who was asked can accept a request")
    return Decided(replace(current, state=MatchState.ACCEPTED), Happened.ACCEPTED)


def decline(current: Match | None, actor: str, other: str) -> Outcome:
    if current is None or not current.involves(actor) or not current.involves(other):
        return Refused("there is no meeting request between you and this participant")
    if current.state is MatchState.DECLINED:
        return Decided(current, Happened.NOTHING)
    if current.state is not MatchState.REQUESTED:
        return Refused(f"the request is no longer open (it was {current.state.value}); cancel the meeting instead")
    if current.recipient != actor:
        return Refused("only the participant who was asked can decline a request; withdraw it with cancel")
    return Decided(replace(current, state=MatchState.DECLINED, declined_by=actor), Happened.DECLINED)


def cancel(current: Match | None, actor: str, other: str) -> Outcome:
    if current is None or not current.involves(actor) or not current.involves(other):
        return Refused("there is no meeting between you and this participant")
    if current.state is MatchState.CANCELLED:
        return Decided(current, Happened.NOTHING)
    if current.state is MatchState.ACCEPTED or (current.state is MatchState.REQUESTED and current.requester == actor):
        return Decided(replace(current, state=MatchState.CANCELLED), Happened.CANCELLED)
    return Refused(f"a {current.state.value} match cannot be cancelled by you")


def arrange(current: Match | None, a: str, b: str, policy_refusal: str | None) -> Outcome:
    if a == b:
        return Refused("a meeting needs two different participants")
    if current is not None and current.state is MatchState.ACCEPTED:
        return Decided(current, Happened.NOTHING)
    if policy_refusal:
        return Refused(policy_refusal)
    round_ = current.round + 1 if current is not None else 1
    return Decided(Match(a, b, MatchState.ACCEPTED, round_, arranged_by_operator=True), Happened.ACCEPTED)


def withdraw_everything(current: Match, leaving: str) -> Outcome:
    """The participant left the event: an open or accepted match with them is cancelled."""
    if current.state in (MatchState.REQUESTED, MatchState.ACCEPTED) and current.involves(leaving):
        return Decided(replace(current, state=MatchState.CANCELLED), Happened.CANCELLED)
    return Decided(current, Happened.NOTHING)

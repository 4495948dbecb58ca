"""Decisions participants and operators submit (``match-decisions.inbound``) and what matching publishes
(``matches``)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import Message, NoteText, StrictInbound


class Decision(StrEnum):
    REQUEST = "request"
    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"
    ARRANGE = "arrange"


class MatchDecisionSubmitted(StrictInbound):
    """A participant (or an operator) decides about a meeting with another participant.

    ``request``: the actor asks ``other_participant_id`` for a meeting. ``accept`` / ``decline``: the actor answers
    a request from ``other_participant_id``. ``cancel``: either side calls off an accepted match. ``arrange``: an
    operator creates an accepted match directly (``actor`` must be ``operator``).
    """

    decision: Decision = Field(description="request, accept, decline, cancel or arrange.")
    participant_id: str = Field(min_length=1, max_length=100, description="Who decides (for 'arrange': one of the pair).")
    other_participant_id: str = Field(min_length=1, max_length=100, description="The other participant of the pair.")
    actor: str = Field(
        default="participant", pattern=r"^(participant|operator)$", description="participant, or operator for arranged matches."
    )
    note: NoteText = Field(default="", description="A message to the other participant.")


class Suggestion(Message):
    """One scored, explained candidate partner."""

    partner_id: str = Field(description="The suggested partner's participant id.")
    score: float = Field(ge=0, le=1, description="How well the pair fits, 0 to 1; high only when both sides gain.")
    reasons: tuple[str, ...] = Field(description="Why, in words the participant understands.")
    request_url: str = Field(default="", description="Signed one-click link that requests a meeting with this partner.")


class SuggestionsUpdated(Message):
    """A participant's suggestion list changed; the list is complete, not a delta."""

    participant_id: str = Field(description="Whose list it is.")
    suggestions: tuple[Suggestion, ...] = Field(description="Best first.")
    list_version: int = Field(ge=1, description="Grows with every change of this participant's list.")


class MatchRequested(Message):
    """One participant asked another for a meeting; the other can accept or decline."""

    match_id: str = Field(description="The match's id.")
    requester_id: str = Field(description="Who asked.")
    recipient_id: str = Field(description="Who is asked.")
    note: str = Field(default="", description="The requester's message.")
    accept_url: str = Field(default="", description="Signed one-click link for the recipient to accept.")
    decline_url: str = Field(default="", description="Signed one-click link for the recipient to decline.")


class MatchAccepted(Message):
    """Both sides want to meet (or an operator arranged it): scheduling places the meeting."""

    match_id: str = Field(description="The match's id.")
    participant_a: str = Field(description="One participant (the requester).")
    participant_b: str = Field(description="The other participant.")
    arranged_by_operator: bool = Field(default=False, description="Whether an operator created the match directly.")


class MatchDeclined(Message):
    """The asked participant declined; matching never suggests the pair again."""

    match_id: str = Field(description="The match's id.")
    requester_id: str = Field(description="Who asked.")
    recipient_id: str = Field(description="Who declined.")


class MatchCancelled(Message):
    """An accepted match was called off; its meeting is cancelled."""

    match_id: str = Field(description="The match's id.")
    participant_a: str = Field(description="One participant.")
    participant_b: str = Field(description="The other participant.")
    cancelled_by: str = Field(description="Participant id of who cancelled, or 'operator' or 'system'.")
    reason: str = Field(default="", description="Why.")


class DecisionRefused(Message):
    """A decision could not be applied; the reason says why (unknown participant, outside the policy, ...)."""

    participant_id: str = Field(description="Who tried to decide.")
    other_participant_id: str = Field(description="The other participant named.")
    decision: str = Field(description="The refused decision.")
    reason: str = Field(description="Why it was refused.")

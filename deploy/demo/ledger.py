"""What the platform said, folded into current state: the latest suggestion list of each participant, the state of
each match, and where each meeting stands. Pure functions over the ``data`` of observed messages, in arrival order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def latest_lists(updates: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Participant id → their newest suggestion list (SuggestionsUpdated carries the whole list)."""
    newest: dict[str, dict[str, Any]] = {}
    for update in updates:
        held = newest.get(update["participant_id"])
        if held is None or update["list_version"] >= held["list_version"]:
            newest[update["participant_id"]] = update
    return {pid: list(update["suggestions"]) for pid, update in newest.items()}


def pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def match_states(messages: list[tuple[str, dict[str, Any]]]) -> dict[frozenset[str], str]:
    """Pair of participant ids → requested / accepted / declined / cancelled, from (type, data) on ``matches``."""
    states: dict[frozenset[str], str] = {}
    for kind, data in messages:
        if kind == "MatchRequested":
            states[pair(data["requester_id"], data["recipient_id"])] = "requested"
        elif kind == "MatchAccepted":
            states[pair(data["participant_a"], data["participant_b"])] = "accepted"
        elif kind == "MatchDeclined":
            states[pair(data["requester_id"], data["recipient_id"])] = "declined"
        elif kind == "MatchCancelled":
            states[pair(data["participant_a"], data["participant_b"])] = "cancelled"
    return states


@dataclass
class MeetingView:
    match_id: str
    a: str
    b: str
    state: str  # placed, waiting or cancelled
    place: dict[str, Any] | None = None
    version: int = 0
    facilitator: str | None = None

    def involves(self, participant_id: str) -> bool:
        return participant_id in (self.a, self.b)


def meeting_states(messages: list[tuple[str, dict[str, Any]]]) -> dict[str, MeetingView]:
    """Match id → the meeting as the schedule topic last described it (type, data in arrival order)."""
    meetings: dict[str, MeetingView] = {}
    for kind, data in messages:
        match_id = data.get("match_id")
        if match_id is None:
            continue
        view = meetings.setdefault(match_id, MeetingView(match_id, data["participant_a"], data["participant_b"], "waiting"))
        version = data.get("version", view.version)
        if kind in ("MeetingScheduled", "MeetingRescheduled", "MeetingCancelled") and version < view.version:
            continue  # an older message arriving late changes nothing
        if kind in ("MeetingScheduled", "MeetingRescheduled"):
            view.state, view.place, view.version = "placed", data["place"], version
            view.facilitator = data.get("facilitator_id")
        elif kind == "MeetingCancelled":
            view.state, view.place, view.version = "cancelled", None, version
        elif kind == "MeetingUnplaceable":
            view.state, view.place = "waiting", None
    return meetings


def slots_by_participant(meetings: dict[str, MeetingView]) -> dict[str, list[str]]:
    """Participant id → slot ids of their placed meetings."""
    slots: dict[str, list[str]] = {}
    for view in meetings.values():
        if view.state == "placed" and view.place:
            for participant_id in (view.a, view.b):
                slots.setdefault(participant_id, []).append(view.place["slot_id"])
    return slots

"""What participants are told about the outcome of a domain operation: every placement, move and wait."""

from __future__ import annotations

from collections.abc import Iterable

from contracts.envelope import Envelope
from servicekit.outbox import Outgoing

from ..domain.model import Move, Placed, Unplaceable
from .book import Book


def touch_outcomes(book: Book, outcomes: Iterable[Placed | Unplaceable], moves: Iterable[Move] = ()) -> None:
    for outcome in outcomes:
        book.touch(outcome.meeting_id)
        if isinstance(outcome, Placed):
            book.touch(*(move.meeting_id for move in outcome.moves))
    book.touch(*(move.meeting_id for move in moves))


def announce(
    book: Book, cause: Envelope, outcomes: Iterable[Placed | Unplaceable], moves: Iterable[Move] = (), *,
    move_reason: str,
) -> list[Outgoing]:
    """Messages for placements, moves and waits; call after ``book.sync_meetings()``."""
    messages: list[Outgoing] = []
    all_moves = list(moves)
    for outcome in outcomes:
        if isinstance(outcome, Placed):
            all_moves.extend(outcome.moves)
            was_placed = book.previous_place_of(outcome.meeting_id)
            if was_placed is None:
                messages.append(book.scheduled(cause, outcome.meeting_id))
            elif was_placed != book.place_of(outcome.meeting_id):
                messages.append(book.rescheduled(cause, outcome.meeting_id, was_placed, move_reason))
        else:
            previous = book.previous_place_of(outcome.meeting_id)
            if previous is not None:  # it was announced: take it out of calendars until it has a place again
                messages.append(book.cancelled(cause, outcome.meeting_id, previous, outcome.reason))
            messages.append(book.unplaceable(cause, outcome.meeting_id, outcome.reason))
    for move in all_moves:
        previous = book.previous_place_of(move.meeting_id)
        current = book.place_of(move.meeting_id)
        if current is None:
            continue
        if previous is None:
            messages.append(book.scheduled(cause, move.meeting_id))
        else:
            messages.append(book.rescheduled(cause, move.meeting_id, previous, move_reason))
    return messages

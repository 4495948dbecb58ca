"""``matching-suggest FILE.json --top K``: suggestions for every participant of an event described in a file,
computed by the same domain code the service runs. One JSON line per participant on standard output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contracts.events import EventDetails, EventDraft
from contracts.registrations import RegistrationSubmitted
from pydantic import ValidationError

from ..domain.index import SuggestionIndex
from ..profile_mapping import participant_from_registration, policy_from_event


class InputError(Exception):
    """The input file is not what the command expects; the message names the field."""


def _problems(prefix: str, error: ValidationError) -> list[str]:
    lines = []
    for problem in error.errors():
        where = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in problem["loc"])
        lines.append(f"{where}: {problem['msg']}")
    return lines


def _event(data: Any) -> EventDraft:
    if not isinstance(data, dict):
        raise InputError("event: must be an object (EventDetails or an EventDraft)")
    model = EventDetails if ("slots" in data or "revision" in data) else EventDraft
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InputError("\n".join(_problems("event", error))) from None


def load(path: Path) -> tuple[EventDraft, list[RegistrationSubmitted]]:
    """The event and the latest revision of each registration in the file, in the order first seen."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise InputError("the file must hold an object with the fields 'event' and 'participants'")
    for field in ("event", "participants"):
        if field not in document:
            raise InputError(f"{field}: missing (the file needs 'event' and 'participants')")
    event = _event(document["event"])
    if not isinstance(document["participants"], list):
        raise InputError("participants: must be a list of RegistrationSubmitted objects")
    problems: list[str] = []
    latest: dict[tuple[str, str], RegistrationSubmitted] = {}
    for position, raw in enumerate(document["participants"]):
        try:
            submitted = RegistrationSubmitted.model_validate(raw)
        except ValidationError as error:
            problems.extend(_problems(f"participants[{position}]", error))
            continue
        key = (submitted.source, submitted.reference)
        if key not in latest or latest[key].revision < submitted.revision:
            latest[key] = submitted
    if problems:
        raise InputError("\n".join(problems))
    return event, list(latest.values())


def suggest(event: EventDraft, submissions: Sequence[RegistrationSubmitted], top: int,
            exposure_factor: float = 1.5) -> list[dict[str, Any]]:
    """One result object per participant: their reference and their ranked, explained suggestions."""
    ids = {f"{s.source}/{s.reference}": s.reference for s in submissions}
    participants = [participant_from_registration(f"{s.source}/{s.reference}", s.registration) for s in submissions]
    index = SuggestionIndex.build(participants, policy_from_event(event), list_size=top,
                                  exposure_factor=exposure_factor)
    return [
        {
            "participant": ids[p.participant_id],
            "suggestions": [
                {"partner": ids[s.partner_id], "score": round(s.score, 4), "reasons": list(s.reasons)}
                for s in index.suggestions_for(p.participant_id, top)
            ],
        }
        for p in participants
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="matching-suggest",
        description="Print scored, explained partner suggestions for every participant of an event file.",
    )
    parser.add_argument("file", type=Path, help="JSON: {\"event\": EventDetails or EventDraft, \"participants\": "
                        "[RegistrationSubmitted, ...]}")
    parser.add_argument("--top", type=int, default=10, metavar="K", help="suggestions per participant (default 10)")
    parser.add_argument("--exposure-factor", type=float, default=1.5, metavar="F",
                        help="a participant appears in at most F x K lists (default 1.5; 'inf' for no limit)")
    args = parser.parse_args(argv)
    if not 1 <= args.top <= 100:
        parser.error("--top must be between 1 and 100")
    try:
        event, submissions = load(args.file)
    except InputError as error:
        print(f"matching-suggest: invalid input\n{error}", file=sys.stderr)
        return 2
    for line in suggest(event, submissions, args.top, args.exposure_factor):
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

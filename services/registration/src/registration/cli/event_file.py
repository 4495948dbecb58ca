"""The event YAML file an operator writes: read it, find every mistake (with its line), describe what it defines.

YAML 1.1 (what PyYAML speaks) reads ``14:00`` as the number 840 and ``NO`` (Norway) as false. An event file is full
of times and country codes, so this loader only knows true/false as booleans and plain decimal numbers; everything
else stays text and the model parses it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from contracts.events import EventDraft, Slot

from ..domain.grid import derive_slots, session_slot_times

Path_ = tuple[str | int, ...]


class EventFileError(Exception):
    """The file cannot become an event; ``problems`` holds one line per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _EventLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's sexagesimal numbers and yes/no/on/off booleans."""


_EventLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_EventLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_EventLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_EventLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?$"), list("-+0123456789")
)


def format_path(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def _lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], problems: list[tuple[Path_, str]]) -> None:
    """Record the line of every key and list item; report keys written twice (YAML would silently keep the last)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append((path + (key,), f"written twice (first at line {lines[path + (key,)]}); keep one"))
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _lines(value_node, path + (key,), lines, problems)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, path + (index,), lines, problems)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (directly, in a tuple or list, or as an optional)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        if argument is not Ellipsis:
            found.extend(_models_in(argument))
    return found


def unknown_keys(model: type[BaseModel], data: Any, path: Path_ = ()) -> list[tuple[Path_, str]]:
    """Keys the model does not know, at any depth. The contracts ignore unknown fields (so newer producers do not
    break older readers), which would turn a misspelt ``slot_minuts`` into a silent default here."""
    if not isinstance(data, dict):
        return []
    problems = []
    fields = model.model_fields
    for key, value in data.items():
        if key not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys here: {', '.join(fields)}"
            problems.append((path + (str(key),), f"unknown key{hint}"))
            continue
        annotation = fields[key].annotation
        nested = _models_in(annotation)
        if len(nested) != 1:
            continue
        origin = typing.get_origin(annotation)
        if origin in (tuple, list) and isinstance(value, list):
            for index, item in enumerate(value):
                problems.extend(unknown_keys(nested[0], item, path + (str(key), index)))
        elif origin in (None, typing.Union, types.UnionType):
            problems.extend(unknown_keys(nested[0], value, path + (str(key),)))
    return problems


def _readable(message: str) -> str:
    message = message.removeprefix("Value error, ")
    if message.startswith("Input should "):
        message = "must " + message.removeprefix("Input should ")
    return message


def _line_of(path: Path_, lines: dict[Path_, int]) -> int | None:
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _located(path: Path_, message: str, lines: dict[Path_, int]) -> str:
    line = _line_of(path, lines)
    return f"{format_path(path)}: {message}" + (f" (line {line})" if line else "")


def parse_event(text: str) -> EventDraft:
    """The EventDraft a YAML text describes, or EventFileError listing every mistake with field and line."""
    loader = _EventLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise EventFileError(["(file): empty; an event file needs event_id, name, venue, time_zone, organiser, sessions and tables"])
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise EventFileError([f"(file): not valid YAML: {problem}{where}"]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise EventFileError(["(file): must be a mapping of keys (event_id: ..., name: ..., sessions: ...)"])
    lines: dict[Path_, int] = {}
    problems: list[tuple[Path_, str]] = []
    _lines(node, (), lines, problems)
    problems.extend(unknown_keys(EventDraft, data))
    try:
        event = EventDraft.model_validate(data)
    except ValidationError as error:
        errors = error.errors(include_url=False)
        for problem in errors:
            loc = tuple(problem["loc"])
            # pydantic adds "should have at least 1 item, not 0" when the only item is invalid: noise next to the real error
            if problem["type"] == "too_short" and any(len(o["loc"]) > len(loc) and tuple(o["loc"][: len(loc)]) == loc for o in errors):
                continue
            if problem["type"] == "missing":
                problems.append((loc, "missing; this key is required" + (" here" if len(loc) > 1 else "")))
                continue
            problems.append((loc, _readable(problem["msg"])))
        event = None
    if problems:
        ordered = sorted(problems, key=lambda p: (_line_of(p[0], lines) or 0, format_path(p[0])))
        raise EventFileError([_located(path, message, lines) for path, message in ordered])
    assert event is not None
    return event


def load_event(path: Path) -> EventDraft:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EventFileError([f"{path}: cannot read the file ({error.strerror})"]) from None
    except UnicodeDecodeError:
        raise EventFileError([f"{path}: not UTF-8 text; save the file as UTF-8"]) from None
    return parse_event(text)


# --- the summary an operator reads before and after publishing --------------------------------------------------------


@dataclass(frozen=True)
class EventSummary:
    event: EventDraft
    slots: tuple[Slot, ...]

    @property
    def meetings_capacity(self) -> int:
        return self.event.tables * len(self.slots)

    def lines(self) -> list[str]:
        e = self.event
        out = [f"{e.name} ({e.event_id})", f"  venue: {e.venue}" + (f", {e.country}" if e.country else ""),
               f"  time zone: {e.time_zone}; status: {e.status.value}"]
        by_slot_session = {}
        for slot in self.slots:
            by_slot_session.setdefault((slot.day, slot.session), []).append(slot)
        days = sorted({s.day for s in e.sessions})
        out.append(f"  {len(days)} day(s), {len(e.sessions)} session(s), {len(self.slots)} slots in all")
        for day in days:
            out.append(f"  {day.strftime('%A %d %B %Y')}")
            for session in sorted((s for s in e.sessions if s.day == day), key=lambda s: s.start):
                slots = by_slot_session.get((day, session.name), [])
                pauses = ", ".join(f"{b.start:%H:%M}-{b.end:%H:%M}" for b in session.breaks)
                first_last = f"first {slots[0].start:%H:%M}, last ends {slots[-1].end:%H:%M}" if slots else "no slot fits"
                offset = slots[0].start.strftime("UTC%z") if slots else ""
                out.append(
                    f"    {session.name}: {session.start:%H:%M}-{session.end:%H:%M} {offset}, {session.slot_minutes}-minute slots"
                    + (f", breaks {pauses}" if pauses else "") + f": {len(slots)} slots ({first_last})"
                )
                unused = _unused_minutes(session)
                if unused:
                    out.append(f"      note: {unused} minute(s) of this session hold no slot (the slot length does not divide it)")
        out.append(f"  tables: {e.tables}; capacity: {e.tables} tables x {len(self.slots)} slots = {self.meetings_capacity} meetings")
        participants = f"{e.capacity} participants" if e.capacity else "no limit on participants"
        deadline = e.registration_deadline.isoformat() if e.registration_deadline else "none"
        out.append(f"  registration: {participants}; deadline {deadline}; at most {e.meeting_cap} meetings per participant")
        out.extend(_policy_lines(e))
        return out


def _unused_minutes(session) -> int:
    total = (dt.datetime.combine(session.day, session.end) - dt.datetime.combine(session.day, session.start)).seconds // 60
    pauses = sum((dt.datetime.combine(session.day, b.end) - dt.datetime.combine(session.day, b.start)).seconds // 60 for b in session.breaks)
    return total - pauses - len(session_slot_times(session)) * session.slot_minutes


def _pair_names(pair: Any) -> tuple[str, str]:
    """The two side names of an allowed pair (a two-name tuple, or a SidePair model with first and second)."""
    return (pair.first, pair.second) if hasattr(pair, "first") else (pair[0], pair[1])


def _policy_lines(e: EventDraft) -> list[str]:
    policy, out = e.policy, []
    if policy.sides:
        for side in policy.sides:
            out.append(f"  side {side.name}: {len(side.countries)} countries ({', '.join(side.countries)})")
        pairs = ", ".join(f"{a} meets {b}" for a, b in map(_pair_names, policy.allowed_side_pairs)) or "any two sides may meet"
        out.append(f"  allowed meetings: {pairs}; organisations on no side meet nobody")
    else:
        out.append("  sides: none (everybody may meet everybody)")
    out.append(
        "  same organisation may meet: " + ("yes" if policy.same_organisation_may_meet else "no")
        + "; same delegation may meet: " + ("yes" if policy.same_delegation_may_meet else "no")
    )
    return out


def summarise(event: EventDraft) -> EventSummary:
    return EventSummary(event, derive_slots(event))

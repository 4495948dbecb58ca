"""docs/integrating.md cannot rot: every JSON example in it is a valid message of the current contracts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contracts import open_message
from contracts.dead_letters import DeadLetter
from contracts.events import EventDetails
from contracts.registrations import RegistrationOutcome, RegistrationSubmitted
from registration.cli.event_file import load_event
from registration.domain.admission import Verdict, decide
from registration.domain.grid import derive_slots

ROOT = Path(__file__).resolve().parents[4]
DOC = ROOT / "docs" / "integrating.md"


def marked_blocks(text: str, kind: str) -> dict[str, str]:
    """The fenced block after each ``<!-- kind:name -->`` marker, by name."""
    pattern = re.compile(rf"<!-- {kind}:([\w-]+) -->\s*```\w*\n(.*?)\n```", re.DOTALL)
    return {name: body for name, body in pattern.findall(text)}


EXAMPLES = marked_blocks(DOC.read_text(encoding="utf-8"), "example")
INBOUND = ("registration-submitted", "registration-withdrawal-requested", "registration-erasure-requested")
OUTCOMES = sorted(name for name in EXAMPLES if name.startswith("outcome-") and name != "outcome-envelope")


@pytest.mark.parametrize("name", INBOUND)
def test_the_inbound_examples_are_valid_messages_of_registrations_inbound(name):
    envelope, payload = open_message(EXAMPLES[name], "registrations.inbound")
    assert envelope.correlation_id == envelope.message_id, "an original message correlates with itself"
    assert envelope.event_id == "hannover-messe-2027"
    assert payload.source == "eventsite" and payload.reference == "reg-000417"


def test_the_registration_example_would_be_admitted_to_the_example_event():
    _, submission = open_message(EXAMPLES["registration-submitted"], "registrations.inbound")
    assert isinstance(submission, RegistrationSubmitted)
    draft = load_event(ROOT / "deploy" / "examples" / "hannover-2027.yaml")
    event = EventDetails(**draft.model_dump(), revision=1, slots=derive_slots(draft))
    admission = decide(event, None, submission.revision, submission.registration, admitted=0,
                       now=event.registration_deadline.replace(month=3, day=1))
    assert admission.verdict is Verdict.ADMIT, admission.reasons
    assert admission.unavailable_slot_ids == ("2027-04-13T14:00", "2027-04-13T16:00", "2027-04-13T16:20")


def test_every_outcome_status_has_a_valid_example():
    statuses = {RegistrationOutcome.model_validate(json.loads(EXAMPLES[name])).status.value for name in OUTCOMES}
    assert statuses == {"accepted", "updated", "unchanged", "ignored_stale", "withdrawn", "erased", "refused"}
    envelope, outcome = open_message(EXAMPLES["outcome-envelope"], "registrations.outcomes")
    assert outcome.inbound_message_id == str(envelope.causation_id)


def test_the_dead_letter_example_is_valid():
    letter = DeadLetter.model_validate(json.loads(EXAMPLES["dead-letter"]))
    assert letter.topic == "registrations.inbound" and letter.original_text.startswith('{"message_id"')


def test_the_kcat_command_publishes_the_example_keyed_by_its_event_id():
    command = marked_blocks(DOC.read_text(encoding="utf-8"), "command")["kcat-publish"]
    envelope, _ = open_message(EXAMPLES["registration-submitted"])
    assert str(envelope.message_id) in command, "the command replaces the example's message id with a fresh one"
    assert f"-t registrations.inbound -k {envelope.event_id}" in command
    assert "partitioner=murmur2_random" in command

"""The contracts as integrators and services rely on them: schemas match the models, old messages stay readable,
readers ignore fields added later, and bad input is described precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.registry import MESSAGE_TYPES, ContractViolation, open_message
from contracts.schema_export import drifted_files

EXAMPLES = Path(__file__).parent / "examples_v1"


def test_checked_in_schemas_and_asyncapi_match_the_models():
    drifted = drifted_files()
    assert not drifted, f"regenerate with `make schemas`: {[str(p) for p in drifted]}"


def _models_within(model, seen):
    if model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        for candidate in _nested_types(info.annotation):
            _models_within(candidate, seen)


def _nested_types(annotation):
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        yield from _nested_types(argument)


def test_every_message_field_is_described_nested_models_included():
    from contracts.dead_letters import DeadLetter
    from contracts.envelope import Envelope

    models: set = set()
    for model in [*MESSAGE_TYPES.values(), Envelope, DeadLetter]:
        _models_within(model, models)
    undescribed = [
        f"{model.__name__}.{field}" for model in models for field, info in model.model_fields.items() if not info.description
    ]
    assert len(models) > 30
    assert not undescribed, undescribed


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_stored_version_1_messages_are_still_read(path):
    """A message written by version 1 of a producer must stay readable: a change that breaks one of these files
    is not additive and needs a new schema version with an upcaster."""
    envelope, payload = open_message(path.read_bytes())
    assert envelope.schema_version == 1
    assert type(payload).__name__ == envelope.type


def test_readers_ignore_fields_added_by_newer_producers():
    document = json.loads((EXAMPLES / "RegistrationSubmitted.json").read_text())
    document["added_in_future"] = 1
    document["data"]["registration"]["person"]["pronouns"] = "she/her"
    _, payload = open_message(json.dumps(document))
    assert payload.registration.person.first_name == "Ana"


def test_a_newer_schema_version_is_refused_with_what_to_do():
    document = json.loads((EXAMPLES / "RegistrationSubmitted.json").read_text())
    document["schema_version"] = 2
    with pytest.raises(ContractViolation, match="newer than this service reads"):
        open_message(json.dumps(document))


def test_violations_name_every_offending_field():
    document = json.loads((EXAMPLES / "RegistrationSubmitted.json").read_text())
    person = document["data"]["registration"]["person"]
    person["email"] = "not-an-address"
    person["first_name"] = "\u0000\u200b "
    document["data"]["registration"]["organisation"]["country"] = "Germany"
    with pytest.raises(ContractViolation) as caught:
        open_message(json.dumps(document), topic="registrations.inbound")
    text = str(caught.value)
    assert "data.registration.person.email" in text
    assert "data.registration.person.first_name: Value error, must not be empty" in text
    assert "data.registration.organisation.country" in text


def test_normalisation_trims_lower_cases_and_removes_control_characters():
    document = json.loads((EXAMPLES / "RegistrationSubmitted.json").read_text())
    registration = document["data"]["registration"]
    registration["person"]["email"] = "  Ana.Souza@Example.COM "
    registration["person"]["last_name"] = "  Souza\u202e\u0007  da   Silva "
    registration["organisation"]["country"] = "br"
    registration["profile"]["topics"] = ["  Cold Chain "]
    _, payload = open_message(json.dumps(document))
    assert payload.registration.person.email == "ana.souza@example.com"
    assert payload.registration.person.last_name == "Souza da Silva"
    assert payload.registration.organisation.country == "BR"
    assert payload.registration.profile.topics == ("cold chain",)


def test_a_message_type_from_another_topic_is_refused_on_this_one():
    with pytest.raises(ContractViolation, match="unknown message type 'RegistrationSubmitted' on this topic"):
        open_message((EXAMPLES / "RegistrationSubmitted.json").read_bytes(), topic="matches")

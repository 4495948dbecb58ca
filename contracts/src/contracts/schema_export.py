"""Generates the checked-in JSON Schemas and the AsyncAPI document from the models.

``python -m contracts.schema_export`` writes them; ``--check`` exits 1 when the files differ from the models
(the contract tests call :func:`drifted_files`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import topics
from .dead_letters import DeadLetter
from .envelope import Envelope
from .registry import CURRENT_VERSION, TOPIC_TYPES

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "schemas"
ASYNCAPI_FILE = ROOT / "asyncapi.json"

TOPIC_DESCRIPTIONS = {
    topics.REGISTRATIONS_INBOUND: "Registrations from other systems (untrusted). Key: the event id.",
    topics.REGISTRATIONS_OUTCOMES: "What happened to each inbound registration message. Key: the sender's reference.",
    topics.EVENTS: "Events as published by registration. Key: the event id.",
    topics.REGISTRATIONS: "Admitted participants and their changes. Key: the event id.",
    topics.MATCH_DECISIONS_INBOUND: "Requests, answers and cancellations from participants and operators. Key: the event id.",
    topics.MATCHES: "Suggestions and the life of each match. Key: the event id.",
    topics.SCHEDULE: "Meetings placed, moved, cancelled or waiting. Key: the event id.",
    topics.NOTIFICATIONS: "E-mails delivered or failed. Key: the event id.",
    topics.OPERATOR_COMMANDS: "Commands from the operator CLI. Key: the event id.",
}


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[Path, str]:
    """Every generated file and its content."""
    files: dict[Path, str] = {
        SCHEMA_DIR / "Envelope.json": _dump(Envelope.model_json_schema()),
        SCHEMA_DIR / "DeadLetter.json": _dump(DeadLetter.model_json_schema()),
    }
    for models in TOPIC_TYPES.values():
        for model in models:
            version = CURRENT_VERSION[model.__name__]
            files[SCHEMA_DIR / f"{model.__name__}.v{version}.json"] = _dump(model.model_json_schema())
    files[ASYNCAPI_FILE] = _dump(asyncapi_document())
    return files


def asyncapi_document() -> dict[str, Any]:
    """An AsyncAPI 3.0 document: one channel per topic, one message per type, payload = envelope with typed data."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic, models in TOPIC_TYPES.items():
        channel_id = topic.replace(".", "_").replace("-", "_")
        channel_messages = {}
        for model in models:
            name = model.__name__
            channel_messages[name] = {"$ref": f"#/components/messages/{name}"}
            messages[name] = {
                "name": name,
                "title": name,
                "summary": (model.__doc__ or "").strip().splitlines()[0],
                "contentType": "application/json",
                "payload": {
                    "allOf": [
                        {"$ref": "./schemas/Envelope.json"},
                        {
                            "type": "object",
                            "properties": {
                                "type": {"const": name},
                                "schema_version": {"const": CURRENT_VERSION[name]},
                                "data": {"$ref": f"./schemas/{name}.v{CURRENT_VERSION[name]}.json"},
                            },
                        },
                    ]
                },
            }
        channels[channel_id] = {"address": topic, "description": TOPIC_DESCRIPTIONS[topic], "messages": channel_messages}
        if topic in topics.CONSUMED_TOPICS:
            dlq = topics.dead_letter_topic(topic)
            channels[channel_id + "_dlq"] = {
                "address": dlq,
                "description": f"Messages of {topic} that a service could not handle, with the reason.",
                "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
            }
    messages["DeadLetter"] = {
        "name": "DeadLetter",
        "contentType": "application/json",
        "payload": {"$ref": "./schemas/DeadLetter.json"},
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "B2B matchmaking platform",
            "version": "1.0.0",
            "description": "Topics and messages of the registration, matching, scheduling and notifications services. "
            "Every message is an Envelope whose 'data' follows the schema of its 'type'.",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "The local stack."}},
        "channels": channels,
        "components": {"messages": messages},
    }


def drifted_files() -> list[Path]:
    """Generated files whose checked-in content differs from the models (missing ones included)."""
    return [path for path, text in expected_files().items() if not path.exists() or path.read_text() != text]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when the checked-in files differ from the models")
    args = parser.parse_args()
    if args.check:
        drifted = drifted_files()
        for path in drifted:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        if drifted:
            print("run: uv run python -m contracts.schema_export", file=sys.stderr)
            sys.exit(1)
        return
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in expected_files().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

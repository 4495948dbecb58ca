"""``matching-suggest``: an event file in, one JSON line of explained suggestions per participant out."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from matching.cli.suggest import main

EVENT = {
    "event_id": "eu-celac-2026",
    "name": "EU-CELAC Cluster Matchmaking",
    "venue": "Fiera Milano",
    "time_zone": "Europe/Rome",
    "organiser": {"name": "Cluster Office", "email": "office@example.org"},
    "sessions": [{"name": "morning", "day": "2026-06-10", "start": "09:00", "end": "12:00", "slot_minutes": 20}],
    "tables": 20,
    "policy": {
        "sides": [{"name": "europe", "countries": ["DE", "IT", "FR"]}, {"name": "celac", "countries": ["BR", "MX"]}],
        "allowed_side_pairs": [["europe", "celac"]],
    },
}


def registration(reference: str, country: str, offers: list[str], requests: list[str], **profile) -> dict:
    return {
        "source": "eventsite",
        "reference": reference,
        "revision": 1,
        "registration": {
            "person": {"first_name": "Ana", "last_name": "Silva", "email": f"{uuid.uuid4().hex[:8]}@example.org"},
            "organisation": {"name": f"Org {reference}", "type": "sme", "country": country},
            "profile": {
                "offers": [{"kind": "technology", "title": t} for t in offers],
                "requests": [{"kind": "business", "title": t} for t in requests],
                **profile,
            },
            "consents": {"data_processing": True},
        },
    }


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_prints_one_line_per_participant_with_explained_suggestions(tmp_path, capsys) -> None:
    participants = [
        registration("de-sensors", "DE", ["Cold-chain sensors"], ["Mango importers"], target_countries=["BR"]),
        registration("br-mango", "BR", ["Mango exports"], ["Shelf-life monitoring with cold-chain sensors"]),
        registration("it-pasta", "IT", ["Pasta extrusion dies"], ["Durum wheat"]),
        registration("mx-wheat", "MX", ["Durum wheat"], ["Pasta extrusion dies"]),
    ]
    assert main([str(write(tmp_path, {"event": EVENT, "participants": participants})), "--top", "3"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["participant"] for line in lines] == ["de-sensors", "br-mango", "it-pasta", "mx-wheat"]
    first = lines[0]["suggestions"][0]
    assert first["partner"] == "br-mango" and 0 < first["score"] <= 1
    assert "they are in Brazil, one of your target countries" in first["reasons"]
    assert lines[2]["suggestions"][0]["partner"] == "mx-wheat"
    assert all(s["partner"] not in ("de-sensors", "it-pasta") for s in lines[2]["suggestions"])


def test_accepts_full_event_details_too(tmp_path, capsys) -> None:
    details = {**EVENT, "revision": 3, "slots": []}
    participants = [registration("a", "DE", ["Solar inverters"], ["Biogas"]),
                    registration("b", "BR", ["Biogas"], ["Solar inverters"])]
    assert main([str(write(tmp_path, {"event": details, "participants": participants}))]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["suggestions"][0]["partner"] == "b"


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"participants": []}, "event"),
        ({"event": {**EVENT, "time_zone": "Mars/Olympus"}, "participants": []}, "event.time_zone"),
        ({"event": EVENT, "participants": [registration("x", "ZZ", [], [])]},
         "participants[0].registration.organisation.country"),
        ({"event": EVENT, "participants": {"not": "a list"}}, "participants"),
    ],
)
def test_invalid_input_names_the_field_and_fails(tmp_path, capsys, document, named) -> None:
    assert main([str(write(tmp_path, document))]) == 2
    assert named in capsys.readouterr().err


def test_a_file_that_is_not_json_fails_clearly(tmp_path, capsys) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    assert main([str(path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err

"""The operator command lines against the running stack, run as an operator runs them: as programs."""

from __future__ import annotations

import asyncio
import csv
import sys
import uuid
from pathlib import Path

import pytest

from support.kafka import random_event_id

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[4]
EXAMPLES = ROOT / "deploy" / "examples"
BIN = Path(sys.executable).parent


async def run(program: str, *args: str, timeout: float = 90) -> tuple[int, str, str]:
    executable = BIN / program
    assert executable.exists(), f"{executable} is missing: run 'uv sync --all-packages' to install the console scripts"
    process = await asyncio.create_subprocess_exec(
        str(executable), *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, out.decode(), err.decode()


def event_file(tmp_path: Path, event_id: str, example: str = "hannover-2027.yaml") -> Path:
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    path = tmp_path / f"{event_id}.yaml"
    path.write_text(text.replace("event_id: hannover-messe-2027", f"event_id: {event_id}")
                    .replace("event_id: milan-eu-celac-2027", f"event_id: {event_id}"), encoding="utf-8")
    return path


async def published_event(tmp_path: Path, watch) -> str:
    event_id = random_event_id("cli")
    events = await watch("events")
    code, out, err = await run("registration-event", "publish", str(event_file(tmp_path, event_id)))
    assert code == 0, err
    await events.wait_for(lambda m: m["event_id"] == event_id and m["type"] == "EventPublished")
    return event_id


async def test_publishing_an_event_file_makes_the_event_appear_on_events(tmp_path, watch):
    event_id = random_event_id("cli")
    commands, events = await watch("operator.commands"), await watch("events")
    code, out, err = await run("registration-event", "publish", str(event_file(tmp_path, event_id, "milan-eu-celac-2027.yaml")), "--wait")
    assert code == 0, err
    assert "capacity: 40 tables x 18 slots = 720 meetings" in out
    assert f"the service published event {event_id} as revision 1 with 18 slots" in out

    command = (await commands.wait_for(lambda m: m["event_id"] == event_id))[0]
    assert (command["type"], command["producer"], command["_key"]) == ("PublishEvent", "operator-cli", event_id)
    published = (await events.wait_for(lambda m: m["event_id"] == event_id))[0]
    assert published["type"] == "EventPublished" and published["causation_id"] == command["message_id"]
    event = published["data"]["event"]
    pairs = [(p["first"], p["second"]) if isinstance(p, dict) else tuple(p) for p in event["policy"]["allowed_side_pairs"]]
    assert len(event["slots"]) == 18 and pairs == [("europe", "celac")]
    assert "NO" in event["policy"]["sides"][0]["countries"]


async def test_a_broken_event_file_is_not_published(tmp_path, watch):
    event_id = random_event_id("cli")
    commands = await watch("operator.commands")
    path = event_file(tmp_path, event_id)
    path.write_text(path.read_text().replace("tables: 20", "tabels: 20"))
    code, out, err = await run("registration-event", "publish", str(path))
    assert code == 1 and "tabels: unknown key; did you mean 'tables'?" in err
    await asyncio.sleep(0.5)
    assert not commands.matching(lambda m: m["event_id"] == event_id)


async def test_imported_rows_are_answered_and_a_second_import_reports_updates_and_refusals(tmp_path, watch):
    event_id = await published_event(tmp_path, watch)
    source = f"cli-test-{uuid.uuid4().hex[:8]}"
    outcomes = await watch("registrations.outcomes")
    code, out, err = await run(
        "registration-import", str(EXAMPLES / "participants-sample.csv"), "--event", event_id, "--source", source, "--wait",
    )
    assert code == 1, "the sample's broken row makes the import fail"
    assert "row 13 (reference hm27-012): rejected" in out
    assert "answers from the registration service: 11 accepted" in out
    assert "[published] 11/11 (100%)" in err and "[answered] 11/11 (100%)" in err
    answered = await outcomes.wait_for(lambda m: m["data"]["source"] == source, count=11)
    assert {a["data"]["status"] for a in answered} == {"accepted"}
    assert {a["_key"] for a in answered} == {f"hm27-{n:03d}" for n in range(1, 12)}

    # a second export: one row changed (with a higher revision), one new row naming a slot the event does not have
    with (EXAMPLES / "participants-sample.csv").open(encoding="utf-8", newline="") as sample:
        rows = {row["reference"]: row for row in csv.DictReader(sample)}
    changed = {**rows["hm27-003"], "revision": "2", "description": "Mechanical engineering, Industry 4.0 and robotics."}
    refused = {**rows["hm27-005"], "reference": "hm27-105", "unavailable_slots": "2027-04-13T13:40"}
    again = tmp_path / "again.csv"
    with again.open("w", encoding="utf-8", newline="") as export:
        writer = csv.DictWriter(export, fieldnames=list(changed))
        writer.writeheader()
        writer.writerows([changed, refused])
    code, out, err = await run("registration-import", str(again), "--event", event_id, "--source", source, "--wait")
    assert code == 1, "a row refused by the service makes the import fail"
    assert "answers from the registration service: 1 updated, 1 refused" in out
    assert "row 3 (reference hm27-105): refused by the service" in out
    assert f"unavailable_slots (item 1): '2027-04-13T13:40' is not a slot of event {event_id}" in out

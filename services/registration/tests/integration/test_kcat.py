"""The kcat command documented in docs/integrating.md publishes the documented example, and it is accepted."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from contracts.operator import PublishEvent
from registration.cli.event_file import load_event
from support.kafka import BOOTSTRAP, envelope_bytes, publish_raw, random_event_id

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[4]
DOC = ROOT / "docs" / "integrating.md"
DOC_EVENT = "hannover-messe-2027"


def marked_block(kind: str, name: str) -> str:
    found = re.search(rf"<!-- {kind}:{name} -->\s*```\w*\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert found, f"docs/integrating.md has no block marked <!-- {kind}:{name} -->"
    return found.group(1)


async def test_the_documented_kcat_command_registers_the_documented_example(tmp_path, producer, watch):
    if shutil.which("kcat") is None:
        pytest.fail("kcat is not installed (it is not on PATH); install it with: apt-get install -y kcat")
    event_id = random_event_id("kcat")
    example = marked_block("example", "registration-submitted")
    command = marked_block("command", "kcat-publish")
    assert DOC_EVENT in example and DOC_EVENT in command

    events, outcomes = await watch("events"), await watch("registrations.outcomes")
    draft = load_event(ROOT / "deploy" / "examples" / "hannover-2027.yaml").model_copy(update={"event_id": event_id})
    value, _ = envelope_bytes(PublishEvent(event=draft), event_id, "operator-cli")
    await publish_raw(producer, "operator.commands", value, event_id)
    await events.wait_for(lambda m: m["event_id"] == event_id and m["type"] == "EventPublished")

    inbound = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False, group_id=None)
    await inbound.start()
    try:
        partitions = [TopicPartition("registrations.inbound", p) for p in range(3)]
        inbound.assign(partitions)
        await inbound.seek_to_end(*partitions)
        for partition in partitions:
            await inbound.position(partition)

        (tmp_path / "registration.json").write_text(example.replace(DOC_EVENT, event_id), encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            "bash", "-euo", "pipefail", "-c", command.replace(DOC_EVENT, event_id), cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, f"the documented command failed: {err.decode()}"

        record = None
        while record is None:
            batches = await asyncio.wait_for(inbound.getmany(timeout_ms=500), 30)
            record = next((r for rs in batches.values() for r in rs if r.key == event_id.encode()), None)
    finally:
        await inbound.stop()
    expected = DefaultPartitioner()(event_id.encode(), list(range(3)), list(range(3)))
    assert record.partition == expected, "kcat must partition like the Java client (murmur2), as the doc says"
    sent = json.loads(record.value)
    assert sent["message_id"] != json.loads(example)["message_id"], "the command gives the message a fresh id"
    assert f"published message {sent['message_id']}" in out.decode()

    answer = (await outcomes.wait_for(lambda m: m["data"].get("inbound_message_id") == sent["message_id"]))[0]
    assert answer["data"]["status"] == "accepted", answer["data"]["reasons"]
    assert (answer["event_id"], answer["_key"]) == (event_id, "reg-000417")

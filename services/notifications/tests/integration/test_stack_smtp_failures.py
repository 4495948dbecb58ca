"""What happens when the mail server says no: a second notifications process, pointed at a scripted SMTP server,
retries what is worth retrying and reports what failed.

The stack's own notifications process keeps running and mails the same people into the Maildir; this one has its
own database, its own consumer groups (starting at the current end of every topic), its own HTTP port and its own
UID domain, so what it reports on ``notifications`` is told apart by the domain of the Message-ID.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiosmtpd.controller import Controller

from contracts.topics import EVENTS, MATCHES, OPERATOR_COMMANDS, PARTITIONS, REGISTRATIONS, SCHEDULE
from support.kafka import BOOTSTRAP
from support.processes import free_port, ready

from notifications_stack import delivery_log, wait_for_log

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[4]
CONSUMED = (EVENTS, REGISTRATIONS, MATCHES, SCHEDULE, OPERATOR_COMMANDS)
UID_DOMAIN = "smtp-failures.test.example"


class ScriptedMailServer:
    """An SMTP handler: ``greylist[address] = n`` answers 451 to the first n attempts, then accepts;
    ``refuse_rcpt`` / ``refuse_data`` answer 550 / 554 to every attempt. Anybody else is accepted."""

    def __init__(self) -> None:
        self.greylist: dict[str, int] = {}
        self.refuse_rcpt: set[str] = set()
        self.refuse_data: set[str] = set()
        self.attempts: Counter[str] = Counter()
        self.accepted: dict[str, list[bytes]] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        address = address.lower()
        self.attempts[address] += 1
        if address in self.refuse_rcpt:
            return "550 5.1.1 mailbox unavailable"
        if self.attempts[address] <= self.greylist.get(address, 0):
            return "451 4.7.1 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(address in self.refuse_data for address in envelope.rcpt_tos):
            return "554 5.7.1 message refused as spam"
        for address in envelope.rcpt_tos:
            self.accepted.setdefault(address, []).append(envelope.content)
        return "250 Message accepted for delivery"


async def start_at_the_end(group_prefix: str) -> None:
    """Commit the current end of every consumed topic for the new groups, so the process ignores history."""
    for topic in CONSUMED:
        consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=f"{group_prefix}.{topic}", enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions)
            await consumer.commit(ends)
        finally:
            await consumer.stop()


class SecondProcess:
    def __init__(self, smtp_port: int, tmp: Path) -> None:
        tag = uuid.uuid4().hex[:8]
        self.http_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.http_port}"
        self.database = f"notifications_smtp_test_{tag}"
        self.group_prefix = f"notifications-smtp-test-{tag}"
        self.log_path = tmp / "notifications-second.log"
        self.env = {
            **os.environ,
            "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
            "NOTIFICATIONS_SMTP_PORT": str(smtp_port),
            "NOTIFICATIONS_HTTP_PORT": str(self.http_port),
            "NOTIFICATIONS_MONGO_DATABASE": self.database,
            "NOTIFICATIONS_CONSUMER_GROUP": self.group_prefix,
            "NOTIFICATIONS_RETRY_FIRST_DELAY_SECONDS": "0.2",
            "NOTIFICATIONS_MAX_ATTEMPTS": "3",
            "NOTIFICATIONS_UID_DOMAIN": UID_DOMAIN,
        }
        self.proc: subprocess.Popen | None = None

    async def start(self, timeout: float = 90.0) -> None:
        await start_at_the_end(self.group_prefix)
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "python"), "-m", "notifications"], cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not await asyncio.to_thread(ready, f"{self.base_url}/ready"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the second notifications process did not become ready:\n{self.log_tail()}")
            await asyncio.sleep(0.3)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def mail_server():
    handler = ScriptedMailServer()
    # Without SMTPUTF8, like an older relay (aiosmtpd offers it unless told otherwise).
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=False)
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
async def second_process(mail_server, tmp_path_factory):
    from pymongo import AsyncMongoClient

    process = SecondProcess(mail_server[1], tmp_path_factory.mktemp("notifications-second"))
    try:
        await process.start()
        yield process
    finally:
        process.stop()
        client = AsyncMongoClient("mongodb://127.0.0.1:27017")
        with contextlib.suppress(Exception):
            await client.drop_database(process.database)
        await client.close()


async def wait_until(condition, what: str, timeout: float = 90.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        await asyncio.sleep(0.1)


def reported(type_name: str, participant_id: str):
    return lambda m: m["type"] == type_name and m["data"]["participant_id"] == participant_id and (
        type_name != "NotificationSent" or m["data"]["email_message_id"].endswith(f"@{UID_DOMAIN}>")
    )


async def test_a_greylisted_e_mail_is_retried_until_the_server_takes_it(world, watch, mail_server, second_process):
    server, _ = mail_server
    notifications = await watch("notifications")
    anna = world.person("Anna", "Schmidt", organisation="Foodtech Cluster BW")
    server.greylist[anna.email] = 2
    await world.open_event()
    await world.register(anna)  # the registration confirmation is the e-mail at stake

    await wait_until(lambda: anna.email in server.accepted, f"the e-mail to {anna.email} to be accepted")
    assert server.attempts[anna.email] == 3
    assert b"Your registration for EU Cluster Matchmaking at Hannover Messe is confirmed" in server.accepted[anna.email][0]
    (sent,) = await notifications.wait_for(reported("NotificationSent", anna.participant_id))
    assert sent["data"]["kinds"] == ["registration_confirmed"]

    (entry,) = await wait_for_log(anna.participant_id, lambda e: e and e[0]["status"] == "sent", second_process.base_url)
    assert entry["attempts"] == 3
    assert [error[:3] for error in entry["errors"]] == ["451", "451"]
    assert entry["email_message_id"] == sent["data"]["email_message_id"]


@pytest.mark.parametrize("stage", ["rcpt", "data"])
async def test_a_refused_e_mail_is_not_retried_and_is_reported_failed(world, watch, mail_server, second_process, stage):
    server, _ = mail_server
    notifications = await watch("notifications")
    jonas = world.person("Jonas", "Weber", organisation="ColdChain Sensors GmbH")
    (server.refuse_rcpt if stage == "rcpt" else server.refuse_data).add(jonas.email)
    await world.open_event()
    await world.register(jonas)

    (failed,) = await notifications.wait_for(reported("NotificationFailed", jonas.participant_id))
    code = "550" if stage == "rcpt" else "554"
    assert failed["data"]["error"].startswith(code), failed["data"]
    assert failed["data"]["attempts"] == 1 and failed["data"]["kinds"] == ["registration_confirmed"]
    (entry,) = await wait_for_log(jonas.participant_id, lambda e: e and e[0]["status"] == "failed", second_process.base_url)
    assert entry["attempts"] == 1 and entry["errors"][0].startswith(code)

    await asyncio.sleep(1.5)  # several retry delays (0.2 s, 0.4 s): a retry would have happened by now
    assert server.attempts[jonas.email] == 1
    assert jonas.email not in server.accepted
    assert [e["status"] for e in await delivery_log(jonas.participant_id, second_process.base_url)] == ["failed"]
    assert not notifications.matching(reported("NotificationSent", jonas.participant_id))


async def test_an_address_needing_smtputf8_is_refused_for_good_by_a_server_without_it(world, watch, mail_server, second_process):
    server, _ = mail_server
    notifications = await watch("notifications")
    jose = world.person("José", "Pérez", organisation="Lácteos Pérez", country="MX")
    jose = dataclasses.replace(jose, email=f"josé-{jose.participant_id}@participants.example")
    await world.open_event()
    await world.register(jose)

    (failed,) = await notifications.wait_for(reported("NotificationFailed", jose.participant_id))
    assert failed["data"]["error"].startswith("553") and "SMTPUTF8" in failed["data"]["error"], failed["data"]
    assert failed["data"]["attempts"] == 1
    assert not [address for address in server.attempts if jose.participant_id in address], "the address never reached RCPT"

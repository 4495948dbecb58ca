"""One e-mail per change per recipient, whatever the redeliveries."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from notifications.domain import MeetingScheduled, dedupe_key, gathered_dedupe_key, message_id_for

UTC = timezone.utc


def test_the_key_is_deterministic_and_per_recipient(build):
    anna, maria = build.party(), build.party()
    change = build.scheduled(build.meeting(anna, maria, datetime(2026, 4, 20, 8, tzinfo=UTC)))

    assert dedupe_key(change, build.recipient_for(anna)) == dedupe_key(change, build.recipient_for(anna))
    assert dedupe_key(change, build.recipient_for(anna)) != dedupe_key(change, build.recipient_for(maria))


def test_a_republished_meeting_version_with_a_new_message_id_is_the_same_change(build):
    anna, maria = build.party(), build.party()
    meeting = build.meeting(anna, maria, datetime(2026, 4, 20, 8, tzinfo=UTC))
    original = MeetingScheduled(change_id="message-1", occurred_at=datetime(2026, 4, 1, tzinfo=UTC), meeting=meeting)
    republished = MeetingScheduled(change_id="message-2", occurred_at=datetime(2026, 4, 1, 0, 5, tzinfo=UTC), meeting=meeting)
    recipient = build.recipient_for(anna)

    assert dedupe_key(original, recipient) == dedupe_key(republished, recipient)


def test_each_version_of_a_meeting_is_its_own_change(build):
    anna, maria = build.party(), build.party()
    meeting = build.meeting(anna, maria, datetime(2026, 4, 20, 8, tzinfo=UTC))
    moved = build.moved(meeting, meeting.starts_at + timedelta(hours=1))
    recipient = build.recipient_for(anna)

    assert dedupe_key(build.scheduled(meeting), recipient) != dedupe_key(moved, recipient)


def test_message_ids_are_valid_stable_and_distinct():
    first = message_id_for("notification:v1:p-1:meeting_scheduled:meeting-9:v1", "matchmaking.example")

    assert first == message_id_for("notification:v1:p-1:meeting_scheduled:meeting-9:v1", "matchmaking.example")
    assert first != message_id_for("notification:v1:p-2:meeting_scheduled:meeting-9:v1", "matchmaking.example")
    assert re.fullmatch(r"<[0-9a-f]{40}@matchmaking\.example>", first)


def test_gathered_key_ignores_order_and_duplicates():
    assert gathered_dedupe_key(["a", "b", "a"]) == gathered_dedupe_key(["b", "a"])
    assert gathered_dedupe_key(["a"]) == "a"
    assert gathered_dedupe_key(["a", "b"]) != gathered_dedupe_key(["a", "c"])

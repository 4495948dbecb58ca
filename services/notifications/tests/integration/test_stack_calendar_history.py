"""A meeting's whole history reaches each participant's calendar client as invitations that update one entry."""

from __future__ import annotations

import icalendar
import pytest

from support.mail import calendar_parts, wait_for_mail

from notifications_stack import CalendarClient, about_meeting

pytestmark = pytest.mark.stack


async def test_scheduled_moved_then_cancelled_leaves_one_entry_after_the_move_and_none_after_the_cancellation(
    make_world,
):
    world = make_world(time_zone="Europe/Rome")  # EU-CELAC at Expo Milano
    await world.open_event()
    chiara = world.person("Chiara", "Bianchi", organisation="Lombardia Agrifood Cluster", country="IT")
    lucia = world.person("Lucía", "Fernández", language="es", organisation="Lácteos del Sur", country="AR")
    await world.register(chiara, lucia)
    meeting = world.meeting(chiara, lucia, slot=0, table=4)
    new_place = world.slot(3, table=7)

    clients = {person.email: CalendarClient() for person in (chiara, lucia)}
    seen: dict[str, set[str]] = {person.email: set() for person in (chiara, lucia)}
    history = [meeting.scheduled(), meeting.rescheduled(new_place), meeting.cancelled()]
    for step, change in enumerate(history, start=1):
        await world.publish(change)
        for person in (chiara, lucia):
            mails = await wait_for_mail(person.email, count=step, predicate=about_meeting(meeting))
            fresh = [m for m in mails if m["Message-ID"] not in seen[person.email]]
            assert len(fresh) == 1, [m["Subject"] for m in fresh]  # one e-mail per change
            seen[person.email].add(fresh[0]["Message-ID"])
            clients[person.email].receive_mail(fresh[0])

            calendar = icalendar.Calendar.from_ical(calendar_parts(fresh[0])[0])
            assert calendar["METHOD"] == ("CANCEL" if step == 3 else "REQUEST")
            zones = [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")]
            assert zones == ["Europe/Rome"]
            vevent = calendar.walk("VEVENT")[0]
            assert vevent["DTSTART"].params["TZID"] == "Europe/Rome"
            assert int(vevent["SEQUENCE"]) == step

        if step == 2:  # moved: exactly one entry per client, at the new time, in the venue's zone
            for client in clients.values():
                assert len(client.entries) == 1, client.entries
                (entry,) = client.entries.values()
                assert entry.start == new_place.start and entry.end == new_place.end
                assert entry.sequence == 2 and entry.tzid == "Europe/Rome"

    for email, client in clients.items():
        assert client.entries == {}, f"{email}'s calendar still holds {client.entries}"

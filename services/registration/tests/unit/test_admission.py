"""Who is admitted: deadline, capacity, stale and unchanged revisions, erasure, unknown slots."""

from __future__ import annotations

import datetime as dt

from contracts.events import EventDetails
from registration.domain.admission import ParticipantStatus, StoredRegistration, Verdict, decide
from registration.domain.grid import derive_slots
from support.samples import event_draft, registration

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def event(**overrides) -> EventDetails:
    draft = event_draft("admission-test", **overrides)
    return EventDetails(**draft.model_dump(), revision=1, slots=derive_slots(draft))


def stored(submission, status=ParticipantStatus.ACTIVE, revision=None) -> StoredRegistration:
    return StoredRegistration("p-1", status, revision or submission.revision, submission.registration)


def with_unavailable(slots=(), times=()):
    return registration(availability={"unavailable_slots": list(slots), "unavailable_times": list(times)})


def test_a_newcomer_is_admitted_and_unavailable_times_become_slot_ids():
    submission = with_unavailable(["2027-04-13T16:00"], [{"start": "2027-04-13T12:00:00Z", "end": "2027-04-13T12:30:00Z"}])
    admission = decide(event(), None, 1, submission.registration, admitted=0, now=NOW)
    assert admission.verdict is Verdict.ADMIT
    assert admission.unavailable_slot_ids == ("2027-04-13T14:00", "2027-04-13T14:20", "2027-04-13T16:00")


def test_after_the_deadline_newcomers_are_refused_but_admitted_participants_may_still_update():
    closed = event(registration_deadline="2027-02-28T23:59:00+01:00")
    late = decide(closed, None, 1, registration().registration, admitted=0, now=NOW)
    assert late.verdict is Verdict.REFUSE and "registration closed" in late.reasons[0][1]
    admitted = registration()
    changed = admitted.registration.model_copy(update={"meeting_cap": 3})
    update = decide(closed, stored(admitted), 2, changed, admitted=1, now=NOW)
    assert (update.verdict, update.changed_fields) == (Verdict.UPDATE, ["meeting_cap"])


def test_a_full_event_refuses_the_next_newcomer():
    full = decide(event(capacity=2), None, 1, registration().registration, admitted=2, now=NOW)
    assert full.verdict is Verdict.REFUSE and "all 2 places are taken" in full.reasons[0][1]
    assert decide(event(capacity=2), None, 1, registration().registration, admitted=1, now=NOW).verdict is Verdict.ADMIT


def test_a_closed_event_refuses_newcomers():
    refused = decide(event(status="closed"), None, 1, registration().registration, admitted=0, now=NOW)
    assert refused.verdict is Verdict.REFUSE and "closed" in refused.reasons[0][1]


def test_an_older_or_equal_but_different_revision_is_stale_and_the_same_one_unchanged():
    submission = registration(revision=3)
    older = decide(event(), stored(submission), 2, submission.registration, admitted=1, now=NOW)
    assert older.verdict is Verdict.STALE and older.reasons == [("revision", "revision 2 is not newer than 3")]
    different = submission.registration.model_copy(update={"meeting_cap": 4})
    assert decide(event(), stored(submission), 3, different, admitted=1, now=NOW).verdict is Verdict.STALE
    assert decide(event(), stored(submission), 3, submission.registration, admitted=1, now=NOW).verdict is Verdict.UNCHANGED
    assert decide(event(), stored(submission), 4, submission.registration, admitted=1, now=NOW).verdict is Verdict.UNCHANGED


def test_an_erased_registration_never_comes_back_whatever_its_revision():
    gone = StoredRegistration("p-1", ParticipantStatus.ERASED, 1, None)
    refused = decide(event(), gone, 99, registration().registration, admitted=0, now=NOW)
    assert refused.verdict is Verdict.REFUSE and "erased" in refused.reasons[0][1]


def test_a_withdrawn_participant_may_rejoin_with_a_higher_revision():
    submission = registration()
    withdrawn = stored(submission, ParticipantStatus.WITHDRAWN)
    assert decide(event(), withdrawn, 2, submission.registration, admitted=0, now=NOW).verdict is Verdict.ADMIT
    assert decide(event(), withdrawn, 1, submission.registration, admitted=0, now=NOW).verdict is Verdict.UNCHANGED


def test_unknown_slot_ids_are_refused_naming_each_field():
    submission = with_unavailable(["2027-04-13T14:00", "2027-04-13T13:40", "2027-04-14T09:00"])
    refused = decide(event(), None, 1, submission.registration, admitted=0, now=NOW)
    assert refused.verdict is Verdict.REFUSE
    assert [field for field, _ in refused.reasons] == [
        "registration.availability.unavailable_slots.1", "registration.availability.unavailable_slots.2",
    ]
    assert "'2027-04-13T13:40' is not a slot of event admission-test" in refused.reasons[0][1]

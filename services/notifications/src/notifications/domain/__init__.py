"""The notifications domain: what a participant is told, in their language, with calendar data that stays exact.

Pure: no broker, store, SMTP connection, clock or logging. The service around it calls these entry points.

Types (frozen dataclasses; datetimes are timezone-aware, kept in UTC):
    Recipient(participant_id, name, email, preferred_language, organisation, role=None)
    EventInfo(event_id, name, venue, time_zone, organiser_name, organiser_email)
    MeetingParty(participant_id, name, organisation, email)
    MeetingInfo(meeting_id, version, starts_at, ends_at, table, participants, facilitator=None, accompanied=False)
    Changes (all with change_id, occurred_at):
        RegistrationConfirmed(), RegistrationRefused(reasons)
        SuggestionsUpdated(suggestions: tuple[Suggestion(partner_name, organisation, country, score, reasons,
                           request_url), ...])
        MeetingRequestReceived(match_id, requester, requester_country, note, accept_url, decline_url)
        MeetingScheduled(meeting), MeetingRescheduled(meeting, previous_starts_at, previous_ends_at,
                         previous_table=None), MeetingCancelled(meeting, reason)
        MeetingUnplaceable(match_id, partner, reason)
        AgendaIssued(meetings, gaps=(AgendaGap(starts_at, ends_at, kind "free"|"break", label=None), ...))
    Sender(address, domain, name=None)

Composing:
    compose(changes, *, recipient, event, sender, dedupe_key, now) -> Email(sender, recipient, data, smtputf8).parsed()
    render_mail(changes, *, recipient, event) -> RenderedMail(language, subject, text, html)
    invitation(change, *, recipient, event, uid_domain) -> CalendarFile(method, filename, content)
    agenda_export(meetings, *, recipient, event, uid_domain, stamp) -> CalendarFile | None
    meeting_uid(meeting_id, domain) -> str
    resolve_language(tag) -> ResolvedLanguage(language, locale)

Exactly once, in bursts:
    dedupe_key(change, recipient) -> str
    gathered_dedupe_key(keys) -> str
    message_id_for(key, domain) -> str
    bursts_for(pending: [PendingChange(change, arrived_at)], *, recipient, policy: GatheringPolicy)
        -> list[Burst(recipient, changes, dedupe_key, change_keys)]
    Pace(settle, spacing, digest).due_at(arrived_at, *, last_mailed, digest=False) -> datetime
    latest_per_meeting(changes) -> list[MeetingChange]

Retrying:
    classify_smtp_failure(reply_code: int | None) -> FailureKind.TRANSIENT | FailureKind.PERMANENT
    RetryPolicy(max_attempts, first_delay, max_delay, jitter)
        .should_retry(failed_attempts, failure) -> bool
        .delay_bounds(failed_attempts) -> (shortest, longest)
        .delay(failed_attempts, random_fraction) -> timedelta
"""

from notifications.domain.batching import (
    Burst, GatheringPolicy, Pace, PendingChange, bursts_for, latest_per_meeting,
)
from notifications.domain.calendar import CalendarFile, agenda_export, invitation, meeting_uid
from notifications.domain.changes import (
    AgendaGap,
    AgendaIssued,
    Change,
    MeetingCancelled,
    MeetingChange,
    MeetingRequestReceived,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingUnplaceable,
    RegistrationConfirmed,
    RegistrationRefused,
    Suggestion,
    SuggestionsUpdated,
)
from notifications.domain.composition import Email, Sender, compose
from notifications.domain.dedupe import dedupe_key, gathered_dedupe_key, message_id_for
from notifications.domain.event_info import EventInfo
from notifications.domain.language import ResolvedLanguage, resolve_language
from notifications.domain.mail_rendering import RenderedMail, render_mail
from notifications.domain.meeting_info import MeetingInfo, MeetingParty
from notifications.domain.recipient import Recipient
from notifications.domain.retry_policy import FailureKind, RetryPolicy, classify_smtp_failure

__all__ = [
    "AgendaGap",
    "AgendaIssued",
    "Burst",
    "CalendarFile",
    "Change",
    "EventInfo",
    "FailureKind",
    "GatheringPolicy",
    "Pace",
    "MeetingCancelled",
    "MeetingChange",
    "MeetingInfo",
    "MeetingParty",
    "MeetingRequestReceived",
    "MeetingRescheduled",
    "MeetingScheduled",
    "MeetingUnplaceable",
    "PendingChange",
    "Recipient",
    "RegistrationConfirmed",
    "RegistrationRefused",
    "RenderedMail",
    "ResolvedLanguage",
    "RetryPolicy",
    "Sender",
    "Suggestion",
    "SuggestionsUpdated",
    "agenda_export",
    "classify_smtp_failure",
    "compose",
    "Email",
    "dedupe_key",
    "bursts_for",
    "gathered_dedupe_key",
    "invitation",
    "latest_per_meeting",
    "meeting_uid",
    "message_id_for",
    "render_mail",
    "resolve_language",
]

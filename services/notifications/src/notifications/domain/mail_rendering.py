"""Turning changes into the words of an e-mail: subject, plain text and HTML, from the templates.

Layout lives in ``templates/mail`` (one body per format, one section per kind of change, a subject template);
sentences live in the per-language catalogues. The HTML environment escapes everything by default and the
catalogue escapes the fields it formats, so participant-supplied text can never become markup. Links are only
rendered when they are http(s), so a forged ``javascript:`` link cannot reach an inbox.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from notifications.domain.changes import AgendaGap, Change, MeetingCancelled, MeetingRescheduled, MeetingScheduled
from notifications.domain.event_info import EventInfo
from notifications.domain.language import resolve_language
from notifications.domain.meeting_info import MeetingInfo, MeetingParty
from notifications.domain.message_catalogue import MessageCatalogue, catalogue_for
from notifications.domain.reader_formats import ReaderFormats
from notifications.domain.recipient import Recipient

_UNSAFE_LINK = "#"


@dataclass(frozen=True)
class RenderedMail:
    """The words of one e-mail in the recipient's language."""

    language: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Section:
    """One change as a template sees it: the meeting it concerns and, for a participant, their partner in it."""

    kind: str
    change: Change
    meeting: MeetingInfo | None
    partner: MeetingParty | None


def render_mail(changes: Sequence[Change], *, recipient: Recipient, event: EventInfo) -> RenderedMail:
    """Subject and bodies telling ``recipient`` about ``changes`` (in the order given), in their language."""
    if not changes:
        raise ValueError("an e-mail needs at least one change to tell about")
    resolved = resolve_language(recipient.preferred_language)
    catalogue = catalogue_for(resolved)
    formats = ReaderFormats(catalogue, event.zone)
    sections = [_section(change, recipient) for change in changes]
    context = {
        "recipient": recipient,
        "event": event,
        "sections": sections,
        "formats": formats,
        "reason": catalogue.reason,
        "language": resolved.language,
    }
    # A subject is one line whatever a participant put in their name.
    subject = " ".join(_render("subject.txt.j2", catalogue, context, html=False).split())
    text = _render("body.txt.j2", catalogue, context, html=False)
    html = _render("body.html.j2", catalogue, {**context, "subject": subject}, html=True)
    return RenderedMail(resolved.language, subject, text, html)


def _section(change: Change, recipient: Recipient) -> Section:
    if isinstance(change, MeetingScheduled | MeetingRescheduled | MeetingCancelled):
        return Section(change.kind, change, change.meeting, change.meeting.partner_of(recipient.participant_id))
    return Section(change.kind, change, None, None)


def _render(name: str, catalogue: MessageCatalogue, context: dict, *, html: bool) -> str:
    environment = _html_environment() if html else _text_environment()
    return environment.get_template(name).render(**context, t=catalogue.html if html else catalogue.text)


@pass_context
def _heading(context: Context, kind: str) -> str:
    return context["t"](f"{kind}.heading")


@pass_context
def _groupby_local_day(context: Context, entries: Iterable[MeetingInfo | AgendaGap]) -> list[tuple[str, list]]:
    """Agenda entries grouped by their day at the venue, each group titled with that day's date."""
    formats: ReaderFormats = context["formats"]
    groups = itertools.groupby(entries, key=lambda entry: formats.local(entry.starts_at).date())
    days = [list(group) for _, group in groups]
    return [(formats.date(day[0].starts_at), day) for day in days]


def _safe_url(url: str) -> str:
    return url if url.lower().startswith(("https://", "http://")) else _UNSAFE_LINK


def _environment(*, html: bool) -> Environment:
    environment = Environment(
        loader=PackageLoader("notifications", "templates/mail"),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates ship with the code: no file check on every e-mail
    )
    environment.filters["safe_url"] = _safe_url
    environment.filters["heading"] = _heading
    environment.filters["groupby_local_day"] = _groupby_local_day
    return environment


@lru_cache(maxsize=1)
def _text_environment() -> Environment:
    return _environment(html=False)


@lru_cache(maxsize=1)
def _html_environment() -> Environment:
    return _environment(html=True)

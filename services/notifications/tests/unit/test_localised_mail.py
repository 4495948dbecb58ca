"""What a reader sees: their language, their date format, the venue's clock, and names shown, never run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from notifications.domain import (
    AgendaGap,
    AgendaIssued,
    MeetingRequestReceived,
    MeetingUnplaceable,
    RegistrationConfirmed,
    RegistrationRefused,
    Suggestion,
    SuggestionsUpdated,
    render_mail,
)
from notifications.domain.language import SUPPORTED_LANGUAGES
from notifications.domain.message_catalogue import catalogue_keys

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _scheduled_mail(build, language: str, zone: str = "Europe/Berlin"):
    anna, maria = build.party("Anna Schmidt", "Acme GmbH"), build.party("Maria Silva", "Cluster Sul")
    # 29 March 2026 is the day Berlin moves to summer time: 08:00 UTC is 10:00 at the venue.
    meeting = build.meeting(anna, maria, datetime(2026, 3, 29, 8, 0, tzinfo=UTC), table="12")
    return render_mail([build.scheduled(meeting)], recipient=build.recipient_for(maria, language), event=build.event(zone))


def test_the_german_e_mail_is_german_with_german_dates(build):
    mail = _scheduled_mail(build, "de-DE")

    assert mail.language == "de"
    assert mail.subject == "Gespräch mit Anna Schmidt am Sonntag, 29. März 2026 um 10:00 Uhr"
    assert mail.text.startswith("Guten Tag Maria Silva,")
    assert "Ihr Gespräch mit Anna Schmidt (Acme GmbH) ist eingeplant." in mail.text
    assert "Sonntag, 29. März 2026, 10:00–10:20 Uhr (Mitteleuropäische Sommerzeit, Europe/Berlin)" in mail.text
    assert "Hannover Messe, Hall 2, Tisch 12" in mail.text
    assert "Mit freundlichen Grüßen" in mail.text
    assert '<html lang="de">' in mail.html
    assert "Sonntag, 29. März 2026" in mail.html


@pytest.mark.parametrize("language", ["tlh", "", "zz-ZZ", "en-US", "EN", "x-private"])
def test_an_unknown_or_english_language_gets_english(build, language):
    mail = _scheduled_mail(build, language)

    assert mail.language == "en"
    assert mail.text.startswith("Dear Maria Silva,")
    # CLDR puts a narrow no-break space before AM/PM.
    assert "Sunday, March 29, 2026, 10:00\u202fAM–10:20\u202fAM (Central European Summer Time, Europe/Berlin)" in mail.text


@pytest.mark.parametrize(
    ("language", "greeting", "date"),
    [
        ("fr-FR", "Bonjour Maria Silva,", "dimanche 29 mars 2026, 10:00–10:20 (heure d’été d’Europe centrale, Europe/Berlin)"),
        ("es", "Estimado/a Maria Silva:", "domingo, 29 de marzo de 2026, 10:00–10:20 (hora de verano de Europa central, Europe/Berlin)"),
        ("pt-BR", "Olá, Maria Silva,", "domingo, 29 de março de 2026, 10:00–10:20 (Horário de Verão da Europa Central, Europe/Berlin)"),
        ("pt_PT", "Olá, Maria Silva,", "domingo, 29 de março de 2026"),
        ("en-GB", "Dear Maria Silva,", "Sunday, 29 March 2026, 10:00–10:20 (Central European Summer Time, Europe/Berlin)"),
    ],
)
def test_each_language_has_its_own_words_and_date_format(build, language, greeting, date):
    mail = _scheduled_mail(build, language)

    assert mail.text.startswith(greeting)
    assert date in mail.text


def test_times_are_shown_at_the_venue_clock_with_the_zone_named(build):
    mail = _scheduled_mail(build, "pt-BR", zone="America/Sao_Paulo")

    assert "domingo, 29 de março de 2026, 05:00–05:20 (Horário Padrão de Brasília, America/Sao_Paulo)" in mail.text


def test_participant_supplied_names_are_escaped_in_html_and_kept_in_text(build):
    attacker = build.party('<script>alert("x")</script>', "<img src=x onerror=alert(1)>")
    maria = build.party("Maria", "Sul")
    meeting = build.meeting(attacker, maria, datetime(2026, 4, 20, 8, tzinfo=UTC))
    request = MeetingRequestReceived(
        change_id="m-1",
        occurred_at=T0,
        match_id="match-1",
        requester=attacker,
        requester_country="DE",
        note="</blockquote><a href='https://evil.example'>click</a>",
        accept_url="https://matchmaking.example/accept/1",
        decline_url="javascript:alert(1)",
    )

    mail = render_mail([build.scheduled(meeting), request], recipient=build.recipient_for(maria), event=build.event())

    assert "<script>" not in mail.html
    assert "<img" not in mail.html
    assert "<a href='https://evil.example'>" not in mail.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in mail.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in mail.html
    assert 'href="https://matchmaking.example/accept/1"' in mail.html
    assert "javascript:" not in mail.html and "javascript:" not in mail.text
    assert '<script>alert("x")</script>' in mail.text


def test_unplaceable_says_what_happens_next(build):
    maria, anna = build.party("Maria"), build.party("Anna", "Acme")
    change = MeetingUnplaceable(change_id="u-1", occurred_at=T0, match_id="match-1", partner=anna, reason="no_common_free_slot")

    english = render_mail([change], recipient=build.recipient_for(maria), event=build.event())
    german = render_mail([change], recipient=build.recipient_for(maria, "de"), event=build.event())

    assert "It stays on the waiting list and you will hear from us as soon as a slot frees up." in english.text
    assert "you and your partner have no free slot in common" in english.text
    assert "Das Gespräch bleibt auf der Warteliste" in german.text
    assert "Sie und Ihr Partner haben keinen gemeinsamen freien Termin" in german.text


def test_free_text_reasons_are_shown_as_written(build):
    maria = build.party("Maria")
    change = RegistrationRefused(change_id="r-1", occurred_at=T0, reasons=("event_full", "Bitte Umsatzsteuer-ID nachreichen"))

    mail = render_mail([change], recipient=build.recipient_for(maria, "fr"), event=build.event())

    assert "- l’événement est complet" in mail.text
    assert "- Bitte Umsatzsteuer-ID nachreichen" in mail.text


def test_suggestions_name_the_country_and_score_in_the_reader_s_language(build):
    maria = build.party("Maria")
    suggestion = Suggestion(
        partner_name="Klaus Weber",
        organisation="Automotive Cluster Stuttgart",
        country="DE",
        score=0.87,
        reasons=("Sie suchen Leichtbau, Klaus bietet Leichtbau",),
        request_url="https://matchmaking.example/request/abc",
    )
    change = SuggestionsUpdated(change_id="s-1", occurred_at=T0, suggestions=(suggestion,))

    mail = render_mail([change], recipient=build.recipient_for(maria, "es"), event=build.event())

    assert mail.subject == "1 nueva sugerencia de socio para EU Cluster Matchmaking"
    assert "(Alemania)" in mail.text
    assert "87" in mail.text and "%" in mail.text
    assert "https://matchmaking.example/request/abc" in mail.text
    assert 'href="https://matchmaking.example/request/abc"' in mail.html


def test_the_agenda_lists_meetings_and_gaps_in_time_order_by_day(build):
    maria = build.party("Maria")
    first_day = datetime(2026, 4, 20, 7, 0, tzinfo=UTC)
    late = build.meeting(maria, build.party("Zoe", "Z Ltd"), first_day + timedelta(hours=2), table="4")
    early = build.meeting(maria, build.party("Ana", "A SA"), first_day, table="9")
    next_day = build.meeting(maria, build.party("Bo", "B AB"), first_day + timedelta(days=1), table="1")
    gaps = (
        AgendaGap(starts_at=first_day + timedelta(minutes=20), ends_at=first_day + timedelta(minutes=40), kind="free"),
        AgendaGap(starts_at=first_day + timedelta(minutes=40), ends_at=first_day + timedelta(hours=2), kind="break", label="Coffee"),
    )
    agenda = AgendaIssued(change_id="a-1", occurred_at=T0, meetings=(late, next_day, early), gaps=gaps)

    text = render_mail([agenda], recipient=build.recipient_for(maria, "de"), event=build.event()).text

    order = [
        "Montag, 20. April 2026",
        "09:00–09:20  Gespräch mit Ana (A SA), Tisch 9",
        "09:20–09:40  Frei",
        "09:40–11:00  Coffee",
        "11:00–11:20  Gespräch mit Zoe (Z Ltd), Tisch 4",
        "Dienstag, 21. April 2026",
        "09:00–09:20  Gespräch mit Bo (B AB), Tisch 1",
    ]
    positions = [text.index(line) for line in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_catalogue_translates_every_english_message(language):
    assert catalogue_keys(language) == catalogue_keys("en")


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_kind_of_news_renders_in_every_language(build, language):
    maria, anna, fatima = build.party("Maria"), build.party("Anna"), build.party("Fátima")
    meeting = build.meeting(maria, anna, datetime(2026, 4, 20, 8, tzinfo=UTC), facilitator=fatima, accompanied=True)
    changes = [
        RegistrationConfirmed(change_id="c-1", occurred_at=T0),
        RegistrationRefused(change_id="c-2", occurred_at=T0, reasons=("incomplete_profile",)),
        SuggestionsUpdated(change_id="c-3", occurred_at=T0, suggestions=()),
        MeetingRequestReceived(change_id="c-4", occurred_at=T0, match_id="m", requester=anna, requester_country=None, note=None, accept_url="https://a.example", decline_url="https://d.example"),
        build.scheduled(meeting),
        build.moved(meeting, meeting.starts_at + timedelta(hours=1)),
        build.cancelled(meeting),
        MeetingUnplaceable(change_id="c-8", occurred_at=T0, match_id="m", partner=anna, reason="no_free_table"),
        AgendaIssued(change_id="c-9", occurred_at=T0, meetings=()),
    ]
    for reader in (build.recipient_for(maria, language), build.recipient_for(fatima, language, role="facilitator")):
        mail = render_mail(changes, recipient=reader, event=build.event())
        assert mail.language == language
        assert mail.subject and "{" not in mail.subject and "\n" not in mail.subject
        assert "{" not in mail.text
        assert mail.html.count("<section") == len(changes)

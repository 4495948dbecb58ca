"""One-click links over HTTP. GET shows what the link will do and asks for a click (mail scanners follow GET links,
so GET never acts); POST verifies the signature again and submits the decision on match-decisions.inbound,
the same door every other decision uses. A tampered or expired link gets a clear page, never a stack trace."""

from __future__ import annotations

import html
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from contracts.envelope import new_envelope
from contracts.matching import Decision, MatchDecisionSubmitted
from contracts.topics import MATCH_DECISIONS_INBOUND

from ..domain.links import LinkError, LinkPayload, verify_link

Publish = Callable[[str, bytes, bytes], Awaitable[None]]

_WORDS = {
    "request": ("Request a meeting", "Send a meeting request to this participant?", "Send the request"),
    "accept": ("Accept the meeting", "Accept this meeting request?", "Accept"),
    "decline": ("Decline the meeting", "Decline this meeting request?", "Decline"),
}
_ERRORS = {
    LinkError.EXPIRED: (410, "This link has expired", "Ask the organiser for a new link, or answer from your latest e-mail."),
    LinkError.TAMPERED: (400, "This link is not valid", "It may have been changed or cut off. Open it from the e-mail again."),
    LinkError.MALFORMED: (400, "This link is not valid", "It may have been cut off. Open it from the e-mail again."),
}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    text = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>{html.escape(title)}</title></head><body style='font-family:sans-serif;max-width:36em;margin:3em auto'>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(text, status_code=status)


def link_routes(keys: list[bytes], publish: Publish) -> list[Route]:
    def check(token: str) -> LinkPayload | HTMLResponse:
        verdict = verify_link(token, keys, time.time())
        if isinstance(verdict, LinkError):
            status, title, advice = _ERRORS[verdict]
            return _page(title, f"<p>{html.escape(advice)}</p>", status)
        return verdict

    async def show(request: Request) -> HTMLResponse:
        verdict = check(request.path_params["token"])
        if isinstance(verdict, HTMLResponse):
            return verdict
        title, question, button = _WORDS[verdict.action]
        form = (
            f"<p>{html.escape(question)}</p><form method='post'>"
            f"<button type='submit' style='font-size:1.2em;padding:.5em 1.5em'>{html.escape(button)}</button></form>"
        )
        return _page(title, form)

    async def act(request: Request) -> HTMLResponse:
        verdict = check(request.path_params["token"])
        if isinstance(verdict, HTMLResponse):
            return verdict
        decision = MatchDecisionSubmitted(
            decision=Decision(verdict.action), participant_id=verdict.actor_id, other_participant_id=verdict.subject_id
        )
        envelope = new_envelope(decision, producer="matching-links", event_id=verdict.event_id)
        await publish(MATCH_DECISIONS_INBOUND, envelope.model_dump_json().encode(), verdict.event_id.encode())
        return _page("Thank you", "<p>Your answer is on its way. You will receive an e-mail when it is processed.</p>")

    return [Route("/act/{token}", show, methods=["GET"]), Route("/act/{token}", act, methods=["POST"])]

"""Sends e-mails over SMTP with aiosmtplib; failures carry the server's reply code so the retry policy can tell
transient (4xx, connection) from permanent (5xx) ones."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from ..application.ports import SmtpFailure


class SmtpTransport:
    def __init__(self, host: str, port: int, *, starttls: bool, username: str, password: str, timeout: float) -> None:
        self._options = dict(
            hostname=host, port=port, start_tls=starttls, username=username or None, password=password or None,
            timeout=timeout,
        )

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(message, **self._options)
        except aiosmtplib.SMTPResponseException as exc:
            raise SmtpFailure(f"{exc.code} {exc.message}", exc.code) from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            # The usual place for "no such mailbox" (550) and greylisting (451) is the RCPT reply; aiosmtplib
            # reports it without a code of its own, so the code is the (only) recipient's.
            refusal = exc.recipients[0] if exc.recipients else None
            if refusal is None:
                raise SmtpFailure(f"recipients refused: {exc}", None) from exc
            raise SmtpFailure(f"{refusal.code} {refusal.message}", refusal.code) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise SmtpFailure(f"{type(exc).__name__}: {exc}", None) from exc

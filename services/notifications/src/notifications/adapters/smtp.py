"""Sends e-mails over SMTP with aiosmtplib; failures carry the server's reply code so the retry policy can tell
transient (4xx, connection) from permanent (5xx) ones.

Connections are kept and reused (up to the number of e-mails sent at once): a new connection per e-mail costs a
handshake (and with STARTTLS a TLS negotiation) every time. A connection that fails in any way is dropped.
"""

from __future__ import annotations

import asyncio

import aiosmtplib

from ..application.ports import SmtpFailure
from ..domain import Email


class SmtpTransport:
    def __init__(
        self, host: str, port: int, *, starttls: bool, username: str, password: str, timeout: float, connections: int = 8
    ) -> None:
        self._options = dict(hostname=host, port=port, start_tls=starttls, timeout=timeout)
        self._login = (username, password) if username else None
        self._idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue(maxsize=connections)

    async def _connection(self) -> aiosmtplib.SMTP:
        while not self._idle.empty():
            client = self._idle.get_nowait()
            if client.is_connected:
                return client
        client = aiosmtplib.SMTP(**self._options)
        await client.connect()
        if self._login:
            await client.login(*self._login)
        return client

    async def send(self, email: Email) -> None:
        client = None
        try:
            client = await self._connection()
            await client.sendmail(
                email.sender, [email.recipient], email.data, mail_options=["SMTPUTF8"] if email.smtputf8 else None
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            # The usual place for "no such mailbox" (550) and greylisting (451) is the RCPT reply; aiosmtplib
            # reports it without a code of its own, so the code is the (only) recipient's.
            self._drop(client)
            refusal = exc.recipients[0] if exc.recipients else None
            if refusal is None:
                raise SmtpFailure(f"recipients refused: {exc}", None) from exc
            raise SmtpFailure(f"{refusal.code} {refusal.message}", refusal.code) from exc
        except aiosmtplib.SMTPNotSupported as exc:
            # Only SMTPUTF8 is asked for: an address with other than ASCII before the @ that this server cannot
            # carry. 553 is what a server without the extension answers such an address (RFC 6531): permanent.
            self._drop(client)
            raise SmtpFailure(f"553 the mail server does not offer SMTPUTF8, which this address needs ({exc})", 553) from exc
        except aiosmtplib.SMTPResponseException as exc:
            self._drop(client)
            raise SmtpFailure(f"{exc.code} {exc.message}", exc.code) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            self._drop(client)
            raise SmtpFailure(f"{type(exc).__name__}: {exc}", None) from exc
        else:
            try:
                self._idle.put_nowait(client)
            except asyncio.QueueFull:
                await client.quit()

    @staticmethod
    def _drop(client: aiosmtplib.SMTP | None) -> None:
        if client is not None:
            client.close()

"""An SMTP server on loopback that keeps every message it receives as a file in a Maildir folder.

Tests and people read what the platform sent with ``mailbox.Maildir`` or any mail reader. Run by stack.py.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", required=True, type=Path)
    args = parser.parse_args()
    for sub in ("cur", "new", "tmp"):  # a Maildir is these three folders; readers expect all of them
        (args.maildir / sub).mkdir(parents=True, exist_ok=True)
    # With SMTPUTF8 (aiosmtpd's default, said here because it matters): an address with other than ASCII before the @
    # needs it (RFC 6531), and mail servers today offer it.
    controller = Controller(Mailbox(str(args.maildir)), hostname=args.host, port=args.port, enable_SMTPUTF8=True)
    controller.start()
    print(f"SMTP sink on {args.host}:{args.port}, writing to {args.maildir}", flush=True)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
